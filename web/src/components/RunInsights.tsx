import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { can } from '../lib/access.js';
import { useTRPC } from '../lib/trpc.js';
import type { RunInsight } from '../lib/workflows.js';
import { ErrorAlert, Loading } from './Feedback.js';
import { InsightChips, useRefreshMemory } from './MemoryLabels.js';
import { useToast } from './Toasts.js';
import { useWorkspace } from './WorkspaceContext.js';

function RunInsightCard({ insight: i, runId }: { insight: RunInsight; runId: string }) {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const toast = useToast();
  const queryClient = useQueryClient();
  const refreshMemory = useRefreshMemory();
  const onStatus = (verb: string) => async () => {
    toast.success(`Insight ${verb}`);
    await Promise.all([queryClient.invalidateQueries({ queryKey: trpc.runs.insights.queryKey({ id: runId }) }), refreshMemory()]);
  };
  const approve = useMutation(trpc.insights.approve.mutationOptions({ onSuccess: onStatus('approved') }));
  const reject = useMutation(trpc.insights.reject.mutationOptions({ onSuccess: onStatus('rejected') }));
  const isBusy = approve.isPending || reject.isPending;
  return (
    <article className={`card insight-card status-card-${i.status}`} data-testid="run-insight" data-status={i.status}>
      <div className="insight-head">
        <InsightChips type={i.type} severity={i.severity} status={i.status} category={i.category} />
        <span className="muted small">from step {i.originStep ?? '—'}</span>
      </div>
      <h3 className="insight-title">
        <Link to="/w/$workspaceId/memory/insights/$insightId" params={{ workspaceId: ws.id, insightId: i.id }} className="project-link">
          {i.title}
        </Link>
      </h3>
      {i.detail ? <p className="insight-text">{i.detail}</p> : null}
      {i.suggestion ? (
        <p className="insight-text insight-suggestion">
          <span className="insight-label">Suggestion</span> {i.suggestion}
        </p>
      ) : null}
      {can(ws, 'memory:write') ? (
        <div className="insight-actions">
          {i.status !== 'approved' ? (
            <button type="button" className="btn btn-sm btn-approve" disabled={isBusy} onClick={() => approve.mutate({ id: i.id })} aria-label={`Approve: ${i.title}`}>
              Approve
            </button>
          ) : null}
          {i.status !== 'rejected' ? (
            <button type="button" className="btn btn-sm btn-danger-ghost" disabled={isBusy} onClick={() => reject.mutate({ id: i.id })} aria-label={`Reject: ${i.title}`}>
              Reject
            </button>
          ) : null}
        </div>
      ) : null}
    </article>
  );
}

/** The insights a run's review steps proposed, with approve / reject. */
export function RunInsights({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const insights = useQuery(trpc.runs.insights.queryOptions({ id: runId }));
  const list = insights.data ?? [];
  const proposed = list.filter((i) => i.status === 'proposed').length;
  return (
    <section className="section" aria-labelledby="run-insights-title" data-testid="run-insights">
      <div className="section-head">
        <h2 id="run-insights-title">Proposed insights</h2>
        {list.length ? (
          <span className="muted small">
            {list.length} proposed by review steps · {proposed} awaiting triage
          </span>
        ) : null}
      </div>
      {insights.isPending ? <Loading /> : null}
      {insights.isError ? <ErrorAlert error={insights.error} /> : null}
      {insights.data && list.length === 0 ? <p className="muted">None yet. Review steps propose insights for the project’s memory when they complete.</p> : null}
      <div className="insight-list">
        {list.map((i) => (
          <RunInsightCard key={i.id} insight={i} runId={runId} />
        ))}
      </div>
    </section>
  );
}
