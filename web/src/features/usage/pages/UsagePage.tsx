import { ToggleGroup, type ToggleOption } from '../../../ui/ToggleGroup.js';
import { PageHeader } from '../../../ui/PageHeader.js';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { EmptyState } from '../../../ui/Feedback.js';
import { formatTokens, formatUsd } from '../../../ui/LlmFormat.js';
import { RecentCallsTable } from '../components/RecentCallsTable.js';
import { UsageChart, type Metric } from '../components/UsageChart.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { can } from '../../../lib/access.js';
import { useTRPC } from '../../../lib/trpc.js';
import { QueryStatus } from '../../../ui/QueryStatus.js';

const metrics: readonly ToggleOption<Metric>[] = [
  { value: 'cost', label: 'Cost' },
  { value: 'tokens', label: 'Tokens' },
];

const ranges = [7, 30, 90] as const;

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="card stat" data-testid={testId}>
      <span className="stat-label">{label}</span>
      <span className="stat-value">{value}</span>
    </div>
  );
}

/** `/w/$workspaceId/usage`: LLM calls, tokens and cost per day and provider. */
export function UsagePage() {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const [days, setDays] = useState<number>(30);
  const [metric, setMetric] = useState<Metric>('cost');
  const allowed = can(ws, 'usage:read');
  const summary = useQuery({
    ...trpc.llm.usage.summary.queryOptions({ days }),
    enabled: allowed,
    placeholderData: keepPreviousData,
  });
  if (!allowed) return <EmptyState title="Usage reports are for admins and owners." />;
  const t = summary.data?.totals;
  return (
    <div className="page page-wide">
      <PageHeader
        title="Usage"
        description={<>LLM calls in {ws.name}, by UTC day and provider. Failed attempts count as calls and errors.</>}
      >
        <div className="field field-compact">
          <label htmlFor="usage-range">Range</label>
          <select id="usage-range" className="input" value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {ranges.map((d) => (
              <option key={d} value={d}>
                Last {d} days
              </option>
            ))}
          </select>
        </div>
      </PageHeader>
      <QueryStatus query={summary} />
      {t ? (
        <div className="stats" data-testid="usage-totals">
          <Stat label="Calls" value={formatTokens(t.calls)} testId="total-calls" />
          <Stat label="Errors" value={formatTokens(t.errors)} />
          <Stat label="Tokens in" value={formatTokens(t.tokensIn)} />
          <Stat label="Tokens out" value={formatTokens(t.tokensOut)} />
          <Stat label="Cost" value={formatUsd(t.costUsd)} testId="total-cost" />
        </div>
      ) : null}
      {summary.data ? (
        <section className="card chart-card">
          <div className="chart-head">
            <h2>{metric === 'cost' ? 'Cost' : 'Tokens (in + out)'} per day</h2>
            <ToggleGroup label="Chart metric" options={metrics} value={metric} onChange={setMetric} />
          </div>
          <UsageChart summary={summary.data} metric={metric} />
        </section>
      ) : null}
      <section className="section">
        <h2>Recent calls</h2>
        <RecentCallsTable />
      </section>
    </div>
  );
}
