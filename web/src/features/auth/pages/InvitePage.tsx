import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { AuthCard } from '../components/AuthCard.js';
import { ErrorAlert, Loading } from '../../../ui/Feedback.js';
import { SignUpForm } from '../components/SignUpForm.js';
import { formatDate } from '../../../lib/format.js';
import { useTRPC } from '../../../lib/trpc.js';

/** An invitation link: preview, then join (signed in) or sign up and join (signed out). */
export function InvitePage() {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { token } = useParams({ from: '/invite/$token' });
  const preview = useQuery(trpc.invitations.preview.queryOptions({ token }));
  const status = useQuery(trpc.auth.status.queryOptions());
  const accept = useMutation(
    trpc.invitations.accept.mutationOptions({
      meta: { inline: true },
      onSuccess: async ({ tenantId }) => {
        await queryClient.invalidateQueries({ queryKey: trpc.workspaces.list.queryKey() });
        await navigate({ to: '/w/$workspaceId', params: { workspaceId: tenantId } });
      },
    }),
  );
  if (preview.isPending || status.isPending) return <Loading />;
  if (preview.isError) {
    return (
      <AuthCard title="Invitation not found" subtitle="The link may be mistyped or incomplete.">
        <ErrorAlert error={preview.error} />
        <Link to="/" className="btn btn-block">
          Go home
        </Link>
      </AuthCard>
    );
  }
  const inv = preview.data;
  const user = status.data?.user ?? null;
  const summary = (
    <dl className="invite-summary" data-testid="invite-summary">
      <dt>Workspace</dt>
      <dd data-testid="invite-workspace">{inv.workspaceName}</dd>
      <dt>Role</dt>
      <dd>{inv.role}</dd>
      {inv.email ? (
        <>
          <dt>For</dt>
          <dd>{inv.email}</dd>
        </>
      ) : null}
      <dt>Status</dt>
      <dd>
        <span className={`badge badge-${inv.status}`}>{inv.status}</span>{' '}
        {inv.status === 'pending' ? `· expires ${formatDate(inv.expiresAt)}` : null}
      </dd>
    </dl>
  );
  if (inv.status !== 'pending') {
    return (
      <AuthCard
        title={`Invitation to ${inv.workspaceName}`}
        subtitle={`This invitation is ${inv.status}. Ask an admin for a new link.`}
      >
        {summary}
        <Link to="/" className="btn btn-block">
          Go home
        </Link>
      </AuthCard>
    );
  }
  if (user) {
    return (
      <AuthCard title={`Join ${inv.workspaceName}`} subtitle={`You are signed in as ${user.email}.`}>
        {summary}
        <ErrorAlert error={accept.error} />
        <button
          type="button"
          className="btn btn-primary btn-block"
          disabled={accept.isPending}
          onClick={() => accept.mutate({ token })}
        >
          {accept.isPending ? 'Joining…' : `Join ${inv.workspaceName}`}
        </button>
      </AuthCard>
    );
  }
  return (
    <AuthCard
      title={`Join ${inv.workspaceName}`}
      subtitle="Create your account to accept this invitation."
      footer={
        <p>
          Already have an account?{' '}
          <Link to="/sign-in" search={{ redirect: `/invite/${token}` }}>
            Sign in to join
          </Link>
        </p>
      }
    >
      {summary}
      <SignUpForm
        submitLabel={`Create account and join`}
        inviteToken={token}
        defaultEmail={inv.email ?? ''}
        onDone={(r) =>
          void (r.joinedTenantId
            ? navigate({ to: '/w/$workspaceId', params: { workspaceId: r.joinedTenantId } })
            : navigate({ to: '/' }))
        }
      />
    </AuthCard>
  );
}
