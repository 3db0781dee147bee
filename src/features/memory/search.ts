/**
 * Hybrid search over knowledge entries and insights.
 *
 *   weighted: score = w_v · max(0, cosine similarity) + w_t · ts_rank_cd(…, 32)
 *             (rank/(rank+1), so the text part is in [0, 1) like the vector part)
 *   rrf:      score = Σ over the two lists of 1 / (60 + rank)
 *
 * Candidates: the nearest N by HNSW (iterative scan, so a filtered or RLS-narrowed query
 * still yields N rows) and the best N by full text; both parts are then computed exactly
 * for the union. Rows matching no keyword with a vector score at noise level are dropped
 * (`minVectorScore`). Every hit reports its vector part, text part and final score, and
 * its rank in each list (over entries and insights together).
 */
import { sql, type SQL } from 'drizzle-orm';
import { memorySettings } from '../../platform/db/schema/index.js';
import { rowsOf } from '../../platform/db/sql.js';
import { withTenant, type Tx } from '../../platform/db/tenant.js';
import { NyxError } from '../../platform/errors.js';
import { minVectorScore, workspaceEmbedder } from '../../platform/llm/embeddings.js';
import type { LlmDeps } from '../../platform/llm/service.js';
import type { SearchInput } from './schema.js';

export const HIGHLIGHT_START = '\uE000';
export const HIGHLIGHT_END = '\uE001';
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

interface KindSpec {
  kind: 'entry' | 'insight';
  table: SQL;
  body: SQL;
  filters: SQL[];
}

function specsFor(input: SearchInput, projectId: string | null): KindSpec[] {
  const hasInsightFilter = !!(input.type ?? input.severity ?? input.status);
  const specs: KindSpec[] = [];
  const project = projectId ? [sql`project_id = ${projectId}`] : [];
  if (input.kinds.includes('entry') && !hasInsightFilter) {
    specs.push({
      kind: 'entry',
      table: sql`memory_entries`,
      body: sql`content`,
      filters: [...project, ...(input.tags?.length ? [sql`tags @> ${arrayOf(input.tags, 'text')}`] : [])],
    });
  }
  if (input.kinds.includes('insight') && !input.tags?.length) {
    specs.push({
      kind: 'insight',
      table: sql`workflow_insights`,
      body: sql`(detail || ' ' || suggestion)`,
      filters: [
        ...project,
        ...(input.type ? [sql`type = ${input.type}`] : []),
        ...(input.severity ? [sql`severity = ${input.severity}`] : []),
        ...(input.status ? [sql`status = ${input.status}`] : []),
      ],
    });
  }
  return specs;
}

/** A parameterised array literal: every element is its own bind parameter. */
const arrayOf = (values: string[], type: 'text' | 'uuid') => sql`array[${sql.join(values.map((v) => sql`${v}`), sql`, `)}]::${sql.raw(type)}[]`;
const and = (parts: SQL[]) => (parts.length ? sql.join(parts, sql` and `) : sql`true`);

async function candidates(tx: Tx, spec: KindSpec, query: string, qvec: string | null, model: string, n: { vector: number; text: number }) {
  const vector = qvec
    ? rowsOf<{ id: string }>(
        await tx.execute(sql`select id from ${spec.table}
          where embedding is not null and embedding_model = ${model} and ${and(spec.filters)}
          order by embedding <=> ${qvec}::vector limit ${n.vector}`),
      ).map((r) => r.id)
    : [];
  const text = rowsOf<{ id: string }>(
    await tx.execute(sql`select id from ${spec.table}, websearch_to_tsquery('english', ${query}) q
      where search @@ q and ${and(spec.filters)}
      order by ts_rank_cd(search, q, 32) desc, id limit ${n.text}`),
  ).map((r) => r.id);
  const ids = [...new Set([...vector, ...text])];
  if (!ids.length) return [];
  const scored = rowsOf<{ id: string; vscore: number | null; tscore: number }>(
    await tx.execute(sql`select id,
        ${qvec ? sql`case when embedding is not null and embedding_model = ${model} then 1 - (embedding <=> ${qvec}::vector) end` : sql`null::float8`} as vscore,
        ts_rank_cd(search, websearch_to_tsquery('english', ${query}), 32) as tscore
      from ${spec.table} where id = any(${arrayOf(ids, 'uuid')})`),
  );
  return scored.map((r) => ({ kind: spec.kind, id: r.id, vectorScore: Math.max(0, Number(r.vscore ?? 0)), textScore: Number(r.tscore) }));
}

