import { DataTable } from '../../../ui/DataTable.js';
import { useQuery } from '@tanstack/react-query';
import { formatDateTime } from '../../../lib/format.js';
import { useTRPC } from '../../../lib/trpc.js';
import { EmptyState, ErrorAlert, Loading } from '../../../ui/Feedback.js';
import { CostText, formatTokens } from '../../../ui/LlmFormat.js';

/** The latest LLM calls, newest first, failed attempts included. */
export function RecentCallsTable({ limit = 50 }: { limit?: number }) {
  const trpc = useTRPC();
  const recent = useQuery(trpc.llm.usage.recent.queryOptions({ limit }));
  if (recent.isPending) return <Loading />;
  if (recent.isError) return <ErrorAlert error={recent.error} />;
  if (recent.data.length === 0)
    return <EmptyState title="No LLM calls yet">Try a persona to make the first one.</EmptyState>;
  return (
    <DataTable
      testId="recent-calls"
      columns={[
        'Time',
        'Provider',
        'Model',
        'Purpose',
        { label: 'Tokens in / out', className: 'num' },
        { label: 'Cost', className: 'num' },
        { label: 'Latency', className: 'num' },
        'Outcome',
      ]}
    >
      {recent.data.map((c) => (
        <tr key={c.id} data-testid="recent-call">
          <td className="nowrap">{formatDateTime(c.createdAt)}</td>
          <td>
            {c.provider}
            {c.attempt > 1 ? <span className="muted small"> (attempt {c.attempt})</span> : null}
          </td>
          <td className="mono small">{c.model}</td>
          <td className="mono small">{c.purpose}</td>
          <td className="num nowrap">
            {formatTokens(c.tokensIn)} / {formatTokens(c.tokensOut)}
          </td>
          <td className="num">
            <CostText costUsd={c.costUsd} />
          </td>
          <td className="num nowrap">{c.latencyMs} ms</td>
          <td className="error-cell">
            <span className={`badge badge-${c.outcome}`}>{c.outcome}</span>
            {c.error ? <div className="test-fail small">{c.error}</div> : null}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
