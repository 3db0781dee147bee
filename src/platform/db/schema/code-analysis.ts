import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, tenantIdColumn, users } from './core.js';
import { projects } from './projects.js';
import { repositories } from './repositories.js';

/**
 * Code analysis: runs over a repository, the files each run inventoried (so a resumed run
 * continues at its first unfinished batch), analyzer results cached per blob, and findings
 * that keep their identity (and their status and ignores) across runs by fingerprint.
 */

export type AnalysisStage =
  'queued' | 'syncing' | 'indexing' | 'detecting' | 'triaging' | 'documenting' | 'completed' | 'failed' | 'cancelled';

export const analysisRuns = pgTable(
  'analysis_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    repositoryId: uuid('repository_id')
      .notNull()
      .references(() => repositories.id, { onDelete: 'cascade' }),
    status: text('status')
      .$type<'queued' | 'running' | 'completed' | 'failed' | 'cancelled'>()
      .notNull()
      .default('queued'),
    stage: text('stage').$type<AnalysisStage>().notNull().default('queued'),
    commitSha: text('commit_sha'),
    filesTotal: integer('files_total').notNull().default(0),
    filesDone: integer('files_done').notNull().default(0),
    findingsCount: integer('findings_count').notNull().default(0),
    /** What the run report says beyond counts: skipped files with reasons, analyzer errors, tools, stage notes. */
    report: jsonb('report').$type<Record<string, unknown>>().notNull().default({}),
    error: text('error'),
    isCancelRequested: boolean('is_cancel_requested').notNull().default(false),
    leaseOwner: text('lease_owner'),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    startedBy: uuid('started_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('analysis_runs_tenant_repository_idx').on(t.tenantId, t.repositoryId, t.createdAt.desc())],
);

export const analysisRunFiles = pgTable(
  'analysis_run_files',
  {
    tenantId: tenantIdColumn(),
    runId: uuid('run_id')
      .notNull()
      .references(() => analysisRuns.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    path: text('path').notNull(),
    blobSha: text('blob_sha').notNull(),
    language: text('language').notNull(),
    size: integer('size').notNull(),
    lines: integer('lines').notNull(),
    isDone: boolean('is_done').notNull().default(false),
    findingCount: integer('finding_count').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.runId, t.position] }),
    index('analysis_run_files_tenant_run_idx').on(t.tenantId, t.runId, t.isDone),
  ],
);

/** Analyzer results per (tool, version, ruleset hash, blob SHA, path): the key is `cacheKey()`. */
export const analysisCache = pgTable(
  'analysis_cache',
  {
    tenantId: tenantIdColumn(),
    key: text('key').notNull(),
    findings: jsonb('findings').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.key] })],
);

export const findings = pgTable(
  'findings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    repositoryId: uuid('repository_id')
      .notNull()
      .references(() => repositories.id, { onDelete: 'cascade' }),
    ruleId: text('rule_id').notNull(),
    tool: text('tool').notNull(),
    category: text('category').notNull(),
    severity: text('severity').notNull(),
    confidence: text('confidence').notNull(),
    message: text('message').notNull(),
    path: text('path').notNull(),
    startLine: integer('start_line').notNull(),
    startColumn: integer('start_column').notNull(),
    endLine: integer('end_line').notNull(),
    endColumn: integer('end_column').notNull(),
    snippet: text('snippet').notNull(),
    related: jsonb('related').notNull().default([]),
    codeFlow: jsonb('code_flow').notNull().default([]),
    properties: jsonb('properties').notNull().default({}),
    /** `nyx/v1` (`hash:occurrence`) and SARIF's primaryLocationLineHash. */
    fingerprint: text('fingerprint').notNull(),
    lineHash: text('line_hash').notNull(),
    source: text('source').$type<'static' | 'llm'>().notNull().default('static'),
    status: text('status').$type<'open' | 'triaged' | 'ignored' | 'fixed'>().notNull().default('open'),
    /** An in-source `nyx-ignore` (SARIF suppression kind inSource). */
    suppression: jsonb('suppression'),
    ignoreReason: text('ignore_reason').$type<'false-positive' | 'acceptable-risk' | 'used-in-tests' | 'wont-fix'>(),
    ignoreNote: text('ignore_note'),
    ignoredBy: uuid('ignored_by').references(() => users.id, { onDelete: 'set null' }),
    ignoredAt: timestamp('ignored_at', { withTimezone: true }),
    /** The LLM's verdict when a run triaged it: { verdict, reason, score, model }. */
    triage: jsonb('triage'),
    firstRunId: uuid('first_run_id').notNull(),
    lastRunId: uuid('last_run_id').notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('findings_identity_key').on(t.tenantId, t.repositoryId, t.ruleId, t.fingerprint),
    index('findings_tenant_repository_run_idx').on(t.tenantId, t.repositoryId, t.lastRunId),
  ],
);

export const PATTERN_KINDS = [
  'architecture',
  'naming',
  'security-practice',
  'testing',
  'dependency',
  'anti-pattern',
] as const;
export type PatternKind = (typeof PATTERN_KINDS)[number];
export const DOC_KINDS = ['readme', 'architecture', 'api', 'coding-standards'] as const;
export type DocKind = (typeof DOC_KINDS)[number];

/** One place in the checkout that shows a pattern: the line exists in the run's files. */
export interface PatternEvidence {
  path: string;
  line: number;
  note: string;
}

/** Code patterns a run derived (architecture, naming, testing, …); the repository shows its latest run's. */
export const analysisPatterns = pgTable(
  'analysis_patterns',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    runId: uuid('run_id')
      .notNull()
      .references(() => analysisRuns.id, { onDelete: 'cascade' }),
    repositoryId: uuid('repository_id')
      .notNull()
      .references(() => repositories.id, { onDelete: 'cascade' }),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<PatternKind>().notNull(),
    name: text('name').notNull(),
    description: text('description').notNull(),
    confidence: text('confidence').$type<'high' | 'medium' | 'low'>().notNull(),
    evidence: jsonb('evidence').$type<PatternEvidence[]>().notNull().default([]),
    position: integer('position').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('analysis_patterns_run_position_key').on(t.tenantId, t.runId, t.position),
    index('analysis_patterns_tenant_repository_idx').on(t.tenantId, t.repositoryId, t.createdAt.desc()),
  ],
);

/** Generated docs of a run (README draft, architecture and API overviews, coding standards) with a quality score. */
export const analysisDocs = pgTable(
  'analysis_docs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    runId: uuid('run_id')
      .notNull()
      .references(() => analysisRuns.id, { onDelete: 'cascade' }),
    repositoryId: uuid('repository_id')
      .notNull()
      .references(() => repositories.id, { onDelete: 'cascade' }),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<DocKind>().notNull(),
    title: text('title').notNull(),
    markdown: text('markdown').notNull(),
    /** 0–100, from section coverage and evidence; `qualityReasons` says what raised or lowered it. */
    qualityScore: integer('quality_score').notNull(),
    qualityReasons: jsonb('quality_reasons').$type<string[]>().notNull().default([]),
    generatedBy: text('generated_by').$type<'deterministic' | 'llm'>().notNull().default('deterministic'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('analysis_docs_run_kind_key').on(t.tenantId, t.runId, t.kind),
    index('analysis_docs_tenant_repository_idx').on(t.tenantId, t.repositoryId, t.createdAt.desc()),
  ],
);
