import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import { auditLog } from '../../platform/db/schema/index.js';
import type { Tx } from '../../platform/db/tenant.js';

/** Every action the audit log records (the UI offers them as a filter). */
export const auditActions = [
  'auth.sign_in',
  'auth.sign_in_failed',
  'auth.sign_out_everywhere',
  'workspace.created',
  'workspace.renamed',
  'member.added',
  'member.removed',
  'member.role_changed',
  'invitation.created',
  'invitation.revoked',
  'invitation.accepted',
  'token.created',
  'token.revoked',
  'project.deleted',
  'llm.key_added',
  'llm.key_removed',
  'llm.settings_changed',
  'llm.catalog_changed',
  'workflow.deleted',
  'workflow.run_cancelled',
] as const;

export type AuditAction = (typeof auditActions)[number];

export interface AuditEntry {
  tenantId: string;
  actorUserId: string | null;
  action: AuditAction;
  targetType?: string;
  targetId?: string;
  data?: Record<string, unknown>;
  ip?: string | null;
}

/** Appends to the tenant's audit log inside the caller's transaction (so it commits or rolls back with the action). */
export async function recordAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({
    tenantId: entry.tenantId,
    actorUserId: entry.actorUserId,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    data: entry.data ?? {},
    ip: entry.ip ?? null,
  });
}

export async function listAudit(
  tx: Tx,
  input: { limit: number; before?: number | undefined; action?: string | undefined },
) {
  const where: SQL[] = [];
  if (input.before) where.push(lt(auditLog.id, input.before));
  if (input.action) where.push(eq(auditLog.action, input.action));
  const rows = await tx
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(input.limit + 1);
  const hasMore = rows.length > input.limit;
  const items = rows.slice(0, input.limit);
  return { items, nextCursor: hasMore ? (items.at(-1)?.id ?? null) : null };
}
