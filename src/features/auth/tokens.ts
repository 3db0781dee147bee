/**
 * API tokens: `nyx_` + 32 random bytes, shown once, stored as SHA-256. A token belongs to
 * one user in one workspace, carries scopes (never more than its creator's role allows),
 * may be pinned to a project, may expire, and can be revoked.
 */
import { and, desc, eq } from 'drizzle-orm';
import { projectForNewRow, visibleOr404 } from '../../platform/access/project-pin.js';
import { isScope, roleScopes, type Scope } from '../../platform/access/scopes.js';
import type { AppDeps } from '../../platform/deps.js';
import { apiTokens, projects, tenantMembers, users } from '../../platform/db/schema/index.js';
import { withAuth, withTenant } from '../../platform/db/tenant.js';
import { NyxError, notFound } from '../../platform/errors.js';
import { constantTimeEqual, randomToken, sha256Hex } from '../../platform/security.js';
import type { TenantAccess } from '../../platform/access/tenant-access.js';
import type { Principal } from '../../platform/access/principal.js';
import { recordAudit } from '../audit/index.js';
import type { CreateTokenInput } from './schema.js';

export const TOKEN_PREFIX = 'nyx_';

export interface TokenView {
  id: string;
  name: string;
  displayPrefix: string;
  scopes: string[];
  projectId: string | null;
  userId: string;
  userEmail: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

type Access = Pick<TenantAccess, 'tx' | 'tenantId' | 'userId' | 'role' | 'scopes' | 'projectPin' | 'ip'>;

export async function createApiToken(
  access: Access,
  input: CreateTokenInput,
  now: Date,
): Promise<{ token: string; view: TokenView }> {
  const tooBroad = input.scopes.filter((s) => !access.scopes.has(s));
  if (tooBroad.length) {
    throw new NyxError('FORBIDDEN', `You cannot grant scopes you do not have: ${tooBroad.join(', ')}`, {
      fieldErrors: { scopes: [`Not allowed: ${tooBroad.join(', ')}`] },
    });
  }
  // A pinned caller mints only tokens pinned to its own project (scopes are already a subset above).
  const projectId = projectForNewRow(access, input.projectId, 'projectId', 'tokens');
  if (projectId) {
    const [p] = await access.tx.select({ id: projects.id }).from(projects).where(eq(projects.id, projectId));
    if (!p)
      throw new NyxError('NOT_FOUND', 'Project not found', {
        fieldErrors: { projectId: ['No such project in this workspace'] },
      });
  }
  const token = randomToken(TOKEN_PREFIX, 32);
  const expiresAt = input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 86_400_000) : null;
  const [row] = await access.tx
    .insert(apiTokens)
    .values({
      tenantId: access.tenantId,
      userId: access.userId,
      name: input.name,
      displayPrefix: token.slice(0, TOKEN_PREFIX.length + 6),
      tokenHash: sha256Hex(token),
      scopes: [...new Set(input.scopes)],
      projectId,
      expiresAt,
    })
    .returning();
  if (!row) throw new NyxError('INTERNAL', 'token insert returned nothing');
  await recordAudit(
    access,
    'token.created',
    { type: 'api_token', id: row.id },
    { name: row.name, scopes: row.scopes, projectId: row.projectId },
  );
  const [u] = await access.tx.select({ email: users.email }).from(users).where(eq(users.id, access.userId));
  return { token, view: toView(row, u?.email ?? '') };
}

function toView(row: typeof apiTokens.$inferSelect, userEmail: string): TokenView {
  return {
    id: row.id,
    name: row.name,
    displayPrefix: row.displayPrefix,
    scopes: row.scopes,
    projectId: row.projectId,
    userId: row.userId,
    userEmail,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
    lastUsedAt: row.lastUsedAt,
  };
}

