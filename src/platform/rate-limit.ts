/**
 * Fixed-window rate limiting: in-process for one process (embedded mode), Redis when
 * REDIS_URL is set so every web process shares the count. When the store fails, the
 * limiter fails open or closed as NYXCORE_RATE_LIMIT_FAILURE_MODE says.
 */
import { Redis } from 'ioredis';
import type { Logger } from './logger.js';

export interface RateDecision {
  isAllowed: boolean;
  remaining: number;
  retryAfterSeconds: number;
}

export interface RateLimiter {
  readonly kind: 'memory' | 'redis';
  hit(key: string, limit: number, windowMs: number): Promise<RateDecision>;
  close(): Promise<void>;
}

export function createMemoryRateLimiter(now: () => number = Date.now): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = now();
  return {
    kind: 'memory',
    hit(key, limit, windowMs) {
      const t = now();
      if (t - lastSweep > 60_000) {
        for (const [k, w] of windows) if (t - w.start >= windowMs) windows.delete(k);
        lastSweep = t;
      }
      let w = windows.get(key);
      if (!w || t - w.start >= windowMs) {
        w = { start: t, count: 0 };
        windows.set(key, w);
      }
      w.count += 1;
      const retryAfterSeconds = Math.max(1, Math.ceil((w.start + windowMs - t) / 1000));
      return Promise.resolve({ isAllowed: w.count <= limit, remaining: Math.max(0, limit - w.count), retryAfterSeconds });
    },
    close: () => Promise.resolve(),
  };
}

export function createRedisRateLimiter(url: string, failureMode: 'open' | 'closed', log: Logger): RateLimiter {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
  redis.on('error', (err: Error) => log.warn({ err: err.message }, 'redis rate-limit store error'));
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
      const bucket = Math.floor(Date.now() / windowMs);
      const redisKey = `nyx:rl:${key}:${bucket}`;
      try {
        await ready();
        const res = await redis.multi().incr(redisKey).pexpire(redisKey, windowMs).exec();
        const count = Number(res?.[0]?.[1] ?? 0);
        const retryAfterSeconds = Math.max(1, Math.ceil(((bucket + 1) * windowMs - Date.now()) / 1000));
        return { isAllowed: count <= limit, remaining: Math.max(0, limit - count), retryAfterSeconds };
      } catch (err) {
        log.warn({ err: (err as Error).message, failureMode }, 'rate-limit store unavailable');
        return { isAllowed: failureMode === 'open', remaining: 0, retryAfterSeconds: 5 };
      }
    },
    close: async () => {
      redis.disconnect();
      return Promise.resolve();
    },
  };
}
