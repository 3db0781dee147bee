/**
 * npm run bench:search — latency and recall of hybrid memory search (src/features/memory/search.ts).
 *
 *   tsx bench/search.ts [postgres-url] [--postgres-only | --pglite-only] [--vectors=offline|dense|both] [--reuse]
 *
 * --reuse: on PostgreSQL, keep the databases a previous run seeded (migrating them to the
 * latest schema) instead of dropping and seeding them again (~10 minutes on 2 cores).
 *
 * PostgreSQL (default postgres://postgres@127.0.0.1:5432/nyxcore_search_bench, dropped and
 * recreated each run; dense vectors go to <name>_dense): 100,000 workflow insights over 20
 * workspaces × 10 projects (bench/search-data.ts). The HNSW index is dropped for the load and
 * rebuilt after it, as the migration defines it. PGlite (in memory): the same with 10,000 rows.
 *
 * Vectors (--vectors, default both):
 *   offline  the offline feature-hashing embedder over exactly what insightEmbeddingText
 *            produces, as nyxCore stores them without an embedding provider: sparse, nearly
 *            equidistant vectors, with their generated sparse copy (embedding_sparse).
 *   dense    SYNTHETIC DENSE VECTORS (embedding-model-like geometry), NOT real-model numbers:
 *            normalize(a·centroid[topic] + b·subtopic[topic, category] + c·noise) in 1536-d,
 *            stored under the space `bench-synthetic-dense`, so search treats them as a
 *            model's vectors (HNSW, no sparse copy).
 *
 * Measured, per backend and vector mode (50 queries; timed passes after one warm-up pass; each
 * variant runs the query set as one block, the block order rotating from pass to pass):
 *   search   `searchWith`, the search proper (vector ∥ text candidates, fusion, snippets) with
 *            the query vector given, as nyxcore_app under RLS in the query's workspace, for each
 *            vector path: as shipped (the path search picks), HNSW forced, exact forced; p50/p95,
 *            and the overlap of the final top 10 with the exact path's. Offline vectors also time
 *            the full `searchMemory` call as shipped (settings, query embedding, search).
 *   recall   recall@10 of the vector query alone (LIMIT 10) against the exact result, for the
 *            workspace (RLS; 5% of rows), a project in it (0.5%) and, as a diagnostic of the graph
 *            itself, all rows (owner, no RLS): the path search ships (its own settings and
 *            nearestRows: exact for offline vectors up to 20,000 rows and for a model's up to
 *            1,000, HNSW above), and HNSW forced (enable_sort = off) at ef_search
 *            40/100/200/400/800 with iterative scan, and at 100 without it.
 * No assertions; targets (PostgreSQL): recall@10 ≥ 0.95, search p95 ≤ 30 ms on 2 cores.
 * The PostgreSQL server's shared_buffers is printed: HNSW needs its index in memory.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { recreateDatabase } from './pg-admin.js';
import { insightEmbeddingText } from '../src/features/memory/embedding.js';
import { zSearch } from '../src/features/memory/schema.js';
import {
  EXACT_DENSE_LIMIT,
  EXACT_OFFLINE_LIMIT,
  HNSW_EF_SEARCH,
  nearestRows,
  queryVector,
  specsFor,
  type VectorPath,
} from '../src/features/memory/candidates.js';
import { searchMemory, searchWith, vectorSearchSettings } from '../src/features/memory/search.js';
import { openDatabase, type Database } from '../src/platform/db/client.js';
import { runMigrations } from '../src/platform/db/migrate.js';
import { rowsOf } from '../src/platform/db/sql.js';
import { withTenant, type Tx } from '../src/platform/db/tenant.js';
import { OFFLINE_EMBEDDING_MODEL, offlineEmbed } from '../src/platform/llm/embeddings.js';
import { createVault } from '../src/platform/llm/vault.js';
import { createLogger } from '../src/platform/logger.js';
import { createEgress } from '../src/platform/egress/egress.js';
import { loadEnv } from '../src/config/env.js';
import { prng } from './prng.js';
import {
  denseVector,
  gaussian,
  makeInsight,
  makeQueries,
  observeCosines,
  QUERIES,
  vectorLiteral,
  type Cosines,
  type DenseSample,
  type Insight,
  type Layout,
  type Query,
  type VectorMode,
} from './search-data.js';

const args = process.argv.slice(2);
const url = new URL(args.find((a) => !a.startsWith('--')) ?? 'postgres://postgres@127.0.0.1:5432/nyxcore_search_bench');
const runPostgres = !args.includes('--pglite-only');
const runPglite = !args.includes('--postgres-only');
const vectorsArg = args.find((a) => a.startsWith('--vectors='))?.slice('--vectors='.length) ?? 'both';
if (!['offline', 'dense', 'both'].includes(vectorsArg))
  throw new Error(`--vectors must be offline, dense or both, not "${vectorsArg}"`);
const reuse = args.includes('--reuse');
const vectorModes: VectorMode[] = vectorsArg === 'both' ? ['offline', 'dense'] : [vectorsArg as VectorMode];

const DENSE_SPACE = 'bench-synthetic-dense';
const spaceOf = (v: VectorMode) => (v === 'dense' ? DENSE_SPACE : OFFLINE_EMBEDDING_MODEL);
const WORKSPACES = 20;
const PROJECTS_PER_WORKSPACE = 10;
const PG_ROWS = 100_000;
const PGLITE_ROWS = 10_000;
const K = 10;
const PG_PASSES = 3;
const PGLITE_PASSES = 2;
const BATCH = 500;
const HNSW_INDEX = 'workflow_insights_embedding_idx';
const CREATE_HNSW = `create index ${HNSW_INDEX} on workflow_insights using hnsw (embedding vector_cosine_ops)`;

const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(0).padStart(4)}s`;
const progress = (msg: string) => console.log(`[${elapsed()}] ${msg}`);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(p * s.length) - 1)] ?? NaN;
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / (xs.length || 1);
const pair = (xs: number[] | undefined) =>
  xs?.length ? `${percentile(xs, 0.5).toFixed(1)} / ${percentile(xs, 0.95).toFixed(1)}` : '—';
const overlap = (ids: string[], truth: string[]) =>
  truth.length ? ids.filter((id) => truth.includes(id)).length / truth.length : 1;

// --- seeding --------------------------------------------------------------------------

type Exec = (text: string, params?: unknown[]) => Promise<unknown>;

async function createLayout(database: Database): Promise<Layout> {
  const layout: Layout = { tenants: [], projects: [] };
  for (let t = 0; t < WORKSPACES; t++) {
    const [row] = await database.raw<{ id: string }>(`insert into tenants (name) values ($1) returning id`, [
      `workspace ${t + 1}`,
    ]);
    const tenant = (row as { id: string }).id;
    const ps: string[] = [];
    for (let p = 0; p < PROJECTS_PER_WORKSPACE; p++) {
      const [pr] = await database.raw<{ id: string }>(
        `insert into projects (tenant_id, name) values ($1, $2) returning id`,
        [tenant, `project ${p + 1}`],
      );
      ps.push((pr as { id: string }).id);
    }
    layout.tenants.push(tenant);
    layout.projects.push(ps);
  }
  return layout;
}

/** The stored embedding of an insight, as a pgvector literal. */
type VectorOf = (i: Insight) => string;
const offlineVectorOf: VectorOf = (i) => `[${offlineEmbed(insightEmbeddingText(i)).join(',')}]`;