/** Own tokens; everyone's for holders of `tokens:manage`. Never includes the secret or its hash. */
export async function listApiTokens(access: Access): Promise<TokenView[]> {
  const rows = await access.tx
    .select({ token: apiTokens, email: users.email })
    .from(apiTokens)
    // Left join: a removed member's (revoked) tokens stay listed though their account row is no longer visible here.
    .leftJoin(users, eq(users.id, apiTokens.userId))
    .where(
      and(
        access.scopes.has('tokens:manage') ? undefined : eq(apiTokens.userId, access.userId),
        access.projectPin ? eq(apiTokens.projectId, access.projectPin) : undefined,
      ),
    )
    .orderBy(desc(apiTokens.createdAt));
  return rows.map((r) => toView(r.token, r.email ?? ''));
}

export async function revokeApiToken(access: Access, id: string, now: Date): Promise<TokenView> {
  const [row] = await access.tx.select().from(apiTokens).where(eq(apiTokens.id, id));
  if (!row || (row.userId !== access.userId && !access.scopes.has('tokens:manage'))) throw notFound('Token');
  // A pinned caller manages only tokens pinned to its own project.
  visibleOr404(row, access, 'Token');
  const [updated] = await access.tx
    .update(apiTokens)
    .set({ revokedAt: row.revokedAt ?? now })
    .where(eq(apiTokens.id, id))
    .returning();
  if (!updated) throw notFound('Token');
  if (!row.revokedAt) {
    await recordAudit(access, 'token.revoked', { type: 'api_token', id }, { name: row.name });
  }
  const [u] = await access.tx.select({ email: users.email }).from(users).where(eq(users.id, updated.userId));
  return toView(updated, u?.email ?? '');
}

/**
 * Resolves a bearer token to its principal, or throws UNAUTHENTICATED saying why
 * (unknown, revoked, expired). Membership is checked later by the tenant procedure.
 */
export async function resolveApiToken(
  deps: Pick<AppDeps, 'database' | 'now' | 'log'>,
  token: string,
): Promise<Extract<Principal, { kind: 'token' }>> {
  if (!token.startsWith(TOKEN_PREFIX)) throw new NyxError('UNAUTHENTICATED', 'Malformed API token');
  const tokenHash = sha256Hex(token);
  const now = deps.now();
  const found = await withAuth(deps.database, { tokenHash }, async (tx) => {
    const [row] = await tx
      .select({ token: apiTokens, user: users })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(eq(apiTokens.tokenHash, tokenHash));
    return row;
  });
  if (!found || !constantTimeEqual(found.token.tokenHash, tokenHash))
    throw new NyxError('UNAUTHENTICATED', 'Unknown API token');
  if (found.token.revokedAt) throw new NyxError('UNAUTHENTICATED', 'This API token was revoked');
  if (found.token.expiresAt && found.token.expiresAt <= now)
    throw new NyxError('UNAUTHENTICATED', 'This API token has expired');
  const last = found.token.lastUsedAt?.getTime() ?? 0;
  if (now.getTime() - last > 60_000) {
    await withTenant(deps.database, { tenantId: found.token.tenantId, userId: found.user.id }, (tx) =>
      tx.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, found.token.id)),
    );
  }
  return {
    kind: 'token',
    userId: found.user.id,
    email: found.user.email,
    name: found.user.name,
    tokenId: found.token.id,
    tenantId: found.token.tenantId,
    scopes: found.token.scopes,
    projectId: found.token.projectId,
  };
}

/** Used by `nyxcore token create`: issues a token for a member without a browser. */
export async function createTokenForMember(
  deps: Pick<AppDeps, 'database' | 'now'>,
  input: { userId: string; tenantId: string } & CreateTokenInput,
): Promise<{ token: string; view: TokenView }> {
  return withTenant(deps.database, { tenantId: input.tenantId, userId: input.userId }, async (tx) => {
    const [m] = await tx
      .select({ role: tenantMembers.role })
      .from(tenantMembers)
      .where(and(eq(tenantMembers.tenantId, input.tenantId), eq(tenantMembers.userId, input.userId)));
    if (!m) throw new NyxError('NOT_FOUND', 'That user is not a member of that workspace');
    const scopeSet = new Set<Scope>(roleScopes[m.role].filter(isScope));
    return createApiToken(
      {
        tx,
        tenantId: input.tenantId,
        userId: input.userId,
        role: m.role,
        scopes: scopeSet,
        projectPin: null,
        ip: null,
      },
      input,
      deps.now(),
    );
  });
}
