import {
  authAttemptProcedure,
  authedProcedure,
  limitAuthAttempts,
  requireScope,
  router,
  sessionProcedure,
  tenantMutation,
  tenantProcedure,
} from '../../platform/trpc/procedures.js';
import { z } from 'zod';
import {
  acceptInvitation,
  createInvitation,
  listInvitations,
  previewInvitation,
  revokeInvitation,
} from './invitations.js';
import {
  zCreateInvitation,
  zCreateWorkspace,
  zInviteToken,
  zRemoveMember,
  zRenameWorkspace,
  zUpdateMemberRole,
} from './schema.js';
import {
  createWorkspace,
  getWorkspace,
  listMembers,
  listWorkspaces,
  removeMember,
  renameWorkspace,
  updateMemberRole,
} from './service.js';

export const workspacesRouter = router({
  list: authedProcedure.query(({ ctx }) => listWorkspaces(ctx.deps, ctx.principal.userId)),
  create: sessionProcedure
    .input(zCreateWorkspace)
    .mutation(({ ctx, input }) => createWorkspace(ctx.deps, ctx.principal.userId, input.name, ctx.meta.ip)),
  current: tenantProcedure.query(({ ctx }) => getWorkspace(ctx.access)),
  rename: tenantMutation('workspace:manage', zRenameWorkspace, (access, { name }) => renameWorkspace(access, name)),
});

export const membersRouter = router({
  list: requireScope('members:read').query(({ ctx }) => listMembers(ctx.access)),
  updateRole: tenantMutation('members:manage', zUpdateMemberRole, (access, { userId, role }) =>
    updateMemberRole(access, userId, role),
  ),
  /** Removing yourself is leaving; removing someone else needs members:manage. */
  remove: tenantProcedure
    .input(zRemoveMember)
    .mutation(({ ctx, input }) => removeMember(ctx.access, input.userId, ctx.access.scopes.has('members:manage'))),
});

export const invitationsRouter = router({
  list: requireScope('members:manage').query(({ ctx }) => listInvitations(ctx.access, ctx.deps.now())),
  create: requireScope('members:manage')
    .input(zCreateInvitation)
    .mutation(({ ctx, input }) => createInvitation(ctx.access, input, ctx.deps.now(), ctx.deps.env.publicUrl)),
  revoke: requireScope('members:manage')
    .input(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => revokeInvitation(ctx.access, input.id, ctx.deps.now())),
  preview: authAttemptProcedure.input(zInviteToken).query(({ ctx, input }) => previewInvitation(ctx.deps, input.token)),
  accept: sessionProcedure
    .use(limitAuthAttempts)
    .input(zInviteToken)
    .mutation(async ({ ctx, input }) => ({
      tenantId: await acceptInvitation(ctx.deps, {
        inviteToken: input.token,
        userId: ctx.principal.userId,
        ip: ctx.meta.ip,
      }),
    })),
});
