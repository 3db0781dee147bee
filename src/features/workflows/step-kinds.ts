/**
 * How each step type executes, for the engine (./engine.ts): `llm` (streamed, optionally
 * compared across providers, digested when long), `review` (strict JSON insights written
 * in the step's commit) and `fan_out` (items with a concurrency limit and per-item
 * progress that survives a resume). Nothing here writes except through `ctx.emit`.
 */
import { backgroundAccess } from '../../platform/access/tenant-access.js';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { insightSeverities, insightTypes, workflowInsights, workflowRunSteps } from '../../platform/db/schema/index.js';
import type { Tx } from '../../platform/db/tenant.js';
import { generateObject, generateStream, type LlmCall, type LlmResult } from '../../platform/llm/service.js';
import { createInsight, embedRows } from '../memory/index.js';
import type { Persona } from '../personas/index.js';
import type { Ctx } from './engine.js';
import { analyzeMaterial, staticFindingsPrompt, type MaterialAnalysis } from './material.js';
import type { StepDef } from './schema.js';
import { DIGEST_THRESHOLD, renderTemplate, splitItems, stepContent } from './templating.js';

const DEFAULT_SYSTEM =
  'You are a careful senior software engineer. Answer precisely, cite evidence from the material you are given, and say so when something is uncertain.';
const REVIEW_INSTRUCTIONS =
  '\n\nReturn JSON: {"insights": [{"title", "detail", "suggestion", "category", "type", "severity"}]} — type is one of pain_point, strength, solution, pattern, decision; severity one of blocker, high, medium, low; category one lowercase word (e.g. security, performance, testing). At most 12 insights, each grounded in the material.';

const zReviewOutput = z.object({
  insights: z
    .array(
      z.object({
        title: z.string().min(1).max(300),
        detail: z.string().max(20_000),
        suggestion: z.string().max(20_000),
        category: z.string().min(1).max(60),
        type: z.enum(insightTypes),
        severity: z.enum(insightSeverities),
      }),
    )
    .max(20),
});

export const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 2_000);

export interface StepResult {
  output: string;
  digest: string | null;
  provider: string | null;
  model: string | null;
  usage: LlmResult<unknown>[];
  items?: unknown;
  comparisons?: unknown;
  /** review: writes the proposed insights in the commit transaction, returning their ids. */
  insights?: (tx: Tx) => Promise<string[]>;
}

function baseCall(
  ctx: Ctx,
  step: StepDef,
  persona: Persona | null,
  { prompt, material, analysis }: Rendered,
  signal: AbortSignal,
): LlmCall {
  return {
    tenantId: ctx.run.tenantId,
    userId: ctx.run.startedBy,
    purpose: 'workflow.step',
    system: persona?.systemPrompt ?? DEFAULT_SYSTEM,
    prompt,
    material,
    ...(analysis ? { analysis: { files: analysis.files, findings: analysis.findings } } : {}),
    ...((step.provider ?? ctx.def.defaultProvider) ? { provider: (step.provider ?? ctx.def.defaultProvider)! } : {}),
    ...((step.model ?? ctx.def.defaultModel) ? { model: (step.model ?? ctx.def.defaultModel)! } : {}),
    ...(step.temperature !== null ? { temperature: step.temperature } : {}),
    ...(step.maxTokens !== null ? { maxOutputTokens: step.maxTokens } : {}),
    signal,
  };
}

/** A step's prompt, and apart from it the material it carries (what the offline model may quote). */
interface Rendered {
  prompt: string;
  material: string[];
  /** The material analysis from this step on (an opting-in step or a later one). */
  analysis: MaterialAnalysis | null;
}

/**
 * The run input's analysis for step `index`: from the first step that opts in
 * (`analyzeMaterial`) onwards, computed once per run (again after a resume: it depends only
 * on the input). Null before that step, and for input that is not code or configuration.
 */
async function analysisFor(ctx: Ctx, index: number): Promise<MaterialAnalysis | null> {
  const first = ctx.def.steps.findIndex((s) => s.analyzeMaterial);
  if (first === -1 || index < first) return null;
  // A failed analysis leaves the step as it was without one: logged, never the step's failure.
  ctx.analysis ??= analyzeMaterial(ctx.run.input).catch((err: unknown) => {
    ctx.deps.llm.log.warn({ err, run: ctx.run.id }, 'workflow: analysing the material failed; continuing without it');
    return null;
  });
  return ctx.analysis;
}

