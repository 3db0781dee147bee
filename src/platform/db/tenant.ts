/**
 * The RLS transaction. Role and settings are applied with `set_config(…, true)` inside the
 * transaction, so they vanish at COMMIT/ROLLBACK and never leak to the next user of a
 * pooled connection. (A session-level SET would leak; a set_config sent outside the
 * transaction silently does nothing.)
 */
import { sql } from 'drizzle-orm';
import type { Database, Tx } from './client.js';

export type { Tx };

export interface TenantScope {
  tenantId: string;
  userId: string | null;
}

/** Settings readable by RLS policies; all are transaction-local. */
interface Scope {
  'app.tenant_id'?: string;
  'app.user_id'?: string;
  'app.token_hash'?: string;
  'app.invite_hash'?: string;
  'app.session_hash'?: string;
  /** Lower-cased: the one account row sign-in and sign-up may see (and sign-up may insert). */
  'app.user_email'?: string;
}

async function scoped<T>(database: Database, scope: Scope, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return database.db.transaction(async (tx) => {
    // One round trip: `role` is a GUC too, and set_config(…, true) is SET LOCAL.
    await tx.execute(sql`select set_config('role', 'nyxcore_app', true),
      set_config('app.tenant_id', ${scope['app.tenant_id'] ?? ''}, true),
      set_config('app.user_id', ${scope['app.user_id'] ?? ''}, true),
      set_config('app.token_hash', ${scope['app.token_hash'] ?? ''}, true),
      set_config('app.invite_hash', ${scope['app.invite_hash'] ?? ''}, true),
      set_config('app.session_hash', ${scope['app.session_hash'] ?? ''}, true),
      set_config('app.user_email', ${scope['app.user_email'] ?? ''}, true)`);
    return fn(tx);
  });
}

/**
 * Runs `fn` in one transaction as `nyxcore_app` with the tenant set; RLS confines every
 * query to that tenant. Example: `await withTenant(db, { tenantId, userId }, (tx) => tx.select().from(projects))`.
 */
export function withTenant<T>(database: Database, scope: TenantScope, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return scoped(database, { 'app.tenant_id': scope.tenantId, 'app.user_id': scope.userId ?? '' }, fn);
}

/**
 * Pre-tenant lookups for the auth service only, still as `nyxcore_app`: with no tenant set,
 * tenant tables show only the rows the narrow policies allow (own memberships, the token,
 * session or invitation whose hash is presented), and `users` only the caller's own row,
 * the one whose email was typed in, or the one behind the presented session/token.
 */
export function withAuth<T>(
  database: Database,
  scope: { userId?: string; tokenHash?: string; inviteHash?: string; sessionHash?: string; email?: string },
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  return scoped(
    database,
    {
      'app.user_id': scope.userId ?? '',
      'app.token_hash': scope.tokenHash ?? '',
      'app.invite_hash': scope.inviteHash ?? '',
      'app.session_hash': scope.sessionHash ?? '',
      'app.user_email': scope.email?.trim().toLowerCase() ?? '',
    },
    fn,
  );
}

/**
 * Re-targets an open `withAuth`/`withTenant` transaction at another tenant, for the few
 * flows that cross from "no tenant" into one atomically (joining via an invitation,
 * creating a workspace). Still transaction-local.
 */
export async function enterTenant(tx: Tx, tenantId: string): Promise<void> {
  await tx.execute(sql`select set_config('app.tenant_id', ${tenantId}, true)`);
}
