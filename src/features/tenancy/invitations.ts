/**
 * Invitations: one-time links. Only the SHA-256 of the token is stored; the link is shown
 * once to the admin who created it. Accepting consumes it and adds the membership in the
 * same transaction.
 */
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { AppDeps } from '../../platform/deps.js';
import { invitations, tenantMembers, tenants, users } from '../../platform/db/schema/index.js';
import { enterTenant, withAuth, type Tx } from '../../platform/db/tenant.js';
import { NyxError, notFound } from '../../platform/errors.js';
import { randomToken, sha256Hex } from '../../platform/security.js';
import type { Access as CallerAccess } from '../../platform/access/tenant-access.js';
import { recordAudit } from '../audit/index.js';
import type { CreateInvitationInput } from './schema.js';

type Access = Pick<CallerAccess, 'tx' | 'tenantId' | 'userId' | 'ip'>;

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

function statusOf(inv: typeof invitations.$inferSelect, now: Date): InvitationStatus {
  if (inv.acceptedAt) return 'accepted';
  if (inv.revokedAt) return 'revoked';
  if (inv.expiresAt <= now) return 'expired';
  return 'pending';
}

export async function createInvitation(access: Access, input: CreateInvitationInput, now: Date, publicUrl: string) {
  const token = randomToken('inv_', 24);
  const [row] = await access.tx
    .insert(invitations)
    .values({
      tenantId: access.tenantId,
      email: input.email ?? null,
      role: input.role,
      tokenHash: sha256Hex(token),
      createdBy: access.userId,
      expiresAt: new Date(now.getTime() + input.expiresInDays * 86_400_000),
    })
    .returning();
  if (!row) throw new NyxError('INTERNAL', 'invitation insert returned nothing');
  await recordAudit(
    access,
    'invitation.created',
    { type: 'invitation', id: row.id },
    { email: row.email, role: row.role },
  );
  return { link: `${publicUrl}/invite/${token}`, token, invitation: { ...viewOf(row, now) } };
}

function viewOf(row: typeof invitations.$inferSelect, now: Date) {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    acceptedAt: row.acceptedAt,
    status: statusOf(row, now),
  };
}

export async function listInvitations(access: Access, now: Date) {
  const rows = await access.tx.select().from(invitations).orderBy(desc(invitations.createdAt)).limit(200);
  return rows.map((r) => viewOf(r, now));
}

export async function revokeInvitation(access: Access, id: string, now: Date) {
  const [row] = await access.tx
    .update(invitations)
    .set({ revokedAt: now })
    .where(and(eq(invitations.id, id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .returning();
  if (!row) throw notFound('Pending invitation');
  await recordAudit(access, 'invitation.revoked', { type: 'invitation', id }, { email: row.email });
  return viewOf(row, now);
}

/** What the invitation page shows before accepting: workspace, role, and whether it can still be used. */
export async function previewInvitation(deps: Pick<AppDeps, 'database' | 'now'>, token: string) {
  return withAuth(deps.database, { inviteHash: sha256Hex(token) }, async (tx) => {
    const [inv] = await tx
      .select()
      .from(invitations)
      .where(eq(invitations.tokenHash, sha256Hex(token)));
    if (!inv) throw notFound('Invitation');
    await enterTenant(tx, inv.tenantId);
    const [tenant] = await tx.select({ name: tenants.name }).from(tenants).where(eq(tenants.id, inv.tenantId));
    return {
      workspaceName: tenant?.name ?? '',
      role: inv.role,
      email: inv.email,
      expiresAt: inv.expiresAt,
      status: statusOf(inv, deps.now()),
    };
  });
}

/**
 * Consumes an invitation for `user` inside the caller's transaction (which must have been
 * opened with the invitation's hash). Returns the joined tenant id.
 */
export async function acceptInvitationInTx(
  tx: Tx,
  args: { inviteToken: string; user: { id: string; email: string }; ip: string | null; now: Date },
): Promise<string> {
  const [inv] = await tx
    .select()
    .from(invitations)
    .where(eq(invitations.tokenHash, sha256Hex(args.inviteToken)));
  if (!inv)
    throw new NyxError('NOT_FOUND', 'Invitation not found; check the link', {
      fieldErrors: { inviteToken: ['Unknown invitation'] },
    });
  const status = statusOf(inv, args.now);
  if (status !== 'pending') {
    throw new NyxError('CONFLICT', `This invitation is ${status}; ask for a new one`, {
      fieldErrors: { inviteToken: [`Invitation ${status}`] },
    });
  }
  if (inv.email && inv.email.toLowerCase() !== args.user.email.toLowerCase()) {
    throw new NyxError('FORBIDDEN', `This invitation is for ${inv.email}; sign in with that address`);
  }
  await enterTenant(tx, inv.tenantId);
  const [already] = await tx
    .select({ role: tenantMembers.role })
    .from(tenantMembers)
    .where(and(eq(tenantMembers.tenantId, inv.tenantId), eq(tenantMembers.userId, args.user.id)));
  if (already) throw new NyxError('CONFLICT', 'You are already a member of this workspace');
  // Conditional update: two concurrent accepts of one link cannot both succeed.
  const [consumed] = await tx
    .update(invitations)
    .set({ acceptedAt: args.now, acceptedBy: args.user.id })
    .where(and(eq(invitations.id, inv.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .returning({ id: invitations.id });
  if (!consumed) throw new NyxError('CONFLICT', 'This invitation was just used; ask for a new one');
  await tx.insert(tenantMembers).values({ tenantId: inv.tenantId, userId: args.user.id, role: inv.role });
  const joiner = { tx, tenantId: inv.tenantId, userId: args.user.id, ip: args.ip };
  await recordAudit(joiner, 'invitation.accepted', { type: 'invitation', id: inv.id });
  await recordAudit(joiner, 'member.added', { type: 'user', id: args.user.id }, { role: inv.role, via: 'invitation' });
  return inv.tenantId;
}

export async function acceptInvitation(
  deps: Pick<AppDeps, 'database' | 'now'>,
  args: { inviteToken: string; userId: string; ip: string | null },
) {
  return withAuth(deps.database, { inviteHash: sha256Hex(args.inviteToken), userId: args.userId }, async (tx) => {
    const [user] = await tx.select({ id: users.id, email: users.email }).from(users).where(eq(users.id, args.userId));
    if (!user) throw new NyxError('UNAUTHENTICATED', 'Sign in again');
    return acceptInvitationInTx(tx, { inviteToken: args.inviteToken, user, ip: args.ip, now: deps.now() });
  });
}
