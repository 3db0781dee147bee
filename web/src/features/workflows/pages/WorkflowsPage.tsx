import { PageHeader } from '../../../ui/PageHeader.js';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { ConfirmButton } from '../../../ui/ConfirmButton.js';
import { EmptyState } from '../../../ui/Feedback.js';
import { ListTable, type ListColumn } from '../../../ui/ListTable.js';
import { NewFromTemplateForm } from '../components/NewFromTemplateForm.js';
import { ProjectFilter, useProjects } from '../../../ui/ProjectSelect.js';
import { RunList } from '../../runs/components/RunStatus.js';
import { useToast } from '../../../ui/Toasts.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { can } from '../../../lib/access.js';
import { formatDate, formatDateTime } from '../../../lib/format.js';
import { useTRPC } from '../../../lib/trpc.js';
import type { WorkflowSummary } from '../workflows.js';

function WorkflowRow({ w, projectName }: { w: WorkflowSummary; projectName: string | null }) {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const toast = useToast();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.workflows.list.pathKey() });
  const clone = useMutation(
    trpc.workflows.clone.mutationOptions({
      onSuccess: async ({ id }) => {
        toast.success(`Cloned "${w.name}"`);
        await refresh();
        await navigate({ to: '/w/$workspaceId/workflows/$workflowId', params: { workspaceId: ws.id, workflowId: id } });
      },
    }),
  );
  const remove = useMutation(
    trpc.workflows.delete.mutationOptions({
      onSuccess: async () => {
        toast.success(`Deleted "${w.name}"`);
        await refresh();
      },
    }),
  );
  const canWrite = can(ws, 'workflows:write');
  return (
    <tr data-testid="workflow-row">
      <td>
        <Link
          to="/w/$workspaceId/workflows/$workflowId"
          params={{ workspaceId: ws.id, workflowId: w.id }}
          className="project-link list-title"
        >
          {w.name}
        </Link>
        {w.description ? <p className="muted small clamp workflow-description">{w.description}</p> : null}
      </td>
      <td>{projectName ?? <span className="muted">—</span>}</td>
      <td className="num">{w.stepCount}</td>
      <td className="num">{w.runCount}</td>
      <td className="nowrap">{w.lastRunAt ? formatDateTime(w.lastRunAt) : <span className="muted">never</span>}</td>
      <td className="actions">
        {canWrite ? (
          <>
            <button
              type="button"
              className="btn btn-sm btn-ghost"
              onClick={() => clone.mutate({ id: w.id })}
              disabled={clone.isPending}
              aria-label={`Clone ${w.name}`}
            >
              Clone
            </button>
            <ConfirmButton
              small
              label="Delete"
              question={`Delete "${w.name}"? Its runs are kept.`}
              onConfirm={() => remove.mutate({ id: w.id })}
            />
          </>
        ) : (
          <span className="muted small">updated {formatDate(w.updatedAt)}</span>
        )}
      </td>
    </tr>
  );
}

const workflowColumns: ListColumn[] = [
  { label: 'Workflow' },
  { label: 'Project' },
  { label: 'Steps', className: 'num' },
  { label: 'Runs', className: 'num' },
  { label: 'Last run' },
];

/** `/w/$workspaceId/workflows`: the workspace's workflows and its latest runs. */
export function WorkflowsPage() {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const projects = useProjects();
  const [projectId, setProjectId] = useState('');
  const [isFromTemplate, setIsFromTemplate] = useState(false);
  const allowed = can(ws, 'workflows:read');
  const canWrite = can(ws, 'workflows:write');
  const workflows = useQuery({
    ...trpc.workflows.list.queryOptions(projectId ? { projectId } : {}),
    enabled: allowed,
    placeholderData: keepPreviousData,
  });
  const runs = useQuery({ ...trpc.runs.list.queryOptions({ limit: 8 }), enabled: allowed });
  if (!allowed) return <EmptyState title="You don't have access to workflows here." />;
  return (
    <div className="page page-wide">
      <PageHeader
        title="Workflows"
        description={
          <>
            Multi-step LLM pipelines: each step builds on the ones before it; review steps propose insights for a
            project.
          </>
        }
      >
        {canWrite ? (
          <div className="toolbar">
            {!isFromTemplate ? (
              <button type="button" className="btn" onClick={() => setIsFromTemplate(true)}>
                New from template
              </button>
            ) : null}
            <Link
              to="/w/$workspaceId/workflows/$workflowId"
              params={{ workspaceId: ws.id, workflowId: 'new' }}
              className="btn btn-primary"
            >
              New workflow
            </Link>
          </div>
        ) : null}
      </PageHeader>
      {isFromTemplate ? (
        <NewFromTemplateForm defaultProjectId={projectId} onDone={() => setIsFromTemplate(false)} />
      ) : null}
      <ProjectFilter id="workflows-project" value={projectId} onChange={setProjectId} />
      <ListTable
        query={workflows}
        testId="workflow-list"
        columns={workflowColumns}
        actions
        empty={
          <EmptyState title={projectId ? 'No workflows in this project.' : 'No workflows yet'}>
            {canWrite ? 'Start from a template, or build one step by step.' : null}
          </EmptyState>
        }
        row={(w) => <WorkflowRow key={w.id} w={w} projectName={projects.nameOf(w.projectId)} />}
      />
      {runs.data?.length ? (
        <section className="section" aria-labelledby="latest-runs-title">
          <h2 id="latest-runs-title">Latest runs</h2>
          <div className="card table-wrap">
            <RunList runs={runs.data} workspaceId={ws.id} showWorkflow />
          </div>
        </section>
      ) : null}
    </div>
  );
}
