/**
 * npm run bench:search — latency and recall of hybrid memory search (src/features/memory/search.ts).
 *
 *   tsx bench/search.ts [postgres-url] [--postgres-only | --pglite-only]
 *
 * PostgreSQL (default postgres://postgres@127.0.0.1:5432/nyxcore_search_bench, dropped and
 * recreated each run): 100,000 workflow insights over 20 workspaces × 10 projects, text from a
 * fixed-seed PRNG over an engineering vocabulary (topic clusters + Zipf-distributed terms, so
 * full-text search sees both selective and common terms), offline embeddings of exactly what
 * `insightEmbeddingText` produces. The HNSW index is dropped for the load and rebuilt after it
 * (same name and definition as the migration). PGlite (in memory): the same with 10,000 rows.
 *
 * Measured, per backend:
 *   latency  the full `searchMemory` call (k=10, default kinds), p50/p95, three variants
 *            interleaved query by query (the order rotates). Each variant wraps the Database so
 *            every transaction searchMemory opens starts with one transaction-local set_config
 *            (so all three pay the same extra round trip); src/ is unchanged:
 *              planner: enable_indexscan = on (a no-op): search exactly as shipped, the planner
 *                       picks the plan (iterative scan relaxed_order, ef_search 100 are set by search)
 *              hnsw:    enable_sort = off: the only plan for `ORDER BY embedding <=> q LIMIT n`
 *                       without a Sort node is the HNSW index scan, so this forces HNSW (plus
 *                       jit = off: the Sort penalty cost would otherwise trigger JIT on the
 *                       text query, ~100 ms of compilation that has nothing to do with HNSW)
 *              exact:   enable_indexscan = off: HNSW supports index scans only, so the vector
 *                       candidates become an exact distance computation over every row the
 *                       filters/RLS leave (seq or bitmap scan) + top-N sort. Text candidates are
 *                       bitmap scans on the GIN index in every variant.
 *   recall   recall@10 of the vector query `ORDER BY embedding <=> q LIMIT 10` as nyxcore_app
 *            under RLS (withTenant), against the exact result (enable_indexscan = off): as the
 *            planner runs it with search's settings (iterative scan relaxed_order, ef_search 100),
 *            with HNSW forced (enable_sort = off), and HNSW forced with iterative scan off; for
 *            the tenant alone (5% of rows) and with a project filter (0.5% of rows).
 * No assertions; targets (PostgreSQL): recall@10 ≥ 0.95, search p95 ≤ 30 ms on 2 cores.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { insightEmbeddingText } from '../src/features/memory/embedding.js';
import { zSearch } from '../src/features/memory/schema.js';
import { searchMemory } from '../src/features/memory/search.js';
import { openDatabase, type Database, type Db } from '../src/platform/db/client.js';
import { runMigrations } from '../src/platform/db/migrate.js';
import { insightSeverities, insightStatuses, insightTypes } from '../src/platform/db/schema/index.js';
import { withTenant, type Tx } from '../src/platform/db/tenant.js';
import { OFFLINE_EMBEDDING_MODEL, offlineEmbed } from '../src/platform/llm/embeddings.js';
import { createVault } from '../src/platform/llm/vault.js';
import { createLogger } from '../src/platform/logger.js';

const args = process.argv.slice(2);
const url = new URL(args.find((a) => !a.startsWith('--')) ?? 'postgres://postgres@127.0.0.1:5432/nyxcore_search_bench');
const runPostgres = !args.includes('--pglite-only');
const runPglite = !args.includes('--postgres-only');

const WORKSPACES = 20;
const PROJECTS_PER_WORKSPACE = 10;
const PG_ROWS = 100_000;
const PGLITE_ROWS = 10_000;
const QUERIES = 50;
const K = 10;
/** Timed passes over the query set (after one untimed warm-up pass). */
const PG_PASSES = 3;
const PGLITE_PASSES = 2;
const BATCH = 500;
const HNSW_INDEX = 'workflow_insights_embedding_idx';
const CREATE_HNSW = `create index ${HNSW_INDEX} on workflow_insights using hnsw (embedding vector_cosine_ops)`;

