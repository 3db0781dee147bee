/**
 * bench:search's data: insight text from a fixed-seed PRNG over an engineering vocabulary
 * (topic clusters + Zipf-distributed terms, so full-text search sees both selective and
 * common terms), synthetic dense vectors with embedding-model-like geometry, and the query set.
 */
import {
  EMBEDDING_DIMENSIONS,
  insightSeverities,
  insightStatuses,
  insightTypes,
} from '../src/platform/db/schema/index.js';
import { offlineEmbed } from '../src/platform/llm/embeddings.js';
import { prng } from './prng.js';

export type VectorMode = 'offline' | 'dense';
export const QUERIES = 50;

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
export const categories = [
  'performance',
  'security',
  'reliability',
  'testing',
  'architecture',
  'developer-experience',
  'operations',
  'data',
  'ux',
  'cost',
];
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
    out.push(
      r < 0.45 ? pick(rng, topic) : r < 0.75 ? (vocabulary[zipf(rng, vocabulary.length)] as string) : pick(rng, filler),
    );
  }
  return out.join(' ');
}
const sentence = (rng: () => number, topic: string[], n: number) => {
  const s = words(rng, topic, n);
  return s.charAt(0).toUpperCase() + s.slice(1) + '.';
};

export interface Insight {
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

export function makeInsight(rng: () => number, projectIndex: number): Insight {
  const topicIndex = Math.floor(rng() * TOPICS);
  const topic = topicTerms[topicIndex] as string[];
  const detailSentences = 2 + Math.floor(rng() * 3);
  const title = sentence(rng, topic, 4 + Math.floor(rng() * 5)).slice(0, -1);
  const detail = Array.from({ length: detailSentences }, () => sentence(rng, topic, 8 + Math.floor(rng() * 10))).join(
    ' ',
  );
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
export function gaussian(rng: () => number): () => number {
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
  const subtopics = Array.from({ length: TOPICS }, () =>
    Array.from({ length: categories.length }, () => randomUnit(g)),
  );
  return { centroids, subtopics };
})();

/** normalize(a·centroid[topic] + b·subtopic[topic][sub] + c·noise), noise ~ N(0, I/d) so |noise| ≈ 1. */
export function denseVector(g: () => number, topic: number, sub: number): Float64Array {
  const c = denseBasis.centroids[topic] as Float64Array;
  const s = (denseBasis.subtopics[topic] as Float64Array[])[sub] as Float64Array;
  const sd = DENSE.noise / Math.sqrt(EMBEDDING_DIMENSIONS);
  const v = new Float64Array(EMBEDDING_DIMENSIONS);
  for (let i = 0; i < v.length; i++)
    v[i] = DENSE.topic * (c[i] as number) + DENSE.subtopic * (s[i] as number) + sd * g();
  return normalizeInPlace(v);
}

/** pgvector text literal, 7 decimals (components are ~0.03; float4 keeps ~7 significant digits). 3× faster than toFixed. */
export function vectorLiteral(v: Float64Array): string {
  let s = '[';
  for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + String(Math.round((v[i] as number) * 1e7) / 1e7);
  return `${s}]`;
}

export const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
};

export interface DenseSample {
  topic: number;
  sub: number;
  v: Float64Array;
}

export interface Cosines {
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

export function observeCosines(sample: DenseSample[], queries: Query[]): Cosines {
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

export interface Layout {
  tenants: string[];
  /** projects[t] = the project ids of tenants[t] */
  projects: string[][];
}

export interface Query {
  tenantId: string;
  projectId: string;
  text: string;
  topic: number;
  /** The query vector: the offline embedding of text, or the dense vector. */
  values: number[];
  dense: Float64Array | null;
}

export function makeQueries(layout: Layout, vectors: VectorMode): Query[] {
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
      else if (i % 3 === 2 && j === 0)
        terms.push(vocabulary[vocabulary.length - 1 - Math.floor(rng() * 150)] as string);
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
      values: dense ? Array.from(dense) : offlineEmbed(text),
      dense,
    };
  });
}
