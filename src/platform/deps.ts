import type { Env } from '../config/env.js';
import type { Database } from './db/client.js';
import type { LlmDeps } from './llm/service.js';
import type { Vault } from './llm/vault.js';
import type { Logger } from './logger.js';
import type { RateLimiter } from './rate-limit.js';

/** Everything a request or command needs, passed as one object (tests build their own). */
export interface AppDeps {
  env: Env;
  database: Database;
  log: Logger;
  rateLimiter: RateLimiter;
  vault: Vault;
  now: () => Date;
  /** Tests inject these to observe retries and count requests. */
  llmOverrides?: Pick<LlmDeps, 'sleep' | 'fetch'>;
}

/** What the LLM service needs, from the app's dependencies. */
export function llmDepsOf(deps: AppDeps): LlmDeps {
  return { database: deps.database, vault: deps.vault, log: deps.log, now: deps.now, timeoutMs: deps.env.NYXCORE_LLM_TIMEOUT_MS, ...deps.llmOverrides };
}
