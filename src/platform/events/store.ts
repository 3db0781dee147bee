/**
 * The run-event log: events are appended inside the transaction of the state change they
 * report, numbered per run (`seq`, gap-free), and announced with NOTIFY at commit.
 */
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { runEvents } from '../db/schema/index.js';
import { withTenant, type Tx } from '../db/tenant.js';

export const EVENTS_CHANNEL = 'nyx_run_events';
/** NOTIFY payloads are limited to 8,000 bytes; bigger batches are announced by id only. */
const INLINE_PAYLOAD_LIMIT = 7_000;

export type RunKind = 'workflow' | 'discussion' | 'code-analysis';
export interface RunRef {
  kind: RunKind;
  id: string;
  tenantId: string;
}
export interface StoredEvent {
  seq: number;
  type: string;
  data: unknown;
  at: string;
}
/** What a NOTIFY carries: the run, the seq range and, when small enough, the events themselves. */
export interface Announcement {
  k: RunKind;
  r: string;
  t: string;
  first: number;
  last: number;
  e?: StoredEvent[];
}

/**
 * Appends events to a run's log in `tx` and announces them at commit. Writers of one run
 * are serialised by a transaction-scoped advisory lock, so seq is gap-free and in commit
 * order across processes. Example: `await appendEvents(tx, ref, [{ type: 'run.started', data }])`.
 */
export async function appendEvents(tx: Tx, ref: RunRef, events: readonly { type: string; data: unknown }[]): Promise<StoredEvent[]> {
  if (!events.length) return [];
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${ref.kind}:${ref.id}`}, 0))`);
  const [row] = await tx
    .select({ last: sql<number>`coalesce(max(${runEvents.seq}), 0)::int` })
    .from(runEvents)
    .where(and(eq(runEvents.runKind, ref.kind), eq(runEvents.runId, ref.id)));
  const base = row?.last ?? 0;
  const at = new Date();
  const stored = events.map((e, i) => ({ seq: base + i + 1, type: e.type, data: e.data, at: at.toISOString() }));
  await tx.insert(runEvents).values(stored.map((e) => ({ tenantId: ref.tenantId, runKind: ref.kind, runId: ref.id, seq: e.seq, type: e.type, data: e.data, createdAt: at })));
  const announcement: Announcement = { k: ref.kind, r: ref.id, t: ref.tenantId, first: stored[0]!.seq, last: stored.at(-1)!.seq, e: stored };
  let payload = JSON.stringify(announcement);
  if (Buffer.byteLength(payload) > INLINE_PAYLOAD_LIMIT) payload = JSON.stringify({ ...announcement, e: undefined });
  await tx.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${payload})`);
  return stored;
}

/** Events of a run after `afterSeq`, in order (at most `limit`). */
export async function readEvents(database: Database, ref: RunRef, afterSeq: number, limit = 10_000): Promise<StoredEvent[]> {
  const rows = await withTenant(database, { tenantId: ref.tenantId, userId: null }, (tx) =>
    tx
      .select({ seq: runEvents.seq, type: runEvents.type, data: runEvents.data, at: runEvents.createdAt })
      .from(runEvents)
      .where(and(eq(runEvents.runKind, ref.kind), eq(runEvents.runId, ref.id), gt(runEvents.seq, afterSeq)))
      .orderBy(asc(runEvents.seq))
      .limit(limit),
  );
  return rows.map((r) => ({ seq: r.seq, type: r.type, data: r.data, at: r.at.toISOString() }));
}