/** Dense mode: a synthetic vector from the insight's topic and category; every 100th is kept for the cosine sample. */
function denseVectorSource(): { vectorOf: VectorOf; sample: DenseSample[] } {
  const g = gaussian(prng(5678));
  const sample: DenseSample[] = [];
  let n = 0;
  return {
    sample,
    vectorOf: (i) => {
      const v = denseVector(g, i.topic, i.categoryIndex);
      if (n++ % 100 === 0) sample.push({ topic: i.topic, sub: i.categoryIndex, v });
      return vectorLiteral(v);
    },
  };
}

const COLUMNS = [
  'tenant_id',
  'project_id',
  'title',
  'detail',
  'suggestion',
  'category',
  'type',
  'severity',
  'status',
  'embedding',
  'embedding_model',
  'embedded_at',
];

function insertBatch(
  layout: Layout,
  rows: { tenant: number; insight: Insight }[],
  vectorOf: VectorOf,
  space: string,
): [string, unknown[]] {
  const params: unknown[] = [];
  const tuples = rows.map(({ tenant, insight: i }) => {
    const base = params.length;
    params.push(
      layout.tenants[tenant],
      layout.projects[tenant]?.[i.projectIndex],
      i.title,
      i.detail,
      i.suggestion,
      i.category,
      i.type,
      i.severity,
      i.status,
      vectorOf(i),
      space,
    );
    const p = (k: number) => `$${base + k}`;
    return `(${p(1)}::uuid, ${p(2)}::uuid, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}, ${p(9)}, ${p(10)}::vector, ${p(11)}, now())`;
  });
  return [`insert into workflow_insights (${COLUMNS.join(', ')}) values ${tuples.join(', ')}`, params];
}

