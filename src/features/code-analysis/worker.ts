/**
 * The code-analysis side of a worker: executes `code-analysis` jobs on the shared leased-run
 * executor and sweeps for runs whose worker died, handing their jobs back to pg-boss.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../../platform/db/client.js';
import { analysisRuns } from '../../platform/db/schema/index.js';
import { withTenant } from '../../platform/db/tenant.js';
import { appendEvents } from '../../platform/events/store.js';
import type { Jobs } from '../../platform/jobs/boss.js';
import { isLeaseAbandoned, startSweeping, type LeaseSweep } from '../../platform/jobs/lease.js';
import { workLeasedJobs } from '../../platform/jobs/leased-run.js';
import type { Logger } from '../../platform/logger.js';
import { ANALYSIS_CANCEL_CHANNEL, cancelLocalAnalysis, executeAnalysis, type AnalysisDeps } from './pipeline.js';

export interface AnalysisWorkerDeps extends AnalysisDeps {
  jobs: Jobs;
  leaseMs: number;
  concurrency: number;
  shutdown: AbortSignal;
}

async function failAnalysis(
  database: Database,
  job: { tenantId: string; runId: string },
  error: string,
): Promise<void> {
  await withTenant(database, { tenantId: job.tenantId, userId: null }, async (tx) => {
    const [row] = await tx
      .update(analysisRuns)
      .set({ status: 'failed', error, finishedAt: new Date(), leaseOwner: null, leaseUntil: null })
      .where(and(eq(analysisRuns.id, job.runId), inArray(analysisRuns.status, ['queued', 'running'])))
      .returning({ stage: analysisRuns.stage });
    if (row) {
      await tx.update(analysisRuns).set({ stage: 'failed' }).where(eq(analysisRuns.id, job.runId));
      await appendEvents(tx, { kind: 'code-analysis', id: job.runId, tenantId: job.tenantId }, [
        { type: 'failed', data: { error, stage: row.stage } },
      ]);
    }
  });
}

export function analysisSweep(deps: { database: Database; leaseMs: number }): LeaseSweep<'code-analysis'> {
  return {
    name: 'code-analysis',
    isAbandoned: async (job) => {
      const [run] = await withTenant(deps.database, { tenantId: job.data.tenantId, userId: null }, (tx) =>
        tx
          .select({ status: analysisRuns.status, leaseUntil: analysisRuns.leaseUntil })
          .from(analysisRuns)
          .where(eq(analysisRuns.id, job.data.runId)),
      );
      return isLeaseAbandoned(run, job, deps.leaseMs);
    },
  };
}

/** Starts executing analyses in this process; returns a stop function. */
export async function startAnalysisWorker(deps: AnalysisWorkerDeps & { log: Logger }): Promise<() => Promise<void>> {
  const unlisten = await deps.database.listen(ANALYSIS_CANCEL_CHANNEL, (runId) => cancelLocalAnalysis(runId));
  await workLeasedJobs(deps.jobs, 'code-analysis', deps.concurrency, deps.log, {
    execute: (data) => executeAnalysis({ ...deps, workerId: deps.jobs.workerId }, data),
    giveUp: (data, error) =>
      failAnalysis(deps.database, data, `The analysis could not be completed (${error.slice(0, 300)})`),
  });
  const stopSweeping = startSweeping(
    deps.jobs,
    deps.log,
    analysisSweep(deps),
    Math.max(500, Math.floor(deps.leaseMs / 2)),
  );
  return async () => {
    stopSweeping();
    await unlisten();
  };
}
