/**
 * Executes a workflow run for a job: claims the run with a lease (renewed while it works),
 * drives the engine and stores each batch of its events together with their state changes.
 * A worker that dies stops renewing; the sweep (./worker.ts) hands its job back to pg-boss
 * and the next worker resumes the run at its first unfinished step.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/client.js';
import { workflowRunSteps, workflowRuns } from '../../platform/db/schema/index.js';
import { withTenant } from '../../platform/db/tenant.js';
import { appendEvents, type RunRef } from '../../platform/events/store.js';
import {
  isClaimable,
  isHeldBy,
  keepLease,
  leaseUntil,
  lockHeld,
  releaseLease,
  type LeasedTable,
} from '../../platform/jobs/lease.js';
import type { Logger } from '../../platform/logger.js';
import { CANCELLED, LEASE_LOST, LeaseLostError, localRuns, ShutdownError } from '../../platform/jobs/leased-run.js';
import { workflowEngine, type EngineDeps, type EngineItem, type RunRow } from './engine.js';

export interface RunnerDeps {
  database: Database;
  log: Logger;
  engine: EngineDeps;
  workerId: string;
  leaseMs: number;
  /** Aborted when this process shuts down: its runs stop writing, release their lease and go back to the queue. */
  shutdown: AbortSignal;
}

/** Runs executing in this process, so a cancel (NOTIFY on CANCEL_CHANNEL) stops them at once. */
const activeRuns = localRuns();
const leasedRuns: LeasedTable = {
  table: workflowRuns,
  id: workflowRuns.id,
  leaseOwner: workflowRuns.leaseOwner,
  leaseUntil: workflowRuns.leaseUntil,
};
export const CANCEL_CHANNEL = 'nyx_run_cancel';
/** Aborts a run if this process is executing it. Returns whether it was. */
export const cancelLocalRun = (runId: string): boolean => activeRuns.abort(runId, CANCELLED);

/** Takes the run if nobody holds a live lease on it; null when it is finished or held elsewhere. */
async function claim(
  deps: RunnerDeps,
  scope: { tenantId: string; userId: null },
  runId: string,
): Promise<RunRow | null> {
  return withTenant(deps.database, scope, async (tx) => {
    const [row] = await tx
      .update(workflowRuns)
      .set({
        status: 'running',
        leaseOwner: deps.workerId,
        leaseUntil: leaseUntil(deps.leaseMs),
        attempts: sql`${workflowRuns.attempts} + 1`,
        startedAt: sql`coalesce(${workflowRuns.startedAt}, now())`,
      })
      .where(
        and(
          eq(workflowRuns.id, runId),
          inArray(workflowRuns.status, ['queued', 'running']),
          eq(workflowRuns.isCancelRequested, false),
          isClaimable(leasedRuns, deps.workerId),
        ),
      )
      .returning();
    return row ?? null;
  });
}

/** Renews the run's lease while it executes; a cancel request seen on renewal aborts the run, a lost lease stops it. */
function renewLease(
  deps: RunnerDeps,
  scope: { tenantId: string; userId: null },
  runId: string,
  abort: AbortController,
) {
  return keepLease(
    deps.leaseMs,
    async () => {
      const [row] = await withTenant(deps.database, scope, (tx) =>
        tx
          .update(workflowRuns)
          .set({ leaseUntil: leaseUntil(deps.leaseMs) })
          .where(isHeldBy(leasedRuns, runId, deps.workerId))
          .returning({ isCancelRequested: workflowRuns.isCancelRequested }),
      );
      if (row?.isCancelRequested) abort.abort(CANCELLED);
      return row !== undefined;
    },
    () => abort.abort(LEASE_LOST),
    deps.log,
    { run: runId },
  );
}

/**
 * Stores one batch of the engine's events and state changes in one transaction, only while
 * this worker holds the lease, and settles each item with the outcome.
 */
async function storeBatch(
  deps: RunnerDeps,
  scope: { tenantId: string; userId: null },
  ref: RunRef,
  batch: EngineItem[],
  abort: AbortController,
): Promise<void> {
  try {
    await withTenant(deps.database, scope, async (tx) => {
      // Another worker took the run over (this one stalled past its lease): write nothing.
      const state = await lockHeld(tx, leasedRuns, ref.id, deps.workerId, {
        isCancelRequested: workflowRuns.isCancelRequested,
      });
      if (state.isCancelRequested && !abort.signal.aborted) abort.abort(CANCELLED);
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
    // and the job is retried (resuming at the first unfinished step).
    abort.abort(LEASE_LOST);
    const failure = err instanceof Error ? err : new Error('storing run events failed');
    for (const item of batch) item.settle?.(failure);
    if (!(err instanceof LeaseLostError)) throw err;
  }
}

/** Runs (or resumes) one run to its end. Throws on infrastructure failure so pg-boss retries the job. */
export async function executeRun(
  deps: RunnerDeps,
  job: { tenantId: string; runId: string },
): Promise<'done' | 'skipped'> {
  const scope = { tenantId: job.tenantId, userId: null };
  if (deps.shutdown.aborted) throw new ShutdownError('this worker is shutting down');
  const run = await claim(deps, scope, job.runId);
  if (!run) return 'skipped';
  const ref: RunRef = { kind: 'workflow', id: run.id, tenantId: run.tenantId };
  const steps = await withTenant(deps.database, scope, (tx) =>
    tx
      .select()
      .from(workflowRunSteps)
      .where(eq(workflowRunSteps.runId, run.id))
      .orderBy(asc(workflowRunSteps.position)),
  );
  const abort = activeRuns.start(run.id);
  // Shutting down: stop like a worker that lost its lease (write nothing more), then hand the run back.
  const onShutdown = () => abort.abort(LEASE_LOST);
  deps.shutdown.addEventListener('abort', onShutdown);

  const stopRenewing = renewLease(deps, scope, run.id, abort);

  try {
    for await (const batch of workflowEngine(deps.engine, run, steps, abort.signal))
      await storeBatch(deps, scope, ref, batch, abort);
  } catch (err) {
    if (abort.signal.reason === LEASE_LOST && err instanceof LeaseLostError && !deps.shutdown.aborted) {
      deps.log.warn({ run: run.id }, 'workflow: lost the run lease to another worker; stopping here');
      return 'skipped';
    }
    if (!deps.shutdown.aborted) throw err;
  } finally {
    stopRenewing();
    activeRuns.end(run.id);
    deps.shutdown.removeEventListener('abort', onShutdown);
  }
  if (deps.shutdown.aborted && abort.signal.reason === LEASE_LOST) {
    await withTenant(deps.database, scope, (tx) => releaseLease(tx, leasedRuns, run.id, deps.workerId));
    throw new ShutdownError('this worker is shutting down; the run resumes on another worker');
  }
  return 'done';
}
