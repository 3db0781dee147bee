import { PageHeader } from '../../../ui/PageHeader.js';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { EmptyState, ErrorAlert, Loading, LoadFailure } from '../../../ui/Feedback.js';
import { formatCost, formatTokens } from '../../../ui/LlmFormat.js';
import { RunControls } from '../components/RunControls.js';
import { RunInsights } from '../components/RunInsights.js';
import { RunStatusBadge, StepPills } from '../components/RunStatus.js';
import { RunStepPanel } from '../components/RunStepPanel.js';
import { WorkflowBreadcrumbs } from '../../workflows/components/WorkflowBreadcrumbs.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { can } from '../../../lib/access.js';
import { formatDateTime } from '../../../lib/format.js';
import type { Frame } from '../state.js';
import { useTRPC } from '../../../lib/trpc.js';
import { useRunEvents, type Connection } from '../use-run-events.js';
import { formatDuration, isRunEnded, type RunDetail } from '../../workflows/workflows.js';

/** The current time, ticking every second while `isTicking`. */
/** One figure in the run's stats row: a term and its value in a card. */
function RunStat({ label, testId, children }: { label: string; testId?: string; children: ReactNode }) {
  return (
    <div className="card stat">
      <dt className="stat-label">{label}</dt>
      <dd className="stat-value" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

function useNow(isTicking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!isTicking) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [isTicking]);
  return now;
}

/** Refetches after events that change stored data, coalescing bursts (a replay sends many at once). */
function useRefetchOnFrames(runId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const timers = useRef<Record<string, ReturnType<typeof setTimeout>>>({});
  useEffect(() => {
    const pending = timers.current;
    return () => Object.values(pending).forEach(clearTimeout);
  }, []);
  const later = (key: string, fn: () => Promise<unknown>) => {
    clearTimeout(timers.current[key]);
    timers.current[key] = setTimeout(() => void fn(), 200);
  };
  return (frame: Frame) => {
    const t = frame.type;
    if (
      t === 'step.completed' ||
      t === 'step.failed' ||
      t === 'step.progress' ||
      t === 'run.completed' ||
      t === 'run.failed' ||
      t === 'run.cancelled' ||
      t === 'run.queued'
    ) {
      later('run', () =>
        Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.runs.get.queryKey({ id: runId }) }),
          queryClient.invalidateQueries({ queryKey: trpc.runs.list.pathKey() }),
        ]),
      );
    }
    if ((t === 'step.completed' && frame.data.insightIds.length) || t === 'run.completed') {
      later('insights', () => queryClient.invalidateQueries({ queryKey: trpc.runs.insights.queryKey({ id: runId }) }));
    }
  };
}

const connectionLabels: Record<Connection, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  closed: '',
};

