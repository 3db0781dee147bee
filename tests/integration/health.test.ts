import { EventHub } from '../../src/platform/events/hub.js';
import type { Jobs } from '../../src/platform/jobs/boss.js';
import { randomBytes } from 'node:crypto';
import { createVault } from '../../src/platform/llm/vault.js';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import { openDatabase } from '../../src/platform/db/client.js';
import { createEgress } from '../../src/platform/egress/egress.js';
import { createApp } from '../../src/app/app.js';
import { createLogger } from '../../src/platform/logger.js';
import { createMemoryRateLimiter } from '../../src/platform/rate-limit.js';
import { dbKinds, startTestServer, TestClient, type TestServer } from '../../src/testing/harness.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

describe.each(dbKinds)('GET /api/v1/health on %s', (kind) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  it('answers 200 with status ok, the database mode, db.ok and the package version, without credentials', async () => {
    const client = new TestClient(server.url);
    const res = await client.raw('/api/v1/health');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      status: 'ok',
      version,
      db: { mode: kind === 'pglite' ? 'embedded' : 'postgres', ok: true, pendingMigrations: 0 },
    });
    expect(body).not.toHaveProperty('db.error');
  });
});

describe('GET /api/v1/health with an unreachable database', () => {
  it('answers 503 with status error and says the database is unreachable', async () => {
    // Port 1 refuses connections; opening the pool does not connect, so this succeeds.
    const database = await openDatabase({ mode: 'postgres', url: 'postgres://postgres@127.0.0.1:1/nope' });
    try {
      const app = createApp({
        env: loadEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
        database,
        log: createLogger('silent'),
        rateLimiter: createMemoryRateLimiter(),
        vault: createVault(randomBytes(32)),
        egress: createEgress(loadEnv({ NODE_ENV: 'test' }), createLogger('silent')),
        now: () => new Date(),
        hub: new EventHub(database, createLogger('silent')),
        // Health never queues work; nothing here may touch the job queue.
        jobs: null as unknown as Jobs,
      });
      const res = await app.request('/api/v1/health');
      expect(res.status).toBe(503);
      const body = (await res.json()) as {
        status: string;
        version: string;
        db: { mode: string; ok: boolean; error?: string };
      };
      expect(body.status).toBe('error');
      expect(body.version).toBe(version);
      expect(body.db.mode).toBe('postgres');
      expect(body.db.ok).toBe(false);
      expect(body.db.error).toContain('unreachable');
      // The connection string (and any credentials in it) stays out of the public probe.
      expect(JSON.stringify(body)).not.toContain('postgres://');
    } finally {
      await database.close();
    }
  });
});
