/**
 * The one place a request enters a tenant: resolve which workspace, rate-limit it, open
 * the RLS transaction, check membership, compute scopes. Used by the tRPC tenant
 * procedure and by the REST route builder alike.
 */
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppDeps } from '../deps.js';
import { tenantMembers } from '../db/schema/index.js';
import { withTenant, type Tx } from '../db/tenant.js';
import { NyxError } from '../errors.js';
import type { Principal, RequestMeta } from './principal.js';
import { effectiveScopes, type Role, type Scope } from './scopes.js';

/**
 * The caller as every service sees it (one contract, not one per feature): the RLS
 * transaction, the workspace, who acts (null: nyxCore itself, on behalf of a user since
 * removed), the project pin (null: the whole workspace; services enforce it with
 * ./project-pin.ts) and the IP for the audit log. A service that needs less takes a Pick of
 * it; a request's TenantAccess adds the member's role and scopes.
 */
export interface Access {
  tx: Tx;
  tenantId: string;
  userId: string | null;
  /** Set when an API token is pinned to one project. */
  projectPin: string | null;
  ip: string | null;
}

/** A request inside a workspace: always a member, with a role and the scopes it grants. */
export interface TenantAccess extends Access {
  userId: string;
  role: Role;
  scopes: Set<Scope>;
}

/**
 * nyxCore acting in a workspace outside any request, for the user who started the work (a
 * run's step writing insights): the whole workspace, no IP.
 */
export const backgroundAccess = (tx: Tx, tenantId: string, userId: string | null): Access => ({
  tx,
  tenantId,
  userId,
  projectPin: null,
  ip: null,
});

const zTenantId = z.uuid();

function notFoundWorkspace(): NyxError {
  return new NyxError('NOT_FOUND', 'Workspace not found, or you are not a member of it');
}

/** Tenant access without an open transaction, for work that waits on the network (LLM calls). */
export type TenantGrant = Omit<TenantAccess, 'tx'>;

function chooseTenant(principal: Principal, meta: Pick<RequestMeta, 'requestedTenantId'>): string {
  let tenantId: string;
  if (principal.kind === 'token') {
    if (meta.requestedTenantId && meta.requestedTenantId !== principal.tenantId) {
      throw new NyxError('FORBIDDEN', 'This API token belongs to another workspace');
    }
    tenantId = principal.tenantId;
  } else {
    if (!meta.requestedTenantId) throw new NyxError('BAD_INPUT', 'Choose a workspace first (x-nyx-tenant header)');
    if (!zTenantId.safeParse(meta.requestedTenantId).success) throw notFoundWorkspace();
    tenantId = meta.requestedTenantId;
  }
  return tenantId;
}

/**
 * Charges the request to a rate-limit bucket, after membership is known: a workspace's
 * bucket only for its members and tokens, so a stranger naming another workspace can never
 * exhaust it; a non-member's misses go to their own user bucket (the per-IP limit applies too).
 */
async function charge(
  deps: AppDeps,
  bucket: { tenantId: string } | { strangerUserId: string },
  resHeaders: Headers,
): Promise<void> {
  const key = 'tenantId' in bucket ? `tenant:${bucket.tenantId}` : `stranger:${bucket.strangerUserId}`;
  const limit = await deps.rateLimiter.hit(key, deps.env.NYXCORE_RATE_LIMIT_API_PER_MIN, 60_000);
  if (!limit.isAllowed) {
    resHeaders.set('Retry-After', String(limit.retryAfterSeconds));
    const whose = 'tenantId' in bucket ? 'for this workspace' : 'to workspaces you are not a member of';
    throw new NyxError('RATE_LIMITED', `Too many requests ${whose}; try again in ${limit.retryAfterSeconds} s`);
  }
}

/** Membership, then the rate-limit charge that depends on it. */
async function admit(
  deps: AppDeps,
  tx: Tx,
  tenantId: string,
  principal: Principal,
  ip: string | null,
  resHeaders: Headers,
): Promise<TenantGrant> {
  let grant: TenantGrant;
  try {
    grant = await grantFor(tx, tenantId, principal, ip);
  } catch (err) {
    if (err instanceof NyxError && err.code === 'NOT_FOUND')
      await charge(deps, { strangerUserId: principal.userId }, resHeaders);
    throw err;
  }
  await charge(deps, { tenantId }, resHeaders);
  return grant;
}

async function grantFor(tx: Tx, tenantId: string, principal: Principal, ip: string | null): Promise<TenantGrant> {
  const [membership] = await tx
    .select({ role: tenantMembers.role })
    .from(tenantMembers)
    .where(and(eq(tenantMembers.tenantId, tenantId), eq(tenantMembers.userId, principal.userId)));
  if (!membership) throw notFoundWorkspace();
  return {
    tenantId,
    userId: principal.userId,
    role: membership.role,
    scopes: effectiveScopes(membership.role, principal.kind === 'token' ? principal.scopes : null),
    projectPin: principal.kind === 'token' ? principal.projectId : null,
    ip,
  };
}

/** Runs `fn` inside the tenant's RLS transaction after checking membership (one transaction). */
export async function runInTenant<T>(
  deps: AppDeps,
  principal: Principal,
  meta: Pick<RequestMeta, 'requestedTenantId' | 'ip'>,
  resHeaders: Headers,
  fn: (access: TenantAccess) => Promise<T>,
): Promise<T> {
  const tenantId = chooseTenant(principal, meta);
  return withTenant(deps.database, { tenantId, userId: principal.userId }, async (tx) =>
    fn({ ...(await admit(deps, tx, tenantId, principal, meta.ip, resHeaders)), tx }),
  );
}

/**
 * Checks membership in a short transaction and returns the grant; the caller opens its
 * own short transactions (`withTenant`) around database work, never around network waits.
 */
export async function grantTenant(
  deps: AppDeps,
  principal: Principal,
  meta: Pick<RequestMeta, 'requestedTenantId' | 'ip'>,
  resHeaders: Headers,
): Promise<TenantGrant> {
  const tenantId = chooseTenant(principal, meta);
  return withTenant(deps.database, { tenantId, userId: principal.userId }, (tx) =>
    admit(deps, tx, tenantId, principal, meta.ip, resHeaders),
  );
}

/** Runs `fn` in a short tenant transaction with the grant's access (for call procedures). */
export function withGrant<T>(
  deps: Pick<AppDeps, 'database'>,
  grant: TenantGrant,
  fn: (access: TenantAccess) => Promise<T>,
): Promise<T> {
  return withTenant(deps.database, { tenantId: grant.tenantId, userId: grant.userId }, (tx) => fn({ ...grant, tx }));
}
