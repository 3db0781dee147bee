/**
 * Every LLM call in nyxCore goes through here: resolve the workspace's providers, walk
 * the fallback chain (429/5xx/timeouts retry with backoff that honours Retry-After, then
 * fall back), enforce the monthly budget, and write one usage row per attempt in its own
 * transaction, so the cost ledger survives even when the caller's work rolls back.
 * (One file, ~450 lines: generate and stream share the provider walk, budget check and usage
 * ledger, which are the point of the module; provider adapters live beside it.)
 */
import { generateText, Output, streamText, type ModelMessage } from 'ai';
import { and, eq, gte, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Database } from '../db/client.js';
import { llmSettings, llmUsage, modelCatalog, providerKeys } from '../db/schema/index.js';
import { withTenant } from '../db/tenant.js';
import { NyxError } from '../errors.js';
import type { Logger } from '../logger.js';
import { builtInCatalog, costOf, type ModelPrice, type ProviderKind } from './catalog.js';
import { estimateTokens, OfflineLanguageModel, OFFLINE_MODEL } from './offline.js';
import type { KnownAnalysis } from './offline-findings.js';
import { classifyFailure, createLanguageModel, type Failure } from './providers.js';
import type { Vault } from './vault.js';

export interface LlmDeps {
  database: Database;
  vault: Vault;
  log: Logger;
  now: () => Date;
  timeoutMs: number;
  /** Injected so tests can observe backoff without waiting for it. */
  sleep?: (ms: number) => Promise<void>;
  /** Every provider request goes through this: the egress policy's fetch (`AppDeps.egress`), never the global one. */
  fetch: typeof fetch;
}

export interface LlmCall {
  tenantId: string;
  userId: string | null;
  /** What the call was for, recorded on the usage row ("persona.test", "workflow.step", …). */
  purpose: string;
  system?: string;
  prompt: string | ModelMessage[];
  /** Preferred provider name; the workspace's chain continues after it. */
  provider?: string;
  model?: string;
  temperature?: number;
  maxOutputTokens?: number;
  signal?: AbortSignal;
  /** Only this provider, no fallback (used by "test this key"). */
  isStrict?: boolean;
  /**
   * The user's material inside `prompt`, when the prompt also carries instructions (a
   * workflow template): the offline model quotes only this, never the instructions.
   */
  material?: string[];
  /** What a deterministic analysis found in the material: the offline model reports these instead of guessing. */
  analysis?: KnownAnalysis;
}

export interface ResolvedProvider {
  name: string;
  kind: ProviderKind;
  model: string;
  baseUrl: string | null;
  keyRowId: string | null;
  secret: string | null;
}

export interface LlmResult<T = string> {
  text: string;
  output: T;
  provider: string;
  kind: ProviderKind;
  model: string;
  isOffline: boolean;
  tokensIn: number;
  tokensOut: number;
  costUsd: number | null;
  /** Every attempt made, including failed ones, in order. */
  attempts: { provider: string; model: string; outcome: 'ok' | 'error'; error?: string }[];
}

const MAX_ATTEMPTS_PER_PROVIDER = 3;

/** A stream that failed after delivering text: replaying it elsewhere would duplicate output. */
class MidStreamFailure extends NyxError {}
const MAX_BACKOFF_MS = 30_000;

interface TenantLlmConfig {
  providers: Map<string, ResolvedProvider>;
  chain: string[];
  budgetUsd: number | null;
  spentThisMonthUsd: number;
  prices: Map<string, ModelPrice>;
}

export const priceKey = (kind: string, model: string) => `${kind}:${model}`;

