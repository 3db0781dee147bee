import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { can } from '../../../lib/access.js';
import { errorInfo } from '../../../lib/errors.js';
import { useTRPC } from '../../../lib/trpc.js';
import { useWorkspace } from '../../../lib/workspace-context.js';

/** A repository row's analysis cell: its last run (linked), its findings, and "Analyse". */
export function RepositoryAnalysis({ repositoryId, projectId }: { repositoryId: string; projectId: string }) {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const navigate = useNavigate();
  const canRead = can(ws, 'analysis:read');
  const runs = useQuery({ ...trpc.analysis.list.queryOptions({ repositoryId, limit: 1 }), enabled: canRead });
  const start = useMutation(
    trpc.analysis.start.mutationOptions({
      onSuccess: ({ id }) =>
        navigate({
          to: '/w/$workspaceId/projects/$projectId/repositories/$repositoryId/analysis/$runId',
          params: { workspaceId: ws.id, projectId, repositoryId, runId: id },
        }),
    }),
  );
  if (!canRead) return <span className="muted small">—</span>;
  const last = runs.data?.[0];
  const params = { workspaceId: ws.id, projectId, repositoryId };
  return (
    <span className="row repository-analysis">
      {can(ws, 'analysis:run') ? (
        <button
          type="button"
          className="btn btn-sm btn-primary"
          disabled={start.isPending}
          onClick={() => start.mutate({ repositoryId })}
          data-testid="repository-analyse"
        >
          {start.isPending ? 'Starting…' : 'Analyse'}
        </button>
      ) : null}
      <Link
        to="/w/$workspaceId/projects/$projectId/repositories/$repositoryId/findings"
        params={params}
        className="btn btn-sm"
        data-testid="repository-findings"
      >
        Findings
      </Link>
      {last ? (
        <Link
          to="/w/$workspaceId/projects/$projectId/repositories/$repositoryId/analysis/$runId"
          params={{ ...params, runId: last.id }}
          className="small"
          data-testid="repository-last-run"
        >
          Last run: {last.status === 'running' ? last.stage : last.status}
          {last.status === 'completed' ? ` · ${last.findingsCount} findings` : ''}
        </Link>
      ) : (
        <span className="muted small">Not analysed</span>
      )}
      {start.error ? (
        <span className="field-error small" role="alert">
          {errorInfo(start.error).message}
        </span>
      ) : null}
    </span>
  );
}
