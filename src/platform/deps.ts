import type { Env } from '../config/env.js';
import type { Database } from './db/client.js';
import type { EventHub } from './events/hub.js';
import type { Jobs } from './jobs/boss.js';
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
  /** Fans run events out to this process's live streams. */
  hub: EventHub;
  /** The job queue (pg-boss): runs are dispatched through it. */
  jobs: Jobs;
  /** Tests inject these to observe retries and count requests. */
  llmOverrides?: Pick<LlmDeps, 'sleep' | 'fetch'>;
}

/** What the LLM service needs, from the app's dependencies. */
export function llmDepsOf(deps: Pick<AppDeps, 'database' | 'vault' | 'log' | 'now' | 'env' | 'llmOverrides'>): LlmDeps {
  return { database: deps.database, vault: deps.vault, log: deps.log, now: deps.now, timeoutMs: deps.env.NYXCORE_LLM_TIMEOUT_MS, ...deps.llmOverrides };
}
