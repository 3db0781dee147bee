import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { FormError } from '../../../ui/FormError.js';
import { Link, useRouter, useSearch } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { AuthCard } from '../components/AuthCard.js';
import { fieldError } from '../../../lib/errors.js';
import { useTRPC } from '../../../lib/trpc.js';
import { TextField } from '../../../ui/TextField.js';

export function SignInPage() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { redirect } = useSearch({ from: '/sign-in' });
  const status = useQuery(trpc.auth.status.queryOptions());
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useMutation(
    trpc.auth.signIn.mutationOptions({
      meta: { inline: true },
      onSuccess: () => {
        queryClient.clear();
        router.history.push(redirect ?? '/');
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate({ email, password });
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
        <TextField
          label="Email"
          id="signin-email"
          error={fieldError(signIn.error, 'email')}
          type="email"
          autoComplete="email"
          value={email}
          onChange={setEmail}
          autoFocus
        />
        <TextField
          label="Password"
          id="signin-password"
          error={fieldError(signIn.error, 'password')}
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
        />
        <button type="submit" className="btn btn-primary btn-block" disabled={signIn.isPending}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthCard>
  );
}
