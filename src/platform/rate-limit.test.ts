import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from './logger.js';
import { createMemoryRateLimiter, createRedisRateLimiter, rateLimitPrefix } from './rate-limit.js';

const log = createLogger('silent');
const url = 'redis://127.0.0.1:6379';

describe('rate limiter', () => {
  afterEach(() => vi.useRealTimers());

  it('in-process: allows `limit` hits in any window, then refuses until the oldest hit leaves it', async () => {
    vi.useFakeTimers({ now: 1_000_000, toFake: ['Date'] });
    const rl = createMemoryRateLimiter();
    expect((await rl.hit('k', 3, 60_000)).isAllowed).toBe(true);
    vi.setSystemTime(1_000_000 + 30_000);
    const results = [];
    for (let i = 0; i < 3; i++) results.push((await rl.hit('k', 3, 60_000)).isAllowed);
    expect(results).toEqual([true, true, false]);
    expect((await rl.hit('other', 3, 60_000)).isAllowed).toBe(true);
    // One minute after the first hit only its slot frees (a fixed window would reset all three),
    // and the next refusal says when the two later hits leave: 30 s, not a whole window.
    vi.setSystemTime(1_000_000 + 60_000);
    expect((await rl.hit('k', 3, 60_000)).isAllowed).toBe(true);
    expect(await rl.hit('k', 3, 60_000)).toMatchObject({ isAllowed: false, remaining: 0, retryAfterSeconds: 30 });
    await rl.close();
  });

  it('in-process: no burst of twice the limit across the end of a window (a fixed window lets it through)', async () => {
    const start = 1_000_000;
    vi.useFakeTimers({ now: start, toFake: ['Date'] });
    const rl = createMemoryRateLimiter();
    const burst = async (n: number) => {
      let allowed = 0;
      for (let i = 0; i < n; i++) if ((await rl.hit('burst', 10, 60_000)).isAllowed) allowed++;
      return allowed;
    };
    expect(await burst(1)).toBe(1);
    vi.setSystemTime(start + 59_000);
    expect(await burst(9)).toBe(9);
    // 1.5 s later the first hit has left the window, the other nine have not: one slot is free.
    vi.setSystemTime(start + 60_500);
    expect(await burst(10)).toBe(1);
    await rl.close();
  });

  it('Redis: counts are shared between limiter instances (two web processes) and refused hits say when to retry', async () => {
    const a = createRedisRateLimiter(url, 'closed', log, 'test');
    const b = createRedisRateLimiter(url, 'closed', log, 'test');
    const key = `test:${randomUUID()}`;
    try {
      expect((await a.hit(key, 2, 60_000)).isAllowed).toBe(true);
      expect((await b.hit(key, 2, 60_000)).isAllowed).toBe(true);
      const third = await a.hit(key, 2, 60_000);
      expect(third.isAllowed).toBe(false);
      expect(third.retryAfterSeconds).toBeGreaterThan(55);
      expect(third.retryAfterSeconds).toBeLessThanOrEqual(60);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('Redis: no burst of twice the limit across a window boundary (the old fixed buckets let 2× through)', async () => {
    const rl = createRedisRateLimiter(url, 'closed', log, 'test');
    const key = `burst:${randomUUID()}`;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    try {
      await rl.hit(`warm:${key}`, 1, 1_000);
      // Ten hits late in one second, ten just after the next second starts: a fixed bucket
      // allows all twenty, one sliding second holds them all. The boundary is taken from the
      // first hit, so a slow machine only shortens the gap (which the sliding window still covers).
      await sleep(1_000 - (Date.now() % 1_000) + 700);
      const boundary = (Math.floor(Date.now() / 1_000) + 1) * 1_000;
      let allowed = 0;
      for (let i = 0; i < 10; i++) if ((await rl.hit(key, 10, 1_000)).isAllowed) allowed++;
      await sleep(Math.max(0, boundary + 20 - Date.now()));
      for (let i = 0; i < 10; i++) if ((await rl.hit(key, 10, 1_000)).isAllowed) allowed++;
      expect(allowed).toBe(10);
    } finally {
      await rl.close();
    }
  });

  it('Redis: two installations on one Redis (different prefixes) never share counters', async () => {
    const one = createRedisRateLimiter(url, 'closed', log, `install-${randomUUID()}`);
    const two = createRedisRateLimiter(url, 'closed', log, `install-${randomUUID()}`);
    try {
      expect((await one.hit('ip:10.0.0.1', 1, 60_000)).isAllowed).toBe(true);
      expect((await two.hit('ip:10.0.0.1', 1, 60_000)).isAllowed).toBe(true);
      expect((await one.hit('ip:10.0.0.1', 1, 60_000)).isAllowed).toBe(false);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('Redis: an idle key expires after its window (the library alone would keep it 1000× longer)', async () => {
    const prefix = `install-${randomUUID()}`;
    const rl = createRedisRateLimiter(url, 'closed', log, prefix);
    const probe = new Redis(url);
    try {
      await rl.hit('ip:10.0.0.2', 5, 60_000);
      // The expiry is not awaited; a later hit on the same connection is answered after it.
      await rl.hit('ip:10.0.0.3', 5, 60_000);
      const ttl = await probe.pttl(`nyx:rl:${prefix}:ip:10.0.0.2`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } finally {
      await rl.close();
      probe.disconnect();
    }
  });

  it('the installation prefix: set explicitly, or a hash of the database (never its password) or the data dir', () => {
    const base = { NYXCORE_RATE_LIMIT_PREFIX: undefined, dataDir: '/srv/nyx' };
    expect(rateLimitPrefix({ ...base, NYXCORE_RATE_LIMIT_PREFIX: 'prod-eu', DATABASE_URL: undefined })).toBe('prod-eu');
    const a = rateLimitPrefix({ ...base, DATABASE_URL: 'postgres://nyx:s3cret-pass@db.internal:5432/nyx_a' });
    const aOtherPassword = rateLimitPrefix({ ...base, DATABASE_URL: 'postgres://nyx:other@db.internal:5432/nyx_a' });
    const b = rateLimitPrefix({ ...base, DATABASE_URL: 'postgres://nyx:s3cret-pass@db.internal:5432/nyx_b' });
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(a).toBe(aOtherPassword);
    expect(a).not.toBe(b);
    const socket = (dir: string) =>
      rateLimitPrefix({ ...base, DATABASE_URL: `postgres://nyx:pw@localhost/nyx_a?host=${dir}` });
    expect(socket('/run/pg-one')).not.toBe(socket('/run/pg-two'));
    expect(rateLimitPrefix({ ...base, DATABASE_URL: undefined })).not.toBe(
      rateLimitPrefix({ ...base, dataDir: '/srv/other', DATABASE_URL: undefined }),
    );
  });

  it('Redis unreachable: fails open or closed as configured', async () => {
    const dead = 'redis://127.0.0.1:1';
    const open = createRedisRateLimiter(dead, 'open', log, 'test');
    const closed = createRedisRateLimiter(dead, 'closed', log, 'test');
    try {
      expect((await open.hit('k', 1, 60_000)).isAllowed).toBe(true);
      expect((await closed.hit('k', 1, 60_000)).isAllowed).toBe(false);
    } finally {
      await open.close();
      await closed.close();
    }
  });
});
