import { createContext, useContext } from 'react';
import type { Role } from '../lib/scopes.js';

export interface CurrentWorkspace {
  id: string;
  name: string;
  role: Role;
  userId: string;
}

export const WorkspaceContext = createContext<CurrentWorkspace | null>(null);

/** The workspace the current page is in (provided by the workspace layout). */
export function useWorkspace(): CurrentWorkspace {
  const ws = useContext(WorkspaceContext);
  if (!ws) throw new Error('useWorkspace must be used inside the workspace layout');
  return ws;
}
