/**
 * The frames every live stream sends, as a zod discriminated union. Imported by the server
 * (to build events) and by the web client (to read them), so both agree on every field.
 * Import only zod here: this module ships to the browser.
 */
import { z } from 'zod';

const step = z.number().int().min(0);
/** `costUsd` sums the priced calls; `unpricedCalls` counts calls to a model without a price (events stored before it read as 0). */
const usage = {
  tokensIn: z.number().int(),
  tokensOut: z.number().int(),
  costUsd: z.number().nullable(),
  unpricedCalls: z.number().int().default(0),
};

/** Workflow run events, without `seq`/`at` (the store adds those). */
export const zWorkflowEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run.queued'), data: z.object({ fromStep: step }) }),
  z.object({
    type: z.literal('run.started'),
    data: z.object({ attempt: z.number().int(), resumeAt: step, totalSteps: z.number().int() }),
  }),
  z.object({
    type: z.literal('step.started'),
    data: z.object({
      step,
      name: z.string(),
      stepType: z.string(),
      persona: z.string().nullable(),
      /** The step's attempt (1-based) of `maxAttempts` (1 + its retries; events stored before it read as null). */
      attempt: z.number().int(),
      maxAttempts: z.number().int().nullable().default(null),
      autoContext: z.boolean(),
    }),
  }),
  /** Streamed text of the step. `lane`: null for the primary output, `compare:<provider>` or `item:<n>` otherwise. */
  z.object({ type: z.literal('step.delta'), data: z.object({ step, lane: z.string().nullable(), text: z.string() }) }),
  z.object({
    type: z.literal('step.progress'),
    data: z.object({ step, done: z.number().int(), failed: z.number().int(), total: z.number().int() }),
  }),
  z.object({
    type: z.literal('step.retrying'),
    data: z.object({ step, attempt: z.number().int(), error: z.string(), delayMs: z.number().int() }),
  }),
  z.object({
    type: z.literal('step.completed'),
    data: z.object({
      step,
      name: z.string(),
      provider: z.string().nullable(),
      model: z.string().nullable(),
      durationMs: z.number().int(),
      outputChars: z.number().int(),
      insightIds: z.array(z.string()),
      ...usage,
    }),
  }),
  z.object({
    type: z.literal('step.failed'),
    data: z.object({ step, name: z.string(), error: z.string(), attempt: z.number().int() }),
  }),
  z.object({ type: z.literal('run.completed'), data: z.object({ durationMs: z.number().int(), ...usage }) }),
  z.object({ type: z.literal('run.failed'), data: z.object({ error: z.string(), step: step.nullable() }) }),
  z.object({ type: z.literal('run.cancelled'), data: z.object({ step: step.nullable() }) }),
]);
export type WorkflowEvent = z.infer<typeof zWorkflowEvent>;

/** An event as stored and sent: `seq` is the SSE id, `at` an ISO timestamp. */
export type Frame<E extends { type: string; data: unknown } = WorkflowEvent> = E & { seq: number; at: string };

export const terminalWorkflowEvents = ['run.completed', 'run.failed', 'run.cancelled'] as const;
export const isTerminalWorkflowEvent = (type: string): boolean =>
  (terminalWorkflowEvents as readonly string[]).includes(type);

/** Discussion events. A discussion's stream stays open across turns (no terminal event). */
export const zDiscussionEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('turn.queued'),
    data: z.object({ turn: z.number().int(), kind: z.enum(['message', 'continue']) }),
  }),
  z.object({
    type: z.literal('turn.started'),
    data: z.object({ turn: z.number().int(), language: z.string(), slots: z.number().int() }),
  }),
  z.object({ type: z.literal('round.started'), data: z.object({ turn: z.number().int(), round: z.number().int() }) }),
  z.object({
    type: z.literal('message.created'),
    data: z.object({
      id: z.string(),
      turn: z.number().int(),
      position: z.number().int(),
      authorKind: z.enum(['user', 'participant', 'synthesis']),
      participantKey: z.string().nullable(),
      authorName: z.string(),
      round: z.number().int(),
      content: z.string(),
    }),
  }),
  /** Streamed text; `lane` is the participant key, so parallel answers interleave correctly. */
  z.object({
    type: z.literal('message.delta'),
    data: z.object({ id: z.string(), lane: z.string(), text: z.string() }),
  }),
  z.object({
    type: z.literal('message.completed'),
    data: z.object({
      id: z.string(),
      lane: z.string(),
      status: z.enum(['complete', 'stopped']),
      provider: z.string().nullable(),
      model: z.string().nullable(),
      latencyMs: z.number().int(),
      ...usage,
    }),
  }),
  z.object({
    type: z.literal('message.failed'),
    data: z.object({ id: z.string(), lane: z.string(), error: z.string() }),
  }),
  z.object({
    type: z.literal('turn.completed'),
    data: z.object({ turn: z.number().int(), isStopped: z.boolean(), ...usage }),
  }),
  z.object({ type: z.literal('turn.failed'), data: z.object({ turn: z.number().int(), error: z.string() }) }),
]);
export type DiscussionEvent = z.infer<typeof zDiscussionEvent>;

export const analysisStages = [
  'queued',
  'syncing',
  'indexing',
  'detecting',
  'triaging',
  'documenting',
  'completed',
  'failed',
  'cancelled',
] as const;
const count = z.number().int().min(0);

/** Code-analysis run events. `file` reports progress per stored batch; `finding` each new or changed finding. */
export const zAnalysisEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('stage'),
    data: z.object({
      stage: z.enum(analysisStages),
      filesDone: count,
      filesTotal: count,
      findings: count,
      /** e.g. "triage skipped: the offline provider does not triage" */
      note: z.string().nullable(),
    }),
  }),
  z.object({
    type: z.literal('file'),
    data: z.object({ stage: z.enum(analysisStages), done: count, total: count, path: z.string(), findings: count }),
  }),
  z.object({
    type: z.literal('finding'),
    data: z.object({
      id: z.string(),
      ruleId: z.string(),
      category: z.string(),
      severity: z.string(),
      confidence: z.string(),
      path: z.string(),
      line: z.number().int(),
      message: z.string(),
      baselineState: z.enum(['new', 'unchanged']),
    }),
  }),
  z.object({
    type: z.literal('pattern'),
    data: z.object({ name: z.string(), kind: z.string(), confidence: z.string() }),
  }),
  z.object({ type: z.literal('doc'), data: z.object({ kind: z.string(), title: z.string() }) }),
  z.object({
    type: z.literal('completed'),
    data: z.object({
      durationMs: count,
      filesTotal: count,
      findings: count,
      new: count,
      fixed: count,
      skipped: count,
    }),
  }),
  z.object({ type: z.literal('failed'), data: z.object({ error: z.string(), stage: z.enum(analysisStages) }) }),
  z.object({ type: z.literal('cancelled'), data: z.object({ stage: z.enum(analysisStages) }) }),
]);
export type AnalysisEvent = z.infer<typeof zAnalysisEvent>;

export const terminalAnalysisEvents = ['completed', 'failed', 'cancelled'] as const;
export const isTerminalAnalysisEvent = (type: string): boolean =>
  (terminalAnalysisEvents as readonly string[]).includes(type);