function render(
  ctx: Ctx,
  step: StepDef,
  persona: Persona | null,
  isAutoContext: boolean,
  index: number,
  analysis: MaterialAnalysis | null,
  item?: string,
): Rendered {
  const material: string[] = [];
  let prompt = renderTemplate(step.prompt, {
    input: ctx.run.input,
    memory: ctx.memory,
    wisdom: ctx.wisdom,
    personaName: persona?.name ?? 'Assistant',
    steps: ctx.outputs,
    material,
    ...(item !== undefined ? { item } : {}),
  });
  if (isAutoContext) {
    const prev = ctx.def.steps[index - 1]!;
    const out = ctx.outputs.get(prev.name);
    if (out) {
      prompt += `\n\n---\nContext: the output of the previous step "${prev.name}":\n\n${stepContent(out)}`;
      material.push(stepContent(out));
    }
  }
  // Only the opting-in step is told in its prompt; later steps see its answer (and the offline model, the analysis).
  if (step.analyzeMaterial && analysis) prompt += `\n\n---\n${staticFindingsPrompt(analysis)}`;
  return { prompt, material, analysis };
}

export async function executeStep(
  ctx: Ctx,
  index: number,
  step: StepDef,
  persona: Persona | null,
  isAutoContext: boolean,
  signal: AbortSignal,
): Promise<StepResult> {
  const analysis = await analysisFor(ctx, index);
  if (step.type === 'fan_out') return fanOut(ctx, index, step, persona, analysis, signal);
  const call = baseCall(ctx, step, persona, render(ctx, step, persona, isAutoContext, index, analysis), signal);
  if (step.type === 'review') return review(ctx, index, step, call);

  const comparisons = step.compareProviders.map(async (provider) => {
    const started = Date.now();
    try {
      const r = await generateStream(ctx.deps.llm, { ...call, provider, isStrict: true, model: undefined }, (t) =>
        ctx.delta(index, `compare:${provider}`, t),
      );
      return {
        provider,
        model: r.model,
        output: r.text,
        error: null,
        tokensIn: r.tokensIn,
        tokensOut: r.tokensOut,
        costUsd: r.costUsd,
        durationMs: Date.now() - started,
        result: r,
      };
    } catch (err) {
      return {
        provider,
        model: null,
        output: '',
        error: errorText(err),
        tokensIn: 0,
        tokensOut: 0,
        costUsd: 0,
        durationMs: Date.now() - started,
        result: null,
      };
    }
  });
  const primary = await generateStream(ctx.deps.llm, call, (t) => ctx.delta(index, null, t));
  const compared = await Promise.all(comparisons);
  const usage: LlmResult<unknown>[] = [primary, ...compared.flatMap((c) => (c.result ? [c.result] : []))];
  const digest = await makeDigest(ctx, step, primary.text, call, usage);
  return {
    output: primary.text,
    digest,
    provider: primary.provider,
    model: primary.model,
    usage,
    ...(compared.length ? { comparisons: compared.map(({ result: _r, ...c }) => c) } : {}),
  };
}

/** Embeds proposed insights after their commit; a failure leaves them "missing" for backfill, never lost. */
export async function embedInsights(ctx: Ctx, ids: string[]): Promise<void> {
  try {
    await embedRows(ctx.deps.llm, { tenantId: ctx.run.tenantId, userId: ctx.run.startedBy }, 'insight', ids);
  } catch (err) {
    ctx.deps.llm.log.warn(
      { err, run: ctx.run.id },
      'workflow: embedding proposed insights failed; backfill will retry',
    );
  }
}

async function makeDigest(
  ctx: Ctx,
  step: StepDef,
  output: string,
  call: LlmCall,
  usage: LlmResult<unknown>[],
): Promise<string | null> {
  if (!step.digest || output.length <= DIGEST_THRESHOLD) return null;
  const r = await generateStream(
    ctx.deps.llm,
    {
      ...call,
      purpose: 'workflow.digest',
      system:
        'You condense documents for later processing steps. Keep every concrete fact, number, name, file path and decision; drop repetition and filler.',
      prompt: `Condense the following output of the step "${step.name}" to at most 250 words of Markdown, keeping its headings and priorities.\n\n${output}`,
      material: [output],
      maxOutputTokens: 600,
    },
    () => undefined,
  );
  usage.push(r);
  return r.text;
}

