import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { dbKinds, openTestDatabase } from '../../testing/harness.js';
import { pendingMigrations, readJournal, runMigrations } from './migrate.js';
import * as schema from './schema/index.js';

describe.each(dbKinds)('migrations on %s', (kind) => {
  it('are all applied, and applying them again is a no-op that keeps data', async () => {
    const database = await openTestDatabase(kind);
    try {
      expect(await pendingMigrations(database)).toEqual([]);
      const before = await database.raw<{ n: number }>(
        'select count(*)::int as n from drizzle.__drizzle_migrations',
        [],
      );
      expect(before[0]?.n).toBe(readJournal().length);
      const again = await runMigrations(database);
      expect(again.applied).toBe(0);
      const after = await database.raw<{ n: number }>(
        'select count(*)::int as n from drizzle.__drizzle_migrations',
        [],
      );
      expect(after[0]?.n).toBe(before[0]?.n);
    } finally {
      await database.close();
    }
    // Every migration on a fresh PGlite: ~24 s on a loaded 2-core machine, too close to 30.
  }, 120_000);
});

describe('schema drift', () => {
  it('the TypeScript schema matches the latest migration snapshot (drizzle-kit sees nothing to generate)', async () => {
    const require = createRequire(import.meta.url);
    const api = (await import('drizzle-kit/api')) as unknown as {
      generateDrizzleJson: (imports: Record<string, unknown>) => Record<string, unknown>;
      generateMigration: (prev: Record<string, unknown>, cur: Record<string, unknown>) => Promise<string[]>;
    };
    const last = readJournal().at(-1);
    expect(last).toBeDefined();
    const snapshot = require(`../../../drizzle/meta/${String(last?.idx).padStart(4, '0')}_snapshot.json`) as Record<
      string,
      unknown
    >;
    const current = api.generateDrizzleJson(schema);
    const statements = await api.generateMigration(snapshot, current);
    expect(statements).toEqual([]);
  });
});