async function seed(
  exec: Exec,
  layout: Layout,
  total: number,
  vectorOf: VectorOf,
  space: string,
): Promise<{ seedMs: number; indexMs: number }> {
  const rng = prng(1234);
  const perTenant = total / WORKSPACES;
  await exec(`drop index if exists ${HNSW_INDEX}`);
  const started = performance.now();
  let pending: Promise<unknown> | null = null;
  let lastReport = performance.now();
  for (let t = 0; t < WORKSPACES; t++) {
    for (let i = 0; i < perTenant; i += BATCH) {
      const n = Math.min(BATCH, perTenant - i);
      const rows = Array.from({ length: n }, (_, j) => ({
        tenant: t,
        insight: makeInsight(rng, (i + j) % PROJECTS_PER_WORKSPACE),
      }));
      // Embed the next batch in Node while the previous INSERT runs in the server.
      const [text, params] = insertBatch(layout, rows, vectorOf, space);
      if (pending) await pending;
      pending = exec(text, params);
      if (performance.now() - lastReport > 10_000) {
        progress(`  seeded ${(t * perTenant + i + n).toLocaleString('en')} / ${total.toLocaleString('en')}`);
        lastReport = performance.now();
      }
    }
  }
  if (pending) await pending;
  const seedMs = performance.now() - started;
  progress(`  seeded ${total.toLocaleString('en')} insights in ${secs(seedMs)}; building the HNSW index…`);
  const indexStarted = performance.now();
  await exec(CREATE_HNSW);
  const indexMs = performance.now() - indexStarted;
  await exec('vacuum analyze workflow_insights');
  progress(`  HNSW index built in ${secs(indexMs)} (+ vacuum analyze)`);
  return { seedMs, indexMs };
}

/** --reuse: the layout of a database an earlier run seeded with `rows` insights, or null (seed it). */
async function seededLayout(database: Database, rows: number): Promise<Layout | null> {
  const [n] = await database.raw<{ n: number }>('select count(*)::int as n from workflow_insights');
  if (n?.n !== rows) return null;
  const tenants = (await database.raw<{ id: string }>('select id from tenants order by created_at, id')).map(
    (r) => r.id,
  );
  const projects = await Promise.all(
    tenants.map(async (t) =>
      (
        await database.raw<{ id: string }>('select id from projects where tenant_id = $1 order by created_at, id', [t])
      ).map((r) => r.id),
    ),
  );
  progress(`  reusing ${rows.toLocaleString('en')} seeded insights`);
  return { tenants, projects };
}

// --- search ---------------------------------------------------------------------------

type Variant = 'full' | 'shipped' | 'hnsw' | 'exact';
const PATHS: Record<Exclude<Variant, 'full'>, VectorPath | undefined> = {
  shipped: undefined,
  hnsw: 'hnsw',
  exact: 'exact',
};

