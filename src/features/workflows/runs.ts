/**
 * Run lifecycle on the API side: create (snapshot the definition, queue), read, list,
 * cancel, retry from step N, the insights a run proposed, and the run report. Execution
 * itself happens in a worker (./runner.ts); every change here appends its run event.
 */
import { and, asc, desc, eq, gte, sql } from 'drizzle-orm';
import { runEvents, workflowRunSteps, workflowRuns } from '../../platform/db/schema/index.js';
import { appendEvents, type RunRef } from '../../platform/events/store.js';
import { withGrant, type Access, type TenantGrant } from '../../platform/access/tenant-access.js';
import type { AppDeps } from '../../platform/deps.js';
import { NyxError } from '../../platform/errors.js';
import { recordAudit } from '../audit/index.js';
import { listInsights } from '../memory/index.js';
import { visibleOr404 } from '../../platform/access/project-pin.js';
import type { WorkflowDef } from './schema.js';
import { CANCEL_CHANNEL } from './runner.js';
import { workflowDefinition } from './service.js';
import { usesInput } from './templating.js';

const refOf = (run: { id: string; tenantId: string }): RunRef => ({
  kind: 'workflow',
  id: run.id,
  tenantId: run.tenantId,
});

export async function createRun(access: Access, input: { workflowId: string; input: string }): Promise<{ id: string }> {
  const { row, def } = await workflowDefinition(access, input.workflowId);
  // "Completed" on nothing helps nobody: a workflow that starts from {{input}} needs one.
  if (usesInput(def.steps) && !input.input.trim()) {
    throw new NyxError('BAD_INPUT', 'This workflow works on its input: paste the material to run it on', {
      fieldErrors: { input: ['Required: the steps use {{input}}'] },
    });
  }
  const [run] = await access.tx
    .insert(workflowRuns)
    .values({
      tenantId: access.tenantId,
      workflowId: row.id,
      projectId: row.projectId,
      workflowName: row.name,
      definition: def,
      input: input.input,
      startedBy: access.userId,
    })
    .returning();
  if (!run) throw new NyxError('INTERNAL', 'run insert returned nothing');
  await access.tx.insert(workflowRunSteps).values(
    def.steps.map((s, position) => ({
      tenantId: access.tenantId,
      runId: run.id,
      position,
      name: s.name,
      type: s.type,
    })),
  );
  await appendEvents(access.tx, refOf(run), [{ type: 'run.queued', data: { fromStep: 0 } }]);
  return { id: run.id };
}

/** The run row, for authorising access to it (SSE, exports). NOT_FOUND for another workspace's id. */
export async function loadRun(access: Pick<Access, 'tx' | 'projectPin'>, id: string) {
  const [run] = await access.tx.select().from(workflowRuns).where(eq(workflowRuns.id, id));
  return visibleOr404(run, access, 'Run');
}

export async function getRun(access: Pick<Access, 'tx' | 'projectPin'>, id: string) {
  const run = await loadRun(access, id);
  const steps = await access.tx
    .select()
    .from(workflowRunSteps)
    .where(eq(workflowRunSteps.runId, id))
    .orderBy(asc(workflowRunSteps.position));
  const [last] = await access.tx
    .select({ seq: sql<number>`coalesce(max(${runEvents.seq}), 0)::int` })
    .from(runEvents)
    .where(and(eq(runEvents.runKind, 'workflow'), eq(runEvents.runId, id)));
  const { leaseOwner: _o, leaseUntil: _u, definition, ...rest } = run;
  return {
    ...rest,
    definition: definition as WorkflowDef,
    steps: steps.map(({ tenantId: _t, ...s }) => s),
    lastSeq: last?.seq ?? 0,
  };
}

const INPUT_PREVIEW_CHARS = 120;

export async function listRuns(
  access: Pick<Access, 'tx' | 'projectPin'>,
  input: { workflowId?: string | undefined; limit: number },
) {
  const where = and(
    input.workflowId ? eq(workflowRuns.workflowId, input.workflowId) : undefined,
    access.projectPin ? eq(workflowRuns.projectId, access.projectPin) : undefined,
  );
  return access.tx
    .select({
      id: workflowRuns.id,
      workflowId: workflowRuns.workflowId,
      workflowName: workflowRuns.workflowName,
      status: workflowRuns.status,
      error: workflowRuns.error,
      tokensIn: workflowRuns.tokensIn,
      tokensOut: workflowRuns.tokensOut,
      costUsd: workflowRuns.costUsd,
      unpricedCalls: workflowRuns.unpricedCalls,
      /** The start of the input, so runs of one workflow can be told apart in a list. */
      inputPreview: sql<string>`left(${workflowRuns.input}, ${INPUT_PREVIEW_CHARS})`,
      createdAt: workflowRuns.createdAt,
      finishedAt: workflowRuns.finishedAt,
    })
    .from(workflowRuns)
    .where(where)
    .orderBy(desc(workflowRuns.createdAt))
    .limit(input.limit);
}

/** Cancels a queued run at once; asks the worker to stop a running one (it stops within a heartbeat). */
export async function cancelRun(access: Access, id: string): Promise<{ status: 'cancelled' | 'cancelling' }> {
  const run = await loadRun(access, id);
  await recordAudit(access, 'workflow.run_cancelled', { type: 'workflow_run', id });
  const [queued] = await access.tx
    .update(workflowRuns)
    .set({ status: 'cancelled', finishedAt: new Date(), isCancelRequested: true })
    .where(and(eq(workflowRuns.id, id), eq(workflowRuns.status, 'queued')))
    .returning({ id: workflowRuns.id });
  if (queued) {
    await appendEvents(access.tx, refOf(run), [{ type: 'run.cancelled', data: { step: null } }]);
    return { status: 'cancelled' };
  }
  const [running] = await access.tx
    .update(workflowRuns)
    .set({ isCancelRequested: true })
    .where(and(eq(workflowRuns.id, id), eq(workflowRuns.status, 'running')))
    .returning({ id: workflowRuns.id });
  if (running) {
    // The worker executing it aborts at once (its heartbeat would also notice, later).
    await access.tx.execute(sql`select pg_notify(${CANCEL_CHANNEL}, ${id})`);
    return { status: 'cancelling' };
  }
  throw new NyxError('CONFLICT', `This run already ended (${run.status}); nothing to cancel`);
}

