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
import { isClaimable, leaseUntil } from '../../platform/jobs/lease.js';
import { leasedRunner, type LeasedRunTable } from '../../platform/jobs/leased-runner.js';
import type { Logger } from '../../platform/logger.js';
import { workflowEngine, type EngineDeps, type RunRow } from './engine.js';

export interface RunnerDeps {
  database: Database;
  log: Logger;
  engine: EngineDeps;
  workerId: string;
  leaseMs: number;
  /** Aborted when this process shuts down: its runs stop writing, release their lease and go back to the queue. */
  shutdown: AbortSignal;
}

const leasedRuns: LeasedRunTable = {
  table: workflowRuns,
  id: workflowRuns.id,
  leaseOwner: workflowRuns.leaseOwner,
  leaseUntil: workflowRuns.leaseUntil,
  isCancelRequested: workflowRuns.isCancelRequested,
};

const runner = leasedRunner<RunRow>({
  kind: 'workflow',
  table: leasedRuns,
  claim: async (tx, runId, lease) => {
    const [row] = await tx
      .update(workflowRuns)
      .set({
        status: 'running',
        leaseOwner: lease.workerId,
        leaseUntil: leaseUntil(lease.leaseMs),
        attempts: sql`${workflowRuns.attempts} + 1`,
        startedAt: sql`coalesce(${workflowRuns.startedAt}, now())`,
      })
      .where(
        and(
          eq(workflowRuns.id, runId),
          inArray(workflowRuns.status, ['queued', 'running']),
          eq(workflowRuns.isCancelRequested, false),
          isClaimable(leasedRuns, lease.workerId),
        ),
      )
      .returning();
    return row ?? null;
  },
});

export const CANCEL_CHANNEL = 'nyx_run_cancel';
/** Aborts a run if this process is executing it (cancel NOTIFY on CANCEL_CHANNEL). Returns whether it was. */
export const cancelLocalRun = runner.cancelLocal;

/** Runs (or resumes) one run to its end. Throws on infrastructure failure so pg-boss retries the job. */
export function executeRun(deps: RunnerDeps, job: { tenantId: string; runId: string }): Promise<'done' | 'skipped'> {
  return runner.execute(deps, job, async (run, { signal, store }) => {
    const steps = await withTenant(deps.database, { tenantId: run.tenantId, userId: null }, (tx) =>
      tx
        .select()
        .from(workflowRunSteps)
        .where(eq(workflowRunSteps.runId, run.id))
        .orderBy(asc(workflowRunSteps.position)),
    );
    for await (const batch of workflowEngine(deps.engine, run, steps, signal)) await store(batch);
  });
}
