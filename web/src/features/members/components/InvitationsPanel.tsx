import { RevokeButton } from '../../../ui/Buttons.js';
import { useFormFields } from '../../../lib/use-form-fields.js';
import { SubmitButton } from '../../../ui/SubmitButton.js';
import { DataTable } from '../../../ui/DataTable.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { FormError } from '../../../ui/FormError.js';
import { useState, type FormEvent } from 'react';
import { fieldError } from '../../../lib/errors.js';
import { formatDate } from '../../../lib/format.js';
import type { Role } from '../../../lib/access.js';
import { useTRPC } from '../../../lib/trpc.js';
import { CopyBox } from '../../../ui/CopyBox.js';
import { EmptyState } from '../../../ui/Feedback.js';
import { Field } from '../../../ui/Field.js';
import { useToast } from '../../../ui/Toasts.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { TextField } from '../../../ui/TextField.js';
import { QueryStatus } from '../../../ui/QueryStatus.js';

/** Roles an invitation may carry: the server refuses owner invitations. */
type InvitableRole = Exclude<Role, 'owner'>;
const isInvitable = (r: Role): r is InvitableRole => r !== 'owner';

/** Admins: create one-time invitation links and manage existing ones. */
export function InvitationsPanel() {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const toast = useToast();
  const queryClient = useQueryClient();
  const allowed = ws.assignableRoles.filter(isInvitable);
  const [role, setRole] = useState<InvitableRole>(allowed.includes('member') ? 'member' : (allowed[0] ?? 'viewer'));
  const [link, setLink] = useState<string | null>(null);
  const invitations = useQuery(trpc.invitations.list.queryOptions());
  const create = useMutation(
    trpc.invitations.create.mutationOptions({
      meta: { inline: true },
      onSuccess: async (r) => {
        setLink(r.link);
        form.setValues((v) => ({ ...v, email: '' }));
        await queryClient.invalidateQueries({ queryKey: trpc.invitations.list.queryKey() });
      },
    }),
  );
  const revoke = useMutation(
    trpc.invitations.revoke.mutationOptions({
      onSuccess: async () => {
        toast.success('Invitation revoked');
        await queryClient.invalidateQueries({ queryKey: trpc.invitations.list.queryKey() });
      },
    }),
  );
  const form = useFormFields({ email: '', expiresInDays: '7' }, create.error);
  const { email, expiresInDays: days } = form.values;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const expiresInDays = Number(days);
    create.mutate({
      role,
      ...(email.trim() ? { email: email.trim() } : {}),
      ...(Number.isInteger(expiresInDays) && expiresInDays > 0 ? { expiresInDays } : {}),
    });
  };
  return (
    <section className="section">
      <h2>Invitations</h2>
      <form className="card form form-inline" onSubmit={submit} noValidate data-testid="invite-form">
        <TextField
          {...form.bind('email', 'Email (optional)', 'invite-email')}
          hint="Leave empty for a link anyone can use once."
          type="email"
          placeholder="name@example.com"
        />
        <Field label="Role" htmlFor="invite-role" error={fieldError(create.error, 'role')}>
          <select
            id="invite-role"
            className="input"
            value={role}
            onChange={(e) => setRole(e.target.value as InvitableRole)}
          >
            {allowed.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </Field>
        <TextField {...form.bind('expiresInDays', 'Expires in (days)', 'invite-days')} type="number" min={1} max={30} />
        <SubmitButton label="Create invitation link" busy={create.isPending} busyLabel="Creating…" />
      </form>
      <FormError error={create.error} fields={['email', 'role', 'expiresInDays']} />
      {link ? <CopyBox label="Invitation link" value={link} testId="invite-link" /> : null}
      <QueryStatus query={invitations} />
      {invitations.data && invitations.data.length === 0 ? <EmptyState title="No invitations yet" /> : null}
      {invitations.data && invitations.data.length > 0 ? (
        <DataTable columns={['Email', 'Role', 'Status', 'Created', 'Expires']} actions>
          {invitations.data.map((inv) => (
            <tr key={inv.id}>
              <td>{inv.email ?? <span className="muted">Anyone with the link</span>}</td>
              <td>{inv.role}</td>
              <td>
                <span className={`badge badge-${inv.status}`}>{inv.status}</span>
              </td>
              <td>{formatDate(inv.createdAt)}</td>
              <td>{formatDate(inv.expiresAt)}</td>
              <td className="actions">
                {inv.status === 'pending' ? <RevokeButton onRevoke={() => revoke.mutate({ id: inv.id })} /> : null}
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
    </section>
  );
}
