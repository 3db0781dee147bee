import type { Env } from '../config/env.js';
import type { Database } from './db/client.js';
import type { Egress } from './egress/egress.js';
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
  /** The outbound-request policy: every request made on a tenant's behalf uses `egress.fetch`. */
  egress: Egress;
  now: () => Date;
  /** Fans run events out to this process's live streams. */
  hub: EventHub;
  /** The job queue (pg-boss): runs are dispatched through it. */
  jobs: Jobs;
  /**
   * Tests inject these to observe retries and count requests. An injected `fetch` is the
   * transport only: it still runs behind the egress policy (`egress.wrap`).
   */
  llmOverrides?: Partial<Pick<LlmDeps, 'sleep' | 'fetch'>>;
}

/** What the LLM service needs, from the app's dependencies. */
export function llmDepsOf(
  deps: Pick<AppDeps, 'database' | 'vault' | 'log' | 'now' | 'env' | 'egress' | 'llmOverrides'>,
): LlmDeps {
  const { sleep, fetch: transport } = deps.llmOverrides ?? {};
  return {
    database: deps.database,
    vault: deps.vault,
    log: deps.log,
    now: deps.now,
    timeoutMs: deps.env.NYXCORE_LLM_TIMEOUT_MS,
    fetch: transport ? deps.egress.wrap(transport) : deps.egress.fetch,
    ...(sleep ? { sleep } : {}),
  };
}
