/** Builds AI SDK models for a workspace's provider connections, and classifies their failures. */
import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { APICallError, NoObjectGeneratedError, NoOutputGeneratedError } from 'ai';
import type { ProviderKind } from './catalog.js';
import { findEgressError, type EgressError } from '../egress/errors.js';
import { OfflineLanguageModel } from './offline.js';
import { httpFailureMessage } from './upstream-errors.js';

export interface ProviderConnection {
  name: string;
  kind: ProviderKind;
  baseUrl: string | null;
  apiKey: string | null;
}

/**
 * Example: `createLanguageModel({ name: 'openai', kind: 'openai', baseUrl: null, apiKey }, 'gpt-4o-mini', egress.fetch)`.
 * Only the offline model may go without `fetchImpl`: the others would fall back to the global fetch, past the egress policy.
 */
export function createLanguageModel(c: ProviderConnection, modelId: string, fetchImpl?: typeof fetch): LanguageModelV3 {
  const common = {
    ...(c.apiKey ? { apiKey: c.apiKey } : {}),
    ...(c.baseUrl ? { baseURL: c.baseUrl } : {}),
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  };
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
      return createOpenAICompatible({
        name: c.name,
        baseURL: c.baseUrl,
        ...(c.apiKey ? { apiKey: c.apiKey } : {}),
        ...(fetchImpl ? { fetch: fetchImpl } : {}),
      })(modelId);
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

const NETWORK_FAILURE = 'could not connect to the provider';

/**
 * Connection-level failures, whoever wrapped them, as one message each: no errno, so
 * nothing tells an open port from a closed one. "terminated" is a body cut off after the
 * response began (the connection had already succeeded).
 */
function networkFailureMessage(err: unknown): string | null {
  if (APICallError.isInstance(err))
    return err.statusCode === undefined && /^Cannot connect to API/i.test(err.message) ? NETWORK_FAILURE : null;
  const e = err as { name?: string; message?: string };
  if (e.name !== 'TypeError') return null;
  if (/^fetch failed$/i.test(e.message ?? '')) return NETWORK_FAILURE;
  return /^terminated$/i.test(e.message ?? '') ? 'the connection to the provider was lost' : null;
}

function egressFailure(err: EgressError): Failure {
  if (err.code === 'EGRESS_UNREACHABLE')
    return { isRetryable: true, retryAfterMs: null, status: null, message: NETWORK_FAILURE };
  // A policy decision does not change on retry; the message is ours and names no internals.
  return { isRetryable: false, retryAfterMs: null, status: null, message: err.message };
}

const safeName = (err: unknown) => {
  const name = (err as { name?: unknown }).name;
  return typeof name === 'string' && /^[\w.]{1,60}$/.test(name) ? name : 'Error';
};

export function classifyFailure(err: unknown, timedOut: boolean): Failure {
  if (timedOut) return { isRetryable: true, retryAfterMs: null, status: null, message: 'timed out' };
  const egress = findEgressError(err);
  if (egress) return egressFailure(egress);
  const network = networkFailureMessage(err);
  if (network) return { isRetryable: true, retryAfterMs: null, status: null, message: network };
  if (APICallError.isInstance(err) && err.statusCode !== undefined) {
    const status = err.statusCode;
    const isRetryable = status === 408 || status === 409 || status === 429 || status >= 500;
    // Only the provider's own error message, sanitised: err.message may carry the raw body.
    const message = status < 300 ? `malformed response (HTTP ${status})` : httpFailureMessage(status, err.responseBody);
    return {
      isRetryable: status < 300 ? false : isRetryable,
      retryAfterMs: retryAfter(err.responseHeaders),
      status,
      message,
    };
  }
  if (NoObjectGeneratedError.isInstance(err) || NoOutputGeneratedError.isInstance(err)) {
    return {
      isRetryable: false,
      retryAfterMs: null,
      status: null,
      message: 'response did not match the requested schema',
    };
  }
  // Anything else (unparseable body, unexpected shape) is the provider's fault: fall back, don't retry.
  // Only the error's name: parse errors quote the body they choked on.
  return { isRetryable: false, retryAfterMs: null, status: null, message: `malformed response (${safeName(err)})` };
}
