/**
 * The run-event log: events are appended inside the transaction of the state change they
 * report, numbered per run (`seq`, gap-free), and announced with NOTIFY at commit.
 */
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { runEvents } from '../db/schema/index.js';
import { rowsOf } from '../db/sql.js';
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
 * are serialised by a transaction-scoped advisory lock (or, with `isSerialized`, by a lock
 * the caller already holds that every writer of this run takes, such as the run's row),
 * so seq is gap-free and in commit order across processes.
 * Example: `await appendEvents(tx, ref, [{ type: 'run.started', data }])`.
 */
export async function appendEvents(
  tx: Tx,
  ref: RunRef,
  events: readonly { type: string; data: unknown }[],
  opts: { isSerialized?: boolean } = {},
): Promise<StoredEvent[]> {
  if (!events.length) return [];
  if (!opts.isSerialized)
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${ref.kind}:${ref.id}`}, 0))`);
  const at = new Date();
  // One statement numbers and inserts the batch: seq continues from the run's last one.
  const result = await tx.execute<{ base: number }>(sql`
    with base as (select coalesce(max(${runEvents.seq}), 0)::int as n from ${runEvents} where ${runEvents.runKind} = ${ref.kind} and ${runEvents.runId} = ${ref.id}),
    ins as (
      insert into ${runEvents} (tenant_id, run_kind, run_id, seq, type, data, created_at)
      select ${ref.tenantId}, ${ref.kind}, ${ref.id}, base.n + e.ord::int, e.value->>'type', e.value->'data', ${at.toISOString()}::timestamptz
        from base, jsonb_array_elements(${JSON.stringify(events)}::jsonb) with ordinality as e(value, ord)
      returning seq
    )
    select min(seq) - 1 as base from ins`);
  const base = Number(rowsOf<{ base: number }>(result)[0]?.base ?? 0);
  const stored = events.map((e, i) => ({ seq: base + i + 1, type: e.type, data: e.data, at: at.toISOString() }));
  const announcement: Announcement = {
    k: ref.kind,
    r: ref.id,
    t: ref.tenantId,
    first: stored[0]!.seq,
    last: stored.at(-1)!.seq,
    e: stored,
  };
  let payload = JSON.stringify(announcement);
  if (Buffer.byteLength(payload) > INLINE_PAYLOAD_LIMIT) payload = JSON.stringify({ ...announcement, e: undefined });
  await tx.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${payload})`);
  return stored;
}

/** Events of a run after `afterSeq`, in order (at most `limit`). */
export async function readEvents(
  database: Database,
  ref: RunRef,
  afterSeq: number,
  limit = 10_000,
): Promise<StoredEvent[]> {
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
