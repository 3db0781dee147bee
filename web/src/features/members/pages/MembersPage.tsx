import { PageHeader } from '../../../ui/PageHeader.js';
import { DataTable } from '../../../ui/DataTable.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { ConfirmButton } from '../../../ui/ConfirmButton.js';
import { InvitationsPanel } from '../components/InvitationsPanel.js';
import { useToast } from '../../../ui/Toasts.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { formatDate } from '../../../lib/format.js';
import { can, canManageMember, type Role } from '../../../lib/access.js';
import { useTRPC } from '../../../lib/trpc.js';
import { QueryStatus } from '../../../ui/QueryStatus.js';

/** `/w/$workspaceId/members`: members, roles and (for admins) invitations. */
export function MembersPage() {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const toast = useToast();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const members = useQuery(trpc.members.list.queryOptions());
  const canManage = can(ws, 'members:manage');
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.members.list.queryKey() });
  const updateRole = useMutation(
    trpc.members.updateRole.mutationOptions({
      onSuccess: async (r) => {
        toast.success(`Role changed to ${r.role}`);
        await refresh();
      },
      onError: () => void refresh(),
    }),
  );
  const remove = useMutation(
    trpc.members.remove.mutationOptions({
      onSuccess: async (r) => {
        if (r.userId === ws.userId) {
          toast.success(`You left ${ws.name}`);
          await queryClient.invalidateQueries({ queryKey: trpc.workspaces.list.queryKey() });
          await navigate({ to: '/' });
          return;
        }
        toast.success('Member removed');
        await refresh();
      },
    }),
  );
  return (
    <div className="page">
      <PageHeader title="Members" description={<>People with access to {ws.name}.</>} />
      <QueryStatus query={members} />
      {members.data ? (
        <DataTable testId="members-table" columns={['Name', 'Email', 'Role', 'Joined']} actions>
          {members.data.map((m) => {
            const isSelf = m.userId === ws.userId;
            const canEdit = !isSelf && canManageMember(ws, m.role);
            return (
              <tr key={m.userId}>
                <td>
                  {m.name} {isSelf ? <span className="muted small">(you)</span> : null}
                </td>
                <td>{m.email}</td>
                <td>
                  {canEdit ? (
                    <>
                      <label htmlFor={`role-${m.userId}`} className="sr-only">
                        Role for {m.name}
                      </label>
                      <select
                        id={`role-${m.userId}`}
                        className="input input-sm"
                        value={m.role}
                        disabled={updateRole.isPending}
                        onChange={(e) => updateRole.mutate({ userId: m.userId, role: e.target.value as Role })}
                      >
                        {ws.assignableRoles.map((r) => (
                          <option key={r} value={r}>
                            {r}
                          </option>
                        ))}
                      </select>
                    </>
                  ) : (
                    <span className="badge">{m.role}</span>
                  )}
                </td>
                <td>{formatDate(m.joinedAt)}</td>
                <td className="actions">
                  {isSelf ? (
                    <ConfirmButton
                      small
                      label="Leave workspace"
                      confirmLabel="Leave"
                      question={`Leave ${ws.name}?`}
                      onConfirm={() => remove.mutate({ userId: m.userId })}
                    />
                  ) : canEdit ? (
                    <ConfirmButton
                      small
                      label="Remove"
                      question={`Remove ${m.name}?`}
                      onConfirm={() => remove.mutate({ userId: m.userId })}
                    />
                  ) : null}
                </td>
              </tr>
            );
          })}
        </DataTable>
      ) : null}
      {canManage ? <InvitationsPanel /> : null}
    </div>
  );
}
