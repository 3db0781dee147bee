/** Workspaces (tenants) and their members. */
import { and, asc, eq, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { roleRank, roles, type Role } from '../../platform/access/scopes.js';
import type { AppDeps } from '../../platform/deps.js';
import { tenantMembers, tenants, users } from '../../platform/db/schema/index.js';
import { enterTenant, withAuth } from '../../platform/db/tenant.js';
import { NyxError, notFound } from '../../platform/errors.js';
import type { TenantAccess } from '../../platform/access/tenant-access.js';
import { recordAudit } from '../audit/index.js';
import { seedBuiltInPersonas } from '../personas/index.js';
import type { WorkspaceView } from './schema.js';

type Access = Pick<TenantAccess, 'tx' | 'tenantId' | 'userId' | 'role' | 'ip'>;

/** Creates a workspace with the caller as its owner, atomically. */
export async function createWorkspace(
  deps: Pick<AppDeps, 'database'>,
  userId: string,
  name: string,
  ip: string | null,
): Promise<WorkspaceView> {
  return withAuth(deps.database, { userId }, async (tx) => {
    const id = randomUUID();
    await enterTenant(tx, id);
    const [tenant] = await tx.insert(tenants).values({ id, name }).returning();
    if (!tenant) throw new NyxError('INTERNAL', 'tenant insert returned nothing');
    await tx.insert(tenantMembers).values({ tenantId: id, userId, role: 'owner' });
    await seedBuiltInPersonas(tx, id);
    await recordAudit({ tx, tenantId: id, userId, ip }, 'workspace.created', { type: 'workspace', id }, { name });
    return { id, name: tenant.name, role: 'owner', createdAt: tenant.createdAt };
  });
}

/** The caller's workspaces; RLS shows only their own memberships. */
export async function listWorkspaces(deps: Pick<AppDeps, 'database'>, userId: string): Promise<WorkspaceView[]> {
  return withAuth(deps.database, { userId }, async (tx) => {
    const rows = await tx
      .select({ id: tenants.id, name: tenants.name, role: tenantMembers.role, createdAt: tenants.createdAt })
      .from(tenantMembers)
      .innerJoin(tenants, eq(tenants.id, tenantMembers.tenantId))
      .where(eq(tenantMembers.userId, userId))
      .orderBy(asc(sql`lower(${tenants.name})`));
    return rows;
  });
}

/**
 * The current workspace as the caller sees it, with what they may do in it: their
 * effective scopes (role ∩ token) and the roles they may assign, so the UI never keeps
 * its own copy of the permission rules.
 */
export async function getWorkspace(access: Access & Pick<TenantAccess, 'scopes' | 'userId'>) {
  const [t] = await access.tx.select().from(tenants).where(eq(tenants.id, access.tenantId));
  if (!t) throw notFound('Workspace');
  const assignableRoles = roles.filter((r) => roleRank[r] <= roleRank[access.role]);
  return {
    id: t.id,
    name: t.name,
    role: access.role,
    createdAt: t.createdAt,
    userId: access.userId,
    scopes: [...access.scopes].sort(),
    assignableRoles,
  };
}

export async function renameWorkspace(access: Access, name: string): Promise<WorkspaceView> {
  const [t] = await access.tx.update(tenants).set({ name }).where(eq(tenants.id, access.tenantId)).returning();
  if (!t) throw notFound('Workspace');
  await recordAudit(access, 'workspace.renamed', { type: 'workspace', id: t.id }, { name });
  return { id: t.id, name: t.name, role: access.role, createdAt: t.createdAt };
}

/*
 * tenant_members is the one table whose RLS deliberately shows more than the current
 * workspace (the member_self policy lets a user see their own memberships everywhere, to
 * pick a workspace). So every query here filters by tenant explicitly: without it, the
 * caller's rows in other workspaces counted as owners here and showed up twice in lists.
 */
export async function listMembers(access: Access) {
  return access.tx
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      role: tenantMembers.role,
      joinedAt: tenantMembers.createdAt,
    })
    .from(tenantMembers)
    .innerJoin(users, eq(users.id, tenantMembers.userId))
    .where(eq(tenantMembers.tenantId, access.tenantId))
    .orderBy(asc(tenantMembers.createdAt));
}

async function memberRole(access: Access, userId: string): Promise<Role | null> {
  const [m] = await access.tx
    .select({ role: tenantMembers.role })
    .from(tenantMembers)
    .where(and(eq(tenantMembers.tenantId, access.tenantId), eq(tenantMembers.userId, userId)));
  return m?.role ?? null;
}

/** Owners of the current workspace, counted under a lock so two demotions cannot both see "another owner". */
async function ownerCount(access: Access): Promise<number> {
  const owners = await access.tx
    .select({ userId: tenantMembers.userId })
    .from(tenantMembers)
    .where(and(eq(tenantMembers.tenantId, access.tenantId), eq(tenantMembers.role, 'owner')))
    .for('update');
  return owners.length;
}

/**
 * Changes a member's role. Nobody grants or touches a role above their own, and the last
 * owner cannot be demoted (a workspace always keeps an owner).
 */
export async function updateMemberRole(access: Access, userId: string, role: Role) {
  const current = await memberRole(access, userId);
  if (!current) throw notFound('Member');
  if (roleRank[role] > roleRank[access.role] || roleRank[current] > roleRank[access.role]) {
    throw new NyxError('FORBIDDEN', 'You cannot change a role above your own');
  }
  if (current === 'owner' && role !== 'owner' && (await ownerCount(access)) <= 1) {
    throw new NyxError('CONFLICT', 'A workspace needs at least one owner; make someone else owner first');
  }
  if (current === role) return { userId, role };
  await access.tx
    .update(tenantMembers)
    .set({ role })
    .where(and(eq(tenantMembers.userId, userId), eq(tenantMembers.tenantId, access.tenantId)));
  await recordAudit(access, 'member.role_changed', { type: 'user', id: userId }, { from: current, to: role });
  return { userId, role };
}

/** Removes a member (or lets a member leave). Their API tokens in this workspace are revoked with them. */
export async function removeMember(access: Access, userId: string, canManage: boolean) {
  const isSelf = userId === access.userId;
  if (!isSelf && !canManage) throw new NyxError('FORBIDDEN', 'This action needs the "members:manage" permission');
  const current = await memberRole(access, userId);
  if (!current) throw notFound('Member');
  if (!isSelf && roleRank[current] > roleRank[access.role])
    throw new NyxError('FORBIDDEN', 'You cannot remove a member above your own role');
  if (current === 'owner' && (await ownerCount(access)) <= 1) {
    throw new NyxError('CONFLICT', 'The last owner cannot leave; make someone else owner first');
  }
  await access.tx
    .delete(tenantMembers)
    .where(and(eq(tenantMembers.userId, userId), eq(tenantMembers.tenantId, access.tenantId)));
  await access.tx.execute(
    sql`update api_tokens set revoked_at = coalesce(revoked_at, now()) where user_id = ${userId} and tenant_id = ${access.tenantId}`,
  );
  await recordAudit(access, 'member.removed', { type: 'user', id: userId }, { role: current, self: isSelf });
  return { userId };
}
