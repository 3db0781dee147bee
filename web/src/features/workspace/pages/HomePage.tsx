import { useQuery } from '@tanstack/react-query';
import { Link, Navigate } from '@tanstack/react-router';
import { AuthCard } from '../../auth/components/AuthCard.js';
import { CreateWorkspaceForm } from '../components/CreateWorkspaceForm.js';
import { ErrorAlert, Loading } from '../../../ui/Feedback.js';
import { getLastWorkspace } from '../../../lib/storage.js';
import { useTRPC } from '../../../lib/trpc.js';

/** `/`: sign in, create a first workspace, or open the last-used one. */
export function HomePage() {
  const trpc = useTRPC();
  const status = useQuery(trpc.auth.status.queryOptions());
  const user = status.data?.user ?? null;
  const workspaces = useQuery({ ...trpc.workspaces.list.queryOptions(), enabled: !!user });
  if (status.isPending) return <Loading />;
  if (status.isError) return <ErrorAlert error={status.error} />;
  if (!user) return <Navigate to="/sign-in" />;
  if (workspaces.isPending) return <Loading />;
  if (workspaces.isError) return <ErrorAlert error={workspaces.error} />;
  const list = workspaces.data;
  if (list.length === 0) {
    return (
      <AuthCard
        title="Create your first workspace"
        subtitle={`Signed in as ${user.email}. A workspace holds your team's projects and notes.`}
      >
        <CreateWorkspaceForm />
      </AuthCard>
    );
  }
  const last = getLastWorkspace();
  const target = list.find((w) => w.id === last) ?? list[0];
  if (!target) return <Loading />;
  return <Navigate to="/w/$workspaceId" params={{ workspaceId: target.id }} replace />;
}

/** "New workspace…" from the workspace switcher. */
export function NewWorkspacePage() {
  const trpc = useTRPC();
  const status = useQuery(trpc.auth.status.queryOptions());
  if (status.isPending) return <Loading />;
  if (!status.data?.user) return <Navigate to="/sign-in" search={{ redirect: '/new-workspace' }} />;
  return (
    <AuthCard
      title="New workspace"
      subtitle="You will be its owner and can invite others."
      footer={
        <p>
          <Link to="/">Cancel</Link>
        </p>
      }
    >
      <CreateWorkspaceForm />
    </AuthCard>
  );
}