interface SearchTimes {
  ms: Partial<Record<Variant, number[]>>;
  /** Overlap of the final top 10 with the exact path's, per query (last pass). */
  agreement: Partial<Record<Variant, number[]>>;
  /** How often search as shipped took each path (insights; last pass). */
  shippedPaths: Record<string, number>;
}

async function measureSearch(
  database: Database,
  queries: Query[],
  passes: number,
  vectors: VectorMode,
): Promise<SearchTimes> {
  const log = createLogger('silent');
  const deps = {
    database,
    vault: createVault(randomBytes(32)),
    log,
    fetch: createEgress(loadEnv({}), log).fetch,
    now: () => new Date(),
    timeoutMs: 30_000,
  };
  const variants: Variant[] =
    vectors === 'offline' ? ['full', 'shipped', 'hnsw', 'exact'] : ['shipped', 'hnsw', 'exact'];
  const out: SearchTimes = {
    ms: Object.fromEntries(variants.map((v) => [v, []])),
    agreement: Object.fromEntries(variants.map((v) => [v, []])),
    shippedPaths: {},
  };
  const ids = Object.fromEntries(variants.map((v) => [v, [] as string[][]])) as Record<Variant, string[][]>;
  // Blocks: one variant runs the whole query set, then the next, so each is timed in its own
  // steady state (a forced HNSW pass between two exact ones would evict what they cache);
  // the block order rotates from pass to pass so drift hits every variant alike.
  for (let pass = 0; pass <= passes; pass++) {
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(pass + k) % variants.length] as Variant;
      for (const [i, q] of queries.entries()) {
        const input = zSearch.parse({ query: q.text, k: K });
        const scope = { tenantId: q.tenantId, userId: null };
        const started = performance.now();
        let hits: string[];
        if (v === 'full') {
          hits = (await searchMemory(deps, { ...scope, projectPin: null }, input)).hits.map((h) => h.id);
        } else {
          const r = await searchWith(database, scope, input, null, queryVector(spaceOf(vectors), q.values), {
            mode: 'weighted',
            weights: { vector: 0.7, text: 0.3 },
            path: PATHS[v],
          });
          hits = r.hits.map((h) => h.id);
          if (v === 'shipped' && pass === passes) {
            const path = r.vectorPaths.at(-1) ?? 'none';
            out.shippedPaths[path] = (out.shippedPaths[path] ?? 0) + 1;
          }
        }
        if (pass > 0) out.ms[v]?.push(performance.now() - started);
        if (pass === passes) ids[v][i] = hits;
      }
    }
    progress(`  search pass ${pass === 0 ? 'warm-up' : `${pass}/${passes}`} done`);
  }
  for (const v of variants) out.agreement[v] = queries.map((_, i) => overlap(ids[v][i] ?? [], ids.exact[i] ?? []));
  return out;
}

// --- recall of the vector query -------------------------------------------------------

type Mode = 'exact' | 'shipped' | 'ef40' | 'ef100' | 'ef200' | 'ef400' | 'ef800' | 'ef100-noiter';
const MODES: Mode[] = ['exact', 'shipped', 'ef40', 'ef100', 'ef200', 'ef400', 'ef800', 'ef100-noiter'];
const MODE_LABELS: Record<Mode, string> = {
  exact: 'exact (dense distances, no index)',
  shipped: 'as search ships it',
  ef40: 'HNSW forced, iterative, ef 40',
  ef100: 'HNSW forced, iterative, ef 100',
  ef200: 'HNSW forced, iterative, ef 200',
  ef400: 'HNSW forced, iterative, ef 400',
  ef800: 'HNSW forced, iterative, ef 800',
  'ef100-noiter': 'HNSW forced, no iterative scan, ef 100',
};
type Scope = 'global' | 'tenant' | 'project';
const SCOPES: Scope[] = ['global', 'tenant', 'project'];
interface RecallRow {
  recall: number;
  returned: number;
  p50: number;
  p95: number;
}
type Recall = Record<Scope, Record<Mode, RecallRow>>;

/**
 * The vector query of one mode: LIMIT 10 over the scope (RLS does the workspace). 'shipped'
 * is search's own code: its settings and nearestRows, which picks the path.
 */
