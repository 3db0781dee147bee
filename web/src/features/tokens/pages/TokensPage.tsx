import { RevokeButton } from '../../../ui/Buttons.js';
import { useFormFields } from '../../../lib/use-form-fields.js';
import { ProjectSelect } from '../../../ui/ProjectSelect.js';
import { PageHeader } from '../../../ui/PageHeader.js';
import { DataTable } from '../../../ui/DataTable.js';
import { FormActions } from '../../../ui/FormActions.js';
import { FormError } from '../../../ui/FormError.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { CopyBox } from '../../../ui/CopyBox.js';
import { EmptyState } from '../../../ui/Feedback.js';
import { Field } from '../../../ui/Field.js';
import { useToast } from '../../../ui/Toasts.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { fieldError } from '../../../lib/errors.js';
import { formatDate, formatDateTime } from '../../../lib/format.js';
import { can, type Scope } from '../../../lib/access.js';
import { useTRPC, type RouterOutputs } from '../../../lib/trpc.js';
import { TextField } from '../../../ui/TextField.js';
import { QueryStatus } from '../../../ui/QueryStatus.js';

type TokenInfo = RouterOutputs['tokens']['list'][number];

function statusOf(t: TokenInfo): 'revoked' | 'expired' | 'active' {
  if (t.revokedAt) return 'revoked';
  if (t.expiresAt && new Date(t.expiresAt) <= new Date()) return 'expired';
  return 'active';
}

function CreateTokenForm() {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const queryClient = useQueryClient();
  const available = ws.scopes;
  // Least privilege: nothing is granted until picked (a script rarely needs more than one or two scopes).
  const [picked, setPicked] = useState<Scope[]>([]);
  const [projectId, setProjectId] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const create = useMutation(
    trpc.tokens.create.mutationOptions({
      meta: { inline: true },
      onSuccess: async (r) => {
        setSecret(r.token);
        form.setValues((v) => ({ ...v, name: '' }));
        await queryClient.invalidateQueries({ queryKey: trpc.tokens.list.queryKey() });
      },
    }),
  );
  const form = useFormFields({ name: '', expiresInDays: '' }, create.error);
  const { name, expiresInDays: days } = form.values;
  const toggle = (s: Scope) => setPicked((cur) => (cur.includes(s) ? cur.filter((x) => x !== s) : [...cur, s]));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const expiresInDays = Number(days);
    create.mutate({
      name,
      scopes: picked,
      ...(projectId ? { projectId } : {}),
      ...(days && Number.isInteger(expiresInDays) ? { expiresInDays } : {}),
    });
  };
  return (
    <section className="section">
      <form className="card form" onSubmit={submit} noValidate data-testid="token-form">
        <h2>New API token</h2>
        <FormError error={create.error} fields={['name', 'projectId', 'expiresInDays', 'scopes']} />
        <div className="form-grid">
          <TextField {...form.bind('name', 'Name', 'token-name')} placeholder="CI pipeline" />
          <Field
            label="Limit to project (optional)"
            htmlFor="token-project"
            error={fieldError(create.error, 'projectId')}
          >
            <ProjectSelect id="token-project" value={projectId} onChange={setProjectId} emptyLabel="All projects" />
          </Field>
          <TextField
            {...form.bind('expiresInDays', 'Expires in days (optional)', 'token-days')}
            hint="Empty means it never expires."
            type="number"
            min={1}
            max={3650}
          />
        </div>
        <fieldset className="scopes">
          <legend>Scopes: pick only what the script needs (limited to what your {ws.role} role has)</legend>
          {available.map((s) => (
            <label key={s} className="check">
              <input type="checkbox" checked={picked.includes(s)} onChange={() => toggle(s)} />
              <span className="mono">{s}</span>
            </label>
          ))}
          {fieldError(create.error, 'scopes') ? (
            <p className="field-error" role="alert">
              {fieldError(create.error, 'scopes')}
            </p>
          ) : null}
        </fieldset>
        <FormActions label="Create token" busy={create.isPending} busyLabel="Creating…" />
      </form>
      {secret ? <CopyBox label="API token" value={secret} testId="token-secret" /> : null}
    </section>
  );
}

/** `notes:read, notes:write, projects:read` → `[['notes', ['read', 'write']], ['projects', ['read']]]`: one chip per resource. */
function groupScopes(scopes: readonly string[]): [string, string[]][] {
  const byResource = new Map<string, string[]>();
  for (const s of scopes) {
    const [resource = s, action = ''] = s.split(':');
    byResource.set(resource, [...(byResource.get(resource) ?? []), action]);
  }
  return [...byResource];
}

/** `/w/$workspaceId/tokens`: API tokens for scripts and integrations. */
export function TokensPage() {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const toast = useToast();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.tokens.list.queryOptions());
  const projects = useQuery(trpc.projects.list.queryOptions({}));
  const projectName = (id: string | null) =>
    id ? (projects.data?.find((p) => p.id === id)?.name ?? 'Unknown project') : 'All projects';
  const revoke = useMutation(
    trpc.tokens.revoke.mutationOptions({
      onSuccess: async () => {
        toast.success('Token revoked');
        await queryClient.invalidateQueries({ queryKey: trpc.tokens.list.queryKey() });
      },
    }),
  );
  const canRevokeAny = can(ws, 'tokens:manage');
  return (
    <div className="page">
      <PageHeader
        title="API tokens"
        description={
          <>
            Use a token as <code>Authorization: Bearer nyx_…</code>. A token never has more access than its creator's
            current role.
          </>
        }
      />
      {can(ws, 'tokens:create') ? <CreateTokenForm /> : null}
      <QueryStatus query={tokens} />
      {tokens.data && tokens.data.length === 0 ? <EmptyState title="No API tokens yet" /> : null}
      {tokens.data && tokens.data.length > 0 ? (
        <DataTable
          testId="tokens-table"
          columns={['Name', 'Prefix', 'Scopes', 'Project', 'Owner', 'Last used', 'Expires', 'Status']}
          actions
        >
          {tokens.data.map((t) => {
            const status = statusOf(t);
            return (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td className="mono small">{t.displayPrefix}…</td>
                <td className="scope-list" title={t.scopes.join(', ')}>
                  {groupScopes(t.scopes).map(([resource, actions]) => (
                    <span key={resource} className="chip mono">
                      {resource}: {actions.join(' ')}
                    </span>
                  ))}
                </td>
                <td>{projectName(t.projectId)}</td>
                <td className="small">{t.userEmail}</td>
                <td>{formatDateTime(t.lastUsedAt)}</td>
                <td>{t.expiresAt ? formatDate(t.expiresAt) : 'Never'}</td>
                <td>
                  <span className={`badge badge-${status}`}>{status}</span>
                </td>
                <td className="actions">
                  {status === 'active' && (canRevokeAny || t.userId === ws.userId) ? (
                    <RevokeButton onRevoke={() => revoke.mutate({ id: t.id })} />
                  ) : null}
                </td>
              </tr>
            );
          })}
        </DataTable>
      ) : null}
    </div>
  );
}
