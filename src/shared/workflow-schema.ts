/**
 * Workflow definitions and runs: zod inputs at the API boundary and the types the engine,
 * templating and the web client share.
 */
import { z } from 'zod';
import { TEXT_LIMITS } from './limits.js';
import { specializationCategories } from './specializations.js';

export const stepTypes = ['llm', 'review', 'fan_out'] as const;
export type StepType = (typeof stepTypes)[number];

/** A step name is how templates refer to it: `{{steps.<name>.content}}`. */
export const STEP_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/;

export const zStep = z.object({
  name: z.string().trim().min(1, { message: 'Name the step' }).max(40).regex(STEP_NAME_PATTERN, {
    message:
      'Use a letter first, then letters, digits, _ or - (no spaces): templates refer to it as {{steps.<name>.content}}',
  }),
  type: z.enum(stepTypes).default('llm'),
  prompt: z.string().min(1, { message: 'Write the prompt' }).max(20_000),
  /** The persona that speaks for this step; null with `requiredCategories` picks one by matching score. */
  personaId: z.uuid().nullable().default(null),
  requiredCategories: z.array(z.enum(specializationCategories)).max(5).default([]),
  provider: z.string().trim().min(1).max(60).nullable().default(null),
  model: z.string().trim().min(1).max(120).nullable().default(null),
  /** Run the same step on these providers too, side by side (the step's own provider stays primary). */
  compareProviders: z.array(z.string().trim().min(1).max(60)).max(3).default([]),
  temperature: z.number().min(0).max(2).nullable().default(null),
  maxTokens: z.number().int().min(16).max(32_000).nullable().default(null),
  /** Extra attempts after a failed one (0 = fail at once). */
  retries: z.number().int().min(0).max(5).default(1),
  timeoutSeconds: z.number().int().min(5).max(3_600).default(300),
  /** When the output exceeds 2,000 characters, later `{{steps.<name>.content}}` gets a digest. */
  digest: z.boolean().default(true),
  /**
   * Run the deterministic analyzers over the run's input when it is code or configuration:
   * their findings ground this step's prompt, and the offline model reports them here and in later steps.
   */
  analyzeMaterial: z.boolean().default(false),
  /** fan_out only: the earlier step whose output gives the items (a JSON array, or one item per line). */
  fanOutSource: z.string().trim().max(40).nullable().default(null),
  /** fan_out only: how many items run at once. */
  concurrency: z.number().int().min(1).max(8).default(3),
});
export type StepInput = z.input<typeof zStep>;
export type StepDef = z.output<typeof zStep>;

const zWorkflowFields = {
  name: z.string().trim().min(1, { message: 'Name the workflow' }).max(120),
  description: z.string().trim().max(2_000).default(''),
  projectId: z.uuid().nullable().default(null),
  defaultPersonaIds: z.array(z.uuid()).max(5).default([]),
  defaultProvider: z.string().trim().min(1).max(60).nullable().default(null),
  defaultModel: z.string().trim().min(1).max(120).nullable().default(null),
  /** Insights the user linked to the workflow: rendered by `{{memory}}`. */
  memoryInsightIds: z.array(z.uuid()).max(50).default([]),
  steps: z.array(zStep).min(1, { message: 'Add at least one step' }).max(30, { message: 'At most 30 steps' }),
};

export const zCreateWorkflow = z.object(zWorkflowFields);
export type CreateWorkflowInput = z.input<typeof zCreateWorkflow>;
export type WorkflowDef = z.output<typeof zCreateWorkflow>;
export const zUpdateWorkflow = z.object({ id: z.uuid(), ...zWorkflowFields });
export const zWorkflowId = z.object({ id: z.uuid() });
export const zFromTemplate = z.object({
  templateId: z.string().min(1).max(60),
  projectId: z.uuid().nullable().default(null),
  name: z.string().trim().min(1).max(120).optional(),
});
export const zListWorkflows = z.object({ projectId: z.uuid().optional() }).default({});
export const zValidateWorkflow = z.object({
  steps: z
    .array(
      z.object({
        name: z.string(),
        type: z.enum(stepTypes),
        prompt: z.string(),
        fanOutSource: z.string().nullable().optional(),
      }),
    )
    .max(30),
});

export const zStartRun = z.object({
  workflowId: z.uuid(),
  input: z.string().max(TEXT_LIMITS.runInput.max, { message: TEXT_LIMITS.runInput.message }).default(''),
});
export const zRunId = z.object({ id: z.uuid() });
export const zRetryRun = z.object({ id: z.uuid(), fromStep: z.number().int().min(0).max(29) });
export const zListRuns = z
  .object({ workflowId: z.uuid().optional(), limit: z.number().int().min(1).max(100).default(30) })
  .default({ limit: 30 });

export const runStatuses = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof runStatuses)[number];
export const stepStatuses = ['pending', 'running', 'completed', 'failed', 'skipped', 'cancelled'] as const;
export type StepStatus = (typeof stepStatuses)[number];

/** A built-in template: a workflow definition with a stable id and what it is for. */
export interface WorkflowTemplate {
  id: string;
  name: string;
  summary: string;
  /** What `{{input}}` should be when starting a run (shown as the input box's hint). */
  inputHint: string;
  steps: StepInput[];
}
