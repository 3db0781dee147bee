import { useQuery } from '@tanstack/react-query';
import { Link, Outlet, useLocation, useParams } from '@tanstack/react-router';
import { useEffect, useMemo } from 'react';
import { ErrorAlert, Loading } from '../../../ui/Feedback.js';
import { NotFoundPanel } from '../../../ui/NotFoundPanel.js';
import { WorkspaceContext, type CurrentWorkspace } from '../../../lib/workspace-context.js';
import { WorkspaceHeader } from '../components/WorkspaceHeader.js';
import { errorCode } from '../../../lib/errors.js';
import { setLastWorkspace } from '../../../lib/storage.js';
import { useTRPC } from '../../../lib/trpc.js';

/** `/w/$workspaceId/…`: checks sign-in and membership, then renders the header and the page. */
export function WorkspaceLayout() {
  const trpc = useTRPC();
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const location = useLocation();
  const status = useQuery(trpc.auth.status.queryOptions());
  const user = status.data?.user ?? null;
  const current = useQuery({ ...trpc.workspaces.current.queryOptions(), enabled: !!user });
  const ok = current.data?.id === workspaceId;
  useEffect(() => {
    if (ok) setLastWorkspace(workspaceId);
  }, [ok, workspaceId]);
  const value = useMemo<CurrentWorkspace | null>(
    () =>
      current.data && user
        ? {
            id: current.data.id,
            name: current.data.name,
            role: current.data.role,
            userId: user.id,
            scopes: current.data.scopes,
            assignableRoles: current.data.assignableRoles,
          }
        : null,
    [current.data, user],
  );
  if (status.isPending) return <Loading />;
  // The route's beforeLoad sends signed-out visitors to sign-in; this covers a session that ends while here.
  if (!user) {
    return (
      <NotFoundPanel title="Signed out" message="Your session has ended.">
        <Link to="/sign-in" search={{ redirect: location.href }} className="btn btn-primary">
          Sign in again
        </Link>
      </NotFoundPanel>
    );
  }
  if (current.isError) {
    if (errorCode(current.error) === 'NOT_FOUND' || errorCode(current.error) === 'FORBIDDEN') {
      return <NotFoundPanel title="Workspace not found" message="Workspace not found or you're not a member of it." />;
    }
    return <ErrorAlert error={current.error} />;
  }
  if (!value || !ok) return <Loading />;
  return (
    <WorkspaceContext.Provider value={value}>
      <div className="app">
        <WorkspaceHeader userName={user.name} userEmail={user.email} />
        <main className="content">
          <Outlet />
        </main>
      </div>
    </WorkspaceContext.Provider>
  );
}
