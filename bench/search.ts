/**
 * npm run bench:search — latency and recall of hybrid memory search (src/features/memory/search.ts).
 *
 *   tsx bench/search.ts [postgres-url] [--postgres-only | --pglite-only] [--vectors=offline|dense|both]
 *
 * PostgreSQL (default postgres://postgres@127.0.0.1:5432/nyxcore_search_bench, dropped and
 * recreated each run): 100,000 workflow insights over 20 workspaces × 10 projects, text from a
 * fixed-seed PRNG over an engineering vocabulary (topic clusters + Zipf-distributed terms, so
 * full-text search sees both selective and common terms), offline embeddings of exactly what
 * `insightEmbeddingText` produces. The HNSW index is dropped for the load and rebuilt after it
 * (same name and definition as the migration). PGlite (in memory): the same with 10,000 rows.
 *
 * Measured, per backend:
 *   latency  (offline vectors only) the full `searchMemory` call (k=10, default kinds), p50/p95, three variants
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
 *            with HNSW forced (enable_sort = off), and HNSW forced with iterative scan off or
 *            ef_search 400 (dense: planner and HNSW forced at ef_search 40 and 100); for the
 *            tenant alone (5% of rows), with a project filter (0.5% of rows), and globally.
 *   hybrid   a proxy for the hybrid path: the statements searchMemory runs in its search
 *            transaction (as nyxcore_app under RLS; set_config iterative scan relaxed_order,
 *            ef_search 100, jit off; per kind entry + insight: vector candidates LIMIT 20, text
 *            candidates LIMIT 50, union scoring; then ts_headline details of the top 10), timed
 *            end to end in that one transaction with a given query vector. It leaves out the two
 *            short transactions searchMemory opens before (memory settings, embedder lookup) and
 *            the query embedding; measured in both vector modes, so the offline numbers calibrate it
 *            against the full call.
 *
 * --vectors (default both):
 *   offline  embeddings by the offline feature-hashing embedder, as nyxCore stores them without
 *            an embedding provider: sparse, nearly orthogonal vectors (hard for HNSW).
 *   dense    SYNTHETIC DENSE VECTORS (embedding-model-like geometry), NOT real-model numbers: the
 *            same rows, text, tenants and projects, but each insight's embedding is
 *            normalize(a·centroid[topic] + b·subtopic[topic, category] + c·gaussian noise) in 1536-d
 *            (fixed-seed PRNG; random unit centroids, one per topic cluster of the text generator,
 *            one subtopic direction per topic × category; a² = 0.55, b² = 0.15, c² = 0.30, so
 *            same-topic cosine ≈ 0.55 (0.70 in the same subtopic) and other topics ≈ 0; the
 *            observed means over a sample are printed). Queries: same tenants/projects/text, vector
 *            drawn the same way from the query's topic. embedding_model stays offline-hash-v2, so
 *            searchMemory (which embeds the query with the offline embedder) is not run on dense
 *            data: dense measures recall and latency of the vector query (planner as shipped and
 *            HNSW forced, ef_search 40 and 100, iterative scan relaxed_order) and the hybrid proxy.
 *            PostgreSQL: seeded into a separate database, <name>_dense (also dropped and recreated
 *            each run; the offline database is left as it is); PGlite: a second in-memory instance
 *            with 10,000 rows. Same seeding path and HNSW build after the load.
 * No assertions; targets (PostgreSQL): recall@10 ≥ 0.95, search p95 ≤ 30 ms on 2 cores.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { insightEmbeddingText } from '../src/features/memory/embedding.js';
import { zSearch } from '../src/features/memory/schema.js';
import { HIGHLIGHT_END, HIGHLIGHT_START, searchMemory } from '../src/features/memory/search.js';
import { openDatabase, type Database, type Db } from '../src/platform/db/client.js';
import { runMigrations } from '../src/platform/db/migrate.js';
import { rowsOf } from '../src/platform/db/sql.js';
import { EMBEDDING_DIMENSIONS, insightSeverities, insightStatuses, insightTypes } from '../src/platform/db/schema/index.js';
import { withTenant, type Tx } from '../src/platform/db/tenant.js';
import { minVectorScore, OFFLINE_EMBEDDING_MODEL, offlineEmbed } from '../src/platform/llm/embeddings.js';
import { createVault } from '../src/platform/llm/vault.js';
import { createLogger } from '../src/platform/logger.js';
import { prng } from './prng.js';

const args = process.argv.slice(2);
const url = new URL(args.find((a) => !a.startsWith('--')) ?? 'postgres://postgres@127.0.0.1:5432/nyxcore_search_bench');
const runPostgres = !args.includes('--pglite-only');
const runPglite = !args.includes('--postgres-only');
type VectorMode = 'offline' | 'dense';
const vectorsArg = args.find((a) => a.startsWith('--vectors='))?.slice('--vectors='.length) ?? 'both';
if (!['offline', 'dense', 'both'].includes(vectorsArg)) throw new Error(`--vectors must be offline, dense or both, not "${vectorsArg}"`);
const vectorModes: VectorMode[] = vectorsArg === 'both' ? ['offline', 'dense'] : [vectorsArg as VectorMode];
const DENSE_LABEL = 'synthetic dense vectors (embedding-model-like geometry)';

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
  /** Index into topicTerms: the topic cluster of the text (and of the dense vector). */
  topic: number;
  /** Index into categories: the dense vector's subtopic within the topic. */
  categoryIndex: number;
  title: string;
  detail: string;
  suggestion: string;
  category: string;
  type: string;
  severity: string;
  status: string;
}