async function vectorIds(tx: Tx, q: Query, vectors: VectorMode, scope: Scope, mode: Mode): Promise<string[]> {
  const qv = queryVector(spaceOf(vectors), q.values);
  const projectId = scope === 'project' ? q.projectId : null;
  if (mode === 'shipped') {
    await vectorSearchSettings(tx);
    const { rows } = await nearestRows(
      tx,
      specsFor(zSearch.parse({ query: q.text, kinds: ['insight'] }), projectId),
      q.text,
      qv,
      K,
    );
    return rows.sort((a, b) => b.vectorScore - a.vectorScore || a.id.localeCompare(b.id)).map((r) => r.id);
  }
  const efMatch = /^ef(\d+)/.exec(mode);
  const order =
    mode === 'exact' ? sql`(embedding <=> ${qv.dense}::vector) + 0` : sql`embedding <=> ${qv.dense}::vector`;
  await tx.execute(sql`select set_config('hnsw.iterative_scan', ${mode === 'ef100-noiter' ? 'off' : 'relaxed_order'}, true), set_config('hnsw.ef_search', ${efMatch?.[1] ?? '40'}, true),
    set_config('enable_sort', ${efMatch ? 'off' : 'on'}, true), set_config('jit', 'off', true)`);
  const project = projectId ? sql`and project_id = ${projectId}` : sql``;
  const rows = rowsOf<{ id: string }>(
    await tx.execute(
      sql`select id from workflow_insights where embedding is not null and embedding_model = ${qv.space} ${project} order by ${order} limit ${K}`,
    ),
  );
  return rows.map((r) => r.id);
}

/** 'global': as the owner (a superuser here, so RLS does not apply): all rows. */
const inScope = <T>(database: Database, q: Query, scope: Scope, fn: (tx: Tx) => Promise<T>) =>
  scope === 'global'
    ? database.db.transaction((tx) => fn(tx))
    : withTenant(database, { tenantId: q.tenantId, userId: null }, fn);

async function measureRecall(database: Database, queries: Query[], vectors: VectorMode): Promise<Recall> {
  const acc = Object.fromEntries(
    SCOPES.map((s) => [
      s,
      Object.fromEntries(
        MODES.map((m) => [m, { recall: [] as number[], returned: [] as number[], ms: [] as number[] }]),
      ),
    ]),
  );
  for (const q of queries.slice(0, 5))
    for (const m of MODES) await inScope(database, q, 'tenant', (tx) => vectorIds(tx, q, vectors, 'tenant', m));
  for (const [i, q] of queries.entries()) {
    for (const scope of SCOPES) {
      const ids = {} as Record<Mode, string[]>;
      for (let k = 0; k < MODES.length; k++) {
        const m = MODES[(i + k) % MODES.length] as Mode;
        const started = performance.now();
        ids[m] = await inScope(database, q, scope, (tx) => vectorIds(tx, q, vectors, scope, m));
        acc[scope]?.[m]?.ms.push(performance.now() - started);
      }
      for (const m of MODES) {
        acc[scope]?.[m]?.returned.push(ids[m].length);
        acc[scope]?.[m]?.recall.push(overlap(ids[m], ids.exact));
      }
    }
  }
  progress('  recall done');
  const row = (a: { recall: number[]; returned: number[]; ms: number[] } | undefined): RecallRow => ({
    recall: mean(a?.recall ?? []),
    returned: mean(a?.returned ?? []),
    p50: percentile(a?.ms ?? [], 0.5),
    p95: percentile(a?.ms ?? [], 0.95),
  });
  return Object.fromEntries(
    SCOPES.map((s) => [s, Object.fromEntries(MODES.map((m) => [m, row(acc[s]?.[m])]))]),
  ) as Recall;
}

// --- runs ---------------------------------------------------------------------------

interface Result {
  backend: string;
  where: string;
  vectors: VectorMode;
  rows: number;
  seedMs: number;
  indexMs: number;
  indexSize: string;
  sharedBuffers: string;
  search: SearchTimes;
  recall: Recall;
  cosines: Cosines | null;
}

