/** Builds AI SDK models for a workspace's provider connections, and classifies their failures. */
import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { APICallError, NoObjectGeneratedError, NoOutputGeneratedError } from 'ai';
import type { ProviderKind } from './catalog.js';
import { OfflineLanguageModel } from './offline.js';

export interface ProviderConnection {
  name: string;
  kind: ProviderKind;
  baseUrl: string | null;
  apiKey: string | null;
}

/** Example: `createLanguageModel({ name: 'openai', kind: 'openai', baseUrl: null, apiKey }, 'gpt-4o-mini')`. */
export function createLanguageModel(c: ProviderConnection, modelId: string, fetchImpl?: typeof fetch): LanguageModelV3 {
  const common = { ...(c.apiKey ? { apiKey: c.apiKey } : {}), ...(c.baseUrl ? { baseURL: c.baseUrl } : {}), ...(fetchImpl ? { fetch: fetchImpl } : {}) };
  switch (c.kind) {
    case 'offline':
      return new OfflineLanguageModel(modelId);
    case 'openai':
      // Chat Completions: what OpenAI-compatible proxies and gateways also speak.
      return createOpenAI(common).chat(modelId);
    case 'anthropic':
      return createAnthropic(common)(modelId);
    case 'google':
      return createGoogleGenerativeAI(common)(modelId);
    case 'openai-compatible':
      if (!c.baseUrl) throw new Error(`provider ${c.name} needs a base URL`);
      return createOpenAICompatible({ name: c.name, baseURL: c.baseUrl, ...(c.apiKey ? { apiKey: c.apiKey } : {}), ...(fetchImpl ? { fetch: fetchImpl } : {}) })(modelId);
  }
}

export interface Failure {
  /** Worth trying the same provider again (429, 5xx, timeout, network). */
  isRetryable: boolean;
  /** Server-requested wait before retrying, from Retry-After / retry-after-ms. */
  retryAfterMs: number | null;
  status: number | null;
  /** One line for logs, usage rows and the final error; never contains a key. */
  message: string;
}

function retryAfter(headers: Record<string, string> | undefined): number | null {
  if (!headers) return null;
  const ms = headers['retry-after-ms'];
  if (ms && Number.isFinite(Number(ms))) return Number(ms);
  const ra = headers['retry-after'];
  if (!ra) return null;
  if (/^\d+(\.\d+)?$/.test(ra.trim())) return Number(ra) * 1000;
  const at = Date.parse(ra);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

const redact = (s: string) => s.replace(/(sk-|nyx_|key=|Bearer\s+)[\w.-]{6,}/gi, '$1[redacted]');

export function classifyFailure(err: unknown, timedOut: boolean): Failure {
  if (timedOut) return { isRetryable: true, retryAfterMs: null, status: null, message: 'timed out' };
  if (APICallError.isInstance(err)) {
    const status = err.statusCode ?? null;
    const isRetryable = status === null || status === 408 || status === 409 || status === 429 || status >= 500;
    const detail = err.message.split('\n')[0]?.slice(0, 200) ?? '';
    return { isRetryable, retryAfterMs: retryAfter(err.responseHeaders), status, message: redact(status ? `HTTP ${status}: ${detail}` : detail) };
  }
  if (NoObjectGeneratedError.isInstance(err) || NoOutputGeneratedError.isInstance(err)) {
    return { isRetryable: false, retryAfterMs: null, status: null, message: 'response did not match the requested schema' };
  }
  const e = err as { name?: string; message?: string; cause?: { code?: string } };
  if (e.name === 'TypeError' && /fetch failed/i.test(e.message ?? '')) {
    return { isRetryable: true, retryAfterMs: null, status: null, message: `network error${e.cause?.code ? ` (${e.cause.code})` : ''}` };
  }
  // Anything else (unparseable body, unexpected shape) is the provider's fault: fall back, don't retry.
  return { isRetryable: false, retryAfterMs: null, status: null, message: redact(`malformed response: ${(e.message ?? String(err)).split('\n')[0]?.slice(0, 200) ?? ''}`) };
}
