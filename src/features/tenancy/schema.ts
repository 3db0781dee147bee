import { z } from 'zod';
import { roles } from '../../platform/access/scopes.js';

export const zWorkspaceName = z.string().trim().min(1, { message: 'Name the workspace' }).max(80);
export const zCreateWorkspace = z.object({ name: zWorkspaceName });
export const zRenameWorkspace = z.object({ name: zWorkspaceName });
export const zRole = z.enum(roles);
export const zUpdateMemberRole = z.object({ userId: z.uuid(), role: zRole });
export const zRemoveMember = z.object({ userId: z.uuid() });
export const zCreateInvitation = z.object({
  email: z.string().trim().toLowerCase().max(254).pipe(z.email()).optional(),
  role: zRole.exclude(['owner']).default('member'),
  expiresInDays: z.number().int().min(1).max(30).default(7),
});
export type CreateInvitationInput = z.infer<typeof zCreateInvitation>;
export const zInviteToken = z.object({ token: z.string().min(10).max(200) });

export interface WorkspaceView {
  id: string;
  name: string;
  role: z.infer<typeof zRole>;
  createdAt: Date;
}
