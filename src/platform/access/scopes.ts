/**
 * Permissions are scopes; a role is a set of scopes. API tokens carry a subset of their
 * creator's scopes, and a request's effective scopes are token ∩ current role, so
 * demoting a member immediately narrows their tokens too.
 */
export const scopes = [
  'workspace:read',
  'workspace:manage',
  'members:read',
  'members:manage',
  'projects:read',
  'projects:write',
  'notes:read',
  'notes:write',
  'tokens:create',
  'tokens:manage',
  'audit:read',
  'personas:read',
  'personas:write',
  'llm:use',
  'llm:manage',
  'usage:read',
  'memory:read',
  'memory:write',
  'workflows:read',
  'workflows:write',
  'workflows:run',
  'discussions:read',
  'discussions:write',
  'repositories:read',
  'repositories:write',
  'analysis:read',
  'analysis:run',
  'analysis:write',
] as const;

export type Scope = (typeof scopes)[number];
export const roles = ['owner', 'admin', 'member', 'viewer'] as const;
export type Role = (typeof roles)[number];

const viewer: Scope[] = [
  'workspace:read',
  'members:read',
  'projects:read',
  'notes:read',
  'personas:read',
  'memory:read',
  'workflows:read',
  'discussions:read',
  'repositories:read',
  'analysis:read',
];
const member: Scope[] = [
  ...viewer,
  'projects:write',
  'notes:write',
  'tokens:create',
  'personas:write',
  'llm:use',
  'memory:write',
  'workflows:write',
  'workflows:run',
  'discussions:write',
  'repositories:write',
  'analysis:run',
  'analysis:write',
];
const admin: Scope[] = [...member, 'members:manage', 'tokens:manage', 'audit:read', 'llm:manage', 'usage:read'];
const owner: Scope[] = [...admin, 'workspace:manage'];

export const roleScopes = {
  owner,
  admin,
  member,
  viewer,
} as const satisfies Record<Role, readonly Scope[]>;

/** Rank for "who may grant what": nobody can grant a role above their own. */
export const roleRank = { viewer: 0, member: 1, admin: 2, owner: 3 } as const satisfies Record<Role, number>;

export function isScope(value: string): value is Scope {
  return (scopes as readonly string[]).includes(value);
}

export function effectiveScopes(role: Role, tokenScopes: readonly string[] | null): Set<Scope> {
  const fromRole = new Set<Scope>(roleScopes[role]);
  if (!tokenScopes) return fromRole;
  return new Set(tokenScopes.filter(isScope).filter((s) => fromRole.has(s)));
}
