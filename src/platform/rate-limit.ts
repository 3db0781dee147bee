/**
 * Sliding-window rate limiting (the `sliding-window-rate-limiter` package): a key may make
 * `limit` requests in any `windowMs` span, so no burst of twice the limit fits across a
 * minute boundary as it does with fixed windows. In-process for one process (embedded mode);
 * Redis when REDIS_URL is set, so every web process shares the count (one sorted set per key,
 * updated by a Lua script, timestamps from Redis's own clock). Redis keys carry the
 * installation's prefix (`nyx:rl:<prefix>:<key>`): two installations on one Redis never
 * share counters. When Redis fails, the limiter fails open or closed as
 * NYXCORE_RATE_LIMIT_FAILURE_MODE says.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  MemorySlidingWindowRateLimiter,
  RedisSlidingWindowRateLimiter,
  type Redis as LimiterRedis,
  type ReserveResult,
  type SlidingWindowRateLimiterBackend,
} from 'sliding-window-rate-limiter';
import type { Env } from '../config/env.js';
import type { Logger } from './logger.js';

export interface RateDecision {
  isAllowed: boolean;
  remaining: number;
  /** When refused: seconds until the oldest request in the window leaves it (at least 1). */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  readonly kind: 'memory' | 'redis';
  hit(key: string, limit: number, windowMs: number): Promise<RateDecision>;
  close(): Promise<void>;
}

/**
 * The installation's prefix for shared rate-limit keys: NYXCORE_RATE_LIMIT_PREFIX, else a
 * short hash of what identifies the installation (the database's host, port and name, or
 * the embedded data directory; never a password).
 */
export function rateLimitPrefix(env: Pick<Env, 'NYXCORE_RATE_LIMIT_PREFIX' | 'DATABASE_URL' | 'dataDir'>): string {
  if (env.NYXCORE_RATE_LIMIT_PREFIX) return env.NYXCORE_RATE_LIMIT_PREFIX;
  let identity = `embedded:${env.dataDir}`;
  if (env.DATABASE_URL) {
    const u = new URL(env.DATABASE_URL);
    // A Unix-socket URL names its socket directory in `?host=`, not in the hostname.
    const socketDir = u.searchParams.get('host');
    identity = `postgres:${u.hostname}:${u.port || '5432'}${u.pathname}${socketDir ? `?host=${socketDir}` : ''}`;
  }
  return createHash('sha256').update(identity).digest('hex').slice(0, 16);
}

/** One backend per window length (the library fixes the window per limiter); all our limits use one minute. */
function limiterFor(make: (interval: number) => SlidingWindowRateLimiterBackend) {
  const byWindow = new Map<number, SlidingWindowRateLimiterBackend>();
  return {
    get(windowMs: number) {
      let l = byWindow.get(windowMs);
      if (!l) byWindow.set(windowMs, (l = make(windowMs)));
      return l;
    },
    destroy: () => byWindow.forEach((l) => l.destroy()),
  };
}

const decisionOf = (r: ReserveResult, limit: number, windowMs: number): RateDecision => ({
  isAllowed: r.token !== undefined,
  remaining: Math.max(0, limit - r.usage),
  retryAfterSeconds: Math.max(1, Math.ceil((r.reset ?? windowMs) / 1000)),
});

export function createMemoryRateLimiter(): RateLimiter {
  const limiters = limiterFor((interval) => new MemorySlidingWindowRateLimiter({ interval }));
  return {
    kind: 'memory',
    async hit(key, limit, windowMs) {
      return decisionOf(await limiters.get(windowMs).reserve(key, limit), limit, windowMs);
    },
    close: () => {
      limiters.destroy();
      return Promise.resolve();
    },
  };
}

export function createRedisRateLimiter(
  url: string,
  failureMode: 'open' | 'closed',
  log: Logger,
  prefix: string,
): RateLimiter {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
  redis.on('error', (err: Error) => log.warn({ err: err.message }, 'redis rate-limit store error'));
  // The library adds its Lua commands to the connection it is given.
  const limiters = limiterFor(
    (interval) =>
      new RedisSlidingWindowRateLimiter({ redis: redis as unknown as LimiterRedis, interval, operationTimeout: 2_000 }),
  );
  // Commands fail fast while disconnected (no offline queue), so a process that just
  // started waits briefly for its first connection instead of failing every early request.
  const ready = (): Promise<void> =>
    redis.status === 'ready'
      ? Promise.resolve()
      : new Promise((resolve, reject) => {
          const onReady = () => {
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(() => {
            redis.off('ready', onReady);
            reject(new Error('redis not ready within 1s'));
          }, 1_000);
          redis.once('ready', onReady);
        });
  return {
    kind: 'redis',
    async hit(key, limit, windowMs) {
      try {
        await ready();
        const redisKey = `nyx:rl:${prefix}:${key}`;
        const decision = decisionOf(await limiters.get(windowMs).reserve(redisKey, limit), limit, windowMs);
        // The library's script sets `EXPIRE key <interval>` with the interval in milliseconds,
        // i.e. read as seconds: an idle key would linger 1000× its window (16 h for a minute).
        // Not awaited: it rides the same connection after the script and adds no latency.
        redis
          .pexpire(redisKey, windowMs)
          .catch((err: Error) => log.warn({ err: err.message, key }, 'rate-limit key expiry not set'));
        return decision;
      } catch (err) {
        log.warn({ err: (err as Error).message, failureMode }, 'rate-limit store unavailable');
        return { isAllowed: failureMode === 'open', remaining: 0, retryAfterSeconds: 5 };
      }
    },
    close: () => {
      limiters.destroy();
      redis.disconnect();
      return Promise.resolve();
    },
  };
}
