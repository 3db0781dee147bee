import { useQuery } from '@tanstack/react-query';
import { Link, useRouter, useSearch } from '@tanstack/react-router';
import { AuthCard } from '../components/AuthCard.js';
import { Loading } from '../../../ui/Feedback.js';
import { SignUpForm } from '../components/SignUpForm.js';
import { useTRPC } from '../../../lib/trpc.js';

export function SignUpPage() {
  const trpc = useTRPC();
  const router = useRouter();
  const { redirect } = useSearch({ from: '/sign-up' });
  const status = useQuery(trpc.auth.status.queryOptions());
  const footer = (
    <p>
      Already have an account?{' '}
      <Link to="/sign-in" search={redirect ? { redirect } : {}}>
        Sign in
      </Link>
    </p>
  );
  if (status.isPending) return <Loading />;
  if (status.data?.signupMode !== 'open') {
    return (
      <AuthCard
        title="Sign-up is by invitation"
        subtitle="Ask a workspace admin for an invitation link."
        footer={footer}
      >
        <Link to="/sign-in" className="btn btn-block">
          Back to sign in
        </Link>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Create your account" subtitle="Then create a workspace for your team." footer={footer}>
      <SignUpForm submitLabel="Create account" onDone={() => router.history.push(redirect ?? '/')} />
    </AuthCard>
  );
}
