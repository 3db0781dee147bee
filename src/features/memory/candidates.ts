/**
 * Search candidates: the N nearest rows of the query vector and the N best rows by full
 * text, over entries and insights, each row with both parts (vector similarity, text rank).
 *
 * How the nearest rows are found depends on the vectors and the size of the scope:
 *   - a model's dense vectors: the HNSW index, with iterative scan (search.ts sets it), so a
 *     filtered or RLS-narrowed query still yields N rows; exactly for scopes of at most
 *     EXACT_DENSE_LIMIT rows (a project, a workspace): by their sign bits, then the nearest
 *     RERANK_ROWS by the full vector;
 *   - the offline embedder's hashed vectors: exactly while the scope holds at most
 *     EXACT_OFFLINE_LIMIT rows, by their fold (`embedding_fold`, 384 dimensions), then the
 *     nearest RERANK_ROWS by their sparse copy (`embedding_sparse`). HNSW cannot rank them
 *     (recall@10 ≈ 0.6 even unfiltered, bench:search): nearly every pair is almost equally far
 *     apart. Above the limit they go through HNSW too.
 *
 * Both exact paths read their first stage (bits or fold) from the covering index
 * `*_vector_scan_idx` (migration 0017): an index-only scan rather than a heap page per row.
 * They read the full vector only for the rows they re-rank.
 *
 * Each list is one statement over all kinds (UNION ALL), and the query vector and tsquery
 * are bound once per statement (a MATERIALIZED CTE read through scalar subqueries, which the
 * HNSW scan takes as its runtime key): parsing a 1536-float literal costs ~0.5 ms on
 * PostgreSQL and ~3 ms in PGlite, every time it appears.
 */
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf } from '../../platform/db/sql.js';
import { isOfflineSpace } from '../../platform/llm/embeddings.js';
import { EMBEDDING_FOLD_DIMENSIONS } from '../../platform/db/schema/memory.js';
import type { Tx } from '../../platform/db/tenant.js';
import type { SearchInput } from './schema.js';

/** Offline vectors are ranked exactly up to this many rows in a search's scope (~3 µs a row). */
export const EXACT_OFFLINE_LIMIT = 20_000;
/**
 * A model's vectors are ranked exactly up to this many rows in scope (a project, a workspace):
 * on their inline sign bits (`embedding_bits`, Hamming distance, ~0.5 µs a row), then the
 * nearest RERANK_ROWS again on the full vector, read from out of line (6 KB, ~6 µs a row).
 */
export const EXACT_DENSE_LIMIT = 20_000;
/**
 * How many rows the first stage (bits or fold) keeps for the exact re-rank: at least this, or
 * 10 per candidate asked for. On bench:search's synthetic dense vectors, 100 bits already gave
 * recall@10 1.000 at 20,000 rows (40: 0.958); on its offline vectors, 200 by fold gave 0.998
 * (256 dimensions: 0.990; 512: 1.000).
 */
export const RERANK_ROWS = 200;
/**
 * HNSW candidate list size per scan step (pgvector's default is 40; its maximum 1000). On
 * bench:search's 100k dense set, four index builds (HNSW builds in parallel, so no two are
 * alike) gave workspace recall@10 of 0.930–0.980 at 100, 0.952–0.986 at 400, and 0.978 at 800
 * on the weakest build, for ~4 ms more than 400 (vector query p50 11.9 ms).
 */
export const HNSW_EF_SEARCH = 800;

export type VectorPath = 'exact' | 'hnsw';

/** The query vector as pgvector literals: dense for HNSW and model vectors, sparse for offline ones. */
export interface QueryVector {
  /** The space the vector lives in (embeddingSpace); only rows of that space are compared. */
  space: string;
  dense: string;
  sparse: string;
  /** The vector folded as the `embedding_fold` column folds a row's (foldSql). */
  fold: string;
}

const literal = (x: number) => (x ? String(Number(x.toPrecision(7))) : '0');

/** The sum of a vector's quarters, as `foldSql` computes it for a row. */
export function foldVector(v: number[]): number[] {
  const n = EMBEDDING_FOLD_DIMENSIONS;
  return Array.from({ length: n }, (_, i) => (v[i] ?? 0) + (v[i + n] ?? 0) + (v[i + 2 * n] ?? 0) + (v[i + 3 * n] ?? 0));
}

/** 7 significant digits: what a float4 component holds, at half the text of a full double. */
export function queryVector(space: string, v: number[]): QueryVector {
  const digits = v.map(literal);
  const nonZero = digits.flatMap((d, i) => (d === '0' ? [] : [`${i + 1}:${d}`]));
  return {
    space,
    dense: `[${digits.join(',')}]`,
    sparse: `{${nonZero.join(',')}}/${v.length}`,
    fold: `[${foldVector(v).map(literal).join(',')}]`,
  };
}

export interface KindSpec {
  kind: 'entry' | 'insight';
  table: SQL;
  body: SQL;
  filters: SQL[];
  /** The filters on indexed columns: enough to bound the scope with an index-only count. */
  indexedFilters: SQL[];
}

