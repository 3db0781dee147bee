/**
 * Embeddings for memory search: OpenAI `text-embedding-3-small` (or any OpenAI-compatible
 * embeddings endpoint) with the workspace's key, or the offline feature-hashing embedder.
 *
 * Unlike completions, embeddings never fall back to another provider: vectors from two
 * models live in different spaces, and mixing them would quietly ruin search. A failed
 * batch is retried (429/5xx/timeouts, honouring Retry-After); if it still fails, the rows
 * stay without a vector, marked missing, for backfill.
 */
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { embedMany } from 'ai';
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { EMBEDDING_DIMENSIONS, memorySettings, providerKeys } from '../db/schema/index.js';
import { withTenant, type Tx } from '../db/tenant.js';
import { NyxError } from '../errors.js';
import { builtInCatalog, costOf } from './catalog.js';
import { classifyFailure } from './providers.js';
import { keyContext, recordUsage, type LlmDeps, type UsageRow } from './service.js';

// v2: character 4-grams at full weight (v1's weak trigrams left related spellings at noise level).
export const OFFLINE_EMBEDDING_MODEL = 'offline-hash-v2';
export const DEFAULT_OPENAI_EMBEDDING_MODEL = 'text-embedding-3-small';
const MAX_ATTEMPTS = 3;
export const EMBED_BATCH = 64;

/**
 * Below this cosine similarity a row that matches no keyword is noise, not a result.
 * Offline vectors of unrelated text score |cos| ≲ 0.05; text-embedding-3 models put
 * unrelated English text around 0.05–0.2.
 */
export function minVectorScore(space: string): number {
  return isOfflineSpace(space) ? 0.08 : 0.25;
}

/** Offline embedder versions are all named `offline-…` (the generated `embedding_sparse` column relies on it). */
export const isOfflineSpace = (space: string) => space.startsWith('offline-');

// --- offline feature-hashing embedder -------------------------------------------------

const STOP = new Set(
  'a an and are as at be by for from has have in is it its of on or that the this to was were will with'.split(' '),
);

function normalise(text: string): string[] {
  return (
    text
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  ).filter((w) => !STOP.has(w));
}

/** Cheap English stemming so "deploys", "deployed" and "deploying" share a feature. */
function stem(w: string): string {
  if (w.length <= 4) return w;
  for (const suffix of ['ations', 'ation', 'ments', 'ment', 'ings', 'ing', 'ers', 'ies', 'ied', 'ed', 'es', 's']) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) return w.slice(0, -suffix.length);
  }
  return w;
}

/** 32 hash bits → (dimension, sign). SHA-1 is plenty here and identical on every platform. */
function slot(feature: string): [number, number] {
  const h = createHash('sha1').update(feature).digest();
  return [h.readUInt32BE(0) % EMBEDDING_DIMENSIONS, h[4]! & 1 ? 1 : -1];
}

/**
 * Deterministic, network-free embedding: signed feature hashing of normalised words (1.0),
 * word bigrams (0.5) and character 4-grams of each word (1.0, spread over the word's
 * 4-grams), with log-scaled counts, L2-normalised. Related spellings share 4-grams, so
 * "redeploys" finds "deployment" (cosine ≈ 0.13) while unrelated text stays near zero
 * (|cosine| ≲ 0.05 on 1536 dimensions).
 */
export function offlineEmbed(text: string): number[] {
  const words = normalise(text).map(stem);
  const counts = new Map<string, number>();
  const add = (f: string, w: number) => counts.set(f, (counts.get(f) ?? 0) + w);
  words.forEach((w, i) => {
    add(`w:${w}`, 1);
    const next = words[i + 1];
    if (next) add(`b:${w} ${next}`, 0.5);
    const padded = `^${w}$`;
    const grams = Math.max(1, padded.length - 3);
    for (let j = 0; j + 4 <= padded.length; j++) add(`c:${padded.slice(j, j + 4)}`, 1 / Math.sqrt(grams));
  });
  const v = new Array<number>(EMBEDDING_DIMENSIONS).fill(0);
  for (const [f, c] of counts) {
    const [i, sign] = slot(f);
    // Repeats are damped (1 + ln c); fractional weights (n-grams) pass through as they are:
    // applying the log to them would all but erase them.
    v[i] = (v[i] ?? 0) + sign * (c >= 1 ? 1 + Math.log(c) : c);
  }
  const norm = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
  return norm ? v.map((x) => x / norm) : v;
}

// --- workspace embedder --------------------------------------------------------------

/**
 * The vector space an embedder writes into, stored with every vector as `embedding_model`:
 * the model name for OpenAI's own endpoint (and the offline embedder), `model @ host/path`
 * for any other endpoint. Vectors of another space are "stale" and re-embedded, so moving
 * to another endpoint, even one serving a model of the same name, never mixes spaces;
 * rotating a key for the same endpoint keeps every vector.
 * Example: `embeddingSpace('text-embedding-3-small', 'https://llm.internal/v1/')` →
 * `text-embedding-3-small @ llm.internal/v1`.
 */
