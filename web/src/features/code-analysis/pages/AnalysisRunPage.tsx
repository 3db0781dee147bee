import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useRef } from 'react';
import { can } from '../../../lib/access.js';
import { formatDateTime } from '../../../lib/format.js';
import { useTRPC, type RouterOutputs } from '../../../lib/trpc.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { EmptyState, ErrorAlert, Loading, LoadFailure } from '../../../ui/Feedback.js';
import { PageHeader } from '../../../ui/PageHeader.js';
import { AnalysisBreadcrumbs } from '../components/AnalysisBreadcrumbs.js';
import { SeverityBadge, StageBar } from '../components/AnalysisBadges.js';
import { isEndStage, reportDetails, sortFindings, type AnalysisFrame } from '../state.js';
import { useAnalysisEvents, type Connection } from '../use-analysis-events.js';

type AnalysisRun = RouterOutputs['analysis']['get'];

const connectionLabels: Record<Connection, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  closed: '',
};

function RunView({ run, projectId }: { run: AnalysisRun; projectId: string }) {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const queryClient = useQueryClient();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  // The run row carries the report (skipped files, errors): refetch it when a stage ends, coalesced.
  const onFrame = (frame: AnalysisFrame) => {
    if (frame.type === 'stage' || isEndStage(frame.type as never)) {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        void queryClient.invalidateQueries({ queryKey: trpc.analysis.get.queryKey({ id: run.id }) });
        void queryClient.invalidateQueries({ queryKey: trpc.analysis.list.pathKey() });
      }, 200);
    }
  };
  const { state: live, connection } = useAnalysisEvents({ runId: run.id, workspaceId: ws.id, onFrame });
  const cancel = useMutation(trpc.analysis.cancel.mutationOptions());
  const stage = live.stage ?? run.stage;
  const isEnded = isEndStage(stage);
  const details = reportDetails(run.report);
  const findings = sortFindings(live.findings);
  const findingsUrl = {
    to: '/w/$workspaceId/projects/$projectId/repositories/$repositoryId/findings',
    params: { workspaceId: ws.id, projectId, repositoryId: run.repositoryId },
  } as const;
  const filesDone = live.stage ? live.filesDone : run.filesDone;
  const filesTotal = live.stage ? live.filesTotal : run.filesTotal;
  const pct = filesTotal ? Math.round((filesDone / filesTotal) * 100) : isEnded ? 100 : 0;
  return (
    <div className="page page-wide">
      <AnalysisBreadcrumbs
        projectId={projectId}
        repositoryId={run.repositoryId}
        trail={[<span key="run">Analysis</span>]}
      />
      <PageHeader
        title={
          <>
            Analysis{' '}
            <span className={`badge run-badge run-${isEnded ? stage : 'running'}`} data-testid="analysis-status">
              {isEnded ? null : <span className="pulse" aria-hidden="true" />}
              {stage}
            </span>
            {connection !== 'closed' && !isEnded ? (
              <span className={`conn conn-${connection}`}>{connectionLabels[connection]}</span>
            ) : null}
          </>
        }
        titleClassName="run-title"
        description={
          <>
            Started {formatDateTime(run.createdAt)}
            {run.commitSha ? (
              <>
                {' '}
                at <span className="mono">{run.commitSha.slice(0, 12)}</span>
              </>
            ) : null}
          </>
        }
      >
        <span className="row">
          {!isEnded && can(ws, 'analysis:run') ? (
            <button
              type="button"
              className="btn btn-danger-ghost"
              disabled={cancel.isPending || cancel.data?.status === 'cancelling'}
              onClick={() => cancel.mutate({ id: run.id })}
              data-testid="analysis-cancel"
            >
              {cancel.data?.status === 'cancelling' ? 'Cancelling…' : 'Cancel'}
            </button>
          ) : null}
          {stage === 'completed' ? (
            <a
              className="btn"
              href={`/api/v1/code-analysis/${encodeURIComponent(run.id)}/sarif?tenant=${encodeURIComponent(ws.id)}`}
              download
              data-testid="analysis-sarif"
            >
              Download SARIF
            </a>
          ) : null}
          <Link {...findingsUrl} className="btn" data-testid="analysis-findings-link">
            All findings
          </Link>
        </span>
      </PageHeader>
      {cancel.error ? <ErrorAlert error={cancel.error} /> : null}
      <StageBar state={live.stage ? live : { stage: run.stage, reached: null }} />
      <dl className="stats run-stats">
        <div className="card stat">
          <dt className="stat-label">Files</dt>
          <dd className="stat-value" data-testid="analysis-files">
            {filesDone}/{filesTotal}
          </dd>
        </div>
        <div className="card stat">
          <dt className="stat-label">Findings</dt>
          <dd className="stat-value" data-testid="analysis-findings-count">
            {live.stage ? live.findingsCount : run.findingsCount}
          </dd>
        </div>
        {live.summary ? (
          <>
            <div className="card stat">
              <dt className="stat-label">New</dt>
              <dd className="stat-value">{live.summary.new}</dd>
            </div>
            <div className="card stat">
              <dt className="stat-label">Fixed</dt>
              <dd className="stat-value">{live.summary.fixed}</dd>
            </div>
            <div className="card stat">
              <dt className="stat-label">Skipped</dt>
              <dd className="stat-value">{live.summary.skipped}</dd>
            </div>
          </>
        ) : null}
      </dl>
      <div
        className="progress analysis-progress"
        role="progressbar"
        aria-valuenow={pct}
        aria-valuemin={0}
        aria-valuemax={100}
      >
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      {live.currentPath && !isEnded ? (
        <p className="muted small" data-testid="analysis-current-file">
          {live.stage}: <span className="mono">{live.currentPath}</span>
        </p>
      ) : null}
      {stage === 'failed' && (live.error ?? run.error) ? (
        <ErrorAlert>
          <strong className="alert-title">The analysis failed</strong>
          <span data-testid="analysis-error">{live.error ?? run.error}</span>
        </ErrorAlert>
      ) : null}
      {live.notes.length ? (
        <ul className="list stage-notes" data-testid="analysis-notes">
          {live.notes.map((n, i) => (
            <li key={i} className="small">
              <span className="chip">{n.stage}</span> {n.note}
            </li>
          ))}
        </ul>
      ) : null}
      <section className="card analysis-findings">
        <h2>Findings{findings.length ? ` (${findings.length})` : ''}</h2>
        {findings.length === 0 ? (
          <p className="muted">{isEnded ? 'No new or changed findings in this run.' : 'None yet.'}</p>
        ) : (
          <ul className="list" data-testid="live-findings">
            {findings.map((f) => (
              <li key={f.id} className="list-item live-finding" data-testid="live-finding">
                <SeverityBadge severity={f.severity} />
                <Link
                  to="/w/$workspaceId/projects/$projectId/repositories/$repositoryId/findings/$findingId"
                  params={{ workspaceId: ws.id, projectId, repositoryId: run.repositoryId, findingId: f.id }}
                >
                  {f.message}
                </Link>
                <span className="mono small">{f.ruleId}</span>
                <span className="mono small muted">
                  {f.path}:{f.line}
                </span>
                {f.baselineState === 'new' ? <span className="chip">new</span> : <span />}
              </li>
            ))}
          </ul>
        )}
      </section>
      {live.patterns.length || live.docs.length ? (
        <section className="card" data-testid="analysis-patterns">
          {live.patterns.length ? (
            <>
              <h2>Patterns ({live.patterns.length})</h2>
              <ul className="list small">
                {live.patterns.map((p, i) => (
                  <li key={i}>
                    <span className="chip">{p.kind}</span> {p.name}{' '}
                    <span className="muted">({p.confidence} confidence)</span>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {live.docs.length ? (
            <>
              <h2>Docs ({live.docs.length})</h2>
              <ul className="list small">
                {live.docs.map((d, i) => (
                  <li key={i}>
                    <span className="chip">{d.kind}</span> {d.title}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
      ) : null}
      {details.skippedCount > 0 ? (
        <details className="card" data-testid="analysis-skipped">
          <summary>Skipped files ({details.skippedCount})</summary>
          <ul className="list small">
            {details.skipped.map((s, i) => (
              <li key={i}>
                <span className="mono">{s.path}</span> — {s.reason}
                {s.detail ? <span className="muted"> ({s.detail})</span> : null}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      {details.errors.length > 0 ? (
        <details className="card" data-testid="analysis-errors" open>
          <summary>Analyzer errors ({details.errors.length})</summary>
          <ul className="list small">
            {details.errors.map((e, i) => (
              <li key={i}>
                {e.where ? <span className="mono">{e.where}: </span> : null}
                {e.message}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}

/** `/w/$workspaceId/projects/$projectId/repositories/$repositoryId/analysis/$runId`: an analysis run, followed live. */
export function AnalysisRunPage() {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const { runId, projectId, repositoryId } = useParams({
    from: '/w/$workspaceId/projects/$projectId/repositories/$repositoryId/analysis/$runId',
  });
  const canRead = can(ws, 'analysis:read');
  const run = useQuery({ ...trpc.analysis.get.queryOptions({ id: runId }), enabled: canRead });
  if (!canRead) return <EmptyState title="You don't have access to code analysis here." />;
  if (run.isPending) return <Loading />;
  if (run.isError) {
    return (
      <LoadFailure error={run.error} notFoundTitle="Analysis not found">
        <Link
          to="/w/$workspaceId/projects/$projectId/repositories"
          params={{ workspaceId: ws.id, projectId }}
          search={{}}
        >
          Back to repositories
        </Link>
      </LoadFailure>
    );
  }
  if (run.data.repositoryId !== repositoryId) return <EmptyState title="Analysis not found" />;
  return <RunView key={run.data.id} run={run.data} projectId={projectId} />;
}
