import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { can } from '../../../lib/access.js';
import { plural } from '../../../lib/format.js';
import { useTRPC, type RouterOutputs } from '../../../lib/trpc.js';
import { ErrorAlert } from '../../../ui/Feedback.js';
import { useRefreshMemory } from './MemoryLabels.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { QueryStatus } from '../../../ui/QueryStatus.js';

type Backfill = RouterOutputs['insights']['backfill'];
type Counts = RouterOutputs['memory']['status']['entries'];

function CountRow({ label, counts }: { label: string; counts: Counts }) {
  const cell = (n: number, warn: boolean) => <td className={`num${warn && n > 0 ? ' count-warn' : ''}`}>{n}</td>;
  return (
    <tr data-testid={`status-${label.toLowerCase()}`}>
      <th scope="row">{label}</th>
      {cell(counts.total, false)}
      {cell(counts.missing, true)}
      {cell(counts.stale, true)}
      {cell(counts.failed, true)}
    </tr>
  );
}

/** How many rows lack a current vector, and a backfill that embeds them (admins). */
export function EmbeddingStatusPanel() {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const refresh = useRefreshMemory();
  const [result, setResult] = useState<Backfill | null>(null);
  const status = useQuery(trpc.memory.status.queryOptions());
  const backfill = useMutation(
    trpc.insights.backfill.mutationOptions({
      meta: { inline: true },
      onMutate: () => setResult(null),
      onSuccess: (r) => setResult(r),
      onSettled: () => refresh(),
    }),
  );
  const s = status.data;
  const pending = s ? s.entries.missing + s.entries.stale + s.insights.missing + s.insights.stale : 0;
  return (
    <section className="card form" data-testid="embedding-status">
      <div>
        <h2>Embedding status</h2>
        <p className="muted small">
          Rows without a vector from the current model are found by keywords only. Missing: never embedded or the
          provider failed. Stale: embedded by another model.
        </p>
      </div>
      <QueryStatus query={status} />
      {s ? (
        <>
          <p className="small">
            Current embedder: <strong>{s.provider}</strong> · <code>{s.model}</code>
          </p>
          <div className="table-wrap status-table">
            <table className="table">
              <thead>
                <tr>
                  <th />
                  <th className="num">Total</th>
                  <th className="num">Missing</th>
                  <th className="num">Stale</th>
                  <th className="num">Failed</th>
                </tr>
              </thead>
              <tbody>
                <CountRow label="Entries" counts={s.entries} />
                <CountRow label="Insights" counts={s.insights} />
              </tbody>
            </table>
          </div>
          <p className="small" data-testid="status-summary">
            {pending === 0 ? '✓ Every row has a current vector.' : `${plural(pending, 'row')} need a vector.`}
          </p>
        </>
      ) : null}
      {can(ws, 'llm:manage') ? (
        <div className="row">
          <button
            type="button"
            className="btn btn-primary"
            disabled={backfill.isPending}
            onClick={() => backfill.mutate()}
          >
            {backfill.isPending ? 'Backfilling…' : 'Backfill now'}
          </button>
          <span className="muted small">
            Embeds every missing or stale row; safe to run again, it resumes where it stopped.
          </span>
        </div>
      ) : null}
      <ErrorAlert error={backfill.error} />
      {result ? (
        <div
          className={`alert ${result.error ? 'alert-error' : 'alert-success'}`}
          role="status"
          data-testid="backfill-result"
        >
          {result.total === 0
            ? 'Nothing to do: every row already had a current vector.'
            : `Embedded ${result.done} of ${plural(result.total, 'row')}${result.failed ? `, ${result.failed} failed` : ''}.`}
          {result.error ? <span className="alert-detail"> Stopped: {result.error}</span> : null}
        </div>
      ) : null}
    </section>
  );
}
