import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { createMemoryRateLimiter, createRedisRateLimiter } from './rate-limit.js';

const log = createLogger('silent');

describe('rate limiter', () => {
  it('in-process: allows `limit` hits per window, then refuses until the window passes', async () => {
    let now = 1_000_000;
    const rl = createMemoryRateLimiter(() => now);
    const results = [];
    for (let i = 0; i < 4; i++) results.push((await rl.hit('k', 3, 60_000)).isAllowed);
    expect(results).toEqual([true, true, true, false]);
    expect((await rl.hit('other', 3, 60_000)).isAllowed).toBe(true);
    now += 60_000;
    expect((await rl.hit('k', 3, 60_000)).isAllowed).toBe(true);
  });

  it('Redis: counts are shared between limiter instances (two web processes)', async () => {
    const url = 'redis://127.0.0.1:6379';
    const a = createRedisRateLimiter(url, 'closed', log);
    const b = createRedisRateLimiter(url, 'closed', log);
    const key = `test:${randomUUID()}`;
    try {
      expect((await a.hit(key, 2, 60_000)).isAllowed).toBe(true);
      expect((await b.hit(key, 2, 60_000)).isAllowed).toBe(true);
      const third = await a.hit(key, 2, 60_000);
      expect(third.isAllowed).toBe(false);
      expect(third.retryAfterSeconds).toBeGreaterThan(0);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('Redis unreachable: fails open or closed as configured', async () => {
    const dead = 'redis://127.0.0.1:1';
    const open = createRedisRateLimiter(dead, 'open', log);
    const closed = createRedisRateLimiter(dead, 'closed', log);
    try {
      expect((await open.hit('k', 1, 60_000)).isAllowed).toBe(true);
      expect((await closed.hit('k', 1, 60_000)).isAllowed).toBe(false);
    } finally {
      await open.close();
      await closed.close();
    }
  });
});
