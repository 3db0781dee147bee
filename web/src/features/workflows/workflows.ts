/**
 * Workflow types on the client, the builder's editable draft (text inputs stay strings
 * until saved) and its conversion to the API input, checked with the server's own schema.
 */
import { z } from 'zod';
import { zCreateWorkflow } from '../../../../src/shared/workflow-schema.js';
import type { RouterInputs, RouterOutputs } from '../../lib/trpc.js';

export type Workflow = RouterOutputs['workflows']['get'];
export type StepDef = Workflow['steps'][number];
export type StepType = StepDef['type'];
export type WorkflowSummary = RouterOutputs['workflows']['list'][number];
export type WorkflowTemplate = RouterOutputs['workflows']['templates'][number];
export type WorkflowInput = RouterInputs['workflows']['create'];
export type ValidationIssue = RouterOutputs['workflows']['validate']['issues'][number];
export type RunDetail = RouterOutputs['runs']['get'];
export type RunStepRow = RunDetail['steps'][number];
export type RunStatus = RunDetail['status'];
export type StepStatus = RunStepRow['status'];
export type RunSummary = RouterOutputs['runs']['list'][number];
export type CategoryId = StepDef['requiredCategories'][number];

export const stepTypes: readonly { id: StepType; label: string; hint: string }[] = [
  { id: 'llm', label: 'LLM', hint: 'One prompt, one answer (streamed).' },
  { id: 'review', label: 'Review', hint: 'Proposes insights for the project’s memory (needs a project).' },
  { id: 'fan_out', label: 'Fan-out', hint: 'Runs the prompt once per item listed by an earlier step ({{item}}).' },
];
export const stepTypeLabel = (t: string): string => stepTypes.find((s) => s.id === t)?.label ?? t;

/** Run and step statuses that will not change any more (until a retry). */
export const isRunEnded = (s: RunStatus): boolean => s === 'completed' || s === 'failed' || s === 'cancelled';

export interface StepDraft {
  /** Stable React key (steps move). */
  key: string;
  name: string;
  type: StepType;
  prompt: string;
  /** '' = picked automatically by the required categories. */
  personaId: string;
  requiredCategories: CategoryId[];
  /** '' = the workflow's / workspace's default. */
  provider: string;
  model: string;
  compareProviders: string[];
  temperature: string;
  maxTokens: string;
  retries: string;
  timeoutSeconds: string;
  digest: boolean;
  /** Kept as loaded (no control yet): a template's Scan step runs the analyzers over code input. */
  analyzeMaterial: boolean;
  fanOutSource: string;
  concurrency: string;
}

export interface WorkflowDraft {
  name: string;
  description: string;
  projectId: string;
  defaultPersonaId: string;
  defaultProvider: string;
  defaultModel: string;
  /** Insights rendered into prompts by `{{memory}}`, in order. */
  memoryInsightIds: string[];
  steps: StepDraft[];
}

let nextKey = 1;
const newKey = () => `s${nextKey++}`;

export function blankStep(existing: readonly { name: string }[]): StepDraft {
  let n = existing.length + 1;
  while (existing.some((s) => s.name === `Step${n}`)) n++;
  return {
    key: newKey(),
    name: `Step${n}`,
    type: 'llm',
    prompt: existing.length === 0 ? '{{input}}' : '',
    personaId: '',
    requiredCategories: [],
    provider: '',
    model: '',
    compareProviders: [],
    temperature: '',
    maxTokens: '',
    retries: '1',
    timeoutSeconds: '300',
    digest: true,
    analyzeMaterial: false,
    fanOutSource: '',
    concurrency: '3',
  };
}

const str = (n: number | null) => (n === null ? '' : String(n));

export function stepToDraft(s: StepDef): StepDraft {
  return {
    key: newKey(),
    name: s.name,
    type: s.type,
    prompt: s.prompt,
    personaId: s.personaId ?? '',
    requiredCategories: [...s.requiredCategories],
    provider: s.provider ?? '',
    model: s.model ?? '',
    compareProviders: [...s.compareProviders],
    temperature: str(s.temperature),
    maxTokens: str(s.maxTokens),
    retries: String(s.retries),
    timeoutSeconds: String(s.timeoutSeconds),
    digest: s.digest,
    analyzeMaterial: s.analyzeMaterial,
    fanOutSource: s.fanOutSource ?? '',
    concurrency: String(s.concurrency),
  };
}

