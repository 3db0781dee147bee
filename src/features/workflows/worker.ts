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
import type { Logger } from '../../platform/logger.js';
import type { EngineDeps } from './engine.js';
import { CANCEL_CHANNEL, cancelLocalRun, executeRun, ShutdownError } from './runner.js';

/** After this many failed attempts of the job itself (not of a step), the run is marked failed. */
const MAX_JOB_FAILURES = 3;

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
    if (row) await appendEvents(tx, { kind: 'workflow', id: job.runId, tenantId: job.tenantId }, [{ type: 'run.failed', data: { error, step: null } }]);
  });
}

/** A workflow-run job is abandoned when its run's lease lapsed, or it was fetched long ago and never claimed. */
export function workflowSweep(deps: Pick<WorkerDeps, 'database' | 'leaseMs'>): LeaseSweep<'workflow-run'> {
  return {
    name: 'workflow-run',
    isAbandoned: async (job) => {
      const [run] = await withTenant(deps.database, { tenantId: job.data.tenantId, userId: null }, (tx) =>
        tx.select({ status: workflowRuns.status, leaseUntil: workflowRuns.leaseUntil }).from(workflowRuns).where(eq(workflowRuns.id, job.data.runId)),
      );
      return isLeaseAbandoned(run, job, deps.leaseMs);
    },
  };
}

/** Starts executing workflow runs in this process; returns a stop function. */
export async function startWorkflowWorker(deps: WorkerDeps): Promise<() => Promise<void>> {
  const unlisten = await deps.database.listen(CANCEL_CHANNEL, (runId) => cancelLocalRun(runId));
  await deps.jobs.work('workflow-run', deps.concurrency, async (data, job) => {
    try {
      await executeRun({ database: deps.database, log: deps.log, engine: deps.engine, workerId: deps.jobs.workerId, leaseMs: deps.leaseMs, shutdown: deps.shutdown }, data);
    } catch (err) {
      if (err instanceof ShutdownError) throw err; // retried elsewhere; not a failure of the run
      deps.log.error({ err, run: data.runId, attempt: job.retryCount + 1 }, 'workflow: run job failed');
      if (job.retryCount + 1 >= MAX_JOB_FAILURES) {
        await failRun(deps.database, data, `The run could not be executed (${err instanceof Error ? err.message : String(err)})`);
        return;
      }
      throw err;
    }
  });
  const stopSweeping = startSweeping(deps.jobs, deps.log, workflowSweep(deps), Math.max(500, Math.floor(deps.leaseMs / 2)));
  return async () => {
    stopSweeping();
    await unlisten();
  };
}