/** Loads what a call needs in one short transaction; secrets stay encrypted until used. */
export async function loadTenantLlmConfig(
  deps: Pick<LlmDeps, 'database' | 'now'>,
  tenantId: string,
): Promise<TenantLlmConfig> {
  const monthStart = new Date(Date.UTC(deps.now().getUTCFullYear(), deps.now().getUTCMonth(), 1));
  return withTenant(deps.database, { tenantId, userId: null }, async (tx) => {
    const keys = await tx.select().from(providerKeys).orderBy(providerKeys.createdAt);
    const [settings] = await tx.select().from(llmSettings);
    const overrides = await tx.select().from(modelCatalog);
    // The month's spend only matters against a budget: without one, no call pays for the sum.
    const [spent] =
      settings?.monthlyBudgetUsd == null
        ? [{ total: '0' }]
        : await tx
            .select({ total: sql<string | null>`sum(${llmUsage.costUsd})` })
            .from(llmUsage)
            .where(and(eq(llmUsage.tenantId, tenantId), gte(llmUsage.createdAt, monthStart)));
    const providers = new Map<string, ResolvedProvider>();
    providers.set('offline', {
      name: 'offline',
      kind: 'offline',
      model: OFFLINE_MODEL,
      baseUrl: null,
      keyRowId: null,
      secret: null,
    });
    for (const k of keys)
      providers.set(k.name, {
        name: k.name,
        kind: k.kind,
        model: k.defaultModel,
        baseUrl: k.baseUrl,
        keyRowId: k.id,
        secret: k.secret,
      });
    const chain = settings?.fallbackChain.length ? settings.fallbackChain : [...keys.map((k) => k.name), 'offline'];
    const prices = new Map<string, ModelPrice>();
    for (const p of builtInCatalog) prices.set(priceKey(p.provider, p.model), p);
    for (const o of overrides)
      prices.set(priceKey(o.provider, o.model), { ...o, provider: o.provider as ProviderKind });
    return {
      providers,
      chain,
      budgetUsd: settings?.monthlyBudgetUsd ?? null,
      spentThisMonthUsd: Number(spent?.total ?? 0),
      prices,
    };
  });
}

/** The order providers are tried in for a call. */
export function candidatesFor(config: TenantLlmConfig, call: Pick<LlmCall, 'provider' | 'isStrict'>): string[] {
  if (call.isStrict && call.provider) return [call.provider];
  return [...new Set([...(call.provider ? [call.provider] : []), ...config.chain])];
}

export const keyContext = (tenantId: string, keyRowId: string) => `provider_keys/${tenantId}/${keyRowId}`;

/** A usage row without who called (the call says that). */
export type UsageRow = Omit<typeof llmUsage.$inferInsert, 'tenantId' | 'userId' | 'purpose'>;

/** Writes one usage row in its own transaction; a failure to write is logged, never thrown. */
export async function recordUsage(
  deps: LlmDeps,
  call: Pick<LlmCall, 'tenantId' | 'userId' | 'purpose'>,
  row: UsageRow,
) {
  try {
    await withTenant(deps.database, { tenantId: call.tenantId, userId: call.userId }, async (tx) => {
      await tx.insert(llmUsage).values({ ...row, tenantId: call.tenantId, userId: call.userId, purpose: call.purpose });
      if (row.outcome !== 'cancelled') {
        await tx
          .update(providerKeys)
          .set(row.outcome === 'ok' ? { lastUsedAt: deps.now(), lastError: null } : { lastError: row.error ?? 'error' })
          .where(eq(providerKeys.name, row.provider));
      }
    });
  } catch (err) {
    // The call itself succeeded or failed on its own merits; a lost usage row is logged loudly.
    deps.log.error(
      { err, tenantId: call.tenantId, provider: row.provider, purpose: call.purpose },
      'could not record LLM usage',
    );
  }
}

function attemptSignal(call: LlmCall, timeoutMs: number) {
  const timeout = AbortSignal.timeout(timeoutMs);
  return { signal: call.signal ? AbortSignal.any([call.signal, timeout]) : timeout, timeout };
}

function backoffMs(failure: Failure, attempt: number): number {
  return Math.min(MAX_BACKOFF_MS, failure.retryAfterMs ?? 250 * 2 ** (attempt - 1));
}

/** What an attempt has streamed so far: a cancelled answer is still paid for. */
interface Meter {
  streamedChars: number;
}

interface Runner<R> {
  run(
    model: ReturnType<typeof createLanguageModel>,
    signal: AbortSignal,
    meter: Meter,
  ): Promise<R & { tokensIn: number; tokensOut: number }>;
}

/**
 * The caller cancelled the call (a stopped answer). `usage` is what the provider had streamed
 * by then, estimated (~4 characters a token: the provider never sends its count for an
 * aborted stream), and recorded in the usage ledger like any call.
 */
export class CancelledLlmCall extends NyxError {
  constructor(
    readonly usage: { provider: string; model: string; tokensIn: number; tokensOut: number; costUsd: number | null },
    cause: unknown,
  ) {
    super('BAD_INPUT', 'The LLM call was cancelled', { cause });
  }
}

const promptChars = (call: LlmCall) =>
  (call.system?.length ?? 0) +
  (typeof call.prompt === 'string'
    ? call.prompt.length
    : call.prompt.reduce((a, m) => a + JSON.stringify(m.content).length, 0));