/** A parameterised array literal: every element is its own bind parameter. */
export const arrayOf = (values: string[], type: 'text' | 'uuid') =>
  sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::${sql.raw(type)}[]`;
export const and = (parts: SQL[]) => (parts.length ? sql.join(parts, sql` and `) : sql`true`);

/** The kinds a search covers, with its filters: tags only exist on entries, type/severity/status only on insights. */
export function specsFor(input: SearchInput, projectId: string | null): KindSpec[] {
  const hasInsightFilter = !!(input.type ?? input.severity ?? input.status);
  const specs: KindSpec[] = [];
  const project = projectId ? [sql`project_id = ${projectId}`] : [];
  if (input.kinds.includes('entry') && !hasInsightFilter) {
    specs.push({
      kind: 'entry',
      table: sql`memory_entries`,
      body: sql`content`,
      filters: [...project, ...(input.tags?.length ? [sql`tags @> ${arrayOf(input.tags, 'text')}`] : [])],
      indexedFilters: project,
    });
  }
  if (input.kinds.includes('insight') && !input.tags?.length) {
    const byStatusSeverity = [
      ...(input.status ? [sql`status = ${input.status}`] : []),
      ...(input.severity ? [sql`severity = ${input.severity}`] : []),
    ];
    specs.push({
      kind: 'insight',
      table: sql`workflow_insights`,
      body: sql`(detail || ' ' || suggestion)`,
      filters: [...project, ...(input.type ? [sql`type = ${input.type}`] : []), ...byStatusSeverity],
      indexedFilters: [...project, ...byStatusSeverity],
    });
  }
  return specs;
}

export interface Candidate {
  kind: 'entry' | 'insight';
  id: string;
  vectorScore: number;
  textScore: number;
}

/**
 * Per kind, in SQL: exact while the scope holds at most EXACT_OFFLINE_LIMIT (offline
 * vectors) or EXACT_DENSE_LIMIT rows (a model's), HNSW otherwise. The scope is counted on
 * indexed columns only (an index-only scan, ~1 ms for 5,000 rows), so rows still without a
 * vector count too. The count sits in the CTE; the branch it rules out is skipped at run time
 * (a one-time filter), so one statement both decides and searches. Deciding here rather than
 * leaving it to the planner matters: the planner does not price reading out-of-line vectors,
 * and at ef_search 400 it sorted whole workspaces instead of using HNSW (32 ms, not 8).
 */
const scopeCount = (s: KindSpec) =>
  sql`(select count(*)::int from (select 1 from ${s.table} where ${and(s.indexedFilters)} limit ${EXACT_OFFLINE_LIMIT + 1}) n)`;
const scopeColumn = (i: number) => sql.identifier(`scope_${i}`);

interface Bound {
  /** The CTE binding the query's tsquery and vector(s) once. */
  cte: SQL;
  /** The vector part of row `t` (null without a query vector). */
  vscore: SQL;
}

/**
 * Offline vectors are unit length, so their cosine similarity is the inner product (`<#>` is
 * its negative), without the two norms `<=>` computes per row; a zero vector scores 0, not NaN.
 */
function bind(query: string, qv: QueryVector | null, needsDense: boolean, extra: SQL[] = []): Bound {
  const isOffline = !!qv && isOfflineSpace(qv.space);
  const columns = [
    sql`websearch_to_tsquery('english', ${query}) as tsq`,
    // Offline: the dense form (for an HNSW branch) comes from the short sparse literal,
    // not from a second, 1536-number one.
    ...(qv && !isOffline ? [sql`${qv.dense}::vector as dense`] : []),
    ...(qv && isOffline && needsDense ? [sql`${qv.sparse}::sparsevec::vector as dense`] : []),
    ...(isOffline ? [sql`${qv.sparse}::sparsevec as sparse`] : []),
    ...extra,
  ];
  const vscore = !qv
    ? sql`null::float8`
    : isOffline
      ? sql`case when t.embedding_model = ${qv.space} then -(t.embedding_sparse <#> (select sparse from q)) end`
      : sql`case when t.embedding_model = ${qv.space} then 1 - (t.embedding <=> (select dense from q)) end`;
  return { cte: sql`with q as materialized (select ${sql.join(columns, sql`, `)})`, vscore };
}

type Branch = { spec: KindSpec; ids: SQL; path: SQL };

/** One statement: for each branch, the rows its `ids` subquery picks, with both parts and the path taken. */
function scoredStatement(branches: Branch[], bound: Bound): SQL {
  const parts = branches.map(
    (
      b,
    ) => sql`select ${b.spec.kind}::text as kind, ${b.path} as path, t.id, ${bound.vscore} as vscore, ts_rank_cd(t.search, (select tsq from q), 32) as tscore
      from (${b.ids}) c join ${b.spec.table} t on t.id = c.id`,
  );
  return sql`${bound.cte} ${sql.join(parts, sql` union all `)}`;
}

