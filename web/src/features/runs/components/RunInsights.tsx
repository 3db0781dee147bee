import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../../lib/trpc.js';
import { InsightCard } from '../../memory/components/InsightCard.js';
import { useEmbeddingModel } from '../../memory/components/MemoryLabels.js';
import { useProjects } from '../../../ui/ProjectSelect.js';
import { QueryStatus } from '../../../ui/QueryStatus.js';

/** The insights a run's review steps proposed, for triage (approving or rejecting also refreshes this list). */
export function RunInsights({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const projects = useProjects();
  const model = useEmbeddingModel();
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
      <QueryStatus query={insights} />
      {insights.data && list.length === 0 ? (
        <p className="muted">None yet. Review steps propose insights for the project’s memory when they complete.</p>
      ) : null}
      <div className="insight-list">
        {list.map((i) => (
          <InsightCard
            key={i.id}
            insight={i}
            projectName={projects.nameOf(i.projectId)}
            model={model}
            headingLevel={3}
            testId="run-insight"
          />
        ))}
      </div>
    </section>
  );
}