function makeInsight(rng: () => number, projectIndex: number): Insight {
  const topicIndex = Math.floor(rng() * TOPICS);
  const topic = topicTerms[topicIndex] as string[];
  const detailSentences = 2 + Math.floor(rng() * 3);
  const title = sentence(rng, topic, 4 + Math.floor(rng() * 5)).slice(0, -1);
  const detail = Array.from({ length: detailSentences }, () => sentence(rng, topic, 8 + Math.floor(rng() * 10))).join(' ');
  const suggestion = sentence(rng, topic, 6 + Math.floor(rng() * 8));
  // Same draws, in the same order, as pick(rng, categories): the text is unchanged.
  const categoryIndex = Math.floor(rng() * categories.length);
  return {
    projectIndex,
    topic: topicIndex,
    categoryIndex,
    title,
    detail,
    suggestion,
    category: categories[categoryIndex] as string,
    type: pick(rng, insightTypes),
    severity: pick(rng, insightSeverities),
    status: pick(rng, insightStatuses),
  };
}

// --- synthetic dense vectors (embedding-model-like geometry; NOT a real model) ---------

/** Weights of the unit-norm parts: topic centroid, subtopic direction, isotropic noise. */
const DENSE = { topic: Math.sqrt(0.55), subtopic: Math.sqrt(0.15), noise: Math.sqrt(0.3) };

/** Standard normal draws (Box–Muller) from a uniform PRNG. */
function gaussian(rng: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const u = 1 - rng(); // (0, 1]
    const r = Math.sqrt(-2 * Math.log(u));
    const th = 2 * Math.PI * rng();
    spare = r * Math.sin(th);
    return r * Math.cos(th);
  };
}

function normalizeInPlace(v: Float64Array): Float64Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / n;
  return v;
}

const randomUnit = (g: () => number) => normalizeInPlace(Float64Array.from({ length: EMBEDDING_DIMENSIONS }, g));

/** One random unit centroid per topic cluster and one random unit direction per topic × category. */
const denseBasis = (() => {
  const g = gaussian(prng(2025));
  const centroids = Array.from({ length: TOPICS }, () => randomUnit(g));
  const subtopics = Array.from({ length: TOPICS }, () => Array.from({ length: categories.length }, () => randomUnit(g)));
  return { centroids, subtopics };
})();

/** normalize(a·centroid[topic] + b·subtopic[topic][sub] + c·noise), noise ~ N(0, I/d) so |noise| ≈ 1. */
function denseVector(g: () => number, topic: number, sub: number): Float64Array {
  const c = denseBasis.centroids[topic] as Float64Array;
  const s = (denseBasis.subtopics[topic] as Float64Array[])[sub] as Float64Array;
  const sd = DENSE.noise / Math.sqrt(EMBEDDING_DIMENSIONS);
  const v = new Float64Array(EMBEDDING_DIMENSIONS);
  for (let i = 0; i < v.length; i++) v[i] = DENSE.topic * (c[i] as number) + DENSE.subtopic * (s[i] as number) + sd * g();
  return normalizeInPlace(v);
}

