import { useMutation, useQueryClient } from '@tanstack/react-query';
import { FormError } from '../../../ui/FormError.js';
import { useState, type FormEvent } from 'react';
import { fieldError } from '../../../lib/errors.js';
import { useTRPC, type RouterOutputs } from '../../../lib/trpc.js';
import { TextField } from '../../../ui/TextField.js';

type SignUpResult = RouterOutputs['auth']['signUp'];

interface SignUpFormProps {
  submitLabel: string;
  setupToken?: string;
  inviteToken?: string;
  defaultEmail?: string;
  onDone: (result: SignUpResult) => void;
}

/** Name, email, password → auth.signUp (optionally with a setup or invitation token). */
export function SignUpForm({ submitLabel, setupToken, inviteToken, defaultEmail, onDone }: SignUpFormProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [email, setEmail] = useState(defaultEmail ?? '');
  const [password, setPassword] = useState('');
  const signUp = useMutation(
    trpc.auth.signUp.mutationOptions({
      meta: { inline: true },
      onSuccess: (result) => {
        queryClient.clear();
        onDone(result);
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signUp.mutate({
      name,
      email,
      password,
      ...(setupToken ? { setupToken } : {}),
      ...(inviteToken ? { inviteToken } : {}),
    });
  };
  const err = signUp.error;
  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormError error={err} fields={['name', 'email', 'password']} />
      <TextField
        label="Name"
        id="signup-name"
        error={fieldError(err, 'name')}
        autoComplete="name"
        value={name}
        onChange={setName}
        required
      />
      <TextField
        label="Email"
        id="signup-email"
        error={fieldError(err, 'email')}
        type="email"
        autoComplete="email"
        value={email}
        onChange={setEmail}
        required
      />
      <TextField
        label="Password"
        id="signup-password"
        error={fieldError(err, 'password')}
        hint="At least 10 characters."
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={setPassword}
        required
        minLength={10}
      />
      <button type="submit" className="btn btn-primary btn-block" disabled={signUp.isPending}>
        {signUp.isPending ? 'Working…' : submitLabel}
      </button>
    </form>
  );
}
