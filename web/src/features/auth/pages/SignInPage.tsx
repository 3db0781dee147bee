import { SubmitButton } from '../../../ui/SubmitButton.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { FormError } from '../../../ui/FormError.js';
import { Link, useRouter, useSearch } from '@tanstack/react-router';
import type { FormEvent } from 'react';
import { AuthCard } from '../components/AuthCard.js';
import { useFormFields } from '../../../lib/use-form-fields.js';
import { useTRPC } from '../../../lib/trpc.js';
import { TextField } from '../../../ui/TextField.js';

export function SignInPage() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { redirect } = useSearch({ from: '/sign-in' });
  const status = useQuery(trpc.auth.status.queryOptions());
  const signIn = useMutation(
    trpc.auth.signIn.mutationOptions({
      meta: { inline: true },
      onSuccess: () => {
        queryClient.clear();
        router.history.push(redirect ?? '/');
      },
    }),
  );
  const form = useFormFields({ email: '', password: '' }, signIn.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate(form.values);
  };
  const isOpen = status.data?.signupMode === 'open';
  return (
    <AuthCard
      title="Sign in"
      subtitle="Welcome back."
      footer={
        isOpen ? (
          <p>
            New here?{' '}
            <Link to="/sign-up" search={redirect ? { redirect } : {}}>
              Create an account
            </Link>
          </p>
        ) : null
      }
    >
      {status.data?.needsSetup ? (
        <div className="alert alert-info" data-testid="setup-hint">
          No account exists yet. Check the server console for the one-time setup link.
        </div>
      ) : null}
      {status.data?.user ? (
        <div className="alert alert-info">
          You are signed in as {status.data.user.email}. <Link to="/">Continue</Link>
        </div>
      ) : null}
      <form className="form" onSubmit={submit} noValidate>
        <FormError error={signIn.error} fields={['email', 'password']} />
        <TextField {...form.bind('email', 'Email', 'signin-email')} type="email" autoComplete="email" autoFocus />
        <TextField
          {...form.bind('password', 'Password', 'signin-password')}
          type="password"
          autoComplete="current-password"
        />
        <SubmitButton label="Sign in" busy={signIn.isPending} busyLabel="Signing in…" block />
      </form>
    </AuthCard>
  );
}