async function bench(
  backend: string,
  where: string,
  vectors: VectorMode,
  database: Database,
  exec: Exec,
  rows: number,
  passes: number,
): Promise<Result> {
  const tag = `${backend} (${where}) [${vectors === 'dense' ? 'synthetic dense vectors' : 'offline embedder'}]`;
  progress(`${tag}: migrating`);
  await runMigrations(database);
  const dense = vectors === 'dense' ? denseVectorSource() : null;
  const seeded = reuse ? await seededLayout(database, rows) : null;
  const layout = seeded ?? (await createLayout(database));
  if (seeded) await exec('vacuum analyze workflow_insights');
  const { seedMs, indexMs } = seeded
    ? { seedMs: NaN, indexMs: NaN }
    : await seed(exec, layout, rows, dense ? dense.vectorOf : offlineVectorOf, spaceOf(vectors));
  const [info] = await database.raw<{ size: string; sb: string }>(
    `select pg_size_pretty(pg_relation_size('${HNSW_INDEX}')) as size, current_setting('shared_buffers') as sb`,
  );
  const queries = makeQueries(layout, vectors);
  // The cosine sample is drawn while seeding.
  const cosines = dense && !seeded ? observeCosines(dense.sample, queries) : null;
  progress(`${tag}: search (${QUERIES} queries × ${passes} passes)`);
  const search = await measureSearch(database, queries, passes, vectors);
  progress(`${tag}: recall@${K} of the vector query`);
  const recall = await measureRecall(database, queries, vectors);
  return {
    backend,
    where,
    vectors,
    rows,
    seedMs,
    indexMs,
    indexSize: info?.size ?? '?',
    sharedBuffers: info?.sb ?? '?',
    search,
    recall,
    cosines,
  };
}

function report(r: Result) {
  const label =
    r.vectors === 'dense'
      ? 'SYNTHETIC DENSE VECTORS (embedding-model-like geometry), not real-model numbers'
      : 'offline feature-hashing embedder';
  console.log(
    `\n=== ${r.backend} (${r.where}): ${r.rows.toLocaleString('en')} insights, ${WORKSPACES} workspaces × ${PROJECTS_PER_WORKSPACE} projects; vectors: ${label} ===`,
  );
  console.log(
    `${Number.isNaN(r.seedMs) ? 'seeded by an earlier run (--reuse)' : `seed ${secs(r.seedMs)}, HNSW build ${secs(r.indexMs)}`}; HNSW index ${r.indexSize}, shared_buffers ${r.sharedBuffers}`,
  );
  if (r.cosines) {
    const c = r.cosines;
    const f = (x: number) => x.toFixed(3);
    console.log(
      `geometry (${c.samples} sampled): mean cosine same topic ${f(c.sameTopic)} (same subtopic ${f(c.sameSubtopic)}), other topics ${f(c.otherTopic)} ± ${f(c.otherTopicSd)}; query vs its topic ${f(c.queryTopic)}, vs others ${f(c.queryOther)}`,
    );
  }
  const s = r.search;
  const paths = Object.entries(s.shippedPaths)
    .map(([p, n]) => `${p} ${n}/${QUERIES}`)
    .join(', ');
  const notes: Record<Variant, string> = {
    full: 'searchMemory, the whole call as shipped: settings, query embedding, search',
    shipped: `searchWith, query vector given, the path search picks (insights: ${paths})`,
    hnsw: 'searchWith, HNSW path forced',
    exact: 'searchWith, exact path forced',
  };
  console.log(`search (k=${K}, hybrid, as nyxcore_app under RLS), p50 / p95 ms, top-${K} overlap with the exact path:`);
  for (const v of ['full', 'shipped', 'hnsw', 'exact'] as const) {
    if (!s.ms[v]) continue;
    console.log(
      `  ${v.padEnd(8)} ${pair(s.ms[v]).padStart(13)}   overlap ${mean(s.agreement[v] ?? []).toFixed(3)}   (${notes[v]})`,
    );
  }
  console.log(
    `vector query (LIMIT ${K}) recall@${K} vs exact; tenant/project as nyxcore_app under RLS, global as the owner over all rows:`,
  );
  console.log(`  scope    mode                                        recall  returned      p50      p95`);
  for (const scope of SCOPES) {
    for (const m of MODES) {
      const x = r.recall[scope][m];
      const name =
        m === 'shipped'
          ? `as shipped (${r.vectors === 'offline' ? 'exact, sparse copy' : `HNSW ef ${HNSW_EF_SEARCH}, exact ≤ ${EXACT_DENSE_LIMIT} rows`})`
          : MODE_LABELS[m];
      console.log(
        `  ${scope.padEnd(8)} ${name.padEnd(43)} ${x.recall.toFixed(3)}  ${x.returned.toFixed(1).padStart(8)} ${x.p50.toFixed(1).padStart(8)} ${x.p95.toFixed(1).padStart(8)}`,
      );
    }
  }
}