export function workflowToDraft(w: Workflow | null): WorkflowDraft {
  if (!w)
    return {
      name: '',
      description: '',
      projectId: '',
      defaultPersonaId: '',
      defaultProvider: '',
      defaultModel: '',
      memoryInsightIds: [],
      steps: [blankStep([])],
    };
  return {
    name: w.name,
    description: w.description,
    projectId: w.projectId ?? '',
    defaultPersonaId: w.defaultPersonaIds[0] ?? '',
    defaultProvider: w.defaultProvider ?? '',
    defaultModel: w.defaultModel ?? '',
    memoryInsightIds: [...w.memoryInsightIds],
    steps: w.steps.map(stepToDraft),
  };
}

/** The draft without React keys, to tell whether anything changed. */
export const draftSignature = (d: WorkflowDraft): string =>
  JSON.stringify({ ...d, steps: d.steps.map(({ key: _k, ...s }) => s) });

const orNull = (s: string) => (s.trim() ? s.trim() : null);
/** '' → null; anything else a number (NaN fails validation with a message). */
const numOrNull = (s: string) => (s.trim() ? Number(s) : null);
/** '' → left out (the server's default applies). */
const numOrDefault = (s: string) => (s.trim() ? Number(s) : undefined);

/** The API input for a draft; `kept` carries what the builder does not edit. */
export function draftToInput(d: WorkflowDraft, kept: { otherDefaultPersonaIds: string[] }): WorkflowInput {
  return {
    name: d.name,
    description: d.description,
    projectId: d.projectId || null,
    defaultPersonaIds: [
      ...(d.defaultPersonaId ? [d.defaultPersonaId] : []),
      ...kept.otherDefaultPersonaIds.filter((id) => id !== d.defaultPersonaId),
    ],
    defaultProvider: orNull(d.defaultProvider),
    defaultModel: orNull(d.defaultModel),
    memoryInsightIds: d.memoryInsightIds,
    steps: d.steps.map((s) => ({
      name: s.name,
      type: s.type,
      prompt: s.prompt,
      personaId: s.personaId || null,
      requiredCategories: s.personaId ? [] : s.requiredCategories,
      provider: orNull(s.provider),
      model: orNull(s.model),
      compareProviders: s.compareProviders,
      temperature: numOrNull(s.temperature),
      maxTokens: numOrNull(s.maxTokens),
      retries: numOrDefault(s.retries),
      timeoutSeconds: numOrDefault(s.timeoutSeconds),
      digest: s.digest,
      analyzeMaterial: s.analyzeMaterial,
      fanOutSource: s.type === 'fan_out' ? orNull(s.fanOutSource) : null,
      concurrency: numOrDefault(s.concurrency),
    })),
  };
}

export type FieldErrors = Record<string, string[]>;

/** The server's own schema, run before saving: errors keyed by full path (`steps.1.prompt`). */
export function checkInput(input: WorkflowInput): FieldErrors | null {
  const r = zCreateWorkflow.safeParse(input);
  if (r.success) return null;
  const out: FieldErrors = {};
  for (const issue of r.error.issues) (out[issue.path.map(String).join('.') || '_'] ??= []).push(issue.message);
  return out;
}

/** True when a prompt names an earlier step; otherwise the engine passes the previous output along. */
export const referencesSteps = (prompt: string): boolean => /\{\{\s*steps\./.test(prompt);

/** Linked insights reach a run only through `{{memory}}` in some step's prompt. */
export const MAX_LINKED_INSIGHTS = 50;
export const usesMemory = (prompt: string): boolean => /\{\{\s*memory\s*\}\}/.test(prompt);

// --- Run step details stored as JSON (fan-out items, compared providers) ---
const zItems = z.array(
  z.object({
    index: z.number(),
    item: z.string(),
    status: z.string(),
    output: z.string(),
    error: z.string().nullable(),
  }),
);
const zComparisons = z.array(
  z.object({
    provider: z.string(),
    model: z.string().nullable(),
    output: z.string(),
    error: z.string().nullable(),
    tokensIn: z.number(),
    tokensOut: z.number(),
    costUsd: z.number().nullable(),
    durationMs: z.number(),
  }),
);
export type FanOutItem = z.infer<typeof zItems>[number];
export type Comparison = z.infer<typeof zComparisons>[number];
export const parseItems = (v: unknown): FanOutItem[] => zItems.safeParse(v).data ?? [];
export const parseComparisons = (v: unknown): Comparison[] => zComparisons.safeParse(v).data ?? [];

/** "12.3 s", "2 min 5 s". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}
