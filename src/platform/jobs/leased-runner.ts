/**
 * The one executor of leased runs (workflow runs, code-analysis runs): claim, lease renewal,
 * lease-checked writes of state + events, cancel and shutdown hand-back. A run kind supplies
 * its table and its claim; its work function supplies the batches.
 */
import { sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Database } from '../db/client.js';
import { rowsOf } from '../db/sql.js';
import { withTenant, type Tx } from '../db/tenant.js';
import { appendEvents, type RunKind, type RunRef } from '../events/store.js';
import type { Logger } from '../logger.js';
import { isHeldBy, keepLease, leaseUntil, lockHeld, releaseLease, type LeasedTable } from './lease.js';
import { CANCELLED, LEASE_LOST, LeaseLostError, localRuns, ShutdownError } from './leased-run.js';

/** One state change of a leased run and the event that reports it, stored together. */
export interface LeasedWrite {
  event: { type: string; data: unknown };
  commit?: (tx: Tx) => PromiseLike<unknown>;
  /** Settled once the write is stored (or failed to be). */
  settle?: (err?: Error) => void;
}

/** A table of leased runs: the lease columns plus the flag a cancel request sets. */
export interface LeasedRunTable extends LeasedTable {
  isCancelRequested: PgColumn;
}

export interface LeasedRunDeps {
  database: Database;
  log: Logger;
  workerId: string;
  leaseMs: number;
  /** Aborted when this process shuts down: its runs stop writing, release their lease and go back to the queue. */
  shutdown: AbortSignal;
}

export interface LeasedRunKind<Row extends { id: string; tenantId: string }> {
  kind: RunKind;
  table: LeasedRunTable;
  /** Takes the run if nobody holds a live lease on it (`isClaimable`); null when it is finished or held elsewhere. */
  claim: (tx: Tx, runId: string, lease: { workerId: string; leaseMs: number }) => Promise<Row | null>;
}

/**
 * Executes one run of a kind under a lease: claim, renew while working (a cancel request seen
 * on renewal aborts it, a lost lease stops it), store each batch of writes only while the
 * lease is held, and on shutdown hand the run back. `work` gets the claimed row, the abort
 * signal and `store`; it resumes wherever the row says the run is. Throws on infrastructure
 * failure so pg-boss retries the job.
 *
 * @example
 *   const execute = leasedRunner({ kind: 'workflow', table, claim });
 *   await execute(deps, { tenantId, runId }, async (run, { signal, store }) => { for await (const b of engine(run, signal)) await store(b); });
 */
export function leasedRunner<Row extends { id: string; tenantId: string }>(spec: LeasedRunKind<Row>) {
  const local = localRuns();
  const { table } = spec;

  async function store(
    deps: LeasedRunDeps,
    scope: Scope,
    ref: RunRef,
    batch: readonly LeasedWrite[],
    abort: AbortController,
  ): Promise<void> {
    try {
      await withTenant(deps.database, scope, async (tx) => {
        // Another worker took the run over (this one stalled past its lease): write nothing.
        const state = await lockHeld(tx, table, ref.id, deps.workerId, { isCancelRequested: table.isCancelRequested });
        if (state.isCancelRequested === true && !abort.signal.aborted) abort.abort(CANCELLED);
        for (const item of batch) await item.commit?.(tx);
        // The run row is locked above, as every writer of this run's events locks it.
        await appendEvents(
          tx,
          ref,
          batch.map((i) => i.event),
          { isSerialized: true },
        );
      });
      for (const item of batch) item.settle?.();
    } catch (err) {
      // Either way this worker stops writing: another worker owns the run, or storage failed
      // and the job is retried (resuming where the stored state says).
      abort.abort(LEASE_LOST);
      const failure = err instanceof Error ? err : new Error('storing run events failed');
      for (const item of batch) item.settle?.(failure);
      if (!(err instanceof LeaseLostError)) throw err;
    }
  }

  function renew(deps: LeasedRunDeps, scope: Scope, runId: string, abort: AbortController): () => void {
    return keepLease(
      deps.leaseMs,
      async () => {
        const result = await withTenant(deps.database, scope, (tx) =>
          tx.execute(
            sql`update ${table.table} set ${sql.identifier(table.leaseUntil.name)} = ${leaseUntil(deps.leaseMs)}
                where ${isHeldBy(table, runId, deps.workerId)}
                returning ${sql.identifier(table.isCancelRequested.name)} as "isCancelRequested"`,
          ),
        );
        const [row] = rowsOf<{ isCancelRequested: boolean }>(result);
        if (row?.isCancelRequested === true) abort.abort(CANCELLED);
        return row !== undefined;
      },
      () => abort.abort(LEASE_LOST),
      deps.log,
      { kind: spec.kind, run: runId },
    );
  }

  async function execute(
    deps: LeasedRunDeps,
    job: { tenantId: string; runId: string },
    work: (
      row: Row,
      run: { signal: AbortSignal; store: (batch: readonly LeasedWrite[]) => Promise<void> },
    ) => Promise<void>,
  ): Promise<'done' | 'skipped'> {
    const scope: Scope = { tenantId: job.tenantId, userId: null };
    if (deps.shutdown.aborted) throw new ShutdownError('this worker is shutting down');
    const row = await withTenant(deps.database, scope, (tx) =>
      spec.claim(tx, job.runId, { workerId: deps.workerId, leaseMs: deps.leaseMs }),
    );
    if (!row) return 'skipped';
    const ref: RunRef = { kind: spec.kind, id: row.id, tenantId: row.tenantId };
    const abort = local.start(row.id);
    // Shutting down: stop like a worker that lost its lease (write nothing more), then hand the run back.
    const onShutdown = () => abort.abort(LEASE_LOST);
    deps.shutdown.addEventListener('abort', onShutdown);
    const stopRenewing = renew(deps, scope, row.id, abort);
    try {
      await work(row, { signal: abort.signal, store: (batch) => store(deps, scope, ref, batch, abort) });
    } catch (err) {
      if (abort.signal.reason === LEASE_LOST && err instanceof LeaseLostError && !deps.shutdown.aborted) {
        deps.log.warn({ kind: spec.kind, run: row.id }, 'jobs: lost the run lease to another worker; stopping here');
        return 'skipped';
      }
      if (!deps.shutdown.aborted) throw err;
    } finally {
      stopRenewing();
      local.end(row.id);
      deps.shutdown.removeEventListener('abort', onShutdown);
    }
    if (deps.shutdown.aborted && abort.signal.reason === LEASE_LOST) {
      await withTenant(deps.database, scope, (tx) => releaseLease(tx, table, row.id, deps.workerId));
      throw new ShutdownError('this worker is shutting down; the run resumes on another worker');
    }
    return 'done';
  }

  /** Aborts the run if this process executes it (a cancel NOTIFY); returns whether it did. */
  const cancelLocal = (runId: string): boolean => local.abort(runId, CANCELLED);
  return { execute, cancelLocal };
}

type Scope = { tenantId: string; userId: null };
