/** Client-side mirror of the role → scope table (the server enforces; this only shapes the UI). */
export type Role = 'owner' | 'admin' | 'member' | 'viewer';

const viewer = ['workspace:read', 'members:read', 'projects:read', 'notes:read'] as const;
const member = [...viewer, 'projects:write', 'notes:write', 'tokens:create'] as const;
const admin = [...member, 'members:manage', 'tokens:manage', 'audit:read'] as const;
const owner = [...admin, 'workspace:manage'] as const;

export const roleScopes: Record<Role, readonly string[]> = { owner, admin, member, viewer };
export const roleRank: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };
export const roles: Role[] = ['owner', 'admin', 'member', 'viewer'];

export function can(role: Role | undefined, scope: string): boolean {
  return role ? roleScopes[role].includes(scope) : false;
}