/**
 * Queues a finished run again from step `fromStep`: that step and every later one start
 * over; earlier (completed) steps keep their outputs and are not run again.
 */
export async function retryRun(access: Access, id: string, fromStep: number): Promise<{ id: string }> {
  const run = await loadRun(access, id);
  if (run.status === 'queued' || run.status === 'running')
    throw new NyxError('CONFLICT', 'The run is still going; cancel it first or wait for it to end');
  const steps = await access.tx
    .select()
    .from(workflowRunSteps)
    .where(eq(workflowRunSteps.runId, id))
    .orderBy(asc(workflowRunSteps.position));
  const firstUnfinished = steps.findIndex((s) => s.status !== 'completed');
  const limit = firstUnfinished === -1 ? steps.length - 1 : firstUnfinished;
  if (fromStep > limit) {
    throw new NyxError('BAD_INPUT', `Retry from step ${limit + 1} or earlier: step ${limit + 1} never completed`, {
      fieldErrors: { fromStep: [`Must be at most ${limit} (the first step that did not complete)`] },
    });
  }
  await access.tx
    .update(workflowRunSteps)
    .set({
      status: 'pending',
      output: null,
      digest: null,
      provider: null,
      model: null,
      personaId: null,
      personaName: null,
      items: null,
      comparisons: null,
      insightIds: [],
      error: null,
      attempt: 0,
      startedAt: null,
      finishedAt: null,
      durationMs: null,
      tokensIn: 0,
      tokensOut: 0,
      costUsd: 0,
      unpricedCalls: 0,
    })
    .where(and(eq(workflowRunSteps.runId, id), gte(workflowRunSteps.position, fromStep)));
  await access.tx
    .update(workflowRuns)
    // startedAt: null: the retried execution's duration is counted from its own start.
    .set({
      status: 'queued',
      error: null,
      isCancelRequested: false,
      startedAt: null,
      finishedAt: null,
      leaseOwner: null,
      leaseUntil: null,
    })
    .where(eq(workflowRuns.id, id));
  await appendEvents(access.tx, refOf(run), [{ type: 'run.queued', data: { fromStep } }]);
  return { id };
}

/** Marks a run failed when it could not be queued (the job system refused it). */
export async function failQueuedRun(
  access: Pick<Access, 'tx'>,
  run: { id: string; tenantId: string },
  error: string,
): Promise<void> {
  const [row] = await access.tx
    .update(workflowRuns)
    .set({ status: 'failed', error, finishedAt: new Date() })
    .where(and(eq(workflowRuns.id, run.id), eq(workflowRuns.status, 'queued')))
    .returning({ id: workflowRuns.id });
  if (row) await appendEvents(access.tx, refOf(run), [{ type: 'run.failed', data: { error, step: null } }]);
}

/**
 * The insights a run's review steps proposed, in the order they were proposed (step by
 * step; rows written in one transaction share their created_at, so that cannot order them).
 */
export async function runInsights(access: Pick<Access, 'tx' | 'projectPin'>, id: string) {
  await loadRun(access, id);
  const steps = await access.tx
    .select({ insightIds: workflowRunSteps.insightIds })
    .from(workflowRunSteps)
    .where(eq(workflowRunSteps.runId, id))
    .orderBy(asc(workflowRunSteps.position));
  const order = new Map(steps.flatMap((s) => s.insightIds).map((insightId, i) => [insightId, i]));
  const insights = await listInsights(access, { originRunId: id, limit: 200 });
  return insights.sort((a, b) => (order.get(a.id) ?? order.size) - (order.get(b.id) ?? order.size));
}

export type RunDetail = Awaited<ReturnType<typeof getRun>>;

/** Hands a committed run to the queue; if the queue refuses, the run is marked failed (never left queued forever). */
async function dispatch(
  deps: Pick<AppDeps, 'database' | 'jobs' | 'log'>,
  grant: TenantGrant,
  runId: string,
): Promise<void> {
  try {
    await deps.jobs.send('workflow-run', { tenantId: grant.tenantId, runId });
  } catch (err) {
    deps.log.error({ err, run: runId }, 'workflow: queueing the run failed');
    await withGrant(deps, grant, (access) =>
      failQueuedRun(access, { id: runId, tenantId: grant.tenantId }, 'The job queue did not accept the run; try again'),
    );
    throw err;
  }
}

/** Starts a run: committed first, then queued outside any transaction. */
export async function startRun(
  deps: Pick<AppDeps, 'database' | 'jobs' | 'log'>,
  grant: TenantGrant,
  input: { workflowId: string; input: string },
): Promise<{ id: string }> {
  const run = await withGrant(deps, grant, (access) => createRun(access, input));
  await dispatch(deps, grant, run.id);
  return run;
}

/** Retries a run from a step (its earlier steps are kept): committed first, then queued. */
export async function startRetry(
  deps: Pick<AppDeps, 'database' | 'jobs' | 'log'>,
  grant: TenantGrant,
  input: { id: string; fromStep: number },
): Promise<{ id: string }> {
  const run = await withGrant(deps, grant, (access) => retryRun(access, input.id, input.fromStep));
  await dispatch(deps, grant, run.id);
  return run;
}
