import { Breadcrumbs } from '../../../ui/Breadcrumbs.js';
import { PageHeader } from '../../../ui/PageHeader.js';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { Loading, LoadFailure } from '../../../ui/Feedback.js';
import { InsightCard } from '../components/InsightCard.js';
import { typeLabel, useEmbeddingModel } from '../components/MemoryLabels.js';
import { useProjects } from '../../../ui/ProjectSelect.js';
import { WisdomPreview } from '../components/WisdomPreview.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { formatDateTime } from '../../../lib/format.js';
import { useTRPC } from '../../../lib/trpc.js';

/** `/w/$workspaceId/memory/insights/$insightId`: one insight with its triage actions. */
export function InsightPage() {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const projects = useProjects();
  const model = useEmbeddingModel();
  const { insightId } = useParams({ from: '/w/$workspaceId/memory/insights/$insightId' });
  const insight = useQuery(trpc.insights.get.queryOptions({ id: insightId }));
  const params = { workspaceId: ws.id };
  if (insight.isPending) return <Loading />;
  if (insight.isError) {
    return (
      <LoadFailure error={insight.error} notFoundTitle="Insight not found">
        It may have been deleted.{' '}
        <Link to="/w/$workspaceId/memory/insights" params={params}>
          Back to insights
        </Link>
      </LoadFailure>
    );
  }
  const i = insight.data;
  const projectName = projects.nameOf(i.projectId);
  return (
    <div className="page page-wide">
      <Breadcrumbs>
        <Link to="/w/$workspaceId/memory" params={params}>
          Memory
        </Link>
        <Link to="/w/$workspaceId/memory/insights" params={params}>
          Insights
        </Link>
        <span>{typeLabel(i.type)}</span>
      </Breadcrumbs>
      <PageHeader
        title={i.title}
        description={
          <>
            {i.originRunId
              ? `From workflow run ${i.originRunId.slice(0, 8)}${i.originStep ? `, step ${i.originStep}` : ''}`
              : 'Added by hand'}{' '}
            · last changed {formatDateTime(i.updatedAt)}
            {i.embeddingError ? ` · embedding failed: ${i.embeddingError}` : ''}
          </>
        }
      />
      <div className="editor-layout">
        <InsightCard insight={i} projectName={projectName} model={model} isLinked={false} />
        <aside className="side-column">
          <WisdomPreview projectId={i.projectId} projectName={projectName} />
        </aside>
      </div>
    </div>
  );
}
