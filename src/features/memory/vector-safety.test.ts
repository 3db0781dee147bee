/**
 * The two properties memory search must never lose: a filtered vector query still returns
 * k rows, and schema work never touches the embeddings (the 1,719-embeddings lesson).
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../platform/db/client.js';
import { migrationsFolder, readJournal, runMigrations } from '../../platform/db/migrate.js';
import { projects, tenants, workflowInsights } from '../../platform/db/schema/index.js';
import { withTenant } from '../../platform/db/tenant.js';
import { OFFLINE_EMBEDDING_MODEL, offlineEmbed } from '../../platform/llm/embeddings.js';
import { createVault } from '../../platform/llm/vault.js';
import { createLogger } from '../../platform/logger.js';
import { dbKinds, openTestDatabase } from '../../testing/harness.js';
import { searchMemory } from './search.js';

const words = 'latency cache deploy queue index shard timeout retry budget login token schema backup alert metric trace pool lock vacuum'.split(' ');

describe.each(dbKinds)('vector safety on %s', (kind) => {
  let database: Database;
  const tenantId = randomUUID();
  const target = randomUUID();
  const TOTAL = 1500;
  const IN_TARGET = 15; // 1% of the workspace's insights

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await withTenant(database, { tenantId, userId: null }, async (tx) => {
      await tx.insert(tenants).values({ id: tenantId, name: 'vectors' });
      await tx.insert(projects).values({ id: target, tenantId, name: 'target' });
      const bulk = randomUUID();
      await tx.insert(projects).values({ id: bulk, tenantId, name: 'bulk' });
      const rows = Array.from({ length: TOTAL }, (_, i) => {
        // The 1% in the target project are about replica lag; nothing else mentions it.
        const title = i < IN_TARGET ? `replica lag ${words[i % words.length]} issue ${i}` : `${words[i % words.length]} ${words[(i * 7) % words.length]} issue ${i}`;
        return {
          tenantId,
          projectId: i < IN_TARGET ? target : bulk,
          title,
          detail: `${title} observed in service ${i % 13}`,
          type: 'pattern' as const,
          severity: 'medium' as const,
          embedding: offlineEmbed(title),
          embeddingModel: OFFLINE_EMBEDDING_MODEL,
        };
      });
      for (let i = 0; i < rows.length; i += 250) await tx.insert(workflowInsights).values(rows.slice(i, i + 250));
    });
  }, 120_000);
  afterAll(() => database.close());

  it('a project filter matching 1% of rows still returns k results (HNSW iterative scan)', async () => {
    const deps = { database, vault: createVault(randomBytes(32)), log: createLogger('silent'), now: () => new Date(), timeoutMs: 5_000 };
    const r = await searchMemory(deps, { tenantId, userId: null, projectPin: null }, { query: 'replicas lagging', k: 10, kinds: ['insight'], projectId: target });
    expect(r.hits).toHaveLength(10);
    expect(r.hits.every((h) => h.projectId === target)).toBe(true);
    expect(r.hits.every((h) => h.vectorRank !== null)).toBe(true);

    // The problem the iterative scan solves, shown on the same data with the index forced: for
    // a query whose nearest rows lie outside the filter, a plain HNSW scan yields ef_search
    // candidates and the filter keeps ~1% of them.
    const q = `[${offlineEmbed('cache latency deploy').join(',')}]`;
    const count = (iterative: 'off' | 'relaxed_order') =>
      withTenant(database, { tenantId, userId: null }, async (tx) => {
        // No sorting allowed: the only ordered path left is the HNSW index.
        await tx.execute(sql`select set_config('enable_sort', 'off', true), set_config('hnsw.ef_search', '40', true), set_config('hnsw.iterative_scan', ${iterative}, true)`);
        const query = sql`select id from workflow_insights where project_id = ${target} order by embedding <=> ${q}::vector limit 10`;
        const plan = await tx.execute(sql`explain ${query}`);
        const res = await tx.execute(query);
        const rows = (r: unknown): unknown[] => (Array.isArray(r) ? (r as unknown[]) : (r as { rows: unknown[] }).rows);
        expect(JSON.stringify(rows(plan))).toContain('workflow_insights_embedding_idx');
        return rows(res).length;
      });
    expect(await count('off')).toBeLessThan(10);
    expect(await count('relaxed_order')).toBe(10);
  });

  it('re-running migrations keeps the vector(1536) column, the HNSW index and every embedding byte for byte', async () => {
    const snapshot = async () => ({
      type: await database.raw<{ t: string }>(
        "select format_type(atttypid, atttypmod) as t from pg_attribute where attrelid = 'workflow_insights'::regclass and attname = 'embedding'",
        [],
      ),
      index: await database.raw<{ def: string }>("select indexdef as def from pg_indexes where indexname = 'workflow_insights_embedding_idx'", []),
      data: await database.raw<{ id: string; e: string }>('select id, embedding::text as e from workflow_insights where tenant_id = $1 order by id', [tenantId]),
    });
    const before = await snapshot();
    expect(before.type).toEqual([{ t: 'vector(1536)' }]);
    expect(before.index[0]?.def).toMatch(/USING hnsw \(embedding vector_cosine_ops\)/);
    expect(before.data).toHaveLength(TOTAL);
    expect((await runMigrations(database)).applied).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  it('drizzle-kit knows the vector type, and no migration ever drops an embedding column', () => {
    const last = readJournal().at(-1);
    const snap = JSON.parse(fs.readFileSync(path.join(migrationsFolder, 'meta', `${String(last?.idx).padStart(4, '0')}_snapshot.json`), 'utf8')) as {
      tables: Record<string, { columns: Record<string, { type: string }> }>;
    };
    expect(snap.tables['public.workflow_insights']?.columns.embedding?.type).toBe('vector(1536)');
    expect(snap.tables['public.memory_entries']?.columns.embedding?.type).toBe('vector(1536)');
    for (const f of fs.readdirSync(migrationsFolder).filter((n) => n.endsWith('.sql'))) {
      expect(fs.readFileSync(path.join(migrationsFolder, f), 'utf8'), f).not.toMatch(/DROP COLUMN\s+"?embedding"?/i);
    }
  });
});
