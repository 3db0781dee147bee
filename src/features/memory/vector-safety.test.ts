/**
 * The two properties memory search must never lose: a filtered vector query still returns
 * k rows, and schema work never touches the embeddings (the 1,719-embeddings lesson).
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../config/env.js';
import type { Database } from '../../platform/db/client.js';
import { createEgress } from '../../platform/egress/egress.js';
import { indexMemoryCheck, runDoctor } from '../../cli/doctor.js';
import { migrationsFolder, readJournal, runMigrations } from '../../platform/db/migrate.js';
import { projects, tenants, workflowInsights } from '../../platform/db/schema/index.js';
import { withTenant } from '../../platform/db/tenant.js';
import { OFFLINE_EMBEDDING_MODEL, offlineEmbed } from '../../platform/llm/embeddings.js';
import { createVault } from '../../platform/llm/vault.js';
import { createLogger } from '../../platform/logger.js';
import { dbKinds, openTestDatabase } from '../../testing/harness.js';
import { EXACT_DENSE_LIMIT, foldVector, nearestStatement, queryVector, specsFor } from './candidates.js';
import { zSearch } from './schema.js';
import { searchMemory, searchWith } from './search.js';

/** Thrown to roll a transaction back, carrying what it found. */
class Rollback extends Error {}