export function embeddingSpace(model: string, baseUrl: string | null): string {
  if (!baseUrl) return model;
  try {
    const u = new URL(baseUrl);
    return `${model} @ ${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return `${model} @ ${baseUrl}`;
  }
}

export interface Embedder {
  /** The model the provider is asked for. */
  model: string;
  /** Stored with every vector (see embeddingSpace); rows of another space are stale. */
  space: string;
  provider: string;
  embed(texts: string[], purpose: string, signal?: AbortSignal): Promise<number[][]>;
}

/**
 * What a workspace's embedder is made of: its memory settings row, the provider it names, the
 * model, and that provider's key (null for offline, or when the named key was removed).
 */
export interface EmbedderConfig {
  settings: typeof memorySettings.$inferSelect | null;
  provider: string;
  key: typeof providerKeys.$inferSelect | null;
  model: string;
  /** See embeddingSpace. */
  space: string;
}

/** Reads the workspace's embedder configuration inside an open tenant transaction. */
export async function readEmbedderConfig(tx: Tx): Promise<EmbedderConfig> {
  const [s] = await tx.select().from(memorySettings);
  const settings = s ?? null;
  const provider = s?.embeddingProvider ?? 'offline';
  if (provider === 'offline')
    return { settings, provider, key: null, model: OFFLINE_EMBEDDING_MODEL, space: OFFLINE_EMBEDDING_MODEL };
  const [key] = await tx.select().from(providerKeys).where(eq(providerKeys.name, provider));
  const model = s?.embeddingModel ?? DEFAULT_OPENAI_EMBEDDING_MODEL;
  return { settings, provider, key: key ?? null, model, space: embeddingSpace(model, key?.baseUrl ?? null) };
}

/** The workspace's embedder, from its memory settings (default: offline). */
export async function workspaceEmbedder(
  deps: LlmDeps,
  scope: { tenantId: string; userId: string | null },
): Promise<Embedder> {
  const config = await withTenant(
    deps.database,
    { tenantId: scope.tenantId, userId: scope.userId },
    readEmbedderConfig,
  );
  return embedderFrom(deps, scope, config);
}

export function embedderFrom(
  deps: LlmDeps,
  scope: { tenantId: string; userId: string | null },
  config: EmbedderConfig,
): Embedder {
  const { key, model, space } = config;
  if (config.provider === 'offline')
    return { model, space, provider: 'offline', embed: (texts) => Promise.resolve(texts.map(offlineEmbed)) };
  if (!key)
    throw new NyxError(
      'BAD_INPUT',
      `The embedding provider "${config.provider}" is no longer configured; pick another under Memory settings`,
    );
  return {
    model,
    space,
    provider: key.name,
    async embed(texts, purpose, signal) {
      const apiKey = key.secret ? deps.vault.decrypt(key.secret, keyContext(scope.tenantId, key.id)) : undefined;
      const common = { ...(apiKey ? { apiKey } : {}), fetch: deps.fetch };
      const em =
        key.kind === 'openai-compatible'
          ? createOpenAICompatible({ name: key.name, baseURL: key.baseUrl ?? '', ...common }).textEmbeddingModel(model)
          : createOpenAI({ ...common, ...(key.baseUrl ? { baseURL: key.baseUrl } : {}) }).embedding(model);
      const price = builtInCatalog.find((p) => p.model === model);
      const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
      for (let attempt = 1; ; attempt++) {
        const started = performance.now();
        // Every usage row of this attempt names the same provider, model and attempt.
        const recordAttempt = (row: Omit<UsageRow, 'provider' | 'kind' | 'model' | 'attempt' | 'latencyMs'>) =>
          recordUsage(
            deps,
            { tenantId: scope.tenantId, userId: scope.userId, purpose },
            {
              provider: key.name,
              kind: key.kind,
              model,
              attempt,
              latencyMs: Math.round(performance.now() - started),
              ...row,
            },
          );
        const timeout = AbortSignal.timeout(deps.timeoutMs);
        try {
          const r = await embedMany({
            model: em,
            values: texts,
            maxRetries: 0,
            abortSignal: signal ? AbortSignal.any([signal, timeout]) : timeout,
          });
          const bad = r.embeddings.find((e) => e.length !== EMBEDDING_DIMENSIONS);
          if (bad)
            throw new NyxError(
              'UPSTREAM',
              `${key.name}/${model} returned ${bad.length}-dimensional vectors; nyxCore stores ${EMBEDDING_DIMENSIONS}`,
            );
          const tokens = r.usage.tokens;
          await recordAttempt({ tokensIn: tokens, tokensOut: 0, costUsd: costOf(price, tokens, 0), outcome: 'ok' });
          return r.embeddings;
        } catch (err) {
          const failure =
            err instanceof NyxError
              ? { isRetryable: false, retryAfterMs: null, message: err.userMessage }
              : classifyFailure(err, timeout.aborted);
          const message = apiKey ? failure.message.split(apiKey).join('[redacted]') : failure.message;
          await recordAttempt({ outcome: 'error', error: message });
          if (!failure.isRetryable || attempt >= MAX_ATTEMPTS)
            throw new NyxError('UPSTREAM', `Embedding with ${key.name} failed: ${message}`);
          await sleep(Math.min(30_000, failure.retryAfterMs ?? 250 * 2 ** (attempt - 1)));
        }
      }
    },
  };
}
