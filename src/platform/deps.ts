import type { Env } from '../config/env.js';
import type { Database } from './db/client.js';
import type { Logger } from './logger.js';
import type { RateLimiter } from './rate-limit.js';

/** Everything a request or command needs, passed as one object (tests build their own). */
export interface AppDeps {
  env: Env;
  database: Database;
  log: Logger;
  rateLimiter: RateLimiter;
  now: () => Date;
}