const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(0).padStart(4)}s`;
const progress = (msg: string) => console.log(`[${elapsed()}] ${msg}`);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

// --- deterministic text ---------------------------------------------------------------

/** mulberry32: tiny, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Ordered from common to rare: Zipf sampling makes the head frequent and the tail selective. */
const vocabulary = (
  'service error request deploy test database latency config build cache user api release timeout query ' +
  'memory cpu log metric alert dashboard pipeline container cluster node network endpoint token session queue ' +
  'worker job retry migration schema index backup storage disk throughput load traffic incident outage rollback ' +
  'monitoring tracing logging regression flaky coverage lint typecheck review merge branch commit dependency upgrade ' +
  'vulnerability secret credential permission role tenant workspace project owner admin invite audit compliance ' +
  'encryption certificate tls dns proxy gateway ingress firewall vpn ssh bastion kubernetes helm terraform ansible ' +
  'docker image registry artifact package bundle webpack vite typescript eslint prettier vitest playwright cypress ' +
  'postgres mysql redis kafka rabbitmq elasticsearch clickhouse sqlite dynamodb s3 bucket cdn websocket grpc graphql ' +
  'rest pagination cursor offset sorting filtering search ranking embedding vector similarity hnsw recall precision ' +
  'tokenizer prompt completion model provider fallback budget quota ratelimit backoff jitter circuit breaker bulkhead ' +
  'idempotency deduplication ordering consistency replication failover sharding partition vacuum bloat autovacuum ' +
  'deadlock lock contention isolation snapshot transaction savepoint trigger constraint foreign cascade orphan ' +
  'serialization deserialization json protobuf avro schema-registry compatibility versioning deprecation changelog ' +
  'feature-flag canary blue-green rollout staging production preview sandbox environment variable dotenv vault ' +
  'oauth oidc saml sso mfa totp webauthn password argon2 bcrypt csrf cors xss injection sanitization escaping ' +
  'accessibility aria contrast keyboard focus screenreader i18n locale timezone daylight calendar cron scheduler ' +
  'backpressure throttling debounce memoization hydration ssr streaming suspense virtualization pagination-cursor ' +
  'observability opentelemetry prometheus grafana loki jaeger sentry pagerduty runbook postmortem sla slo error-budget ' +
  'heap leak garbage-collector profiler flamegraph benchmark p95 p99 tail-latency cold-start warmup connection-pool ' +
  'pgbouncer keepalive handshake mtls rotation revocation expiry clock-skew ntp monotonic uuid ulid snowflake ' +
  'monorepo workspace-protocol lockfile semver peer-dependency hoisting treeshaking sourcemap minification ' +
  'webhook signature hmac replay nonce idempotency-key outbox saga choreography orchestration temporal ' +
  'etcd consul zookeeper raft paxos quorum leader-election split-brain fencing lease heartbeat gossip ' +
  'arm64 x86 musl glibc alpine distroless seccomp apparmor capabilities rootless cgroup oom-killer swap hugepages'
).split(' ');
const filler = (
  'the a when after during before while because so that which with without under across between into from on in for ' +
  'we our it this every some most often rarely still again already never always should must could would can ' +
  'slow fails breaks spikes drops grows blocks hangs leaks stalls times out keeps causes needs avoid add remove ' +
  'move split merge cache batch retry limit measure document automate pin bump replace revert'
).split(' ');
const categories = ['performance', 'security', 'reliability', 'testing', 'architecture', 'developer-experience', 'operations', 'data', 'ux', 'cost'];
const TOPICS = 40;

function zipf(rng: () => number, n: number): number {
  // P(i) ∝ 1/(i+1), roughly: the head of the vocabulary is common, the tail is rare.
  return Math.min(n - 1, Math.floor(Math.exp(rng() * Math.log(n + 1))) - 1);
}
const pick = <T>(rng: () => number, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T;

/** Each topic is a fixed bag of 15 terms; insights mix their topic's terms with global ones. */
const topicTerms: string[][] = (() => {
  const rng = prng(7);
  return Array.from({ length: TOPICS }, () => Array.from({ length: 15 }, () => pick(rng, vocabulary)));
})();

function words(rng: () => number, topic: string[], n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = rng();
    out.push(r < 0.45 ? pick(rng, topic) : r < 0.75 ? (vocabulary[zipf(rng, vocabulary.length)] as string) : pick(rng, filler));
  }
  return out.join(' ');
}
const sentence = (rng: () => number, topic: string[], n: number) => {
  const s = words(rng, topic, n);
  return s.charAt(0).toUpperCase() + s.slice(1) + '.';
};

interface Insight {
  projectIndex: number;
  title: string;
  detail: string;
  suggestion: string;
  category: string;
  type: string;
  severity: string;
  status: string;
}

function makeInsight(rng: () => number, projectIndex: number): Insight {
  const topic = topicTerms[Math.floor(rng() * TOPICS)] as string[];
  const detailSentences = 2 + Math.floor(rng() * 3);
  return {
    projectIndex,
    title: sentence(rng, topic, 4 + Math.floor(rng() * 5)).slice(0, -1),
    detail: Array.from({ length: detailSentences }, () => sentence(rng, topic, 8 + Math.floor(rng() * 10))).join(' '),
    suggestion: sentence(rng, topic, 6 + Math.floor(rng() * 8)),
    category: pick(rng, categories),
    type: pick(rng, insightTypes),
    severity: pick(rng, insightSeverities),
    status: pick(rng, insightStatuses),
  };
}

interface Layout {
  tenants: string[];
  /** projects[t] = the project ids of tenants[t] */
  projects: string[][];
}

interface Query {
  tenantId: string;
  projectId: string;
  text: string;
  vec: string;
}

function makeQueries(layout: Layout): Query[] {
  const rng = prng(42);
  return Array.from({ length: QUERIES }, (_, i) => {
    const t = Math.floor(rng() * layout.tenants.length);
    const topic = topicTerms[Math.floor(rng() * TOPICS)] as string[];
    const n = 2 + Math.floor(rng() * 3);
    const terms: string[] = [];
    for (let j = 0; j < n; j++) {
      // Thirds: common terms only (head of the vocabulary), topic terms, topic + a rare term.
      if (i % 3 === 0) terms.push(vocabulary[Math.floor(rng() * 30)] as string);
      else if (i % 3 === 2 && j === 0) terms.push(vocabulary[vocabulary.length - 1 - Math.floor(rng() * 150)] as string);
      else terms.push(pick(rng, topic));
    }
    const text = terms.join(' ');
    return {
      tenantId: layout.tenants[t] as string,
      projectId: pick(rng, layout.projects[t] as string[]),
      text,
      vec: `[${offlineEmbed(text).join(',')}]`,
    };
  });
}

// --- seeding --------------------------------------------------------------------------

type Exec = (text: string, params?: unknown[]) => Promise<unknown>;

async function createLayout(database: Database): Promise<Layout> {
  const tenants: string[] = [];
  const projects: string[][] = [];
  for (let t = 0; t < WORKSPACES; t++) {
    const [row] = await database.raw<{ id: string }>(`insert into tenants (name) values ($1) returning id`, [`workspace ${t + 1}`]);
    const tenant = (row as { id: string }).id;
    tenants.push(tenant);
    const ps: string[] = [];
    for (let p = 0; p < PROJECTS_PER_WORKSPACE; p++) {
      const [pr] = await database.raw<{ id: string }>(`insert into projects (tenant_id, name) values ($1, $2) returning id`, [tenant, `project ${p + 1}`]);
      ps.push((pr as { id: string }).id);
    }
    projects.push(ps);
  }
  return { tenants, projects };
}

const COLUMNS = ['tenant_id', 'project_id', 'title', 'detail', 'suggestion', 'category', 'type', 'severity', 'status', 'embedding', 'embedding_model', 'embedded_at'];

/** One multi-row INSERT; embeddings computed here, in Node, with the offline embedder. */
function insertBatch(layout: Layout, rows: { tenant: number; insight: Insight }[]): [string, unknown[]] {
  const params: unknown[] = [];
  const tuples = rows.map(({ tenant, insight: i }) => {
    const vec = `[${offlineEmbed(insightEmbeddingText(i)).join(',')}]`;
    const base = params.length;
    params.push(layout.tenants[tenant], layout.projects[tenant]?.[i.projectIndex], i.title, i.detail, i.suggestion, i.category, i.type, i.severity, i.status, vec, OFFLINE_EMBEDDING_MODEL);
    const p = (k: number) => `$${base + k}`;
    return `(${p(1)}::uuid, ${p(2)}::uuid, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}, ${p(9)}, ${p(10)}::vector, ${p(11)}, now())`;
  });
  return [`insert into workflow_insights (${COLUMNS.join(', ')}) values ${tuples.join(', ')}`, params];
}

async function seed(exec: Exec, layout: Layout, total: number): Promise<{ seedMs: number; indexMs: number }> {
  const rng = prng(1234);
  const perTenant = total / WORKSPACES;
  await exec(`drop index if exists ${HNSW_INDEX}`);
  const started = performance.now();
  let pending: Promise<unknown> | null = null;
  let done = 0;
  let lastReport = performance.now();
  for (let t = 0; t < WORKSPACES; t++) {
    for (let i = 0; i < perTenant; i += BATCH) {
      const n = Math.min(BATCH, perTenant - i);
      const rows = Array.from({ length: n }, (_, j) => ({ tenant: t, insight: makeInsight(rng, (i + j) % PROJECTS_PER_WORKSPACE) }));
      // Embed the next batch in Node while the previous INSERT runs in the server.
      const [text, params] = insertBatch(layout, rows);
      if (pending) await pending;
      pending = exec(text, params);
      done += n;
      if (performance.now() - lastReport > 10_000) {
        progress(`  seeded ${done.toLocaleString('en')} / ${total.toLocaleString('en')}`);
        lastReport = performance.now();
      }
    }
  }
  if (pending) await pending;
  const seedMs = performance.now() - started;
  progress(`  seeded ${total.toLocaleString('en')} insights in ${secs(seedMs)}; building HNSW index…`);
  const indexStarted = performance.now();
  await exec(CREATE_HNSW);
  const indexMs = performance.now() - indexStarted;
  await exec('analyze');
  progress(`  HNSW index built in ${secs(indexMs)} (+ analyze)`);
  return { seedMs, indexMs };
}

// --- measuring ------------------------------------------------------------------------

/** The same Database, with one planner setting applied transaction-locally at the start of every transaction. */
function withSetting(database: Database, name: string, value: string): Database {
  const base = database.db;
  const db = Object.create(base) as Db;
  db.transaction = ((fn: (tx: Tx) => Promise<unknown>, config?: unknown) =>
    base.transaction(async (tx) => {
      // jit off with enable_sort off: the disabled Sort's penalty cost pushes the text query's
      // (unchanged) plan over jit_above_cost, and JIT compilation then costs ~100 ms per query.
      await tx.execute(sql`select set_config(${name}, ${value}, true), set_config('jit', ${name === 'enable_sort' ? 'off' : current('jit')}, true)`);
      return fn(tx);
    }, config as never)) as Db['transaction'];
  return { ...database, db };
}

/** `current_setting(name)` as SQL, i.e. leave the setting as it is. */
const current = (name: string) => sql`current_setting(${name})`;

type Variant = 'planner' | 'hnsw' | 'exact';
const VARIANTS: Variant[] = ['planner', 'hnsw', 'exact'];

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(p * s.length) - 1)] ?? NaN;
};
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

type Latency = Record<Variant, number[]> & {
  /** Overlap of the final top-10 ids with the exact variant's, per query (last pass). */
  agreement: Record<Exclude<Variant, 'exact'>, number[]>;
};

async function measureLatency(database: Database, queries: Query[], passes: number): Promise<Latency> {
  const deps = (d: Database) => ({ database: d, vault: createVault(randomBytes(32)), log: createLogger('silent'), now: () => new Date(), timeoutMs: 30_000 });
  const variants: Record<Variant, ReturnType<typeof deps>> = {
    planner: deps(withSetting(database, 'enable_indexscan', 'on')),
    hnsw: deps(withSetting(database, 'enable_sort', 'off')),
    exact: deps(withSetting(database, 'enable_indexscan', 'off')),
  };
  const out: Latency = { planner: [], hnsw: [], exact: [], agreement: { planner: [], hnsw: [] } };
  for (let pass = 0; pass <= passes; pass++) {
    const lastIds = {} as Record<Variant, string[]>;
    for (const [i, q] of queries.entries()) {
      for (let k = 0; k < VARIANTS.length; k++) {
        const v = VARIANTS[(i + pass + k) % VARIANTS.length] as Variant;
        const started = performance.now();
        const r = await searchMemory(variants[v], { tenantId: q.tenantId, userId: null, projectPin: null }, zSearch.parse({ query: q.text, k: K }));
        const ms = performance.now() - started;
        if (pass > 0) out[v].push(ms); // pass 0 warms caches and the JIT
        lastIds[v] = r.hits.map((h) => h.id);
      }
      if (pass === passes) {
        const exact = new Set(lastIds.exact);
        for (const v of ['planner', 'hnsw'] as const) out.agreement[v].push(exact.size ? lastIds[v].filter((id) => exact.has(id)).length / exact.size : 1);
      }
    }
    progress(`  latency pass ${pass === 0 ? 'warm-up' : `${pass}/${passes}`} done`);
  }
  return out;
}

type Mode = 'exact' | 'planner' | 'hnsw' | 'hnsw-off' | 'hnsw-ef400';
type Scope = 'global' | 'tenant' | 'project';
const SCOPES: Scope[] = ['global', 'tenant', 'project'];
interface RecallRow {
  recall: number;
  returned: number;
  p50: number;
  p95: number;
}
type Recall = Record<Scope, Record<Mode, RecallRow> & { plannerUsedHnsw: number }>;

const VECTOR_QUERY = (projectId: string | null, qvec: string) => sql`select id from workflow_insights
  where embedding is not null and embedding_model = ${OFFLINE_EMBEDDING_MODEL} ${projectId ? sql`and project_id = ${projectId}` : sql``}
  order by embedding <=> ${qvec}::vector limit ${K}`;

async function setMode(tx: Tx, mode: Mode) {
  if (mode === 'exact') return void (await tx.execute(sql`select set_config('enable_indexscan', 'off', true)`));
  await tx.execute(sql`select set_config('hnsw.iterative_scan', ${mode === 'hnsw-off' ? 'off' : 'relaxed_order'}, true), set_config('hnsw.ef_search', ${mode === 'hnsw-ef400' ? '400' : '100'}, true)`);
  if (mode !== 'planner') await tx.execute(sql`select set_config('enable_sort', 'off', true), set_config('jit', 'off', true)`);
}

const rowsOf = <T>(r: unknown): T[] => (Array.isArray(r) ? r : (r as { rows: T[] }).rows) as T[];

/** Scope 'global': as the owner (a superuser here, so RLS does not apply), no tenant filter at all. */
function inScope<T>(database: Database, q: Query, scope: Scope, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return scope === 'global' ? database.db.transaction((tx) => fn(tx)) : withTenant(database, { tenantId: q.tenantId, userId: null }, fn);
}

async function vectorIds(database: Database, q: Query, scope: Scope, mode: Mode): Promise<string[]> {
  const projectId = scope === 'project' ? q.projectId : null;
  return inScope(database, q, scope, async (tx) => {
    await setMode(tx, mode);
    return rowsOf<{ id: string }>(await tx.execute(VECTOR_QUERY(projectId, q.vec))).map((r) => r.id);
  });
}

async function explainVector(database: Database, q: Query, scope: Scope, mode: Mode, analyze = true): Promise<string[]> {
  const projectId = scope === 'project' ? q.projectId : null;
  return inScope(database, q, scope, async (tx) => {
    await setMode(tx, mode);
    const opts = analyze ? sql`(analyze, costs off, timing off, summary off)` : sql`(costs off)`;
    const r = rowsOf<{ 'QUERY PLAN': string }>(await tx.execute(sql`explain ${opts} ${VECTOR_QUERY(projectId, q.vec)}`));
    return r.map((x) => x['QUERY PLAN'].replace(/'\[[^\]]*\]'::vector/g, 'q'));
  });
}

/** The vector candidate query exactly as search.ts sends it (LIMIT 50, iterative scan), explained. */
async function explainSearchCandidates(database: Database, q: Query): Promise<string[]> {
  return withTenant(database, { tenantId: q.tenantId, userId: null }, async (tx) => {
    await tx.execute(sql`select set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.ef_search', '100', true)`);
    const r = rowsOf<{ 'QUERY PLAN': string }>(
      await tx.execute(sql`explain (analyze, costs off, timing off, summary off) select id from workflow_insights
        where embedding is not null and embedding_model = ${OFFLINE_EMBEDDING_MODEL} and true
        order by embedding <=> ${q.vec}::vector limit ${Math.max(50, K * 5)}`),
    );
    return r.map((x) => x['QUERY PLAN'].replace(/'\[[^\]]*\]'::vector/g, 'q'));
  });
}

