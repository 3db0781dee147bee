/**
 * The workflow side of a worker process: executes `workflow-run` jobs and sweeps for runs
 * whose worker died (lease lapsed), handing their jobs back to pg-boss for a retry.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../../platform/db/client.js';
import { workflowRuns } from '../../platform/db/schema/index.js';
import { withTenant } from '../../platform/db/tenant.js';
import { appendEvents } from '../../platform/events/store.js';
import type { Jobs } from '../../platform/jobs/boss.js';
import { isLeaseAbandoned, startSweeping, type LeaseSweep } from '../../platform/jobs/lease.js';
import { workLeasedJobs } from '../../platform/jobs/leased-run.js';
import type { Logger } from '../../platform/logger.js';
import type { EngineDeps } from './engine.js';
import { CANCEL_CHANNEL, cancelLocalRun, executeRun } from './runner.js';

export interface WorkerDeps {
  database: Database;
  log: Logger;
  jobs: Jobs;
  engine: EngineDeps;
  leaseMs: number;
  concurrency: number;
  shutdown: AbortSignal;
}

async function failRun(database: Database, job: { tenantId: string; runId: string }, error: string): Promise<void> {
  await withTenant(database, { tenantId: job.tenantId, userId: null }, async (tx) => {
    const [row] = await tx
      .update(workflowRuns)
      .set({ status: 'failed', error, finishedAt: new Date(), leaseOwner: null, leaseUntil: null })
      .where(and(eq(workflowRuns.id, job.runId), inArray(workflowRuns.status, ['queued', 'running'])))
      .returning({ id: workflowRuns.id });
    if (row)
      await appendEvents(tx, { kind: 'workflow', id: job.runId, tenantId: job.tenantId }, [
        { type: 'run.failed', data: { error, step: null } },
      ]);
  });
}

/** A workflow-run job is abandoned when its run's lease lapsed, or it was fetched long ago and never claimed. */
export function workflowSweep(deps: Pick<WorkerDeps, 'database' | 'leaseMs'>): LeaseSweep<'workflow-run'> {
  return {
    name: 'workflow-run',
    isAbandoned: async (job) => {
      const [run] = await withTenant(deps.database, { tenantId: job.data.tenantId, userId: null }, (tx) =>
        tx
          .select({ status: workflowRuns.status, leaseUntil: workflowRuns.leaseUntil })
          .from(workflowRuns)
          .where(eq(workflowRuns.id, job.data.runId)),
      );
      return isLeaseAbandoned(run, job, deps.leaseMs);
    },
  };
}

/** Starts executing workflow runs in this process; returns a stop function. */
export async function startWorkflowWorker(deps: WorkerDeps): Promise<() => Promise<void>> {
  const unlisten = await deps.database.listen(CANCEL_CHANNEL, (runId) => cancelLocalRun(runId));
  await workLeasedJobs(deps.jobs, 'workflow-run', deps.concurrency, deps.log, {
    execute: (data) =>
      executeRun(
        {
          database: deps.database,
          log: deps.log,
          engine: deps.engine,
          workerId: deps.jobs.workerId,
          leaseMs: deps.leaseMs,
          shutdown: deps.shutdown,
        },
        data,
      ),
    giveUp: (data, error) => failRun(deps.database, data, `The run could not be executed (${error})`),
  });
  const stopSweeping = startSweeping(
    deps.jobs,
    deps.log,
    workflowSweep(deps),
    Math.max(500, Math.floor(deps.leaseMs / 2)),
  );
  return async () => {
    stopSweeping();
    await unlisten();
  };
}
