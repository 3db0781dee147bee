import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import { auditLog } from '../../platform/db/schema/index.js';
import type { Access } from '../../platform/access/tenant-access.js';
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
  'repository.created',
  'repository.updated',
  'repository.deleted',
  'repository.synced',
  'analysis.started',
  'analysis.cancelled',
  'finding.ignored',
  'finding.unignored',
] as const;

export type AuditAction = (typeof auditActions)[number];

/** Who acted and where: the parts of an `Access` an audit row is written with. */
export type AuditActor = Pick<Access, 'tx' | 'tenantId' | 'userId' | 'ip'>;

/** What an action was done to, e.g. `{ type: 'project', id }`. */
export interface AuditTarget {
  type: string;
  id?: string;
}

/**
 * Appends to the actor's tenant audit log inside its transaction (so it commits or rolls
 * back with the action).
 *
 * @example await recordAudit(access, 'project.deleted', { type: 'project', id }, { name: p.name });
 */
export async function recordAudit(
  actor: AuditActor,
  action: AuditAction,
  target: AuditTarget,
  data: Record<string, unknown> = {},
): Promise<void> {
  await actor.tx.insert(auditLog).values({
    tenantId: actor.tenantId,
    actorUserId: actor.userId,
    action,
    targetType: target.type,
    targetId: target.id ?? null,
    data,
    ip: actor.ip,
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
