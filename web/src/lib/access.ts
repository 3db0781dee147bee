/**
 * Permission checks for shaping the UI. The server decides what the caller may do and
 * tells us (`workspaces.current` → `scopes`, `assignableRoles`); the server still enforces.
 */
import type { Role, Scope } from '../../../src/platform/access/scopes.js';

export type { Role, Scope };

/** Whatever carries the caller's effective scopes (the current workspace). */
export interface HasScopes {
  scopes: readonly Scope[];
}

/** Whether the caller's effective scopes (role ∩ API token) include `scope`. */
export function can(ws: HasScopes, scope: Scope): boolean {
  return ws.scopes.includes(scope);
}

/** Whether the caller may change or remove a member who currently has `role`. */
export function canManageMember(ws: HasScopes & { assignableRoles: readonly Role[] }, role: Role): boolean {
  return can(ws, 'members:manage') && ws.assignableRoles.includes(role);
}
