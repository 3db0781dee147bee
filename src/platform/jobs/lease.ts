/**
 * Leases on work items (runs, discussions), shared by every job kind: how a holder keeps
 * its lease, and how the others notice it is gone. Every worker periodically
 * looks at the active jobs of a queue and hands back to pg-boss (as failed, so it retries)
 * those whose work item says its lease lapsed. The feature decides what "lapsed" means.
 */
import { and, eq, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Tx } from '../db/tenant.js';
import type { Logger } from '../logger.js';
import { LeaseLostError } from './leased-run.js';
import type { JobCatalog, JobName, Jobs } from './boss.js';

export interface LeaseSweep<N extends JobName> {
  name: N;
  /** True when the job's worker is gone: its item's lease lapsed (or it never claimed it). */
  isAbandoned: (job: { data: JobCatalog[N]; startedMsAgo: number }) => Promise<boolean>;
}

/** Returns how many jobs were handed back. */
export async function sweepOnce<N extends JobName>(jobs: Jobs, log: Logger, sweep: LeaseSweep<N>): Promise<number> {
  let handedBack = 0;
  for (const job of await jobs.active(sweep.name)) {
    if (!(await sweep.isAbandoned(job))) continue;
    log.warn(
      { queue: sweep.name, job: job.id, data: job.data },
      'jobs: worker lease lapsed; handing the job to another worker',
    );
    await jobs.retry(sweep.name, job.id);
    handedBack++;
  }
  return handedBack;
}

/** Runs `sweepOnce` every `intervalMs` (never overlapping itself); returns the stop function. */
export function startSweeping<N extends JobName>(
  jobs: Jobs,
  log: Logger,
  sweep: LeaseSweep<N>,
  intervalMs: number,
): () => void {
  let isSweeping = false;
  const timer = setInterval(() => {
    if (isSweeping) return;
    isSweeping = true;
    sweepOnce(jobs, log, sweep)
      .catch((err: unknown) => log.error({ err, queue: sweep.name }, 'jobs: lease sweep failed'))
      .finally(() => (isSweeping = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * The rule both runs and discussions use: running with a lapsed lease (its worker died
 * mid-work), or still queued long after a worker fetched the job (it died before claiming).
 */
export function isLeaseAbandoned(
  item: { status: string; leaseUntil: Date | null } | undefined,
  job: { startedMsAgo: number },
  leaseMs: number,
): boolean {
  if (item?.status === 'running') return item.leaseUntil !== null && item.leaseUntil.getTime() < Date.now();
  return item?.status === 'queued' && job.startedMsAgo > leaseMs * 2;
}

/** `lease_until` for a lease taken or renewed now. */
export const leaseUntil = (leaseMs: number): SQL => sql`now() + ${`${leaseMs} milliseconds`}::interval`;

/**
 * Renews a lease every third of its length until the returned function is called. `renew`
 * resolves false when the lease is no longer this worker's; then `onLost` runs.
 */
export function keepLease(
  leaseMs: number,
  renew: () => Promise<boolean>,
  onLost: () => void,
  log: Logger,
  context: Record<string, unknown>,
): () => void {
  const timer = setInterval(
    () => {
      renew().then(
        (isHeld) => {
          if (!isHeld) onLost();
        },
        (err: unknown) => log.warn({ err, ...context }, 'jobs: renewing a lease failed'),
      );
    },
    Math.max(200, Math.floor(leaseMs / 3)),
  );
  timer.unref();
  return () => clearInterval(timer);
}

/** A table of leased items (workflow runs, discussions): its id and its two lease columns. */
export interface LeasedTable {
  table: PgTable;
  id: PgColumn;
  leaseOwner: PgColumn;
  leaseUntil: PgColumn;
}

/** The claim condition: nobody holds a live lease on the item (or this worker already does). */
export const isClaimable = (t: LeasedTable, workerId: string): SQL =>
  or(isNull(t.leaseUntil), lt(t.leaseUntil, sql`now()`), eq(t.leaseOwner, workerId)) as SQL;

/** The item, while this worker holds its lease: the condition of every renewal and hand-back. */
export const isHeldBy = (t: LeasedTable, id: string, workerId: string): SQL =>
  and(eq(t.id, id), eq(t.leaseOwner, workerId)) as SQL;

/**
 * The lease-checked write: locks the item's row (every writer of its events locks it first,
 * so their order is the seq order) and throws LeaseLostError unless this worker still holds
 * the lease, so a worker that stalled past its lease writes nothing. Returns `extra` columns
 * of the locked row.
 */
export async function lockHeld<F extends Record<string, PgColumn>>(
  tx: Tx,
  t: LeasedTable,
  id: string,
  workerId: string,
  extra: F,
): Promise<{ [K in keyof F]: F[K]['_']['data'] | (F[K]['_']['notNull'] extends true ? never : null) }> {
  const [row] = (await tx
    .select({ ...extra, leaseOwner: t.leaseOwner })
    .from(t.table)
    .where(eq(t.id, id))
    .for('update')) as Record<string, unknown>[];
  if (!row || row.leaseOwner !== workerId) throw new LeaseLostError('another worker holds this item now');
  const { leaseOwner: _owner, ...fields } = row;
  return fields as never;
}

/** Hands the item back (this worker is shutting down): clears its lease if this worker still holds it. */
export async function releaseLease(tx: Tx, t: LeasedTable, id: string, workerId: string): Promise<void> {
  await tx.execute(
    sql`update ${t.table} set ${sql.identifier(t.leaseOwner.name)} = null, ${sql.identifier(t.leaseUntil.name)} = null where ${isHeldBy(t, id, workerId)}`,
  );
}
