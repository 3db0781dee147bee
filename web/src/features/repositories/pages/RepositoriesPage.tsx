import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { can } from '../../../lib/access.js';
import { formatDateTime } from '../../../lib/format.js';
import { useTRPC, type RouterOutputs } from '../../../lib/trpc.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { Breadcrumbs } from '../../../ui/Breadcrumbs.js';
import { PrimaryButton } from '../../../ui/Buttons.js';
import { ConfirmButton } from '../../../ui/ConfirmButton.js';
import { DataTable } from '../../../ui/DataTable.js';
import { EmptyState } from '../../../ui/Feedback.js';
import { PageHeader } from '../../../ui/PageHeader.js';
import { QueryStatus } from '../../../ui/QueryStatus.js';
import { useToast } from '../../../ui/Toasts.js';
import { RepositoryAnalysis } from '../../code-analysis/components/RepositoryAnalysis.js';
import { ConnectRepositoryForm } from '../components/ConnectRepositoryForm.js';
import { shortCommit, statusBadge } from '../state.js';

type Repository = RouterOutputs['repositories']['list'][number];

function RepositoryRow({ repo, canWrite }: { repo: Repository; canWrite: boolean }) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: trpc.repositories.list.queryKey({ projectId: repo.projectId }) });
  const sync = useMutation(
    trpc.repositories.sync.mutationOptions({
      onSuccess: async (r) => {
        if (r.status === 'ready') toast.success(`"${r.name}" is up to date`);
        await refresh();
      },
    }),
  );
  const remove = useMutation(
    trpc.repositories.delete.mutationOptions({
      onSuccess: async () => {
        toast.success(`Repository "${repo.name}" removed`);
        await refresh();
      },
    }),
  );
  const badge = statusBadge(sync.isPending ? 'syncing' : repo.status);
  return (
    <tr data-testid="repository-row">
      <td>
        <div>{repo.name}</div>
        <div className="muted small mono">{repo.source === 'git' ? repo.url : repo.path}</div>
      </td>
      <td className="mono small">{repo.defaultBranch}</td>
      <td>
        <span className={badge.className} data-testid="repository-status">
          {badge.label}
        </span>
        {repo.statusMessage && !sync.isPending ? (
          <div
            className={`small ${repo.status === 'error' ? 'field-error' : 'muted'}`}
            data-testid="repository-message"
          >
            {repo.statusMessage}
          </div>
        ) : null}
      </td>
      <td className="mono small" title={repo.lastSyncedCommit ?? undefined} data-testid="repository-commit">
        {shortCommit(repo.lastSyncedCommit)}
      </td>
      <td className="small">{repo.lastSyncedAt ? formatDateTime(repo.lastSyncedAt) : 'Never'}</td>
      <td className="small">{repo.credential ? `${repo.credential.kind} ${repo.credential.hint}` : '—'}</td>
      <td>
        <RepositoryAnalysis repositoryId={repo.id} projectId={repo.projectId} />
      </td>
      <td className="actions">
        {canWrite ? (
          <span className="row">
            <button
              type="button"
              className="btn btn-sm"
              disabled={sync.isPending}
              onClick={() => sync.mutate({ id: repo.id })}
              data-testid="repository-sync"
            >
              {sync.isPending ? 'Syncing…' : 'Sync'}
            </button>
            <ConfirmButton
              label="Delete"
              question={repo.source === 'git' ? 'Delete it and its clone?' : 'Disconnect it? The directory stays.'}
              small
              onConfirm={() => remove.mutate({ id: repo.id })}
              testId="repository-delete"
            />
          </span>
        ) : null}
      </td>
    </tr>
  );
}

/** `/w/$workspaceId/projects/$projectId/repositories`: the project's code repositories. */
export function RepositoriesPage() {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const { projectId } = useParams({ from: '/w/$workspaceId/projects/$projectId/repositories' });
  const [isConnecting, setIsConnecting] = useState(false);
  const project = useQuery(trpc.projects.get.queryOptions({ id: projectId }));
  const repos = useQuery(trpc.repositories.list.queryOptions({ projectId }));
  const canWrite = can(ws, 'repositories:write');
  return (
    <div className="page">
      <Breadcrumbs>
        <Link to="/w/$workspaceId" params={{ workspaceId: ws.id }}>
          Projects
        </Link>
        <Link to="/w/$workspaceId/projects/$projectId" params={{ workspaceId: ws.id, projectId }}>
          {project.data?.name ?? 'Project'}
        </Link>
        <span>Repositories</span>
      </Breadcrumbs>
      <PageHeader
        title="Repositories"
        description="Code this project analyses: a git URL nyxCore clones, or a directory on the server it reads."
      >
        {canWrite && !isConnecting ? (
          <PrimaryButton onClick={() => setIsConnecting(true)}>Connect repository</PrimaryButton>
        ) : null}
      </PageHeader>
      {isConnecting ? <ConnectRepositoryForm projectId={projectId} onDone={() => setIsConnecting(false)} /> : null}
      <QueryStatus query={repos} />
      {repos.data && repos.data.length === 0 ? (
        <EmptyState title="No repositories yet">{canWrite ? 'Connect one to analyse its code.' : null}</EmptyState>
      ) : null}
      {repos.data && repos.data.length > 0 ? (
        <DataTable
          testId="repositories-table"
          columns={['Repository', 'Branch', 'Status', 'Last commit', 'Last synced', 'Token', 'Analysis']}
          actions
        >
          {repos.data.map((r) => (
            <RepositoryRow key={r.id} repo={r} canWrite={canWrite} />
          ))}
        </DataTable>
      ) : null}
    </div>
  );
}