/** The shared walk over providers and attempts; `runner` does one provider call. */
async function withFallback<R>(
  deps: LlmDeps,
  call: LlmCall,
  runner: Runner<R>,
): Promise<R & Omit<LlmResult<never>, 'text' | 'output'>> {
  const config = await loadTenantLlmConfig(deps, call.tenantId);
  const candidates = candidatesFor(config, call);
  const isOverBudget = config.budgetUsd !== null && config.spentThisMonthUsd >= config.budgetUsd;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const attempts: LlmResult['attempts'] = [];
  const reasons: string[] = [];
  for (const [i, name] of candidates.entries()) {
    const p = config.providers.get(name);
    if (!p) {
      reasons.push(`${name}: not configured`);
      continue;
    }
    if (isOverBudget && p.kind !== 'offline') {
      throw new NyxError(
        'BUDGET_EXCEEDED',
        `This workspace has spent $${config.spentThisMonthUsd.toFixed(2)} of its $${config.budgetUsd?.toFixed(2)} monthly LLM budget; an admin can raise it on the LLM page`,
      );
    }
    const model = i === 0 && call.model ? call.model : p.model;
    const apiKey = p.secret && p.keyRowId ? deps.vault.decrypt(p.secret, keyContext(call.tenantId, p.keyRowId)) : null;
    // The offline model is told what is material and, after a fallback, which providers failed.
    const failedBefore = reasons.filter((r) => !r.endsWith(': not configured'));
    const lm =
      p.kind === 'offline'
        ? new OfflineLanguageModel(model, {
            ...(call.material ? { material: call.material } : {}),
            ...(call.analysis ? { analysis: call.analysis } : {}),
            ...(failedBefore.length ? { fallbackFrom: failedBefore } : {}),
          })
        : createLanguageModel({ name: p.name, kind: p.kind, baseUrl: p.baseUrl, apiKey }, model, deps.fetch);
    const price = config.prices.get(priceKey(p.kind, model));
    for (let attempt = 1; attempt <= MAX_ATTEMPTS_PER_PROVIDER; attempt++) {
      const started = performance.now();
      // Every usage row of this attempt names the same provider, model and attempt.
      const recordAttempt = (row: Omit<UsageRow, 'provider' | 'kind' | 'model' | 'attempt'>) =>
        recordUsage(deps, call, { provider: name, kind: p.kind, model, attempt, ...row });
      const { signal, timeout } = attemptSignal(call, deps.timeoutMs);
      const meter: Meter = { streamedChars: 0 };
      try {
        const r = await runner.run(lm, signal, meter);
        const costUsd = costOf(price, r.tokensIn, r.tokensOut);
        attempts.push({ provider: name, model, outcome: 'ok' });
        await recordAttempt({
          tokensIn: r.tokensIn,
          tokensOut: r.tokensOut,
          costUsd,
          latencyMs: Math.round(performance.now() - started),
          outcome: 'ok',
        });
        return { ...r, provider: name, kind: p.kind, model, isOffline: p.kind === 'offline', costUsd, attempts };
      } catch (err) {
        const latencyMs = Math.round(performance.now() - started);
        if (call.signal?.aborted) {
          // Nothing streamed: the request may not have reached the provider; count no tokens.
          const tokensIn = meter.streamedChars ? estimateTokens(promptChars(call)) : 0;
          const tokensOut = estimateTokens(meter.streamedChars);
          const costUsd = costOf(price, tokensIn, tokensOut);
          await recordAttempt({
            tokensIn,
            tokensOut,
            costUsd,
            latencyMs,
            outcome: 'cancelled',
            error: 'cancelled by caller',
          });
          throw new CancelledLlmCall({ provider: name, model, tokensIn, tokensOut, costUsd }, err);
        }
        // Providers sometimes echo the key back in their error text; never pass it on.
        const scrub = (text: string) => (apiKey ? text.split(apiKey).join('[redacted]') : text);
        if (err instanceof MidStreamFailure) {
          const message = scrub(err.userMessage);
          await recordAttempt({ latencyMs, outcome: 'error', error: message });
          throw new MidStreamFailure('UPSTREAM', message);
        }
        const classified = classifyFailure(err, timeout.aborted);
        const failure = { ...classified, message: scrub(classified.message) };
        attempts.push({ provider: name, model, outcome: 'error', error: failure.message });
        await recordAttempt({ latencyMs, outcome: 'error', error: failure.message });
        deps.log.warn(
          { tenantId: call.tenantId, provider: name, model, attempt, failure: failure.message },
          'LLM attempt failed',
        );
        if (!failure.isRetryable || attempt === MAX_ATTEMPTS_PER_PROVIDER) {
          // "requests", not "attempts": a workflow step has attempts of its own, each of which may send several requests.
          reasons.push(`${name}: ${failure.message}${attempt > 1 ? ` (${attempt} requests failed)` : ''}`);
          break;
        }
        await sleep(backoffMs(failure, attempt));
      }
    }
  }
  throw new NyxError('UPSTREAM', `No LLM provider could answer. ${reasons.join('; ') || 'No provider is configured.'}`);
}

