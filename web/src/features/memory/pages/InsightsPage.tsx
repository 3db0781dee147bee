import { PrimaryButton } from '../../../ui/Buttons.js';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { EmptyState } from '../../../ui/Feedback.js';
import { InsightCard } from '../components/InsightCard.js';
import { InsightForm } from '../components/InsightForm.js';
import { useEmbeddingModel, type InsightStatus, type InsightType, type Severity } from '../components/MemoryLabels.js';
import { MemoryHeader } from '../components/MemoryTabs.js';
import { ProjectFilterSelect, useProjects } from '../../../ui/ProjectSelect.js';
import { WisdomPreview } from '../components/WisdomPreview.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { can } from '../../../lib/access.js';
import { useTRPC } from '../../../lib/trpc.js';
import { InsightFilter } from '../components/InsightFilter.js';
import { QueryStatus } from '../../../ui/QueryStatus.js';

/** `/w/$workspaceId/memory/insights`: triage (approve, reject, edit, pair) and a project's wisdom. */
export function InsightsPage() {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const projects = useProjects();
  const model = useEmbeddingModel();
  const [projectId, setProjectId] = useState('');
  const [status, setStatus] = useState<InsightStatus | ''>('');
  const [type, setType] = useState<InsightType | ''>('');
  const [severity, setSeverity] = useState<Severity | ''>('');
  const [isCreating, setIsCreating] = useState(false);
  const allowed = can(ws, 'memory:read');
  const canWrite = can(ws, 'memory:write');
  const insights = useQuery({
    ...trpc.insights.list.queryOptions({
      limit: 200,
      ...(projectId ? { projectId } : {}),
      ...(status ? { status } : {}),
      ...(type ? { type } : {}),
      ...(severity ? { severity } : {}),
    }),
    enabled: allowed,
    placeholderData: keepPreviousData,
  });
  if (!allowed) return <EmptyState title="You don't have access to memory here." />;
  const isFiltered = !!(projectId || status || type || severity);
  const action =
    canWrite && !isCreating ? (
      <PrimaryButton onClick={() => setIsCreating(true)}>New insight</PrimaryButton>
    ) : undefined;
  const list = (
    <div className="insight-list" data-testid="insight-list">
      <QueryStatus query={insights} />
      {insights.data && insights.data.length === 0 ? (
        <EmptyState title={isFiltered ? 'No insights match these filters.' : 'No insights yet'}>
          {isFiltered
            ? 'Try other filters.'
            : 'Workflow runs will propose insights here; you can also add one by hand.'}
        </EmptyState>
      ) : null}
      {insights.data?.map((i) => (
        <InsightCard key={i.id} insight={i} projectName={projects.nameOf(i.projectId)} model={model} />
      ))}
    </div>
  );
  return (
    <div className="page page-wide">
      <MemoryHeader
        description="Insights: pain points, solutions, strengths, patterns and decisions. Approved ones become a project's wisdom."
        action={action}
      />
      {isCreating ? <InsightForm defaultProjectId={projectId} onDone={() => setIsCreating(false)} /> : null}
      <div className="filters" role="group" aria-label="Insight filters">
        <ProjectFilterSelect id="insights-project" value={projectId} onChange={setProjectId} />
        <InsightFilter name="status" value={status} onChange={setStatus} />
        <InsightFilter name="type" value={type} onChange={setType} />
        <InsightFilter name="severity" value={severity} onChange={setSeverity} />
      </div>
      {projectId ? (
        <div className="editor-layout">
          {list}
          <aside className="side-column">
            <WisdomPreview projectId={projectId} projectName={projects.nameOf(projectId)} />
          </aside>
        </div>
      ) : (
        <>
          {list}
          <p className="muted small">Pick a project to preview its wisdom.</p>
        </>
      )}
    </div>
  );
}