async function measureRecall(database: Database, queries: Query[]): Promise<Recall> {
  const modes: Mode[] = ['exact', 'planner', 'hnsw', 'hnsw-off', 'hnsw-ef400'];
  const usedHnsw = { global: 0, tenant: 0, project: 0 };
  const acc = { global: {}, tenant: {}, project: {} } as Record<Scope, Record<Mode, { recall: number[]; returned: number[]; ms: number[] }>>;
  for (const scope of SCOPES) for (const m of modes) acc[scope][m] = { recall: [], returned: [], ms: [] };
  // Warm-up (untimed): touch each query once per mode.
  for (const q of queries.slice(0, 5)) for (const m of modes) await vectorIds(database, q, 'tenant', m);
  for (const [i, q] of queries.entries()) {
    for (const scope of SCOPES) {
      const ids = {} as Record<Mode, string[]>;
      // Rotate the order so drift hits every mode equally.
      for (let k = 0; k < modes.length; k++) {
        const m = modes[(i + k) % modes.length] as Mode;
        const started = performance.now();
        ids[m] = await vectorIds(database, q, scope, m);
        acc[scope][m].ms.push(performance.now() - started);
      }
      if ((await explainVector(database, q, scope, 'planner', false)).some((l) => l.includes(HNSW_INDEX))) usedHnsw[scope]++;
      const truth = new Set(ids.exact);
      for (const m of modes) {
        acc[scope][m].returned.push(ids[m].length);
        acc[scope][m].recall.push(truth.size ? ids[m].filter((id) => truth.has(id)).length / truth.size : 1);
      }
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / (xs.length || 1);
  const out = { global: { plannerUsedHnsw: usedHnsw.global }, tenant: { plannerUsedHnsw: usedHnsw.tenant }, project: { plannerUsedHnsw: usedHnsw.project } } as Recall;
  for (const scope of SCOPES) {
    for (const m of modes) {
      const a = acc[scope][m];
      out[scope][m] = { recall: mean(a.recall), returned: mean(a.returned), p50: percentile(a.ms, 0.5), p95: percentile(a.ms, 0.95) };
    }
  }
  progress('  recall done');
  return out;
}

interface Result {
  backend: string;
  rows: number;
  seedMs: number;
  indexMs: number;
  latency: Latency;
  recall: Recall;
  latencyMs: number;
  recallMs: number;
}

async function bench(backend: string, database: Database, exec: Exec, rows: number, passes: number): Promise<Result> {
  progress(`${backend}: migrating`);
  await runMigrations(database);
  const layout = await createLayout(database);
  const { seedMs, indexMs } = await seed(exec, layout, rows);
  const [{ n, size }] = (await database.raw<{ n: number; size: string }>(
    `select count(*)::int as n, pg_size_pretty(pg_relation_size('${HNSW_INDEX}')) as size from workflow_insights`,
  )) as [{ n: number; size: string }];
  progress(`  ${n.toLocaleString('en')} insights; HNSW index ${size}`);

  const queries = makeQueries(layout);
  const q0 = queries[1] as Query;
  const planSummary = (lines: string[]) => lines.filter((l) => /Scan|Sort |Limit|Filter|Cond/.test(l) && !/Sort Method/.test(l)).map((l) => l.trim().replace(/^->\s*/, ''));
  console.log(`  plan, search vector candidates (LIMIT 50, RLS, iterative scan) for "${q0.text}":\n    ${(await explainSearchCandidates(database, q0)).join('\n    ')}`);
  for (const [label, scope, mode] of [
    ['tenant, planner (search settings)', 'tenant', 'planner'],
    ['tenant, hnsw forced', 'tenant', 'hnsw'],
    ['tenant, exact', 'tenant', 'exact'],
    ['project, planner (search settings)', 'project', 'planner'],
    ['project, hnsw forced', 'project', 'hnsw'],
    ['project, exact', 'project', 'exact'],
  ] as const) {
    console.log(`  plan, ${label} (LIMIT ${K}):\n      ${planSummary(await explainVector(database, q0, scope, mode)).join('\n      ')}`);
  }

  progress(`${backend}: latency (${QUERIES} queries × ${passes} passes × {planner, hnsw, exact}, interleaved)`);
  const latStarted = performance.now();
  const latency = await measureLatency(database, queries, passes);
  const latencyMs = performance.now() - latStarted;
  progress(`${backend}: recall@${K} (${QUERIES} queries, tenant and project filters)`);
  const recStarted = performance.now();
  const recall = await measureRecall(database, queries);
  return { backend, rows, seedMs, indexMs, latency, recall, latencyMs, recallMs: performance.now() - recStarted };
}

function report(r: Result) {
  const { latency: l, recall } = r;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / (xs.length || 1);
  console.log(`\n=== ${r.backend}: ${r.rows.toLocaleString('en')} insights, ${WORKSPACES} workspaces × ${PROJECTS_PER_WORKSPACE} projects ===`);
  console.log(`phases: seed ${secs(r.seedMs)}, HNSW build ${secs(r.indexMs)}, latency ${secs(r.latencyMs)}, recall ${secs(r.recallMs)}`);
  console.log(`searchMemory (k=${K}, full hybrid call, ${l.exact.length} samples each):`);
  const notes: Record<Variant, string> = {
    planner: `as shipped; planner picked HNSW for the LIMIT ${K} tenant query in ${recall.tenant.plannerUsedHnsw}/${QUERIES} queries`,
    hnsw: 'enable_sort=off: HNSW index scan forced',
    exact: 'enable_indexscan=off: exact distances over the tenant rows + sort',
  };
  for (const v of VARIANTS) {
    const agree = v === 'exact' ? '' : `, top-${K} agreement with exact ${mean(l.agreement[v]).toFixed(3)}`;
    console.log(`  ${v.padEnd(8)} p50 ${fmt(percentile(l[v], 0.5)).padStart(9)}  p95 ${fmt(percentile(l[v], 0.95)).padStart(9)}   (${notes[v]}${agree})`);
  }
  console.log(`vector query ORDER BY embedding <=> q LIMIT ${K}, recall@${K} vs exact; tenant/project: as nyxcore_app under RLS (+ project_id = …);`);
  console.log(`  global: as the owner (superuser, RLS not applied), all ${r.rows.toLocaleString('en')} rows — a diagnostic of the graph itself, no filter`);
  console.log(`  filter   mode                                             recall  returned    p50       p95`);
  for (const scope of SCOPES) {
    for (const [m, label] of [
      ['planner', `planner, search settings (HNSW in ${recall[scope].plannerUsedHnsw}/${QUERIES})`],
      ['hnsw', 'HNSW forced, iterative relaxed_order, ef 100'],
      ['hnsw-off', 'HNSW forced, iterative scan off, ef 100'],
      ['hnsw-ef400', 'HNSW forced, iterative relaxed_order, ef 400'],
      ['exact', 'exact (enable_indexscan=off)'],
    ] as const) {
      const x = recall[scope][m];
      console.log(`  ${scope.padEnd(8)} ${label.padEnd(48)} ${x.recall.toFixed(3)}  ${x.returned.toFixed(1).padStart(6)}  ${fmt(x.p50).padStart(9)} ${fmt(x.p95).padStart(9)}`);
    }
  }
}

async function recreate() {
  const admin = new pg.Client({ connectionString: new URL('/postgres', url).toString() });
  await admin.connect();
  const db = url.pathname.slice(1);
  await admin.query(`drop database if exists ${db} with (force)`);
  await admin.query(`create database ${db}`);
  await admin.end();
}

async function postgres(): Promise<Result> {
  await recreate();
  const database = await openDatabase({ mode: 'postgres', url: url.toString(), poolSize: 4 });
  const loader = new pg.Client({ connectionString: url.toString() });
  await loader.connect();
  loader.on('notice', (n) => progress(`  server notice: ${n.message ?? ''}`));
  await loader.query(`set maintenance_work_mem = '2GB'`);
  try {
    return await bench('PostgreSQL', database, (text, params) => loader.query(text, params), PG_ROWS, PG_PASSES);
  } finally {
    await loader.end();
    await database.close();
  }
}

async function pglite(): Promise<Result> {
  const database = await openDatabase({ mode: 'embedded', dataDir: null });
  await database.raw(`set maintenance_work_mem = '512MB'`);
  try {
    return await bench('PGlite (in memory)', database, (text, params) => database.raw(text, params), PGLITE_ROWS, PGLITE_PASSES);
  } finally {
    await database.close();
  }
}

async function main() {
  const results: Result[] = [];
  if (runPostgres) results.push(await postgres());
  if (runPglite) results.push(await pglite());
  for (const r of results) report(r);
  console.log('\nsummary');
  console.log('  search p50 / p95 (ms), full searchMemory call; recall@10 vs exact, tenant | project filter');
  console.log('  backend                 rows   planner (as shipped)  hnsw forced     exact           recall planner   recall hnsw forced');
  for (const r of results) {
    const l = r.latency;
    const pair = (xs: number[]) => `${percentile(xs, 0.5).toFixed(1)} / ${percentile(xs, 0.95).toFixed(1)}`;
    const rec = (m: Mode) => `${r.recall.tenant[m].recall.toFixed(3)} | ${r.recall.project[m].recall.toFixed(3)}`;
    console.log(`  ${r.backend.padEnd(20)} ${r.rows.toLocaleString('en').padStart(7)}   ${pair(l.planner).padEnd(20)}  ${pair(l.hnsw).padEnd(14)}  ${pair(l.exact).padEnd(14)}  ${rec('planner').padEnd(15)}  ${rec('hnsw')}`);
  }
  console.log('  targets (PostgreSQL, 2 cores): recall@10 ≥ 0.95 vs exact, search p95 ≤ 30 ms');
  console.log(`total ${elapsed().trim()}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
