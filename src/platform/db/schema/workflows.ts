/**
 * Workflows (definitions), their runs, each run's steps, and the run-event log that every
 * live stream (workflows, discussions, code analysis) reads from.
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, tenantIdColumn, users } from './core.js';
import { personas } from './personas.js';
import { projects } from './projects.js';

const uuidArray = (name: string) =>
  uuid(name)
    .array()
    .notNull()
    .default(sql`'{}'::uuid[]`);
const textArray = (name: string) =>
  text(name)
    .array()
    .notNull()
    .default(sql`'{}'::text[]`);
const usageColumns = () => ({
  tokensIn: integer('tokens_in').notNull().default(0),
  tokensOut: integer('tokens_out').notNull().default(0),
  /** Priced calls' cost; calls to a model without a price add nothing to it and count here. */
  costUsd: numeric('cost_usd', { precision: 12, scale: 6, mode: 'number' }).notNull().default(0),
  unpricedCalls: integer('unpriced_calls').notNull().default(0),
});

export const workflows = pgTable(
  'workflows',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    projectId: uuid('project_id').references(() => projects.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    defaultPersonaIds: uuidArray('default_persona_ids'),
    defaultProvider: text('default_provider'),
    defaultModel: text('default_model'),
    memoryInsightIds: uuidArray('memory_insight_ids'),
    /** The built-in template it was made from, if any. */
    templateId: text('template_id'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('workflows_tenant_project_idx').on(t.tenantId, t.projectId, t.updatedAt.desc())],
);

export const workflowSteps = pgTable(
  'workflow_steps',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    workflowId: uuid('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    type: text('type').$type<'llm' | 'review' | 'fan_out'>().notNull(),
    prompt: text('prompt').notNull(),
    personaId: uuid('persona_id').references(() => personas.id, { onDelete: 'set null' }),
    requiredCategories: textArray('required_categories'),
    provider: text('provider'),
    model: text('model'),
    compareProviders: textArray('compare_providers'),
    temperature: real('temperature'),
    maxTokens: integer('max_tokens'),
    retries: integer('retries').notNull().default(1),
    timeoutSeconds: integer('timeout_seconds').notNull().default(300),
    digest: boolean('digest').notNull().default(true),
    analyzeMaterial: boolean('analyze_material').notNull().default(false),
    fanOutSource: text('fan_out_source'),
    concurrency: integer('concurrency').notNull().default(3),
  },
  (t) => [uniqueIndex('workflow_steps_workflow_position').on(t.workflowId, t.position)],
);

export const workflowRuns = pgTable(
  'workflow_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    /** Null once the workflow is deleted; the run keeps its own copy of the definition. */
    workflowId: uuid('workflow_id').references(() => workflows.id, { onDelete: 'set null' }),
    projectId: uuid('project_id').references(() => projects.id, { onDelete: 'cascade' }),
    workflowName: text('workflow_name').notNull(),
    /** The workflow as it was when the run started (WorkflowDef JSON): editing never changes a run. */
    definition: jsonb('definition').notNull(),
    input: text('input').notNull().default(''),
    status: text('status')
      .$type<'queued' | 'running' | 'completed' | 'failed' | 'cancelled'>()
      .notNull()
      .default('queued'),
    error: text('error'),
    isCancelRequested: boolean('is_cancel_requested').notNull().default(false),
    /** Which worker holds the run and until when; a lapsed lease means that worker died. */
    leaseOwner: text('lease_owner'),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    /** How many times a worker has started (or resumed) this run. */
    attempts: integer('attempts').notNull().default(0),
    ...usageColumns(),
    startedBy: uuid('started_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    index('workflow_runs_tenant_created_idx').on(t.tenantId, t.createdAt.desc()),
    index('workflow_runs_workflow_idx').on(t.workflowId, t.createdAt.desc()),
  ],
);

export const workflowRunSteps = pgTable(
  'workflow_run_steps',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    runId: uuid('run_id')
      .notNull()
      .references(() => workflowRuns.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    type: text('type').$type<'llm' | 'review' | 'fan_out'>().notNull(),
    status: text('status')
      .$type<'pending' | 'running' | 'completed' | 'failed' | 'skipped' | 'cancelled'>()
      .notNull()
      .default('pending'),
    personaId: uuid('persona_id').references(() => personas.id, { onDelete: 'set null' }),
    personaName: text('persona_name'),
    provider: text('provider'),
    model: text('model'),
    output: text('output'),
    digest: text('digest'),
    /** fan_out: one entry per item ({ index, item, status, output, error }). */
    items: jsonb('items'),
    /** compareProviders: the same step on other providers ({ provider, model, output, error, tokens, cost, durationMs }). */
    comparisons: jsonb('comparisons'),
    /** review: ids of the insights the step proposed. */
    insightIds: uuidArray('insight_ids'),
    ...usageColumns(),
    durationMs: integer('duration_ms'),
    /** How many attempts this step took (1 = first try). */
    attempt: integer('attempt').notNull().default(0),
    /** How many times the step has been executed in total, across retries from step N (never counts resumes). */
    executions: integer('executions').notNull().default(0),
    error: text('error'),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('workflow_run_steps_run_position').on(t.runId, t.position)],
);

/**
 * Every live event of every run kind, in order: the SSE `id:` is `seq`. Appended in the
 * same transaction as the state change it reports and announced with NOTIFY.
 */
export const runEvents = pgTable(
  'run_events',
  {
    tenantId: tenantIdColumn(),
    runKind: text('run_kind').$type<'workflow' | 'discussion' | 'code-analysis'>().notNull(),
    runId: uuid('run_id').notNull(),
    seq: integer('seq').notNull(),
    type: text('type').notNull(),
    data: jsonb('data').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.runKind, t.runId, t.seq] })],
);