async function scored(tx: Tx, statement: SQL): Promise<(Candidate & { path: VectorPath | null })[]> {
  const rows = rowsOf<{
    kind: Candidate['kind'];
    path: VectorPath | null;
    id: string;
    vscore: number | null;
    tscore: number;
  }>(await tx.execute(statement));
  return rows.map((r) => ({
    kind: r.kind,
    id: r.id,
    path: r.path,
    vectorScore: Math.max(0, Number(r.vscore ?? 0)),
    textScore: Number(r.tscore),
  }));
}

/** The statement nearestRows runs (exported for plan tests); `specs` must not be empty. */
export function nearestStatement(specs: KindSpec[], query: string, qv: QueryVector, n: number, forced?: VectorPath) {
  const isOffline = isOfflineSpace(qv.space);
  // The nearest RERANK_ROWS by fold or bits, selecting only indexed columns (so the scan is
  // index-only), then the nearest n of those by the full vector, read for those rows alone
  // (`+ 0`: an expression the HNSW index cannot serve).
  const [coarse, coarseDistance, fullDistance] = isOffline
    ? [
        sql`embedding_fold`,
        sql`embedding_fold <#> (select fold from q)`,
        sql`r.embedding_sparse <#> (select sparse from q)`,
      ]
    : [
        sql`embedding_bits`,
        sql`embedding_bits <~> (select binary_quantize(dense) from q)`,
        sql`(r.embedding <=> (select dense from q)) + 0`,
      ];
  const exact = (s: KindSpec) =>
    sql`select r.id from (select id from ${s.table} where ${coarse} is not null and embedding_model = ${qv.space} and ${and(s.filters)}
      order by ${coarseDistance} limit ${Math.max(RERANK_ROWS, 10 * n)}) c join ${s.table} r on r.id = c.id order by ${fullDistance} limit ${n}`;
  const hnsw = (s: KindSpec) =>
    sql`select id from ${s.table} where embedding is not null and embedding_model = ${qv.space} and ${and(s.filters)} order by embedding <=> (select dense from q) limit ${n}`;
  const gated = (ids: SQL, when: SQL) => sql`select id from (${ids}) g where ${when}`;
  const limit = isOffline ? EXACT_OFFLINE_LIMIT : EXACT_DENSE_LIMIT;
  const branches: Branch[] = specs.flatMap((s, i): Branch[] => {
    if (forced) return [{ spec: s, ids: forced === 'exact' ? exact(s) : hnsw(s), path: sql`${forced}::text` }];
    const n = sql`(select ${scopeColumn(i)} from q)`;
    return [
      { spec: s, ids: gated(exact(s), sql`${n} <= ${limit}`), path: sql`'exact'::text` },
      { spec: s, ids: gated(hnsw(s), sql`${n} > ${limit}`), path: sql`'hnsw'::text` },
    ];
  });
  const counts = forced ? [] : specs.map((s, i) => sql`${scopeCount(s)} as ${scopeColumn(i)}`);
  const fold = isOffline && forced !== 'hnsw' ? [sql`${qv.fold}::halfvec as fold`] : [];
  return scoredStatement(branches, bind(query, qv, !(isOffline && forced === 'exact'), [...fold, ...counts]));
}

/**
 * The N nearest rows of the query vector's space per kind, exactly or through HNSW (see the
 * top), and the path each kind took (null for a kind with no rows to compare).
 */
export async function nearestRows(
  tx: Tx,
  specs: KindSpec[],
  query: string,
  qv: QueryVector,
  n: number,
  forced?: VectorPath,
) {
  if (!specs.length) return { rows: [], paths: [] };
  const rows = await scored(tx, nearestStatement(specs, query, qv, n, forced));
  // null: the kind had no row with a vector of this space to compare.
  const paths = specs.map((s) => rows.find((r) => r.kind === s.kind)?.path ?? null);
  return { rows: rows.map(({ path: _, ...c }) => c), paths };
}

/** The N best rows by full-text rank per kind. */
export async function textRows(
  tx: Tx,
  specs: KindSpec[],
  query: string,
  qv: QueryVector | null,
  n: number,
): Promise<Candidate[]> {
  if (!specs.length) return [];
  // The match condition names the tsquery itself, not the CTE's copy: the planner then knows
  // how common its terms are, and for a common one ANDs the GIN bitmap with the workspace's
  // (bench:search, 'error database': 1,887 buffers, not 24,000 pages of every workspace's
  // matches). A parameter of an IMMUTABLE function, so it is folded once at planning.
  const branches = specs.map((s) => ({
    spec: s,
    ids: sql`select id from ${s.table} where search @@ websearch_to_tsquery('english', ${query}) and ${and(s.filters)} order by ts_rank_cd(search, (select tsq from q), 32) desc, id limit ${n}`,
    path: sql`null::text`,
  }));
  return (await scored(tx, scoredStatement(branches, bind(query, qv, false)))).map(({ path: _, ...c }) => c);
}
