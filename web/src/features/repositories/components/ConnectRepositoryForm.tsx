import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { GIT_TOKEN_KINDS, type GitTokenKind } from '../../../../../src/shared/repositories.js';
import { fieldError } from '../../../lib/errors.js';
import { bindDraft } from '../../../lib/use-form-fields.js';
import { useTRPC } from '../../../lib/trpc.js';
import { Field } from '../../../ui/Field.js';
import { FormActions } from '../../../ui/FormActions.js';
import { FormError } from '../../../ui/FormError.js';
import { TextField } from '../../../ui/TextField.js';
import { ToggleGroup } from '../../../ui/ToggleGroup.js';
import { useToast } from '../../../ui/Toasts.js';
import { createInput, draftProblems, emptyDraft, suggestedName, type RepositoryDraft } from '../state.js';

const FIELDS = ['name', 'source', 'url', 'path', 'defaultBranch', 'token', 'tokenKind'] as const;
const tokenKindLabels: Record<GitTokenKind, string> = { github: 'GitHub', gitlab: 'GitLab', generic: 'Other (Bearer)' };

/** Connect a git URL or a local directory to the project. */
export function ConnectRepositoryForm({ projectId, onDone }: { projectId: string; onDone: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<RepositoryDraft>(emptyDraft);
  // Errors found in the browser show until the next submit; the server's come with the mutation.
  const [problems, setProblems] = useState<Record<string, string>>({});
  const create = useMutation(
    trpc.repositories.create.mutationOptions({
      meta: { inline: true },
      onSuccess: async (r) => {
        toast.success(`Repository "${r.name}" connected`);
        await queryClient.invalidateQueries({ queryKey: trpc.repositories.list.queryKey({ projectId }) });
        onDone();
      },
    }),
  );
  const errorOf = (field: string) => problems[field] ?? fieldError(create.error, field);
  const bind = bindDraft(draft, (change) => setDraft((d) => ({ ...d, ...change })), errorOf);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = draftProblems(draft);
    setProblems(found);
    if (Object.keys(found).length === 0) create.mutate(createInput(draft, projectId));
  };
  const isGit = draft.source === 'git';
  return (
    <form className="card form" onSubmit={submit} noValidate data-testid="repository-form">
      <h2>Connect a repository</h2>
      <FormError error={create.error} fields={FIELDS} />
      <ToggleGroup
        label="Source"
        options={[
          { value: 'git', label: 'Git URL' },
          { value: 'local_path', label: 'Local directory' },
        ]}
        value={draft.source}
        onChange={(source) => setDraft((d) => ({ ...d, source }))}
      />
      <div className="form-grid">
        {isGit ? (
          <TextField
            {...bind('url', 'Clone URL', 'repository-url')}
            className="input mono"
            type="url"
            placeholder="https://github.com/acme/api.git"
            hint="https:// only; no credentials in the URL (give a token below)."
            autoFocus
          />
        ) : (
          <TextField
            {...bind('path', 'Directory on the server', 'repository-path')}
            className="input mono"
            placeholder="/srv/code/api"
            hint="An absolute path; nyxCore only reads it."
            autoFocus
          />
        )}
        <TextField
          {...bind('name', 'Name', 'repository-name')}
          placeholder={suggestedName(draft) || 'api'}
          hint="Empty uses the last part of the URL or path."
        />
        <TextField {...bind('defaultBranch', 'Branch', 'repository-branch')} className="input mono" />
        {isGit ? (
          <>
            <TextField
              {...bind('token', 'Access token (optional)', 'repository-token')}
              className="input mono"
              type="password"
              autoComplete="off"
              hint="For private repositories. Stored encrypted; only the last four characters are shown."
            />
            <Field label="Token for" htmlFor="repository-token-kind" error={errorOf('tokenKind')}>
              <select
                id="repository-token-kind"
                className="input"
                value={draft.tokenKind}
                onChange={(e) => setDraft((d) => ({ ...d, tokenKind: e.target.value as GitTokenKind }))}
              >
                {GIT_TOKEN_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {tokenKindLabels[k]}
                  </option>
                ))}
              </select>
            </Field>
          </>
        ) : null}
      </div>
      <FormActions label="Connect" busy={create.isPending} busyLabel="Checking…" onCancel={onDone} />
    </form>
  );
}
