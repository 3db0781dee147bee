/**
 * Hybrid search over knowledge entries and insights.
 *
 *   weighted: score = w_v · max(0, cosine similarity) + w_t · ts_rank_cd(…, 32)
 *             (rank/(rank+1), so the text part is in [0, 1) like the vector part)
 *   rrf:      score = Σ over the two lists of 1 / (60 + rank)
 *
 * The candidates (candidates.ts) are the nearest N by vector and the best N by full text,
 * found in two concurrent transactions. Rows matching no keyword with a vector score at
 * noise level are dropped (`minVectorScore`). Every hit reports its vector part, text part
 * and final score, and its rank in each list (over entries and insights together).
 */
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../platform/db/sql.js';
import type { Database } from '../../platform/db/client.js';
import { withTenant, type TenantScope, type Tx } from '../../platform/db/tenant.js';
import { NyxError } from '../../platform/errors.js';
import { embedderFrom, minVectorScore, readEmbedderConfig } from '../../platform/llm/embeddings.js';
import type { LlmDeps } from '../../platform/llm/service.js';
import {
  arrayOf,
  HNSW_EF_SEARCH,
  nearestRows,
  queryVector,
  specsFor,
  textRows,
  type KindSpec,
  type QueryVector,
  type VectorPath,
} from './candidates.js';
import type { SearchInput } from './schema.js';
import { HIGHLIGHT_END, HIGHLIGHT_START, plainMarkdown, unmarked } from '../../shared/excerpt.js';

export { HIGHLIGHT_END, HIGHLIGHT_START } from '../../shared/excerpt.js';
const RRF_K = 60;

export interface SearchHit {
  kind: 'entry' | 'insight';
  id: string;
  projectId: string | null;
  title: string;
  /** Matching passage; matched terms are wrapped in U+E000 … U+E001 (escape, then highlight). */
  snippet: string;
  tags: string[];
  type: string | null;
  severity: string | null;
  status: string | null;
  vectorScore: number;
  textScore: number;
  score: number;
  vectorRank: number | null;
  textRank: number | null;
}

interface Scope {
  tenantId: string;
  userId: string | null;
  projectPin: string | null;
}

const wordsOf = (t: string) =>
  unmarked(t)
    .toLowerCase()
    .match(/[\p{L}\p{N}]+/gu) ?? [];

/** Where `needle` (a run of words) starts in `hay`, or -1. */
function indexOfRun(hay: string[], needle: string[]): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * Adds "… " / " …" where the snippet starts after the text's beginning or stops before its
 * end, so a cut-off excerpt never reads as the whole text. ts_headline drops stop words and
 * punctuation at a fragment's edges, so "at the start" allows two skipped words.
 * Example: `markTruncation('middle words here', 'Some text …', '… more')` → `… middle words here …`.
 */
export function markTruncation(snippet: string, head: string, tail: string): string {
  const fragments = snippet.split(' … ');
  const first = wordsOf(fragments[0] ?? '').slice(0, 3);
  const last = wordsOf(fragments.at(-1) ?? '').slice(-3);
  if (!first.length) return snippet;
  const headWords = wordsOf(head);
  const tailWords = wordsOf(tail);
  const at = indexOfRun(headWords, first);
  const end = indexOfRun(tailWords, last);
  const isAtStart = at !== -1 && at <= 2;
  const isAtEnd = end !== -1 && end + last.length >= tailWords.length - 2;
  return `${isAtStart ? '' : '… '}${snippet}${isAtEnd ? '' : ' …'}`;
}

async function details(tx: Tx, spec: KindSpec, query: string, ids: string[]) {
  if (!ids.length)
    return new Map<
      string,
      Omit<SearchHit, 'vectorScore' | 'textScore' | 'score' | 'vectorRank' | 'textRank' | 'kind'>
    >();
  const opts = `StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_END}, MaxFragments=2, MaxWords=28, MinWords=10, FragmentDelimiter=" … "`;
  const extra =
    spec.kind === 'entry'
      ? sql`tags, null::text as type, null::text as severity, null::text as status`
      : sql`'{}'::text[] as tags, type, severity, status`;
  const rows = rowsOf<{
    id: string;
    project_id: string | null;
    title: string;
    snippet: string;
    head: string;
    tail: string;
    tags: string[];
    type: string | null;
    severity: string | null;
    status: string | null;
  }>(
    await tx.execute(sql`select id, project_id, ts_headline('english', title, q, ${`StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_END}, HighlightAll=true`}) as title,
        ts_headline('english', left(${spec.body}, 20000), q, ${opts}) as snippet, left(${spec.body}, 300) as head, right(${spec.body}, 300) as tail, ${extra}
      from ${spec.table}, websearch_to_tsquery('english', ${query}) q where id = any(${arrayOf(ids, 'uuid')})`),
  );
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        projectId: r.project_id,
        title: r.title,
        snippet: plainMarkdown(markTruncation(r.snippet, r.head, r.tail)),
        tags: r.tags,
        type: r.type,
        severity: r.severity,
        status: r.status,
      },
    ]),
  );
}

export interface SearchOptions {
  mode: 'weighted' | 'rrf';
  weights: { vector: number; text: number };
  /** Force a vector path (bench:search compares them); by default vectorPath decides. */
  path?: VectorPath;
}

/**
 * Settings for the vector candidates' transaction. Iterative scan: keep walking the HNSW
 * graph until enough rows pass the filters (pgvector ≥ 0.8). enable_sort off: an HNSW branch
 * must use its index (candidates.ts decides which branch runs; an exact branch still sorts,
 * having no other plan). JIT off: these are short queries, and compiling one cost ~100 ms.
 */