async function review(ctx: Ctx, index: number, step: StepDef, call: LlmCall): Promise<StepResult> {
  // The format rules go into the system prompt: the prompt stays the material to extract from.
  const r = await generateObject(
    ctx.deps.llm,
    { ...call, system: `${call.system ?? DEFAULT_SYSTEM}${REVIEW_INSTRUCTIONS}` },
    zReviewOutput,
  );
  const found = r.output.insights;
  const output = found.length
    ? found
        .map(
          (i) =>
            `- **${i.title}** — ${i.type}, ${i.severity}, ${i.category}\n  ${i.detail}${i.suggestion ? `\n  → ${i.suggestion}` : ''}`,
        )
        .join('\n')
    : '_No insights were found._';
  ctx.delta(index, null, output);
  const projectId = ctx.run.projectId;
  return {
    output,
    digest: null,
    provider: r.provider,
    model: r.model,
    usage: [r],
    insights: async (tx) => {
      if (!projectId) return [];
      // Ran before (a retried commit): the insights of this run's step already exist.
      const existing = await tx
        .select({ id: workflowInsights.id })
        .from(workflowInsights)
        .where(and(eq(workflowInsights.originRunId, ctx.run.id), eq(workflowInsights.originStep, step.name)));
      if (existing.length) return existing.map((e) => e.id);
      // A run's user may since have been removed; the insight then has no author.
      const access = backgroundAccess(tx, ctx.run.tenantId, ctx.run.startedBy);
      const ids: string[] = [];
      for (const i of found)
        ids.push(
          await createInsight(
            access,
            { ...i, projectId, category: i.category.toLowerCase().slice(0, 60) },
            { runId: ctx.run.id, step: step.name },
          ),
        );
      return ids;
    },
  };
}

async function fanOut(
  ctx: Ctx,
  index: number,
  step: StepDef,
  persona: Persona | null,
  analysis: MaterialAnalysis | null,
  signal: AbortSignal,
): Promise<StepResult> {
  const source = ctx.outputs.get(step.fanOutSource ?? '');
  const items = splitItems(source?.full ?? '');
  if (!items.length)
    throw new Error(
      `The source step "${step.fanOutSource}" produced no items (expected a JSON array or one item per line)`,
    );
  const prior = (ctx.steps[index]!.items as { index: number; status: string; output: string }[] | null) ?? [];
  const results: {
    index: number;
    item: string;
    status: 'completed' | 'failed';
    output: string;
    error: string | null;
  }[] = items.map((item, i) => {
    const done = prior.find((p) => p.index === i && p.status === 'completed');
    return {
      index: i,
      item,
      status: done ? 'completed' : 'failed',
      output: done?.output ?? '',
      error: done ? null : 'not run',
    };
  });
  const usage: LlmResult<unknown>[] = [];
  let done = results.filter((r) => r.status === 'completed').length;
  let failed = 0;
  const queue = results.filter((r) => r.status !== 'completed');
  let provider: string | null = null;
  let model: string | null = null;
  const worker = async () => {
    for (let r = queue.shift(); r; r = queue.shift()) {
      if (signal.aborted) return;
      try {
        const call = baseCall(ctx, step, persona, render(ctx, step, persona, false, index, analysis, r.item), signal);
        const out = await generateStream(ctx.deps.llm, call, (t) => ctx.delta(index, `item:${r.index}`, t));
        usage.push(out);
        provider = out.provider;
        model = out.model;
        Object.assign(r, { status: 'completed', output: out.text, error: null });
        done++;
      } catch (err) {
        if (signal.aborted) return;
        Object.assign(r, { status: 'failed', error: errorText(err) });
        failed++;
      }
      const snapshot = results.map((x) => ({ ...x }));
      await ctx.emit({ type: 'step.progress', data: { step: index, done, failed, total: items.length } }, (tx) =>
        tx.update(workflowRunSteps).set({ items: snapshot }).where(eq(workflowRunSteps.id, ctx.steps[index]!.id)),
      );
    }
  };
  await ctx.emit({ type: 'step.progress', data: { step: index, done, failed, total: items.length } });
  await Promise.all(Array.from({ length: Math.min(step.concurrency, queue.length) }, worker));
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason));
  if (!done) throw new Error(`Every item failed; first error: ${results.find((r) => r.error)?.error ?? 'unknown'}`);
  const output = results
    .map((r) => `### ${r.index + 1}. ${r.item}\n\n${r.status === 'completed' ? r.output : `_Failed: ${r.error}_`}`)
    .join('\n\n');
  return { output, digest: null, provider, model, usage, items: results };
}