async function postgres(vectors: VectorMode): Promise<Result> {
  const dbUrl = new URL(url);
  if (vectors === 'dense') dbUrl.pathname = `${url.pathname}_dense`;
  if (!reuse) await recreateDatabase(dbUrl);
  const database = await openDatabase({ mode: 'postgres', url: dbUrl.toString(), poolSize: 4 });
  const loader = new pg.Client({ connectionString: dbUrl.toString() });
  await loader.connect();
  await loader.query(`set maintenance_work_mem = '2GB'`);
  try {
    return await bench(
      'PostgreSQL',
      dbUrl.pathname.slice(1),
      vectors,
      database,
      (text, params) => loader.query(text, params),
      PG_ROWS,
      PG_PASSES,
    );
  } finally {
    await loader.end();
    await database.close();
  }
}

async function pglite(vectors: VectorMode): Promise<Result> {
  const database = await openDatabase({ mode: 'embedded', dataDir: null });
  await database.raw(`set maintenance_work_mem = '512MB'`);
  try {
    return await bench(
      'PGlite',
      'in memory',
      vectors,
      database,
      (text, params) => database.raw(text, params),
      PGLITE_ROWS,
      PGLITE_PASSES,
    );
  } finally {
    await database.close();
  }
}

async function main() {
  const results: Result[] = [];
  if (runPostgres) for (const v of vectorModes) results.push(await postgres(v));
  if (runPglite) for (const v of vectorModes) results.push(await pglite(v));
  for (const r of results) report(r);
  const rec = (r: Result, scope: Scope, m: Mode) => r.recall[scope][m].recall.toFixed(3);
  console.log(
    `\nsummary (search p50 / p95 ms; recall@${K} of the vector query vs exact, workspace scope | project scope)`,
  );
  console.log(
    '  backend     vectors           rows   searchMemory   search shipped  search HNSW    search exact    shipped recall  HNSW ef40 | 100 | 200 | 400 | 800 (workspace)',
  );
  for (const r of results) {
    const ef = (['ef40', 'ef100', 'ef200', 'ef400', 'ef800'] as const).map((m) => rec(r, 'tenant', m)).join(' | ');
    console.log(
      `  ${r.backend.padEnd(11)} ${(r.vectors === 'dense' ? 'synthetic dense' : 'offline').padEnd(15)} ${r.rows.toLocaleString('en').padStart(7)}   ${pair(r.search.ms.full).padEnd(13)}  ${pair(r.search.ms.shipped).padEnd(14)}  ${pair(r.search.ms.hnsw).padEnd(13)}  ${pair(r.search.ms.exact).padEnd(14)}  ${rec(r, 'tenant', 'shipped')} | ${rec(r, 'project', 'shipped')}   ${ef}`,
    );
  }
  console.log(
    `  targets (PostgreSQL, 2 cores): recall@${K} ≥ 0.95 vs exact, search p95 ≤ 30 ms. Exact up to ${EXACT_OFFLINE_LIMIT.toLocaleString('en')} rows in scope (offline vectors), ${EXACT_DENSE_LIMIT.toLocaleString('en')} (a model's); HNSW at ef_search ${HNSW_EF_SEARCH} above.`,
  );
  console.log(`total ${elapsed().trim()}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
