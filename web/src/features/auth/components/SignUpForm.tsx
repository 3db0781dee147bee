import { SubmitButton } from '../../../ui/SubmitButton.js';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { FormError } from '../../../ui/FormError.js';
import type { FormEvent } from 'react';
import { useFormFields } from '../../../lib/use-form-fields.js';
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
  const signUp = useMutation(
    trpc.auth.signUp.mutationOptions({
      meta: { inline: true },
      onSuccess: (result) => {
        queryClient.clear();
        onDone(result);
      },
    }),
  );
  const err = signUp.error;
  const form = useFormFields({ name: '', email: defaultEmail ?? '', password: '' }, err);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signUp.mutate({
      ...form.values,
      ...(setupToken ? { setupToken } : {}),
      ...(inviteToken ? { inviteToken } : {}),
    });
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormError error={err} fields={['name', 'email', 'password']} />
      <TextField {...form.bind('name', 'Name', 'signup-name')} autoComplete="name" required />
      <TextField {...form.bind('email', 'Email', 'signup-email')} type="email" autoComplete="email" required />
      <TextField
        {...form.bind('password', 'Password', 'signup-password')}
        hint="At least 10 characters."
        type="password"
        autoComplete="new-password"
        required
        minLength={10}
      />
      <SubmitButton label={submitLabel} busy={signUp.isPending} busyLabel="Working…" block />
    </form>
  );
}
