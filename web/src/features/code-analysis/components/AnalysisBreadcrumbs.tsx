import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useTRPC } from '../../../lib/trpc.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { Breadcrumbs } from '../../../ui/Breadcrumbs.js';

/** Projects / <project> / Repositories / <repository> / …trail. */
export function AnalysisBreadcrumbs({
  projectId,
  repositoryId,
  trail,
}: {
  projectId: string;
  repositoryId: string;
  trail: ReactNode[];
}) {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const project = useQuery(trpc.projects.get.queryOptions({ id: projectId }));
  const repo = useQuery(trpc.repositories.get.queryOptions({ id: repositoryId }));
  return (
    <Breadcrumbs>
      <Link to="/w/$workspaceId" params={{ workspaceId: ws.id }}>
        Projects
      </Link>
      <Link to="/w/$workspaceId/projects/$projectId" params={{ workspaceId: ws.id, projectId }}>
        {project.data?.name ?? 'Project'}
      </Link>
      <Link to="/w/$workspaceId/projects/$projectId/repositories" params={{ workspaceId: ws.id, projectId }}>
        Repositories
      </Link>
      <Link
        to="/w/$workspaceId/projects/$projectId/repositories/$repositoryId/findings"
        params={{ workspaceId: ws.id, projectId, repositoryId }}
      >
        {repo.data?.name ?? 'Repository'}
      </Link>
      {trail}
    </Breadcrumbs>
  );
}
