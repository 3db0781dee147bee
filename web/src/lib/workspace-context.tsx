import { createContext, useContext } from 'react';
import type { Role, Scope } from './access.js';

export interface CurrentWorkspace {
  id: string;
  name: string;
  role: Role;
  userId: string;
  /** The caller's effective scopes here (role ∩ API token), as reported by the server. */
  scopes: readonly Scope[];
  /** Roles the caller may grant, highest first, as reported by the server. */
  assignableRoles: readonly Role[];
}

export const WorkspaceContext = createContext<CurrentWorkspace | null>(null);

/** The workspace the current page is in (provided by the workspace layout). */
export function useWorkspace(): CurrentWorkspace {
  const ws = useContext(WorkspaceContext);
  if (!ws) throw new Error('useWorkspace must be used inside the workspace layout');
  return ws;
}
