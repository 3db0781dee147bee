/**
 * Memory: knowledge entries and workflow insights, each with a native pgvector column
 * and a generated full-text vector. The vector column and its HNSW index are declared
 * here, in the schema, so drizzle-kit knows them: a schema tool that did not know the
 * `vector` type once dropped an embedding column and lost 1,719 embeddings elsewhere.
 */
import { sql, type SQL } from 'drizzle-orm';
import {
  bit,
  customType,
  halfvec,
  index,
  numeric,
  pgTable,
  sparsevec,
  text,
  timestamp,
  uuid,
  vector,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { createdAt, tenantIdColumn, users } from './core.js';
import { projects } from './projects.js';
import { workflowRuns } from './workflows.js';

export const EMBEDDING_DIMENSIONS = 1536;
/** The offline vectors' fold (`embedding_fold`): the sum of their four quarters. */
export const EMBEDDING_FOLD_DIMENSIONS = EMBEDDING_DIMENSIONS / 4;

/** SQL folding a 1536-d vector into EMBEDDING_FOLD_DIMENSIONS (the sum of its quarters), as halfvec. */
export function foldSql(vector: string): string {
  const n = EMBEDDING_FOLD_DIMENSIONS;
  const quarters = [0, 1, 2, 3].map((q) => `subvector(${vector}, ${q * n + 1}, ${n})`);
  return `(${quarters.join(' + ')})::halfvec(${n})`;
}

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const insightTypes = ['pain_point', 'strength', 'solution', 'pattern', 'decision'] as const;
export const insightSeverities = ['blocker', 'high', 'medium', 'low'] as const;
export const insightStatuses = ['proposed', 'approved', 'rejected'] as const;
export const entrySources = ['manual', 'import', 'workflow'] as const;

/**
 * Columns every embedded row carries: the vector, which model made it (its space, see
 * embeddingSpace), and why it is missing.
 *
 * `embedding_sparse` is a generated copy of the vector for rows of the offline embedder
 * (every version is named `offline-…`). Feature hashing makes sparse vectors (~300 of 1536
 * dimensions set) that an HNSW graph ranks poorly (recall@10 ≈ 0.5 even without a filter),
 * so search ranks them exactly, and reading ~2 KB inline per row is cheaper than the
 * out-of-line 6 KB dense vector (migration 0013 keeps it inline and uncompressed; 0017 raises the toast_tuple_target to 6000 so it stays inline next to the fold).
 *
 * `embedding_bits` is the sign of each component of a model's vector (pgvector's
 * binary_quantize, 192 bytes inline), null for offline rows. The exact path compares a
 * scope's rows on it (Hamming distance) and re-ranks the nearest few hundred on the full
 * vector, so it reads 6 KB out of line for those only, not for every row (migration 0016).
 *
 * `embedding_fold` is an offline vector folded to 384 dimensions (the sum of its quarters, as
 * halfvec: 776 bytes), null for a model's rows. Hashed features land in distinct slots of the
 * fold as they do in the full vector, so the fold's inner product ranks nearly like the full
 * one: its 200 nearest hold the true 10 nearest (recall@10 0.998 on bench:search's offline
 * set), and the exact path re-ranks those on `embedding_sparse`.
 *
 * Bits, fold and the filtered columns are INCLUDE columns of a covering index on each table,
 * `*_vector_scan_idx` (migration 0017, written by hand: Drizzle cannot declare INCLUDE, so it
 * is not declared below), so the exact path's first stage is an index-only scan, not a heap
 * page per row. The slim `*_tenant_project_idx` stays for counting and for bitmaps.
 */
const embeddingColumns = () => ({
  embedding: vector('embedding', { dimensions: EMBEDDING_DIMENSIONS }),
  embeddingSparse: sparsevec('embedding_sparse', { dimensions: EMBEDDING_DIMENSIONS }).generatedAlwaysAs(
    sql.raw(`CASE WHEN "embedding_model" LIKE 'offline-%' THEN "embedding"::sparsevec(${EMBEDDING_DIMENSIONS}) END`),
  ),
  embeddingBits: bit('embedding_bits', { dimensions: EMBEDDING_DIMENSIONS }).generatedAlwaysAs(
    sql.raw(
      `CASE WHEN "embedding_model" NOT LIKE 'offline-%' THEN binary_quantize("embedding")::bit(${EMBEDDING_DIMENSIONS}) END`,
    ),
  ),
  embeddingFold: halfvec('embedding_fold', { dimensions: EMBEDDING_FOLD_DIMENSIONS }).generatedAlwaysAs(
    sql.raw(`CASE WHEN "embedding_model" LIKE 'offline-%' THEN ${foldSql('"embedding"')} END`),
  ),
  embeddingModel: text('embedding_model'),
  /** Last embedding failure; the row stays searchable by text and is picked up by backfill. */
  embeddingError: text('embedding_error'),
  embeddedAt: timestamp('embedded_at', { withTimezone: true }),
});

export const memoryEntries = pgTable(
  'memory_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    projectId: uuid('project_id').references(() => projects.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    content: text('content').notNull().default(''),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    source: text('source').$type<(typeof entrySources)[number]>().notNull().default('manual'),
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(
        (): SQL =>
          sql`setweight(to_tsvector('english', coalesce(${memoryEntries.title}, '')), 'A') || setweight(to_tsvector('english', coalesce(${memoryEntries.content}, '')), 'B') || setweight(to_tsvector('simple', nyxcore_tags_text(${memoryEntries.tags})), 'C')`,
      ),
    ...embeddingColumns(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('memory_entries_tenant_project_idx').on(t.tenantId, t.projectId, t.updatedAt.desc()),
    index('memory_entries_search_idx').using('gin', t.search),
    index('memory_entries_embedding_idx').using('hnsw', t.embedding.op('vector_cosine_ops')),
  ],
);

export const workflowInsights = pgTable(
  'workflow_insights',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    /** Where it came from, when a workflow produced it (runs arrive with the workflow engine). */
    originRunId: uuid('origin_run_id').references(() => workflowRuns.id, { onDelete: 'set null' }),
    originStep: text('origin_step'),
    title: text('title').notNull(),
    detail: text('detail').notNull().default(''),
    suggestion: text('suggestion').notNull().default(''),
    category: text('category').notNull().default('general'),
    type: text('type').$type<(typeof insightTypes)[number]>().notNull(),
    severity: text('severity').$type<(typeof insightSeverities)[number]>().notNull(),
    status: text('status').$type<(typeof insightStatuses)[number]>().notNull().default('proposed'),
    /** A pain point and the solution that answers it point at each other. */
    pairedInsightId: uuid('paired_insight_id').references((): AnyPgColumn => workflowInsights.id, {
      onDelete: 'set null',
    }),
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(
        (): SQL =>
          sql`setweight(to_tsvector('english', coalesce(${workflowInsights.title}, '')), 'A') || setweight(to_tsvector('english', coalesce(${workflowInsights.detail}, '') || ' ' || coalesce(${workflowInsights.suggestion}, '')), 'B') || setweight(to_tsvector('simple', coalesce(${workflowInsights.category}, '')), 'C')`,
      ),
    ...embeddingColumns(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('workflow_insights_tenant_project_idx').on(t.tenantId, t.projectId, t.status, t.severity),
    index('workflow_insights_search_idx').using('gin', t.search),
    index('workflow_insights_embedding_idx').using('hnsw', t.embedding.op('vector_cosine_ops')),
  ],
);

/** Per-workspace search and embedding settings. */
export const memorySettings = pgTable('memory_settings', {
  tenantId: tenantIdColumn().primaryKey(),
  /** A provider connection name (openai or openai-compatible), or 'offline'. */
  embeddingProvider: text('embedding_provider').notNull().default('offline'),
  /** For OpenAI-compatible endpoints; OpenAI uses text-embedding-3-small. */
  embeddingModel: text('embedding_model'),
  vectorWeight: numeric('vector_weight', { precision: 4, scale: 3, mode: 'number' }).notNull().default(0.7),
  textWeight: numeric('text_weight', { precision: 4, scale: 3, mode: 'number' }).notNull().default(0.3),
  mode: text('mode').$type<'weighted' | 'rrf'>().notNull().default('weighted'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