export async function vectorSearchSettings(tx: Tx): Promise<void> {
  await tx.execute(
    sql`select set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.ef_search', ${String(HNSW_EF_SEARCH)}, true), set_config('enable_sort', 'off', true), set_config('jit', 'off', true)`,
  );
}

/**
 * The search proper, given the query vector (null: keyword search only, the embedder
 * failed): the vector and the text candidates in two concurrent transactions (on PostgreSQL,
 * two connections, so the two scans overlap; PGlite runs them one after the other), fusion,
 * then snippets for the top k.
 */
export async function searchWith(
  database: Database,
  scope: TenantScope,
  input: SearchInput,
  projectId: string | null,
  qv: QueryVector | null,
  opts: SearchOptions,
) {
  const specs = specsFor(input, projectId);
  // A row outside the vector top-k with no keyword match can never reach the final top-k
  // (its score is at most that of every row above it), and keyword matches arrive through
  // the text candidates with their exact vector score, so 2k vector candidates are ample.
  const n = { vector: Math.max(20, input.k * 2), text: Math.max(50, input.k * 5) };
  const [nearest, text] = await Promise.all([
    qv
      ? withTenant(database, scope, async (tx) => {
          await vectorSearchSettings(tx);
          return nearestRows(tx, specs, input.query, qv, n.vector, opts.path);
        })
      : Promise.resolve({ rows: [], paths: [] as (VectorPath | null)[] }),
    withTenant(database, scope, async (tx) => {
      await tx.execute(sql`select set_config('jit', 'off', true)`);
      return textRows(tx, specs, input.query, qv, n.text);
    }),
  ]);
  const floor = qv ? minVectorScore(qv.space) : 0;
  // One row per id (a row in both lists has the same parts in both); a row with no keyword
  // match and a vector score at noise level is not a result.
  const byId = new Map([...nearest.rows, ...text].map((c) => [c.id, c]));
  const relevant = [...byId.values()].filter((c) => c.textScore > 0 || c.vectorScore >= floor);
  // Ranks over entries and insights together, so RRF compares them on one scale.
  const rankBy = (key: 'vectorScore' | 'textScore') => {
    const order = relevant.filter((c) => c[key] > 0).sort((a, b) => b[key] - a[key] || a.id.localeCompare(b.id));
    return new Map(order.map((c, i) => [c.id, i + 1]));
  };
  const vRanks = rankBy('vectorScore');
  const tRanks = rankBy('textScore');
  const fused = relevant.map((c) => {
    const vectorRank = vRanks.get(c.id) ?? null;
    const textRank = tRanks.get(c.id) ?? null;
    const score =
      opts.mode === 'rrf'
        ? (vectorRank ? 1 / (RRF_K + vectorRank) : 0) + (textRank ? 1 / (RRF_K + textRank) : 0)
        : opts.weights.vector * c.vectorScore + opts.weights.text * c.textScore;
    return { ...c, vectorRank, textRank, score };
  });
  fused.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  const top = fused.slice(0, input.k);
  const info = await withTenant(database, scope, async (tx) => {
    const m = new Map<string, Awaited<ReturnType<typeof details>>>();
    for (const s of specs)
      m.set(
        s.kind,
        await details(
          tx,
          s,
          input.query,
          top.filter((t) => t.kind === s.kind).map((t) => t.id),
        ),
      );
    return m;
  });
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  const hits: SearchHit[] = top.flatMap((t) => {
    const d = info.get(t.kind)?.get(t.id);
    return d
      ? [{ ...d, ...t, score: round(t.score), vectorScore: round(t.vectorScore), textScore: round(t.textScore) }]
      : [];
  });
  return { hits, minVectorScore: floor, vectorPaths: nearest.paths };
}

export async function searchMemory(deps: LlmDeps, scope: Scope, input: SearchInput) {
  if (scope.projectPin && input.projectId && input.projectId !== scope.projectPin)
    throw new NyxError('FORBIDDEN', 'This API token is pinned to another project');
  const projectId = scope.projectPin ?? input.projectId ?? null;
  const config = await withTenant(deps.database, scope, readEmbedderConfig);
  const s = config.settings;
  const opts: SearchOptions = {
    mode: input.mode ?? s?.mode ?? 'weighted',
    weights: { vector: s?.vectorWeight ?? 0.7, text: s?.textWeight ?? 0.3 },
  };
  const embedder = embedderFrom(deps, scope, config);
  let qv: QueryVector | null = null;
  let vectorError: string | null = null;
  try {
    // Outside any transaction: a provider call waits on the network.
    const [v] = await embedder.embed([input.query], 'memory.search');
    qv = v ? queryVector(embedder.space, v) : null;
  } catch (err) {
    // Keyword search still works while the embedding provider is down; say so.
    vectorError = err instanceof NyxError ? err.userMessage : (err as Error).message;
  }
  const r = await searchWith(deps.database, scope, input, projectId, qv, opts);
  // How the vector part was found: every kind exactly, every kind through HNSW, or each its own way.
  const paths = [...new Set(r.vectorPaths.filter((p) => p !== null))];
  const vectorPath: VectorPath | 'mixed' | null = paths.length > 1 ? 'mixed' : (paths[0] ?? null);
  return {
    hits: r.hits,
    mode: opts.mode,
    weights: opts.weights,
    embeddingModel: embedder.space,
    vectorPath,
    minVectorScore: minVectorScore(embedder.space),
    vectorError,
  };
}