/** pgvector text literal, 7 decimals (components are ~0.03; float4 keeps ~7 significant digits). 3× faster than toFixed. */
function vectorLiteral(v: Float64Array): string {
  let s = '[';
  for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + String(Math.round((v[i] as number) * 1e7) / 1e7);
  return `${s}]`;
}

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
};

interface DenseSample {
  topic: number;
  sub: number;
  v: Float64Array;
}

interface Cosines {
  samples: number;
  sameSubtopic: number;
  sameTopic: number;
  sameTopicOtherSubtopic: number;
  otherTopic: number;
  otherTopicSd: number;
  /** Dense query vs sampled documents of its topic / of other topics. */
  queryTopic: number;
  queryOther: number;
}

function observeCosines(sample: DenseSample[], queries: Query[]): Cosines {
  const acc = { sub: [0, 0], topic: [0, 0], topicOther: [0, 0], other: [0, 0, 0], qTopic: [0, 0], qOther: [0, 0] };
  const add = (a: number[], x: number) => {
    a[0] = (a[0] as number) + x;
    a[1] = (a[1] as number) + 1;
    if (a.length > 2) a[2] = (a[2] as number) + x * x;
  };
  for (let i = 0; i < sample.length; i++) {
    const a = sample[i] as DenseSample;
    for (let j = i + 1; j < sample.length; j++) {
      const b = sample[j] as DenseSample;
      const cos = dot(a.v, b.v);
      if (a.topic !== b.topic) add(acc.other, cos);
      else {
        add(acc.topic, cos);
        add(a.sub === b.sub ? acc.sub : acc.topicOther, cos);
      }
    }
  }
  for (const q of queries) {
    if (!q.dense) continue;
    for (const d of sample) add(d.topic === q.topic ? acc.qTopic : acc.qOther, dot(q.dense, d.v));
  }
  const m = (a: number[]) => (a[0] as number) / ((a[1] as number) || 1);
  const om = m(acc.other);
  return {
    samples: sample.length,
    sameSubtopic: m(acc.sub),
    sameTopic: m(acc.topic),
    sameTopicOtherSubtopic: m(acc.topicOther),
    otherTopic: om,
    otherTopicSd: Math.sqrt(Math.max(0, (acc.other[2] as number) / ((acc.other[1] as number) || 1) - om * om)),
    queryTopic: m(acc.qTopic),
    queryOther: m(acc.qOther),
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
  topic: number;
  /** The stored-vector literal the vector queries use: offline embedding of text, or the dense vector. */
  vec: string;
  dense: Float64Array | null;
}

function makeQueries(layout: Layout, vectors: VectorMode): Query[] {
  const rng = prng(42);
  // Dense query vectors from their own stream, so tenants, projects and text match the offline run.
  const dg = gaussian(prng(4242));
  const drng = prng(4343);
  return Array.from({ length: QUERIES }, (_, i) => {
    const t = Math.floor(rng() * layout.tenants.length);
    const topicIndex = Math.floor(rng() * TOPICS);
    const topic = topicTerms[topicIndex] as string[];
    const n = 2 + Math.floor(rng() * 3);
    const terms: string[] = [];
    for (let j = 0; j < n; j++) {
      // Thirds: common terms only (head of the vocabulary), topic terms, topic + a rare term.
      if (i % 3 === 0) terms.push(vocabulary[Math.floor(rng() * 30)] as string);
      else if (i % 3 === 2 && j === 0) terms.push(vocabulary[vocabulary.length - 1 - Math.floor(rng() * 150)] as string);
      else terms.push(pick(rng, topic));
    }
    const text = terms.join(' ');
    const projectId = pick(rng, layout.projects[t] as string[]);
    const dense = vectors === 'dense' ? denseVector(dg, topicIndex, Math.floor(drng() * categories.length)) : null;
    return {
      tenantId: layout.tenants[t] as string,
      projectId,
      text,
      topic: topicIndex,
      vec: dense ? vectorLiteral(dense) : `[${offlineEmbed(text).join(',')}]`,
      dense,
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

/** The stored embedding of an insight, as a pgvector literal. */
type VectorOf = (i: Insight) => string;

/** Offline mode: the offline embedder over exactly what insightEmbeddingText produces. */
const offlineVectorOf: VectorOf = (i) => `[${offlineEmbed(insightEmbeddingText(i)).join(',')}]`;

/** Dense mode: a synthetic dense vector from the insight's topic and category; keeps every 100th for the cosine sample. */
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

/** One multi-row INSERT; embeddings computed here, in Node. */
function insertBatch(layout: Layout, rows: { tenant: number; insight: Insight }[], vectorOf: VectorOf): [string, unknown[]] {
  const params: unknown[] = [];
  const tuples = rows.map(({ tenant, insight: i }) => {
    const vec = vectorOf(i);
    const base = params.length;
    params.push(layout.tenants[tenant], layout.projects[tenant]?.[i.projectIndex], i.title, i.detail, i.suggestion, i.category, i.type, i.severity, i.status, vec, OFFLINE_EMBEDDING_MODEL);
    const p = (k: number) => `$${base + k}`;
    return `(${p(1)}::uuid, ${p(2)}::uuid, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}, ${p(9)}, ${p(10)}::vector, ${p(11)}, now())`;
  });
  return [`insert into workflow_insights (${COLUMNS.join(', ')}) values ${tuples.join(', ')}`, params];
}

async function seed(exec: Exec, layout: Layout, total: number, vectorOf: VectorOf): Promise<{ seedMs: number; indexMs: number }> {
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
      const [text, params] = insertBatch(layout, rows, vectorOf);
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

type Mode = 'exact' | 'planner' | 'hnsw' | 'hnsw-off' | 'hnsw-ef400' | 'planner-ef40' | 'hnsw-ef40';
/** Offline mode: as before. Dense mode: planner and HNSW forced at ef_search 40 and 100, HNSW at 400. */
const MODES: Record<VectorMode, Mode[]> = {
  offline: ['exact', 'planner', 'hnsw', 'hnsw-off', 'hnsw-ef400'],
  dense: ['exact', 'planner', 'hnsw', 'planner-ef40', 'hnsw-ef40', 'hnsw-ef400'],
};
const MODE_LABELS: Record<Mode, string> = {
  planner: 'planner, search settings (relaxed_order, ef 100)',
  'planner-ef40': 'planner, relaxed_order, ef 40',
  hnsw: 'HNSW forced, iterative relaxed_order, ef 100',
  'hnsw-ef40': 'HNSW forced, iterative relaxed_order, ef 40',
  'hnsw-off': 'HNSW forced, iterative scan off, ef 100',
  'hnsw-ef400': 'HNSW forced, iterative relaxed_order, ef 400',
  exact: 'exact (enable_indexscan=off)',
};
type Scope = 'global' | 'tenant' | 'project';
const SCOPES: Scope[] = ['global', 'tenant', 'project'];
interface RecallRow {
  recall: number;
  returned: number;
  p50: number;
  p95: number;
}
/** Only the modes of the run's vector mode are present. */
type Recall = Record<Scope, Partial<Record<Mode, RecallRow>> & { plannerUsedHnsw: number }>;
const NO_ROW: RecallRow = { recall: NaN, returned: NaN, p50: NaN, p95: NaN };
const rowOf = (recall: Recall, scope: Scope, mode: Mode): RecallRow => recall[scope][mode] ?? NO_ROW;

const VECTOR_QUERY = (projectId: string | null, qvec: string) => sql`select id from workflow_insights
  where embedding is not null and embedding_model = ${OFFLINE_EMBEDDING_MODEL} ${projectId ? sql`and project_id = ${projectId}` : sql``}
  order by embedding <=> ${qvec}::vector limit ${K}`;

async function setMode(tx: Tx, mode: Mode) {
  if (mode === 'exact') return void (await tx.execute(sql`select set_config('enable_indexscan', 'off', true)`));
  const ef = mode === 'hnsw-ef400' ? '400' : mode.endsWith('-ef40') ? '40' : '100';
  await tx.execute(sql`select set_config('hnsw.iterative_scan', ${mode === 'hnsw-off' ? 'off' : 'relaxed_order'}, true), set_config('hnsw.ef_search', ${ef}, true)`);
  if (mode.startsWith('hnsw')) await tx.execute(sql`select set_config('enable_sort', 'off', true), set_config('jit', 'off', true)`);
}


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

/** Vector candidates per kind in search.ts: max(20, 2k); text candidates: max(50, 5k). */
const VECTOR_CANDIDATES = Math.max(20, K * 2);
const TEXT_CANDIDATES = Math.max(50, K * 5);
/** search.ts's settings for its search transaction. */
const SEARCH_SETTINGS = sql`select set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.ef_search', '100', true), set_config('jit', 'off', true)`;

/** The vector candidate query exactly as search.ts sends it (LIMIT 20, iterative scan), explained. */
async function explainSearchCandidates(database: Database, q: Query): Promise<string[]> {
  return withTenant(database, { tenantId: q.tenantId, userId: null }, async (tx) => {
    await tx.execute(SEARCH_SETTINGS);
    const r = rowsOf<{ 'QUERY PLAN': string }>(
      await tx.execute(sql`explain (analyze, costs off, timing off, summary off) select id from workflow_insights
        where embedding is not null and embedding_model = ${OFFLINE_EMBEDDING_MODEL} and true
        order by embedding <=> ${q.vec}::vector limit ${VECTOR_CANDIDATES}`),
    );
    return r.map((x) => x['QUERY PLAN'].replace(/'\[[^\]]*\]'::vector/g, 'q'));
  });
}

async function measureRecall(database: Database, queries: Query[], modes: Mode[]): Promise<Recall> {
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

// --- hybrid-path proxy ---------------------------------------------------------------

const HEADLINE_OPTS = `StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_END}, MaxFragments=2, MaxWords=28, MinWords=10, FragmentDelimiter=" … "`;
const PROXY_KINDS = [
  { kind: 'entry', table: sql`memory_entries`, body: sql`content` },
  { kind: 'insight', table: sql`workflow_insights`, body: sql`(detail || ' ' || suggestion)` },
] as const;

/**
 * The statements of searchMemory's search transaction (default kinds, no filters, weighted mode
 * with the default weights), with the query vector given instead of embedded: settings, then per
 * kind vector candidates, text candidates and union scoring, then the details of the top k.
 */
async function hybridProxy(database: Database, q: Query): Promise<string[]> {
  return withTenant(database, { tenantId: q.tenantId, userId: null }, async (tx) => {
    await tx.execute(SEARCH_SETTINGS);
    const raw = (
      await Promise.all(
        PROXY_KINDS.map(async (spec) => {
          const vector = rowsOf<{ id: string }>(
            await tx.execute(sql`select id from ${spec.table}
              where embedding is not null and embedding_model = ${OFFLINE_EMBEDDING_MODEL} and true
              order by embedding <=> ${q.vec}::vector limit ${VECTOR_CANDIDATES}`),
          ).map((r) => r.id);
          const text = rowsOf<{ id: string }>(
            await tx.execute(sql`select id from ${spec.table}, websearch_to_tsquery('english', ${q.text}) q
              where search @@ q and true
              order by ts_rank_cd(search, q, 32) desc, id limit ${TEXT_CANDIDATES}`),
          ).map((r) => r.id);
          const ids = [...new Set([...vector, ...text])];
          if (!ids.length) return [];
          const scored = rowsOf<{ id: string; vscore: number | null; tscore: number }>(
            await tx.execute(sql`select id,
                case when embedding is not null and embedding_model = ${OFFLINE_EMBEDDING_MODEL} then 1 - (embedding <=> ${q.vec}::vector) end as vscore,
                ts_rank_cd(search, websearch_to_tsquery('english', ${q.text}), 32) as tscore
              from ${spec.table} where id = any(array[${sql.join(ids.map((id) => sql`${id}`), sql`, `)}]::uuid[])`),
          );
          return scored.map((r) => ({ kind: spec.kind, id: r.id, vectorScore: Math.max(0, Number(r.vscore ?? 0)), textScore: Number(r.tscore) }));
        }),
      )
    ).flat();
    const floor = minVectorScore(OFFLINE_EMBEDDING_MODEL);
    const top = raw
      .filter((c) => c.textScore > 0 || c.vectorScore >= floor)
      .map((c) => ({ ...c, score: 0.7 * c.vectorScore + 0.3 * c.textScore }))
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
      .slice(0, K);
    for (const spec of PROXY_KINDS) {
      const ids = top.filter((t) => t.kind === spec.kind).map((t) => t.id);
      if (!ids.length) continue;
      const extra = spec.kind === 'entry' ? sql`tags, null::text as type, null::text as severity, null::text as status` : sql`'{}'::text[] as tags, type, severity, status`;
      await tx.execute(sql`select id, project_id, ts_headline('english', title, q, ${`StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_END}, HighlightAll=true`}) as title,
          ts_headline('english', left(${spec.body}, 20000), q, ${HEADLINE_OPTS}) as snippet, ${extra}
        from ${spec.table}, websearch_to_tsquery('english', ${q.text}) q where id = any(array[${sql.join(ids.map((id) => sql`${id}`), sql`, `)}]::uuid[])`);
    }
    return top.map((t) => t.id);
  });
}

interface Hybrid {
  ms: number[];
  /** Mean number of results per query, last pass. */
  hits: number;
}

async function measureHybrid(database: Database, queries: Query[], passes: number): Promise<Hybrid> {
  const ms: number[] = [];
  let hits = 0;
  for (let pass = 0; pass <= passes; pass++) {
    for (const q of queries) {
      const started = performance.now();
      const ids = await hybridProxy(database, q);
      if (pass > 0) ms.push(performance.now() - started); // pass 0 warms caches
      if (pass === passes) hits += ids.length;
    }
  }
  progress(`  hybrid-path proxy done (${passes} passes + warm-up)`);
  return { ms, hits: hits / queries.length };
}

interface Result {
  backend: string;
  /** Where: the PostgreSQL database name, or "in memory". */
  where: string;
  vectors: VectorMode;
  rows: number;
  seedMs: number;
  indexMs: number;
  /** Full searchMemory calls; offline mode only. */
  latency: Latency | null;
  hybrid: Hybrid;
  recall: Recall;
  cosines: Cosines | null;
  latencyMs: number;
  hybridMs: number;
  recallMs: number;
}

async function bench(backend: string, where: string, vectors: VectorMode, database: Database, exec: Exec, rows: number, passes: number): Promise<Result> {
  const tag = `${backend} (${where}) [${vectors === 'dense' ? DENSE_LABEL : 'offline embedder'}]`;
  progress(`${tag}: migrating`);
  await runMigrations(database);
  const layout = await createLayout(database);
  const dense = vectors === 'dense' ? denseVectorSource() : null;
  const { seedMs, indexMs } = await seed(exec, layout, rows, dense ? dense.vectorOf : offlineVectorOf);
  const [{ n, size }] = (await database.raw<{ n: number; size: string }>(
    `select count(*)::int as n, pg_size_pretty(pg_relation_size('${HNSW_INDEX}')) as size from workflow_insights`,
  )) as [{ n: number; size: string }];
  progress(`  ${n.toLocaleString('en')} insights; HNSW index ${size}`);

  const queries = makeQueries(layout, vectors);
  const cosines = dense ? observeCosines(dense.sample, queries) : null;
  if (cosines) {
    const f = (x: number) => x.toFixed(3);
    console.log(`  dense geometry, ${cosines.samples} sampled insights: mean cosine same topic ${f(cosines.sameTopic)} (same subtopic ${f(cosines.sameSubtopic)}, other subtopic ${f(cosines.sameTopicOtherSubtopic)}), other topics ${f(cosines.otherTopic)} ± ${f(cosines.otherTopicSd)}; query vs its topic ${f(cosines.queryTopic)}, vs other topics ${f(cosines.queryOther)}`);
  }
  const q0 = queries[1] as Query;
  const planSummary = (lines: string[]) => lines.filter((l) => /Scan|Sort |Limit|Filter|Cond/.test(l) && !/Sort Method/.test(l)).map((l) => l.trim().replace(/^->\s*/, ''));
  console.log(`  plan, search vector candidates (LIMIT ${VECTOR_CANDIDATES}, RLS, iterative scan, search settings) for "${q0.text}":\n    ${(await explainSearchCandidates(database, q0)).join('\n    ')}`);
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

  let latency: Latency | null = null;
  let latencyMs = 0;
  if (vectors === 'offline') {
    progress(`${tag}: latency (${QUERIES} queries × ${passes} passes × {planner, hnsw, exact}, interleaved)`);
    const latStarted = performance.now();
    latency = await measureLatency(database, queries, passes);
    latencyMs = performance.now() - latStarted;
  }
  progress(`${tag}: hybrid-path proxy (${QUERIES} queries × ${passes} passes)`);
  const hybStarted = performance.now();
  const hybrid = await measureHybrid(database, queries, passes);
  const hybridMs = performance.now() - hybStarted;
  progress(`${tag}: recall@${K} (${QUERIES} queries, global, tenant and project filters)`);
  const recStarted = performance.now();
  const recall = await measureRecall(database, queries, MODES[vectors]);
  return { backend, where, vectors, rows, seedMs, indexMs, latency, hybrid, recall, cosines, latencyMs, hybridMs, recallMs: performance.now() - recStarted };
}

function report(r: Result) {
  const { latency: l, recall } = r;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / (xs.length || 1);
  const label = r.vectors === 'dense' ? `${DENSE_LABEL.toUpperCase()}, not real-model numbers` : 'offline feature-hashing embedder';
  console.log(`\n=== ${r.backend} (${r.where}): ${r.rows.toLocaleString('en')} insights, ${WORKSPACES} workspaces × ${PROJECTS_PER_WORKSPACE} projects; vectors: ${label} ===`);
  console.log(`phases: seed ${secs(r.seedMs)}, HNSW build ${secs(r.indexMs)}, ${l ? `latency ${secs(r.latencyMs)}, ` : ''}hybrid proxy ${secs(r.hybridMs)}, recall ${secs(r.recallMs)}`);
  if (r.cosines) {
    const c = r.cosines;
    console.log(`geometry (${c.samples} sampled insights): mean cosine same topic ${c.sameTopic.toFixed(3)} (same subtopic ${c.sameSubtopic.toFixed(3)}, other subtopic ${c.sameTopicOtherSubtopic.toFixed(3)}), other topics ${c.otherTopic.toFixed(3)} ± ${c.otherTopicSd.toFixed(3)}; query vs docs of its topic ${c.queryTopic.toFixed(3)}, of other topics ${c.queryOther.toFixed(3)}`);
  }
  if (l) {
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
  } else {
    console.log(`searchMemory: not run (it embeds the query with the offline embedder; the stored vectors are synthetic dense ones)`);
  }
  console.log(
    `hybrid-path proxy (search transaction only, tenant scope, planner as shipped, query vector given; ${r.hybrid.ms.length} samples): p50 ${fmt(percentile(r.hybrid.ms, 0.5))}  p95 ${fmt(percentile(r.hybrid.ms, 0.95))}  (${r.hybrid.hits.toFixed(1)} hits/query)`,
  );
  console.log(`vector query ORDER BY embedding <=> q LIMIT ${K}, recall@${K} vs exact; tenant/project: as nyxcore_app under RLS (+ project_id = …);`);
  console.log(`  global: as the owner (superuser, RLS not applied), all ${r.rows.toLocaleString('en')} rows — a diagnostic of the graph itself, no filter`);
  console.log(`  filter   mode                                             recall  returned    p50       p95`);
  for (const scope of SCOPES) {
    for (const m of [...MODES[r.vectors].filter((x) => x !== 'exact'), 'exact' as const]) {
      const x = rowOf(recall, scope, m);
      const name = m === 'planner' ? `planner, search settings, ef 100 (HNSW in ${recall[scope].plannerUsedHnsw}/${QUERIES})` : MODE_LABELS[m];
      console.log(`  ${scope.padEnd(8)} ${name.padEnd(48)} ${x.recall.toFixed(3)}  ${x.returned.toFixed(1).padStart(6)}  ${fmt(x.p50).padStart(9)} ${fmt(x.p95).padStart(9)}`);
    }
  }
}

async function recreate(dbUrl: URL) {
  const admin = new pg.Client({ connectionString: new URL('/postgres', dbUrl).toString() });
  await admin.connect();
  const db = dbUrl.pathname.slice(1);
  await admin.query(`drop database if exists ${db} with (force)`);
  await admin.query(`create database ${db}`);
  await admin.end();
}

/** Offline: the database in the URL; dense: the same name + `_dense`, so neither run overwrites the other. */
async function postgres(vectors: VectorMode): Promise<Result> {
  const dbUrl = new URL(url);
  if (vectors === 'dense') dbUrl.pathname = `${url.pathname}_dense`;
  await recreate(dbUrl);
  const database = await openDatabase({ mode: 'postgres', url: dbUrl.toString(), poolSize: 4 });
  const loader = new pg.Client({ connectionString: dbUrl.toString() });
  await loader.connect();
  loader.on('notice', (n) => progress(`  server notice: ${n.message ?? ''}`));
  await loader.query(`set maintenance_work_mem = '2GB'`);
  try {
    return await bench('PostgreSQL', dbUrl.pathname.slice(1), vectors, database, (text, params) => loader.query(text, params), PG_ROWS, PG_PASSES);
  } finally {
    await loader.end();
    await database.close();
  }
}

/** A fresh in-memory instance per vector mode. */
async function pglite(vectors: VectorMode): Promise<Result> {
  const database = await openDatabase({ mode: 'embedded', dataDir: null });
  await database.raw(`set maintenance_work_mem = '512MB'`);
  try {
    return await bench('PGlite', 'in memory', vectors, database, (text, params) => database.raw(text, params), PGLITE_ROWS, PGLITE_PASSES);
  } finally {
    await database.close();
  }
}

async function main() {
  const results: Result[] = [];
  if (runPostgres) for (const v of vectorModes) results.push(await postgres(v));
  if (runPglite) for (const v of vectorModes) results.push(await pglite(v));
  for (const r of results) report(r);
  const pair = (p50: number, p95: number) => (Number.isNaN(p50) ? '—' : `${p50.toFixed(1)} / ${p95.toFixed(1)}`);
  const ms = (xs: number[] | undefined) => (xs ? pair(percentile(xs, 0.5), percentile(xs, 0.95)) : '—');
  const rec = (x: RecallRow) => (Number.isNaN(x.recall) ? '  —  ' : x.recall.toFixed(3));
  console.log('\nsummary');
  console.log(`  recall@${K} vs exact of the vector query (LIMIT ${K}, iterative scan relaxed_order), "planner | HNSW forced"; vector query p50 / p95 (ms), planner,`);
  console.log('  tenant | project filter; hybrid-path proxy p50 / p95 (ms): search transaction, tenant scope; searchMemory p50 / p95 (ms): full call, as shipped.');
  console.log(`  vectors "synthetic dense" = ${DENSE_LABEL}: NOT real-model numbers.`);
  console.log('  backend     vectors          rows     ef   recall tenant    recall project   vector q tenant  vector q project  hybrid proxy   searchMemory');
  for (const r of results) {
    const efs: [string, Mode, Mode][] = r.vectors === 'dense' ? [['40', 'planner-ef40', 'hnsw-ef40'], ['100', 'planner', 'hnsw']] : [['100', 'planner', 'hnsw']];
    for (const [ef, pm, hm] of efs) {
      const t = (scope: Scope) => `${rec(rowOf(r.recall, scope, pm))} | ${rec(rowOf(r.recall, scope, hm))}`;
      const vq = (scope: Scope) => pair(rowOf(r.recall, scope, pm).p50, rowOf(r.recall, scope, pm).p95);
      const search = ef === '100';
      console.log(
        `  ${r.backend.padEnd(11)} ${(r.vectors === 'dense' ? 'synthetic dense' : 'offline').padEnd(15)} ${r.rows.toLocaleString('en').padStart(7)}  ${ef.padStart(4)}   ${t('tenant').padEnd(15)}  ${t('project').padEnd(15)}  ${vq('tenant').padEnd(15)}  ${vq('project').padEnd(16)}  ${(search ? ms(r.hybrid.ms) : '').padEnd(13)}  ${search ? ms(r.latency?.planner) : ''}`,
      );
    }
  }
  console.log('  targets (PostgreSQL, 2 cores): recall@10 ≥ 0.95 vs exact, search p95 ≤ 30 ms');
  console.log(`total ${elapsed().trim()}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
