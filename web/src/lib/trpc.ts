/** The typed tRPC client: CSRF + workspace headers on every request, same-origin cookies. */
import type { QueryClient } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import superjson from 'superjson';
import type { AppRouter } from '../../../src/app/router.js';

export type { AppRouter };
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

let currentTenant: string | null = null;

/** The workspace requests are made in (sent as `x-nyx-tenant`). */
export function getTenant(): string | null {
  return currentTenant;
}

/** Paths whose data does not depend on the current workspace. */
const globalPaths = new Set(['auth', 'workspaces.list', 'invitations.preview']);

function isGlobalKey(key: readonly unknown[]): boolean {
  const path = key[0];
  if (!Array.isArray(path)) return true;
  const joined = path.join('.');
  return globalPaths.has(joined) || globalPaths.has(String(path[0]));
}

/** Switches the workspace context; cached workspace data of the previous one is dropped. */
export function setTenant(queryClient: QueryClient, tenantId: string | null): void {
  if (tenantId === currentTenant) return;
  currentTenant = tenantId;
  queryClient.removeQueries({ predicate: (q) => !isGlobalKey(q.queryKey) });
}

export function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim()) || null;
  }
  return null;
}

export function createClient() {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: '/api/trpc',
        transformer: superjson,
        headers() {
          const headers: Record<string, string> = {};
          const csrf = readCookie('nyx_csrf');
          if (csrf) headers['x-csrf-token'] = csrf;
          if (currentTenant) headers['x-nyx-tenant'] = currentTenant;
          return headers;
        },
        fetch(url, options) {
          return fetch(url, { ...options, credentials: 'same-origin' });
        },
      }),
    ],
  });
}
