/**
 * Analysis runs on the API side: start (committed, then queued), read, list, cancel. The
 * run itself executes in a worker (./pipeline.ts); every change here appends its run event.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { withGrant, type Access, type TenantGrant } from '../../platform/access/tenant-access.js';
import { visibleOr404 } from '../../platform/access/project-pin.js';
import { analysisRuns, runEvents } from '../../platform/db/schema/index.js';
import type { AppDeps } from '../../platform/deps.js';
import { NyxError } from '../../platform/errors.js';
import { appendEvents, type RunRef } from '../../platform/events/store.js';
import { recordAudit } from '../audit/index.js';
import { getRepository } from '../repositories/index.js';
import { ANALYSIS_CANCEL_CHANNEL } from './pipeline.js';

const refOf = (run: { id: string; tenantId: string }): RunRef => ({
  kind: 'code-analysis',
  id: run.id,
  tenantId: run.tenantId,
});

/** The run row, for authorising access (SSE, SARIF). NOT_FOUND for another workspace's id or outside a token's project. */
export async function loadAnalysisRun(access: Pick<Access, 'tx' | 'projectPin'>, id: string) {
  const [run] = await access.tx.select().from(analysisRuns).where(eq(analysisRuns.id, id));
  return visibleOr404(run, access, 'Analysis run');
}

export async function getAnalysisRun(access: Pick<Access, 'tx' | 'projectPin'>, id: string) {
  const run = await loadAnalysisRun(access, id);
  const [last] = await access.tx
    .select({ seq: sql<number>`coalesce(max(${runEvents.seq}), 0)::int` })
    .from(runEvents)
    .where(and(eq(runEvents.runKind, 'code-analysis'), eq(runEvents.runId, id)));
  const { leaseOwner: _o, leaseUntil: _u, ...rest } = run;
  return { ...rest, lastSeq: last?.seq ?? 0 };
}

export async function listAnalysisRuns(access: Access, input: { repositoryId: string; limit: number }) {
  await getRepository(access, input.repositoryId);
  return access.tx
    .select({
      id: analysisRuns.id,
      status: analysisRuns.status,
      stage: analysisRuns.stage,
      commitSha: analysisRuns.commitSha,
      filesTotal: analysisRuns.filesTotal,
      filesDone: analysisRuns.filesDone,
      findingsCount: analysisRuns.findingsCount,
      error: analysisRuns.error,
      createdAt: analysisRuns.createdAt,
      finishedAt: analysisRuns.finishedAt,
    })
    .from(analysisRuns)
    .where(eq(analysisRuns.repositoryId, input.repositoryId))
    .orderBy(desc(analysisRuns.createdAt))
    .limit(input.limit);
}

async function createAnalysisRun(access: Access, repositoryId: string): Promise<{ id: string }> {
  const repo = await getRepository(access, repositoryId);
  const [active] = await access.tx
    .select({ id: analysisRuns.id })
    .from(analysisRuns)
    .where(and(eq(analysisRuns.repositoryId, repo.id), inArray(analysisRuns.status, ['queued', 'running'])));
  // One analysis per repository at a time: a second would race the first on the same checkout.
  if (active) return { id: active.id };
  const [run] = await access.tx
    .insert(analysisRuns)
    .values({ tenantId: access.tenantId, projectId: repo.projectId, repositoryId: repo.id, startedBy: access.userId })
    .returning();
  if (!run) throw new NyxError('INTERNAL', 'analysis run insert returned nothing');
  await appendEvents(access.tx, refOf(run), [
    { type: 'stage', data: { stage: 'queued', filesDone: 0, filesTotal: 0, findings: 0, note: null } },
  ]);
  await recordAudit(access, 'analysis.started', { type: 'analysis_run', id: run.id }, { repositoryId: repo.id });
  return { id: run.id };
}

/** Starts an analysis of a repository (or returns the one already running): committed first, then queued. */
export async function startAnalysis(
  deps: Pick<AppDeps, 'database' | 'jobs' | 'log'>,
  grant: TenantGrant,
  input: { repositoryId: string },
): Promise<{ id: string }> {
  const run = await withGrant(deps, grant, (access) => createAnalysisRun(access, input.repositoryId));
  try {
    await deps.jobs.send('code-analysis', { tenantId: grant.tenantId, runId: run.id });
  } catch (err) {
    deps.log.error({ err, run: run.id }, 'code analysis: queueing the run failed');
    await withGrant(deps, grant, async (access) => {
      const [failed] = await access.tx
        .update(analysisRuns)
        .set({
          status: 'failed',
          stage: 'failed',
          error: 'The job queue did not accept the run; try again',
          finishedAt: new Date(),
        })
        .where(and(eq(analysisRuns.id, run.id), eq(analysisRuns.status, 'queued')))
        .returning();
      if (failed)
        await appendEvents(access.tx, refOf(failed), [
          { type: 'failed', data: { error: 'The job queue did not accept the run; try again', stage: 'queued' } },
        ]);
    });
    throw err;
  }
  return run;
}

/** Cancels a queued run at once; asks the worker to stop a running one (it stops after its current batch). */
export async function cancelAnalysis(
  access: Access,
  id: string,
): Promise<{ status: 'cancelled' | 'cancelling' | 'finished' }> {
  const run = await loadAnalysisRun(access, id);
  await recordAudit(access, 'analysis.cancelled', { type: 'analysis_run', id });
  const [queued] = await access.tx
    .update(analysisRuns)
    .set({ status: 'cancelled', stage: 'cancelled', finishedAt: new Date(), isCancelRequested: true })
    .where(and(eq(analysisRuns.id, id), eq(analysisRuns.status, 'queued')))
    .returning({ id: analysisRuns.id });
  if (queued) {
    await appendEvents(access.tx, refOf(run), [{ type: 'cancelled', data: { stage: 'queued' } }]);
    return { status: 'cancelled' };
  }
  const [running] = await access.tx
    .update(analysisRuns)
    .set({ isCancelRequested: true })
    .where(and(eq(analysisRuns.id, id), eq(analysisRuns.status, 'running')))
    .returning({ id: analysisRuns.id });
  if (running) {
    await access.tx.execute(sql`select pg_notify(${ANALYSIS_CANCEL_CHANNEL}, ${id})`);
    return { status: 'cancelling' };
  }
  return { status: 'finished' };
}
