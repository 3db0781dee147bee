import { Link } from '@tanstack/react-router';
import { formatDateTime } from '../../../lib/format.js';
import type { RunStatus, RunSummary, StepStatus } from '../../workflows/workflows.js';
import { formatCost, formatTokens } from '../../../ui/LlmFormat.js';

const runStatusLabels: Record<RunStatus, string> = {
  queued: 'queued',
  running: 'running',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** A run's status as a coloured badge (animated while running). */
export function RunStatusBadge({ status, testId }: { status: RunStatus; testId?: string }) {
  return (
    <span className={`badge run-badge run-${status}`} data-testid={testId}>
      {status === 'running' ? <span className="pulse" aria-hidden="true" /> : null}
      {runStatusLabels[status]}
    </span>
  );
}

/** One pill per step, coloured by status; each links to its panel below. */
export function StepPills({ steps }: { steps: readonly { index: number; name: string; status: StepStatus }[] }) {
  return (
    <ol className="step-pills" aria-label="Steps">
      {steps.map((s) => (
        <li key={s.index}>
          <a
            href={`#step-${s.index}`}
            className={`step-pill pill-${s.status}`}
            data-testid="step-pill"
            data-status={s.status}
            title={`${s.name}: ${s.status}`}
          >
            <span className="step-pill-n">{s.index + 1}</span>
            {s.name}
            <span className="sr-only"> ({s.status})</span>
          </a>
        </li>
      ))}
    </ol>
  );
}

/** The start of a run's input on one line: what tells two runs of one workflow apart. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Runs as a list linking to their pages, each with the start of its input. */
export function RunList({
  runs,
  workspaceId,
  showWorkflow = false,
}: {
  runs: readonly RunSummary[];
  workspaceId: string;
  showWorkflow?: boolean;
}) {
  return (
    <ul className="list run-list" data-testid="run-list">
      {runs.map((r) => (
        <li key={r.id} className="list-item run-item" data-testid="run-item">
          <Link to="/w/$workspaceId/runs/$runId" params={{ workspaceId, runId: r.id }} className="list-link">
            <span className="list-title">{showWorkflow ? r.workflowName : formatDateTime(r.createdAt)}</span>
            <span
              className="run-input-preview small"
              data-testid="run-input-preview"
              title={r.inputPreview || undefined}
            >
              {r.inputPreview ? oneLine(r.inputPreview) : <span className="muted">No input</span>}
            </span>
            <span className="muted small">
              {showWorkflow ? `${formatDateTime(r.createdAt)} · ` : ''}
              {formatTokens(r.tokensIn + r.tokensOut, true)} tokens · {formatCost(r.costUsd, r.unpricedCalls)}
            </span>
          </Link>
          <RunStatusBadge status={r.status} />
        </li>
      ))}
    </ul>
  );
}
