import { SubmitButton } from '../../../ui/SubmitButton.js';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { FormError } from '../../../ui/FormError.js';
import { useNavigate } from '@tanstack/react-router';
import type { FormEvent } from 'react';
import { useFormFields } from '../../../lib/use-form-fields.js';
import { useTRPC } from '../../../lib/trpc.js';
import { TextField } from '../../../ui/TextField.js';

/** Creates a workspace and opens it. */
export function CreateWorkspaceForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const create = useMutation(
    trpc.workspaces.create.mutationOptions({
      meta: { inline: true },
      onSuccess: async (ws) => {
        await queryClient.invalidateQueries({ queryKey: trpc.workspaces.list.queryKey() });
        await navigate({ to: '/w/$workspaceId', params: { workspaceId: ws.id } });
      },
    }),
  );
  const form = useFormFields({ name: '' }, create.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(form.values);
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormError error={create.error} fields={['name']} />
      <TextField
        {...form.bind('name', 'Workspace name', 'workspace-name')}
        hint="Usually your team or company name."
        placeholder="Acme"
        autoFocus
      />
      <SubmitButton label="Create workspace" busy={create.isPending} busyLabel="Creating…" block />
    </form>
  );
}