function RunView({ run }: { run: RunDetail }) {
  const ws = useWorkspace();
  const defSteps = run.definition.steps;
  const stepNames = defSteps.length ? defSteps.map((s) => s.name) : run.steps.map((s) => s.name);
  const onFrame = useRefetchOnFrames(run.id);
  const { state: live, connection, follow } = useRunEvents({ runId: run.id, workspaceId: ws.id, stepNames, onFrame });
  const status = live.status ?? run.status;
  const isEnded = isRunEnded(status);
  const now = useNow(!isEnded && !!live.startedAt);
  const tokensIn = live.totals?.tokensIn ?? run.tokensIn;
  const tokensOut = live.totals?.tokensOut ?? run.tokensOut;
  const costUsd = live.totals ? live.totals.costUsd : run.costUsd;
  const unpricedCalls = live.totals ? live.totals.unpricedCalls : run.unpricedCalls;
  const startedMs = live.startedAt ? Date.parse(live.startedAt) : null;
  const duration =
    live.totals?.durationMs ??
    (startedMs === null ? null : (live.endedAt ? Date.parse(live.endedAt) : now) - startedMs);
  const failedStep = live.steps.find((s) => s.status === 'failed');
  return (
    <div className="page page-wide">
      <WorkflowBreadcrumbs
        trail={[
          run.workflowId ? (
            <Link
              key="workflow"
              to="/w/$workspaceId/workflows/$workflowId"
              params={{ workspaceId: ws.id, workflowId: run.workflowId }}
            >
              {run.workflowName}
            </Link>
          ) : (
            <span key="workflow">{run.workflowName}</span>
          ),
          <span key="run">Run</span>,
        ]}
      />
      <PageHeader
        title={
          <>
            {run.workflowName} <RunStatusBadge status={status} testId="run-status" />
            {connection !== 'closed' && !isEnded ? (
              <span className={`conn conn-${connection}`}>{connectionLabels[connection]}</span>
            ) : null}
          </>
        }
        titleClassName="run-title"
        description={<>Started {formatDateTime(run.createdAt)}</>}
      >
        <RunControls runId={run.id} status={status} steps={live.steps} onRetried={follow} />
      </PageHeader>
      <dl className="stats run-stats">
        <RunStat label="Tokens in" testId="run-tokens-in">
          {formatTokens(tokensIn)}
        </RunStat>
        <RunStat label="Tokens out">{formatTokens(tokensOut)}</RunStat>
        <RunStat label="Cost" testId="run-cost">
          {!isEnded && !tokensIn && !tokensOut ? '—' : formatCost(costUsd, unpricedCalls)}
        </RunStat>
        <RunStat label="Duration" testId="run-duration">
          {formatDuration(duration)}
        </RunStat>
        <RunStat label="Steps done">
          {live.steps.filter((s) => s.status === 'completed').length}/{live.steps.length}
        </RunStat>
      </dl>
      <StepPills steps={live.steps} />
      {live.resumedAttempt ? (
        <p className={`alert ${isEnded ? 'alert-info' : 'alert-warn'} small`} role="status" data-testid="run-resumed">
          {isEnded
            ? `A worker stopped during this run; it resumed on attempt ${live.resumedAttempt} without re-running finished steps.`
            : `Worker stopped; resuming (attempt ${live.resumedAttempt}).`}
        </p>
      ) : null}
      {status === 'failed' && (live.error ?? run.error) ? (
        <ErrorAlert>
          <strong className="alert-title">The run failed{failedStep ? ` at step ${failedStep.index + 1}` : ''}</strong>
          <span data-testid="run-error">{live.error ?? run.error}</span>
        </ErrorAlert>
      ) : null}
      {run.input ? (
        <details className="card run-input">
          <summary>Input ({formatTokens(run.input.length)} characters)</summary>
          <pre className="mono">{run.input}</pre>
        </details>
      ) : null}
      <div className="run-steps">
        {live.steps.map((s) => (
          <RunStepPanel
            key={s.index}
            live={s}
            row={run.steps.find((r) => r.position === s.index)}
            def={defSteps[s.index]}
          />
        ))}
      </div>
      {defSteps.some((s) => s.type === 'review') ? <RunInsights runId={run.id} /> : null}
    </div>
  );
}

/** `/w/$workspaceId/runs/$runId`: a run, followed live. */
export function RunPage() {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const { runId } = useParams({ from: '/w/$workspaceId/runs/$runId' });
  const run = useQuery({ ...trpc.runs.get.queryOptions({ id: runId }), enabled: can(ws, 'workflows:read') });
  if (!can(ws, 'workflows:read')) return <EmptyState title="You don't have access to workflows here." />;
  if (run.isPending) return <Loading />;
  if (run.isError) {
    return (
      <LoadFailure error={run.error} notFoundTitle="Run not found">
        <Link to="/w/$workspaceId/workflows" params={{ workspaceId: ws.id }}>
          Back to workflows
        </Link>
      </LoadFailure>
    );
  }
  return <RunView key={run.data.id} run={run.data} />;
}