const words =
  'latency cache deploy queue index shard timeout retry budget login token schema backup alert metric trace pool lock vacuum'.split(
    ' ',
  );

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
        const title =
          i < IN_TARGET
            ? `replica lag ${words[i % words.length]} issue ${i}`
            : `${words[i % words.length]} ${words[(i * 7) % words.length]} issue ${i}`;
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
  // PostgreSQL test runs share one database: leave no vectors behind, or each run would add
  // 1,500 more copies of the same ones to the shared HNSW graph.
  afterAll(async () => {
    await database.raw('delete from tenants where id = $1', [tenantId]);
    await database.close();
  });

  const deps = () => ({
    database,
    vault: createVault(randomBytes(32)),
    log: createLogger('silent'),
    fetch: createEgress(loadEnv({}), createLogger('silent')).fetch,
    now: () => new Date(),
    timeoutMs: 5_000,
  });

  it('a project filter matching 1% of rows still returns k results, on either vector path (HNSW: iterative scan)', async () => {
    const r = await searchMemory(
      deps(),
      { tenantId, userId: null, projectPin: null },
      { query: 'replicas lagging', k: 10, kinds: ['insight'], projectId: target },
    );
    expect(r.hits).toHaveLength(10);
    expect(r.hits.every((h) => h.projectId === target)).toBe(true);
    expect(r.hits.every((h) => h.vectorRank !== null)).toBe(true);

    // The HNSW path, which a model's vectors take: the iterative scan keeps walking the graph
    // until 10 rows pass the filter.
    const qv = queryVector(OFFLINE_EMBEDDING_MODEL, offlineEmbed('replicas lagging'));
    const weights = { vector: 1, text: 0 };
    const input = { query: 'replicas lagging', k: 10, kinds: ['insight' as const] };
    const h = await searchWith(database, { tenantId, userId: null }, input, target, qv, {
      mode: 'weighted',
      weights,
      path: 'hnsw',
    });
    expect(h.vectorPaths).toEqual(['hnsw']);
    expect(h.hits.filter((x) => x.vectorRank !== null && x.projectId === target)).toHaveLength(10);

    // The problem the iterative scan solves, shown on the same data with the index forced: for
    // a query whose nearest rows lie outside the filter, a plain HNSW scan yields ef_search
    // candidates and the filter keeps ~1% of them.
    const q = `[${offlineEmbed('cache latency deploy').join(',')}]`;
    const count = (iterative: 'off' | 'relaxed_order') =>
      withTenant(database, { tenantId, userId: null }, async (tx) => {
        // No sorting allowed: the only ordered path left is the HNSW index.
        await tx.execute(
          sql`select set_config('enable_sort', 'off', true), set_config('hnsw.ef_search', '40', true), set_config('hnsw.iterative_scan', ${iterative}, true)`,
        );
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

  it('offline vectors are ranked exactly: the vector candidates are the true nearest rows', async () => {
    const query = 'cache latency deploy';
    const q = offlineEmbed(query);
    const rows = await database.raw<{ id: string; title: string }>(
      'select id, title from workflow_insights where tenant_id = $1',
      [tenantId],
    );
    const cosine = (v: number[]) => v.reduce((a, x, i) => a + x * (q[i] ?? 0), 0);
    const truth = rows
      .map((r) => ({ id: r.id, score: cosine(offlineEmbed(r.title)) }))
      .sort((a, b) => b.score - a.score);
    const tenth = truth[9]?.score ?? 0;
    const r = await searchWith(
      database,
      { tenantId, userId: null },
      { query, k: 10, kinds: ['insight'] },
      null,
      queryVector(OFFLINE_EMBEDDING_MODEL, q),
      {
        mode: 'weighted',
        weights: { vector: 1, text: 0 },
      },
    );
    expect(r.vectorPaths).toEqual(['exact']);
    expect(r.hits).toHaveLength(10);
    const byId = new Map(truth.map((t) => [t.id, t.score]));
    for (const hit of r.hits) {
      // Each hit's vector part is its true cosine, and none ranks below the true 10th.
      expect(hit.vectorScore).toBeCloseTo(byId.get(hit.id) ?? -1, 5);
      expect(hit.vectorScore).toBeGreaterThanOrEqual(tenth - 1e-6);
    }
  });

  it("the exact offline path ranks a workspace by the vectors' folds from the covering index (index-only), not a heap page per row", async () => {
    // The generated fold is the sum of the vector's four quarters, to halfvec precision.
    const [row] = await database.raw<{ title: string; fold: string }>(
      'select title, embedding_fold::text as fold from workflow_insights where tenant_id = $1 limit 1',
      [tenantId],
    );
    const expected = foldVector(offlineEmbed(row?.title ?? ''));
    const fold = JSON.parse(row?.fold ?? '[]') as number[];
    expect(fold).toHaveLength(384);
    fold.forEach((x, i) => expect(x).toBeCloseTo(expected[i] ?? NaN, 2));
    // Index-only once the visibility map marks the pages all-visible: autovacuum does that on
    // a live database (inserts trigger it too), here it is done by hand.
    await database.raw('vacuum analyze workflow_insights', []);
    const query = 'cache latency deploy';
    const statement = nearestStatement(
      specsFor(zSearch.parse({ query, kinds: ['insight'] }), null),
      query,
      queryVector(OFFLINE_EMBEDDING_MODEL, offlineEmbed(query)),
      20,
    );
    // What this proves is that the first stage reads only columns the covering index holds.
    // In this test the workspace is the whole (small) table, stored in index order, so the
    // slim tenant index (or a whole-table scan) reads the heap as cheaply; in a real database a
    // workspace's rows are scattered over the heap, a page each (bench:search: the planner
    // takes the covering index by itself). So here those are out of the way: the slim index
    // is dropped inside a transaction that is rolled back.
    const plan = await database.db
      .transaction(async (tx) => {
        await tx.execute(sql`drop index workflow_insights_tenant_project_idx`);
        await tx.execute(
          sql`select set_config('role', 'nyxcore_app', true), set_config('app.tenant_id', ${tenantId}, true),
            set_config('enable_seqscan', 'off', true), set_config('enable_bitmapscan', 'off', true)`,
        );
        const explained = JSON.stringify(await tx.execute(sql`explain ${statement}`));
        throw new Rollback(explained);
      })
      .catch((err: unknown) => {
        if (err instanceof Rollback) return err.message;
        throw err;
      });
    expect(plan).toContain('Index Only Scan using workflow_insights_vector_scan_idx');
    expect(
      await database.raw("select 1 from pg_indexes where indexname = 'workflow_insights_tenant_project_idx'", []),
    ).toHaveLength(1);
  });

  it('keyword matches under RLS are found through the GIN index (ts_match_vq is LEAKPROOF), and doctor says so', async () => {
    // Without LEAKPROOF the policy's condition must run first, so no plan may use the index
    // on `search`; with it, the index finds (seq scans off: the test tables are small) the 15 matches among the workspace's 1,500 rows.
    await database.raw('analyze workflow_insights', []);
    const plan = await withTenant(database, { tenantId, userId: null }, async (tx) => {
      await tx.execute(sql`select set_config('enable_seqscan', 'off', true)`);
      const rows = await tx.execute(
        sql`explain select id from workflow_insights where search @@ websearch_to_tsquery('english', 'replica lag')`,
      );
      return JSON.stringify(rows);
    });
    expect(plan).toContain('workflow_insights_search_idx');
    const r = await searchMemory(
      deps(),
      { tenantId, userId: null, projectPin: null },
      { query: 'replica lag', k: 20, kinds: ['insight'] },
    );
    expect(r.hits.filter((h) => h.textScore > 0)).toHaveLength(IN_TARGET);
    const checks = await runDoctor(loadEnv({}), database);
    expect(checks.find((c) => c.name === 'full-text index under RLS')).toMatchObject({ isOk: true });
  });

  it('doctor compares the HNSW indexes with shared_buffers', async () => {
    const check = await indexMemoryCheck(database);
    expect(check.detail).toMatch(/^HNSW indexes [\d,]+ MiB, shared_buffers [\d,]+ MiB$/);
    // 1,500 rows of 1536 dimensions: a few MiB of graph, far below any shared_buffers.
    expect(check).toMatchObject({ name: 'vector index memory', isOk: true, isWarning: false });
  });

  it(`a model's vectors are compared exactly (sign bits, then the full vector) up to ${EXACT_DENSE_LIMIT.toLocaleString('en')} rows in scope, and take HNSW above`, async () => {
    // The same rows again in another workspace, as if a model had embedded them: 1,100 in one
    // project (more than the 1,000 the exact path once stopped at), 100 in another, and enough
    // rows still without a vector in a third to take the workspace over the limit (the scope
    // counts every row, embedded or not).
    const denseTenant = randomUUID();
    const [mid, small, pending] = [randomUUID(), randomUUID(), randomUUID()];
    await withTenant(database, { tenantId: denseTenant, userId: null }, async (tx) => {
      await tx.insert(tenants).values({ id: denseTenant, name: 'dense' });
      await tx.insert(projects).values([
        { id: mid, tenantId: denseTenant, name: 'mid' },
        { id: small, tenantId: denseTenant, name: 'small' },
        { id: pending, tenantId: denseTenant, name: 'pending' },
      ]);
    });
    const copy = (projectId: string, limit: number, offset: number) =>
      database.raw(
        `insert into workflow_insights (tenant_id, project_id, title, detail, type, severity, embedding, embedding_model)
         select $1, $2, title, detail, type, severity, embedding, 'test-dense-model' from workflow_insights where tenant_id = $3 order by title limit ${limit} offset ${offset}`,
        [denseTenant, projectId, tenantId],
      );
    await copy(mid, 1_100, 0);
    await copy(small, 100, 1_100);
    const query = 'replicas lagging';
    const q = offlineEmbed(query);
    const qv = queryVector('test-dense-model', q);
    const search = (projectId: string | null) =>
      searchWith(
        database,
        { tenantId: denseTenant, userId: null },
        { query, k: 10, kinds: ['insight'] },
        projectId,
        qv,
        { mode: 'weighted', weights: { vector: 1, text: 0 } },
      );

    // Exact within 1,100 rows: the true nearest by the full vector, with their true cosine.
    const rows = await database.raw<{ id: string; title: string }>(
      'select id, title from workflow_insights where project_id = $1',
      [mid],
    );
    const cosine = (v: number[]) => v.reduce((a, x, i) => a + x * (q[i] ?? 0), 0);
    const truth = new Map(rows.map((r) => [r.id, cosine(offlineEmbed(r.title))]));
    const tenth = [...truth.values()].sort((a, b) => b - a)[9] ?? 0;
    const exact = await search(mid);
    expect(exact.vectorPaths).toEqual(['exact']);
    expect(exact.hits).toHaveLength(10);
    for (const hit of exact.hits) {
      expect(hit.vectorScore).toBeCloseTo(truth.get(hit.id) ?? -1, 5);
      expect(hit.vectorScore).toBeGreaterThanOrEqual(tenth - 1e-6);
    }
    expect((await search(null)).vectorPaths).toEqual(['exact']);

    await database.raw(
      `insert into workflow_insights (tenant_id, project_id, title, type, severity) select $1, $2, 'not embedded yet ' || i, 'pattern', 'low' from generate_series(1, ${EXACT_DENSE_LIMIT}) i`,
      [denseTenant, pending],
    );
    const wide = await search(null);
    expect(wide.vectorPaths).toEqual(['hnsw']);
    expect(wide.hits).toHaveLength(10);
    const narrow = await search(small);
    expect(narrow.vectorPaths).toEqual(['exact']);
    expect(narrow.hits.every((h) => h.projectId === small)).toBe(true);
    // No row of this space in the other workspace's project: nothing to compare, no path.
    expect((await search(target)).vectorPaths).toEqual([null]);
    await database.raw('delete from tenants where id = $1', [denseTenant]);
  }, 180_000);

  it("only a model's vectors get sign bits, and they are the vector's signs", async () => {
    const id = randomUUID();
    const v = offlineEmbed('dense');
    await database.raw(
      `insert into workflow_insights (id, tenant_id, project_id, title, type, severity, embedding, embedding_model) values ($1, $2, $3, 'dense', 'pattern', 'low', $4::vector, 'text-embedding-3-small')`,
      [id, tenantId, target, `[${v.join(',')}]`],
    );
    const [row] = await database.raw<{ bits: string; offline: number }>(
      `select (select embedding_bits::text from workflow_insights where id = $1) as bits,
              (select count(*)::int from workflow_insights where tenant_id = $2 and embedding_model = $3 and embedding_bits is not null) as offline`,
      [id, tenantId, OFFLINE_EMBEDDING_MODEL],
    );
    expect(row).toEqual({ bits: v.map((x) => (x > 0 ? '1' : '0')).join(''), offline: 0 });
    await database.raw('delete from workflow_insights where id = $1', [id]);
  });

  it('only offline vectors get the sparse copy', async () => {
    const [row] = await database.raw<{ offline: number; other: number }>(
      `select count(*) filter (where embedding_sparse is not null)::int as offline,
              (select count(*)::int from workflow_insights where tenant_id = $1 and embedding_model <> $2 and embedding_sparse is not null) as other
       from workflow_insights where tenant_id = $1 and embedding_model = $2`,
      [tenantId, OFFLINE_EMBEDDING_MODEL],
    );
    expect(row).toEqual({ offline: TOTAL, other: 0 });
    const id = randomUUID();
    await database.raw(
      `insert into workflow_insights (id, tenant_id, project_id, title, type, severity, embedding, embedding_model) values ($1, $2, $3, 'dense', 'pattern', 'low', $4::vector, 'text-embedding-3-small')`,
      [id, tenantId, target, `[${offlineEmbed('dense').join(',')}]`],
    );
    expect(await database.raw('select embedding_sparse from workflow_insights where id = $1', [id])).toEqual([
      { embedding_sparse: null },
    ]);
    await database.raw('delete from workflow_insights where id = $1', [id]);
  });

  it('re-running migrations keeps the vector(1536) column, the HNSW index and every embedding byte for byte', async () => {
    const snapshot = async () => ({
      type: await database.raw<{ t: string }>(
        "select format_type(atttypid, atttypmod) as t from pg_attribute where attrelid = 'workflow_insights'::regclass and attname = 'embedding'",
        [],
      ),
      index: await database.raw<{ def: string }>(
        "select indexdef as def from pg_indexes where indexname = 'workflow_insights_embedding_idx'",
        [],
      ),
      data: await database.raw<{ id: string; e: string; s: string }>(
        'select id, embedding::text as e, embedding_sparse::text as s from workflow_insights where tenant_id = $1 order by id',
        [tenantId],
      ),
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
    const snap = JSON.parse(
      fs.readFileSync(
        path.join(migrationsFolder, 'meta', `${String(last?.idx).padStart(4, '0')}_snapshot.json`),
        'utf8',
      ),
    ) as {
      tables: Record<string, { columns: Record<string, { type: string }> }>;
    };
    expect(snap.tables['public.workflow_insights']?.columns.embedding?.type).toBe('vector(1536)');
    expect(snap.tables['public.memory_entries']?.columns.embedding?.type).toBe('vector(1536)');
    for (const f of fs.readdirSync(migrationsFolder).filter((n) => n.endsWith('.sql'))) {
      expect(fs.readFileSync(path.join(migrationsFolder, f), 'utf8'), f).not.toMatch(/DROP COLUMN\s+"?embedding"?/i);
    }
  });
});