const tokensOf = (u: { inputTokens?: number | undefined; outputTokens?: number | undefined }) => ({
  tokensIn: u.inputTokens ?? 0,
  tokensOut: u.outputTokens ?? 0,
});

/** One completion. Example: `await generate(deps, { tenantId, userId, purpose: 'note.summary', prompt: 'Summarise …' })`. */
export async function generate(deps: LlmDeps, call: LlmCall): Promise<LlmResult> {
  return withFallback(deps, call, {
    async run(model, signal) {
      const r = await generateText({
        model,
        ...(call.system ? { system: call.system } : {}),
        ...promptOf(call),
        maxRetries: 0,
        abortSignal: signal,
        ...sampling(call),
      });
      return { text: r.text, output: r.text, ...tokensOf(r.usage) };
    },
  });
}

/** A completion whose output validates against `schema` (the offline model fills it from the input). */
export async function generateObject<S extends z.ZodType>(
  deps: LlmDeps,
  call: LlmCall,
  schema: S,
): Promise<LlmResult<z.infer<S>>> {
  return withFallback(deps, call, {
    async run(model, signal) {
      const r = await generateText({
        model,
        ...(call.system ? { system: call.system } : {}),
        ...promptOf(call),
        output: Output.object({ schema }),
        maxRetries: 0,
        abortSignal: signal,
        ...sampling(call),
      });
      return { text: r.text, output: r.output as z.infer<S>, ...tokensOf(r.usage) };
    },
  });
}

/**
 * A streamed completion. Failures before the first token fall back like `generate`; a
 * failure mid-stream cannot be replayed on another provider and ends the stream with an error.
 */
export async function generateStream(
  deps: LlmDeps,
  call: LlmCall,
  onDelta: (text: string) => void,
): Promise<LlmResult> {
  return withFallback(deps, call, {
    async run(model, signal, meter) {
      // onError: the default prints every provider error to stderr; errors arrive as stream parts and are handled below.
      const r = streamText({
        model,
        ...(call.system ? { system: call.system } : {}),
        ...promptOf(call),
        maxRetries: 0,
        abortSignal: signal,
        onError: () => undefined,
        ...sampling(call),
      });
      let text = '';
      let hasEmitted = false;
      let usage = { inputTokens: 0 as number | undefined, outputTokens: 0 as number | undefined };
      const midStream = (err: unknown) =>
        new MidStreamFailure(
          'UPSTREAM',
          `The provider failed mid-answer: ${classifyFailure(err, signal.aborted).message}`,
          { cause: err },
        );
      try {
        for await (const part of r.fullStream) {
          if (part.type === 'text-delta') {
            text += part.text;
            meter.streamedChars = text.length;
            hasEmitted = true;
            onDelta(part.text);
          } else if (part.type === 'error') {
            throw part.error;
          } else if (part.type === 'abort') {
            // streamText ends an aborted stream quietly; an aborted answer is not an answer.
            throw signal.reason instanceof Error
              ? signal.reason
              : new DOMException('The LLM call was aborted', 'AbortError');
          } else if (part.type === 'finish') {
            usage = part.totalUsage;
          }
        }
      } catch (err) {
        // Before the first token the caller has seen nothing: fail over normally. After it,
        // a dropped connection (thrown) or an error part both end this answer for good.
        if (hasEmitted && !(err instanceof MidStreamFailure)) throw midStream(err);
        throw err;
      }
      return { text, output: text, ...tokensOf(usage) };
    },
  });
}

function promptOf(call: LlmCall): { prompt: string } | { messages: ModelMessage[] } {
  return typeof call.prompt === 'string' ? { prompt: call.prompt } : { messages: call.prompt };
}

function sampling(call: LlmCall) {
  return {
    ...(call.temperature !== undefined ? { temperature: call.temperature } : {}),
    ...(call.maxOutputTokens !== undefined ? { maxOutputTokens: call.maxOutputTokens } : {}),
  };
}