const wordsOf = (t: string) => t.replaceAll(HIGHLIGHT_START, '').replaceAll(HIGHLIGHT_END, '').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

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
  if (!ids.length) return new Map<string, Omit<SearchHit, 'vectorScore' | 'textScore' | 'score' | 'vectorRank' | 'textRank' | 'kind'>>();
  const opts = `StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_END}, MaxFragments=2, MaxWords=28, MinWords=10, FragmentDelimiter=" … "`;
  const extra = spec.kind === 'entry' ? sql`tags, null::text as type, null::text as severity, null::text as status` : sql`'{}'::text[] as tags, type, severity, status`;
  const rows = rowsOf<{ id: string; project_id: string | null; title: string; snippet: string; head: string; tail: string; tags: string[]; type: string | null; severity: string | null; status: string | null }>(
    await tx.execute(sql`select id, project_id, ts_headline('english', title, q, ${`StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_END}, HighlightAll=true`}) as title,
        ts_headline('english', left(${spec.body}, 20000), q, ${opts}) as snippet, left(${spec.body}, 300) as head, right(${spec.body}, 300) as tail, ${extra}
      from ${spec.table}, websearch_to_tsquery('english', ${query}) q where id = any(${arrayOf(ids, 'uuid')})`),
  );
  return new Map(
    rows.map((r) => [r.id, { id: r.id, projectId: r.project_id, title: r.title, snippet: markTruncation(r.snippet, r.head, r.tail), tags: r.tags, type: r.type, severity: r.severity, status: r.status }]),
  );
}

export async function searchMemory(deps: LlmDeps, scope: Scope, input: SearchInput) {
  if (scope.projectPin && input.projectId && input.projectId !== scope.projectPin) throw new NyxError('FORBIDDEN', 'This API token is pinned to another project');
  const projectId = scope.projectPin ?? input.projectId ?? null;
  const settings = await withTenant(deps.database, scope, async (tx) => (await tx.select().from(memorySettings))[0]);
  const mode = input.mode ?? settings?.mode ?? 'weighted';
  const weights = { vector: settings?.vectorWeight ?? 0.7, text: settings?.textWeight ?? 0.3 };
  const embedder = await workspaceEmbedder(deps, scope);
  let qvec: string | null = null;
  let vectorError: string | null = null;
  try {
    const [v] = await embedder.embed([input.query], 'memory.search');
    qvec = v ? `[${v.join(',')}]` : null;
  } catch (err) {
    // Keyword search still works while the embedding provider is down; say so.
    vectorError = err instanceof NyxError ? err.userMessage : (err as Error).message;
  }
  // A row outside the vector top-k with no keyword match can never reach the final top-k
  // (its score is at most that of every row above it), and keyword matches arrive through
  // the text candidates with their exact vector score, so 2k vector candidates are ample.
  // Each extra HNSW candidate under a tenant filter costs a deeper graph walk.
  const n = { vector: Math.max(20, input.k * 2), text: Math.max(50, input.k * 5) };
  const specs = specsFor(input, projectId);
  return withTenant(deps.database, scope, async (tx) => {
    // Keep scanning the HNSW graph until enough rows pass the filters (pgvector ≥ 0.8). JIT
    // off: these are short queries, and compiling them once cost ~100 ms in bench:search.
    await tx.execute(sql`select set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.ef_search', '100', true), set_config('jit', 'off', true)`);
    const floor = minVectorScore(embedder.model);
    const raw = (await Promise.all(specs.map((s) => candidates(tx, s, input.query, qvec, embedder.model, n)))).flat();
    // A row with no keyword match and a vector score at noise level is not a result.
    const relevant = raw.filter((c) => c.textScore > 0 || c.vectorScore >= floor);
    // Ranks over entries and insights together, so RRF compares them on one scale.
    const rankBy = (key: 'vectorScore' | 'textScore') => {
      const order = relevant.filter((c) => c[key] > 0).sort((a, b) => b[key] - a[key] || a.id.localeCompare(b.id));
      return new Map(order.map((c, i) => [c.id, i + 1]));
    };
    const vRanks = rankBy('vectorScore');
    const tRanks = rankBy('textScore');
    const all = relevant.map((c) => ({ ...c, vectorRank: vRanks.get(c.id) ?? null, textRank: tRanks.get(c.id) ?? null }));
    const scored = all.map((c) => ({
      ...c,
      score:
        mode === 'rrf'
          ? (c.vectorRank ? 1 / (RRF_K + c.vectorRank) : 0) + (c.textRank ? 1 / (RRF_K + c.textRank) : 0)
          : weights.vector * c.vectorScore + weights.text * c.textScore,
    }));
    scored.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
    const top = scored.slice(0, input.k);
    const info = new Map<string, Awaited<ReturnType<typeof details>>>();
    for (const s of specs) info.set(s.kind, await details(tx, s, input.query, top.filter((t) => t.kind === s.kind).map((t) => t.id)));
    const hits: SearchHit[] = top.flatMap((t) => {
      const d = info.get(t.kind)?.get(t.id);
      return d ? [{ ...d, ...t, score: Math.round(t.score * 1e6) / 1e6, vectorScore: Math.round(t.vectorScore * 1e6) / 1e6, textScore: Math.round(t.textScore * 1e6) / 1e6 }] : [];
    });
    return { hits, mode, weights, embeddingModel: embedder.model, minVectorScore: floor, vectorError };
  });
}
