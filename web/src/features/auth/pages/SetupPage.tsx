import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { AuthCard } from '../components/AuthCard.js';
import { ErrorAlert, Loading } from '../../../ui/Feedback.js';
import { SignUpForm } from '../components/SignUpForm.js';
import { useTRPC } from '../../../lib/trpc.js';

/** First run: the one-time setup link creates the admin account. */
export function SetupPage() {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const { token } = useSearch({ from: '/setup' });
  const status = useQuery(trpc.auth.status.queryOptions());
  if (status.isPending) return <Loading />;
  if (status.data && !status.data.needsSetup) {
    return (
      <AuthCard title="Setup is complete" subtitle="An admin account already exists.">
        <Link to="/sign-in" className="btn btn-primary btn-block">
          Go to sign in
        </Link>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Welcome to nyxCore" subtitle="Create the administrator account for this instance.">
      {!token ? (
        <ErrorAlert>This link has no setup token. Use the full link printed in the server console.</ErrorAlert>
      ) : null}
      <SignUpForm submitLabel="Create admin account" setupToken={token} onDone={() => void navigate({ to: '/' })} />
    </AuthCard>
  );
}
