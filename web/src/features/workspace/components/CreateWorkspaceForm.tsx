import { useMutation, useQueryClient } from '@tanstack/react-query';
import { FormError } from '../../../ui/FormError.js';
import { useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { fieldError } from '../../../lib/errors.js';
import { useTRPC } from '../../../lib/trpc.js';
import { TextField } from '../../../ui/TextField.js';

/** Creates a workspace and opens it. */
export function CreateWorkspaceForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const create = useMutation(
    trpc.workspaces.create.mutationOptions({
      meta: { inline: true },
      onSuccess: async (ws) => {
        await queryClient.invalidateQueries({ queryKey: trpc.workspaces.list.queryKey() });
        await navigate({ to: '/w/$workspaceId', params: { workspaceId: ws.id } });
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ name });
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormError error={create.error} fields={['name']} />
      <TextField
        label="Workspace name"
        id="workspace-name"
        error={fieldError(create.error, 'name')}
        hint="Usually your team or company name."
        value={name}
        onChange={setName}
        placeholder="Acme"
        autoFocus
      />
      <button type="submit" className="btn btn-primary btn-block" disabled={create.isPending}>
        {create.isPending ? 'Creating…' : 'Create workspace'}
      </button>
    </form>
  );
}
