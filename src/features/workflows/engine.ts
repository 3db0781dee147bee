/**
 * The workflow engine: an async generator of typed events. It decides and computes; it
 * never writes. Each yielded item carries the event and, for state changes, a `commit`
 * that the runner (./runner.ts) applies in the same transaction that appends the event,
 * so a step's output and its `step.completed` are committed together or not at all.
 * Completed steps are never run again: the engine starts at the first unfinished step.
 */
import { eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { addedUsage } from '../../platform/db/sql.js';
import { personas, workflowInsights, workflowRuns, workflowRunSteps } from '../../platform/db/schema/index.js';
import { withTenant, type Tx } from '../../platform/db/tenant.js';
import type { WorkflowEvent } from '../../platform/events/frames.js';
import type { LlmDeps, LlmResult } from '../../platform/llm/service.js';
import { composeProjectWisdom, insightColumns } from '../memory/index.js';
import { matchPersona, type Persona, recordPersonaUse } from '../personas/index.js';
import type { MaterialAnalysis } from './material.js';
import type { StepDef, WorkflowDef } from './schema.js';
import { embedInsights, errorText, executeStep, type StepResult } from './step-kinds.js';
import { referencesSteps, scanTemplate, type StepOutputs } from './templating.js';
import { coalesceText } from '../../platform/events/coalesce.js';
import { LEASE_LOST } from '../../platform/jobs/leased-run.js';

export interface EngineDeps {
  llm: LlmDeps;
  /** Waits between step attempts (tests pass a no-op). */
  sleep: (ms: number) => Promise<void>;
  /** How long streamed text is coalesced into one `step.delta` event. */
  deltaFlushMs: number;
}

export type RunStepRow = typeof workflowRunSteps.$inferSelect;
export type RunRow = typeof workflowRuns.$inferSelect;

/** One thing the engine reports; `commit` (if any) runs in the transaction that stores `event`. */
export interface EngineItem {
  event: WorkflowEvent;
  commit?: (tx: Tx) => PromiseLike<unknown>;
  /** Settled by the runner once the item is stored (or failed to be). */
  settle?: (err?: Error) => void;
}

/** Why the run's signal was aborted: the user cancelled, or this worker lost the run to another. */

const now = () => new Date();
const stepTotals = (r: Pick<LlmResult, 'tokensIn' | 'tokensOut' | 'costUsd'>[]) => ({
  tokensIn: r.reduce((a, x) => a + x.tokensIn, 0),
  tokensOut: r.reduce((a, x) => a + x.tokensOut, 0),
  costUsd: r.reduce((a, x) => a + (x.costUsd ?? 0), 0),
  unpricedCalls: r.filter((x) => x.costUsd === null).length,
});

/** A tiny unbounded channel: the engine pushes, the generator drains in batches. */
class Channel<T extends { settle?: (err?: Error) => void }> {
  private items: T[] = [];
  private wake: (() => void) | null = null;
  private isClosed = false;
  private abandoned: Error | null = null;
  push(item: T) {
    if (this.abandoned) return item.settle?.(this.abandoned);
    this.items.push(item);
    this.wake?.();
  }
  /** The consumer stopped: whatever waits on an item (and comes later) fails instead of hanging. */
  abandon() {
    this.abandoned = new Error('the run stopped storing events');
    for (const item of this.items.splice(0)) item.settle?.(this.abandoned);
    this.close();
  }
  close() {
    this.isClosed = true;
    this.wake?.();
  }
  async *batches(): AsyncGenerator<T[]> {
    for (;;) {
      if (this.items.length) {
        const batch = this.items;
        this.items = [];
        yield batch;
        continue;
      }
      if (this.isClosed) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }
}

export interface Ctx {
  deps: EngineDeps;
  run: RunRow;
  def: WorkflowDef;
  steps: RunStepRow[];
  signal: AbortSignal;
  outputs: Map<string, StepOutputs>;
  personaPool: Persona[];
  memory: string;
  wisdom: string;
  emit: (event: WorkflowEvent, commit?: (tx: Tx) => PromiseLike<unknown>) => Promise<void>;
  delta: (step: number, lane: string | null, text: string) => void;
  flush: () => void;
  /** The analysis of the run's input, computed once when a step asks for it (./material.ts). */
  analysis?: Promise<MaterialAnalysis | null>;
}

/**
 * Runs (or resumes) a run. Yields batches of events to store, in order; ends after the
 * terminal event, or silently when this worker lost the run (`signal.reason === LEASE_LOST`).
 * Example: `for await (const batch of workflowEngine(deps, run, steps, signal)) await store(batch)`.
 */
export async function* workflowEngine(
  deps: EngineDeps,
  run: RunRow,
  steps: RunStepRow[],
  signal: AbortSignal,
): AsyncGenerator<EngineItem[]> {
  const channel = new Channel<EngineItem>();
  const emit = (event: WorkflowEvent, commit?: (tx: Tx) => PromiseLike<unknown>) =>
    new Promise<void>((resolve, reject) =>
      channel.push({ event, ...(commit ? { commit } : {}), settle: (err) => (err ? reject(err) : resolve()) }),
    );
  const deltas = coalesceText<{ step: number; lane: string | null }>(
    deps.deltaFlushMs,
    (l, text) => channel.push({ event: { type: 'step.delta', data: { ...l, text } } }),
    (l) => `${l.step}:${l.lane ?? ''}`,
  );
  const flush = () => deltas.flush();
  const delta = (step: number, lane: string | null, text: string) => deltas.add({ step, lane }, text);

  const done = execute({
    deps,
    run,
    def: run.definition as WorkflowDef,
    steps,
    signal,
    outputs: new Map(),
    personaPool: [],
    memory: '',
    wisdom: '',
    emit,
    delta,
    flush,
  }).then(
    () => channel.close(),
    (err: unknown) => {
      channel.close();
      throw err;
    },
  );
  try {
    for await (const batch of channel.batches()) yield batch;
  } finally {
    deltas.dispose();
    channel.abandon();
    // When the consumer stops early its error is the one reported; the engine's own is logged by nobody.
    done.catch(() => undefined);
  }
  await done;
}

async function execute(ctx: Ctx): Promise<void> {
  const { run, steps } = ctx;
  for (const s of steps) {
    if (s.status === 'completed' && s.output !== null)
      ctx.outputs.set(s.name, { full: s.output, digest: s.digest, isFanOut: s.type === 'fan_out' });
  }
  const resumeAt = steps.findIndex((s) => s.status !== 'completed' && s.status !== 'skipped');
  // From the run's first start (a resume after a worker died continues its clock; a retry restarts it).
  const startedAt = run.startedAt?.getTime() ?? Date.now();
  await ctx.emit({
    type: 'run.started',
    data: { attempt: run.attempts, resumeAt: resumeAt === -1 ? steps.length : resumeAt, totalSteps: steps.length },
  });
  await loadContext(ctx);
  for (let i = Math.max(resumeAt, 0); resumeAt !== -1 && i < steps.length; i++) {
    const outcome = await runStep(ctx, i);
    if (outcome === 'lost') return;
    if (outcome === 'cancelled') {
      await ctx.emit({ type: 'run.cancelled', data: { step: i } }, (tx) => finishRun(tx, run.id, 'cancelled', null));
      return;
    }
    if (outcome !== 'ok') {
      await ctx.emit({ type: 'run.failed', data: { error: outcome.error, step: i } }, (tx) =>
        finishRun(tx, run.id, 'failed', outcome.error),
      );
      return;
    }
  }
  await completeRun(ctx, startedAt);
}

/** What the steps' templates use besides the run's input: the persona pool, linked memory, the project's wisdom. */
async function loadContext(ctx: Ctx): Promise<void> {
  const { run, def } = ctx;
  const scope = { tenantId: run.tenantId, userId: run.startedBy };
  const prompts = def.steps.map((s) => s.prompt).join('\n');
  const uses = new Set(scanTemplate(prompts).map((v) => v.ref?.kind));
  ctx.personaPool = await withTenant(ctx.deps.llm.database, scope, (tx) =>
    tx
      .select()
      .from(personas)
      .where(
        run.projectId
          ? or(isNull(personas.projectId), eq(personas.projectId, run.projectId))
          : isNull(personas.projectId),
      ),
  );
  if (uses.has('memory') && def.memoryInsightIds.length) {
    const linked = await withTenant(ctx.deps.llm.database, scope, (tx) =>
      tx.select(insightColumns).from(workflowInsights).where(inArray(workflowInsights.id, def.memoryInsightIds)),
    );
    ctx.memory = linked
      .map((i) => `- **${i.title}** (${i.type}, ${i.severity}): ${i.detail}${i.suggestion ? ` → ${i.suggestion}` : ''}`)
      .join('\n');
  }
  if (uses.has('wisdom') && run.projectId) {
    ctx.wisdom = (
      await composeProjectWisdom(
        ctx.deps.llm,
        { ...scope, projectPin: null },
        { projectId: run.projectId, budgetChars: 3_000, query: run.input.slice(0, 500) || undefined },
      )
    ).markdown;
  }
}

/** The run completed: its totals on the stream, and the run row finished. */
async function completeRun(ctx: Ctx, startedAt: number): Promise<void> {
  const { run } = ctx;
  const scope = { tenantId: run.tenantId, userId: run.startedBy };
  const [totals] = await withTenant(ctx.deps.llm.database, scope, (tx) =>
    tx
      .select({
        tokensIn: workflowRuns.tokensIn,
        tokensOut: workflowRuns.tokensOut,
        costUsd: workflowRuns.costUsd,
        unpricedCalls: workflowRuns.unpricedCalls,
      })
      .from(workflowRuns)
      .where(eq(workflowRuns.id, run.id)),
  );
  await ctx.emit(
    {
      type: 'run.completed',
      data: {
        durationMs: Date.now() - startedAt,
        tokensIn: totals?.tokensIn ?? 0,
        tokensOut: totals?.tokensOut ?? 0,
        costUsd: totals?.costUsd ?? 0,
        unpricedCalls: totals?.unpricedCalls ?? 0,
      },
    },
    (tx) => finishRun(tx, run.id, 'completed', null),
  );
}

async function finishRun(tx: Tx, runId: string, status: 'completed' | 'failed' | 'cancelled', error: string | null) {
  await tx
    .update(workflowRuns)
    .set({ status, error, finishedAt: now(), leaseOwner: null, leaseUntil: null })
    .where(eq(workflowRuns.id, runId));
}

function pickPersona(ctx: Ctx, step: StepDef): Persona | null {
  const byId = (id: string | null | undefined) => (id ? (ctx.personaPool.find((p) => p.id === id) ?? null) : null);
  if (step.personaId) return byId(step.personaId);
  if (step.requiredCategories.length) {
    const m = matchPersona(ctx.personaPool, step.requiredCategories);
    if (m) return m.persona;
  }
  return byId(ctx.def.defaultPersonaIds[0]);
}

type StepOutcome = 'ok' | 'cancelled' | 'lost' | { error: string };

const isAbort = (ctx: Ctx) => ctx.signal.aborted;
const abortOutcome = (ctx: Ctx): StepOutcome => (ctx.signal.reason === LEASE_LOST ? 'lost' : 'cancelled');
/** One step of a run as its attempts see it. */
interface StepRun {
  ctx: Ctx;
  index: number;
  row: Ctx['steps'][number];
  step: StepDef;
  persona: Persona | null;
  isAutoContext: boolean;
  attempts: number;
  startedAt: number;
}

async function runStep(ctx: Ctx, index: number): Promise<StepOutcome> {
  const step = ctx.def.steps[index]!;
  const previous = index > 0 ? ctx.def.steps[index - 1]! : null;
  const s: StepRun = {
    ctx,
    index,
    row: ctx.steps[index]!,
    step,
    persona: pickPersona(ctx, step),
    isAutoContext: previous !== null && !referencesSteps(step.prompt) && step.type !== 'fan_out',
    attempts: step.retries + 1,
    startedAt: Date.now(),
  };
  let lastError = '';
  for (let attempt = 1; attempt <= s.attempts; attempt++) {
    if (isAbort(ctx)) return abortOutcome(ctx);
    startAttempt(s, attempt);
    const timeout = AbortSignal.timeout(step.timeoutSeconds * 1_000);
    const signal = AbortSignal.any([ctx.signal, timeout]);
    try {
      const result = await executeStep(ctx, index, step, s.persona, s.isAutoContext, signal);
      ctx.flush();
      await completeStep(s, result);
      return 'ok';
    } catch (err) {
      ctx.flush();
      if (isAbort(ctx)) {
        if (ctx.signal.reason === LEASE_LOST) return 'lost';
        await ctx.emit(
          { type: 'step.failed', data: { step: index, name: step.name, error: 'Cancelled', attempt } },
          (tx) =>
            tx
              .update(workflowRunSteps)
              .set({ status: 'cancelled', error: 'Cancelled by a user', finishedAt: now() })
              .where(eq(workflowRunSteps.id, s.row.id)),
        );
        return 'cancelled';
      }
      lastError = timeout.aborted ? `Step timed out after ${step.timeoutSeconds}s` : errorText(err);
      if (attempt < s.attempts) {
        const delayMs = 1_000 * 2 ** (attempt - 1);
        await ctx.emit({ type: 'step.retrying', data: { step: index, attempt, error: lastError, delayMs } });
        await ctx.deps.sleep(delayMs);
      }
    }
  }
  await failStep(s, lastError);
  return { error: `Step "${step.name}" failed: ${lastError}` };
}

/**
 * Marks the step running for this attempt. Not awaited: the LLM call starts while this is
 * stored (events stay in order; a storage failure stops the run through the runner, and the
 * step's later emits fail with it).
 */
function startAttempt(s: StepRun, attempt: number): void {
  const { step, persona } = s;
  s.ctx
    .emit(
      {
        type: 'step.started',
        data: {
          step: s.index,
          name: step.name,
          stepType: step.type,
          persona: persona?.name ?? null,
          attempt,
          maxAttempts: s.attempts,
          autoContext: s.isAutoContext,
        },
      },
      (tx) =>
        tx
          .update(workflowRunSteps)
          .set({
            status: 'running',
            startedAt: now(),
            attempt,
            personaId: persona?.id ?? null,
            personaName: persona?.name ?? null,
            error: null,
          })
          .where(eq(workflowRunSteps.id, s.row.id)),
    )
    .catch(() => undefined);
}

/** Stores a step's result (output, insights, usage added to the run's totals), then embeds its insights. */
async function completeStep(s: StepRun, result: StepResult): Promise<void> {
  const { ctx, step, persona } = s;
  ctx.outputs.set(step.name, { full: result.output, digest: result.digest, isFanOut: step.type === 'fan_out' });
  const totals = stepTotals(result.usage);
  const completed = {
    type: 'step.completed' as const,
    data: {
      step: s.index,
      name: step.name,
      provider: result.provider,
      model: result.model,
      durationMs: Date.now() - s.startedAt,
      outputChars: result.output.length,
      insightIds: [] as string[],
      ...totals,
    },
  };
  await ctx.emit(completed, async (tx) => {
    const insightIds = result.insights ? await result.insights(tx) : [];
    // The event is stored after this commit function: it reports the ids just written.
    completed.data.insightIds = insightIds;
    await tx
      .update(workflowRunSteps)
      .set({
        status: 'completed',
        output: result.output,
        digest: result.digest,
        provider: result.provider,
        model: result.model,
        items: result.items ?? null,
        comparisons: result.comparisons ?? null,
        insightIds,
        ...totals,
        durationMs: completed.data.durationMs,
        executions: sql`${workflowRunSteps.executions} + 1`,
        finishedAt: now(),
      })
      .where(eq(workflowRunSteps.id, s.row.id));
    await tx.update(workflowRuns).set(addedUsage(workflowRuns, totals)).where(eq(workflowRuns.id, ctx.run.id));
    if (persona) await recordPersonaUse(tx, persona.id, true);
  });
  if (completed.data.insightIds.length) await embedInsights(ctx, completed.data.insightIds);
}

/** The step failed its last attempt: stored with the error, and the persona's record says so. */
async function failStep(s: StepRun, error: string): Promise<void> {
  await s.ctx.emit(
    { type: 'step.failed', data: { step: s.index, name: s.step.name, error, attempt: s.attempts } },
    async (tx) => {
      await tx
        .update(workflowRunSteps)
        .set({
          status: 'failed',
          error,
          durationMs: Date.now() - s.startedAt,
          finishedAt: now(),
          executions: sql`${workflowRunSteps.executions} + 1`,
        })
        .where(eq(workflowRunSteps.id, s.row.id));
      if (s.persona) await recordPersonaUse(tx, s.persona.id, false);
    },
  );
}
