import { PrimaryButton } from '../../../ui/Buttons.js';
import { PageHeader } from '../../../ui/PageHeader.js';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { ConfirmButton } from '../../../ui/ConfirmButton.js';
import { NewDiscussionForm } from '../components/NewDiscussionForm.js';
import { EmptyState } from '../../../ui/Feedback.js';
import { ListTable, type ListColumn } from '../../../ui/ListTable.js';
import { formatCost, formatTokens } from '../../../ui/LlmFormat.js';
import { ProjectFilter, useProjects } from '../../../ui/ProjectSelect.js';
import { useToast } from '../../../ui/Toasts.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { can } from '../../../lib/access.js';
import { modeLabel, type DiscussionSummary } from '../discussions.js';
import { formatDateTime } from '../../../lib/format.js';
import { useTRPC } from '../../../lib/trpc.js';

function DiscussionRow({ d, projectName }: { d: DiscussionSummary; projectName: string | null }) {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const toast = useToast();
  const queryClient = useQueryClient();
  const remove = useMutation(
    trpc.discussions.delete.mutationOptions({
      onSuccess: async () => {
        toast.success(`Deleted "${d.title}"`);
        await queryClient.invalidateQueries({ queryKey: trpc.discussions.list.pathKey() });
      },
    }),
  );
  return (
    <tr data-testid="discussion-row">
      <td>
        <Link
          to="/w/$workspaceId/discussions/$discussionId"
          params={{ workspaceId: ws.id, discussionId: d.id }}
          className="project-link list-title"
        >
          {d.title}
        </Link>
        {d.status !== 'idle' ? <span className="badge pill-running discussion-status">answering</span> : null}
        {projectName ? <p className="muted small">{projectName}</p> : null}
      </td>
      <td>
        <span className={`badge mode-badge mode-${d.mode}`}>{modeLabel(d.mode)}</span>
      </td>
      <td className="participants-cell">
        {d.participants.map((p) => (
          <span key={p.key} className={`chip participant-chip-sm lane-${p.key}`}>
            <span className="lane-dot" aria-hidden="true" />
            {p.name}
          </span>
        ))}
      </td>
      <td className="num">{d.messageCount}</td>
      <td className="num nowrap">
        {formatTokens(d.tokensIn + d.tokensOut, true)}{' '}
        <span className="muted">· {formatCost(d.costUsd, d.unpricedCalls)}</span>
      </td>
      <td className="nowrap">{formatDateTime(d.updatedAt)}</td>
      <td className="actions">
        {can(ws, 'discussions:write') ? (
          <ConfirmButton
            small
            label="Delete"
            question={`Delete "${d.title}" and its messages?`}
            onConfirm={() => remove.mutate({ id: d.id })}
          />
        ) : null}
      </td>
    </tr>
  );
}

const discussionColumns: ListColumn[] = [
  { label: 'Discussion' },
  { label: 'Mode' },
  { label: 'Participants' },
  { label: 'Messages', className: 'num' },
  { label: 'Tokens · cost', className: 'num' },
  { label: 'Updated' },
];

/** `/w/$workspaceId/discussions`: the workspace's discussions, and a new one. */
export function DiscussionsPage() {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const projects = useProjects();
  const [projectId, setProjectId] = useState('');
  const [isCreating, setIsCreating] = useState(false);
  const allowed = can(ws, 'discussions:read');
  const canWrite = can(ws, 'discussions:write');
  const list = useQuery({
    ...trpc.discussions.list.queryOptions(projectId ? { projectId } : {}),
    enabled: allowed,
    placeholderData: keepPreviousData,
  });
  if (!allowed) return <EmptyState title="You don't have access to discussions here." />;
  return (
    <div className="page page-wide">
      <PageHeader
        title="Discussions"
        description={
          <>Put a question to several personas and models at once: side by side, or in rounds until they converge.</>
        }
      >
        {canWrite && !isCreating ? (
          <div className="toolbar">
            <PrimaryButton onClick={() => setIsCreating(true)}>New discussion</PrimaryButton>
          </div>
        ) : null}
      </PageHeader>
      {isCreating ? <NewDiscussionForm defaultProjectId={projectId} onCancel={() => setIsCreating(false)} /> : null}
      <ProjectFilter id="discussions-project" value={projectId} onChange={setProjectId} />
      <ListTable
        query={list}
        testId="discussion-list"
        columns={discussionColumns}
        actions
        empty={
          <EmptyState title={projectId ? 'No discussions in this project.' : 'No discussions yet'}>
            {canWrite ? 'Start one: pick the participants and ask your question.' : null}
          </EmptyState>
        }
        row={(d) => <DiscussionRow key={d.id} d={d} projectName={projects.nameOf(d.projectId)} />}
      />
    </div>
  );
}
