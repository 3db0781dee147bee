import type { Env } from '../config/env.js';
import { appRoleFacts, findRlsProblems, tenantTables } from '../platform/db/catalog.js';
import type { Database } from '../platform/db/client.js';
import { pendingMigrations, textMatchFacts } from '../platform/db/migrate.js';
import { gitVersion } from '../features/repositories/index.js';

export interface Check {
  name: string;
  isOk: boolean;
  /** Worth acting on, but the instance works: printed with "!" and not counted as a failure. */
  isWarning?: boolean;
  detail: string;
  fix?: string;
}

/** Everything `nyxcore doctor` verifies; each failed check says how to fix it. */
export async function runDoctor(env: Env, database: Database): Promise<Check[]> {
  const checks: Check[] = [];
  const add = (c: Check) => checks.push(c);
  try {
    const [v] = await database.raw<{ v: string }>('select version() as v', []);
    add({
      name: 'database reachable',
      isOk: true,
      detail: `${database.mode} · ${v?.v.split(' on ')[0] ?? ''} · ${database.location}`,
    });
  } catch (err) {
    add({
      name: 'database reachable',
      isOk: false,
      detail: (err as Error).message,
      fix: env.DATABASE_URL
        ? 'Check DATABASE_URL and that PostgreSQL is running'
        : `Check that ${env.dataDir} is readable`,
    });
    return checks;
  }
  const ext = await database.raw<{ extversion: string }>(
    "select extversion from pg_extension where extname = 'vector'",
    [],
  );
  const available = await database.raw<{ n: number }>(
    "select count(*)::int as n from pg_available_extensions where name = 'vector'",
    [],
  );
  add({
    name: 'pgvector extension',
    isOk: ext.length > 0,
    detail: ext[0]
      ? `vector ${ext[0].extversion}`
      : available[0]?.n
        ? 'available but not created (run nyxcore migrate)'
        : 'not installed on this server',
    ...(ext.length
      ? {}
      : {
          fix: 'Install pgvector ≥ 0.7 on the server (scripts/setup-system.sh builds it on Debian), then run `nyxcore migrate`',
        }),
  });
  const pending = await pendingMigrations(database);
  add({
    name: 'migrations',
    isOk: pending.length === 0,
    detail: pending.length ? `${pending.length} pending: ${pending.join(', ')}` : 'all applied',
    ...(pending.length ? { fix: 'Run `nyxcore migrate`' } : {}),
  });
  const role = await appRoleFacts(database);
  const roleOk = role.exists && !role.isSuperuser && !role.canBypassRls && role.ownedTables.length === 0;
  add({
    name: 'request role nyxcore_app',
    isOk: roleOk,
    detail: !role.exists
      ? 'missing'
      : roleOk
        ? 'exists; not superuser, no BYPASSRLS, owns no table'
        : `superuser=${role.isSuperuser} bypassrls=${role.canBypassRls} owns=${role.ownedTables.join(',') || 'none'}`,
    ...(roleOk
      ? {}
      : { fix: 'Run `nyxcore migrate`; never grant nyxcore_app SUPERUSER or BYPASSRLS, or make it a table owner' }),
  });
  const tables = await tenantTables(database);
  const problems = await findRlsProblems(database);
  add({
    name: 'row level security',
    isOk: problems.length === 0,
    detail: problems.length
      ? problems.map((p) => `${p.table}: ${p.problem}`).join('; ')
      : `${tables.length} tenant tables, all enabled + forced with tenant_isolation`,
    ...(problems.length ? { fix: "Add `select nyxcore_enable_tenant_rls('<table>')` to a migration" } : {}),
  });
  await memoryChecks(database, add);
  const match = await textMatchFacts(database);
  add({
    name: 'full-text index under RLS',
    isOk: match.isLeakproof,
    isWarning: !match.isLeakproof,
    detail: match.isLeakproof
      ? 'tsvector @@ tsquery is LEAKPROOF: keyword search uses its GIN index'
      : 'tsvector @@ tsquery is not LEAKPROOF: keyword search reads every row of a workspace (slower, still correct)',
    ...(match.isLeakproof ? {} : { fix: match.fix }),
  });
  add(await gitCheck(env));
  return checks;
}

/** Repositories clone with the system git; `http.curloptResolve` (DNS pinning) needs 2.37. */
async function gitCheck(env: Env): Promise<Check> {
  const v = await gitVersion(env.PATH);
  const isOk = v !== null && (v[0] > 2 || (v[0] === 2 && v[1] >= 37));
  return {
    name: 'git',
    isOk,
    // Only git repositories need it: the rest of nyxCore works without.
    isWarning: !isOk,
    detail: v ? `git ${v.join('.')}` : `not found on PATH (${env.PATH})`,
    ...(isOk ? {} : { fix: 'Install git ≥ 2.37 to connect git repositories (local paths work without it)' }),
  };
}

/** Memory search: vector columns declared as vector(1536), their HNSW indexes, and rows still missing a vector. */
async function memoryChecks(database: Database, add: (c: Check) => void): Promise<void> {
  const tables = ['memory_entries', 'workflow_insights'];
  const cols = await database.raw<{ t: string; type: string }>(
    `select c.relname as t, format_type(a.atttypid, a.atttypmod) as type from pg_attribute a join pg_class c on c.oid = a.attrelid
      where c.relname = any($1) and a.attname = 'embedding' and not a.attisdropped`,
    [tables],
  );
  const wrong = tables.filter((t) => cols.find((c) => c.t === t)?.type !== 'vector(1536)');
  add({
    name: 'embedding columns',
    isOk: wrong.length === 0,
    detail: wrong.length ? `not vector(1536): ${wrong.join(', ')}` : `${tables.join(', ')}: vector(1536)`,
    ...(wrong.length ? { fix: 'Run `nyxcore migrate`; never change the schema outside migrations' } : {}),
  });
  const idx = await database.raw<{ indexname: string }>(
    "select indexname from pg_indexes where indexdef ilike '%using hnsw%vector_cosine_ops%'",
    [],
  );
  const missingIdx = tables.filter((t) => !idx.some((i) => i.indexname === `${t}_embedding_idx`));
  add({
    name: 'vector indexes',
    isOk: missingIdx.length === 0,
    detail: missingIdx.length ? `no HNSW index on ${missingIdx.join(', ')}` : 'HNSW (vector_cosine_ops) on both',
    ...(missingIdx.length ? { fix: 'Run `nyxcore migrate`' } : {}),
  });
  if (!missingIdx.length) add(await indexMemoryCheck(database));
  if (wrong.length) return;
  const [m] = await database.raw<{ n: number }>(
    'select ((select count(*) from memory_entries where embedding is null) + (select count(*) from workflow_insights where embedding is null))::int as n',
    [],
  );
  const missing = m?.n ?? 0;
  add({
    name: 'missing embeddings',
    isOk: true,
    isWarning: missing > 0,
    detail: missing ? `${missing} row(s) have no vector yet (searchable by keyword only)` : 'none',
    ...(missing ? { fix: 'Run `nyxcore embeddings backfill` once the embedding provider works' } : {}),
  });
  await checkRuns(database, add);
}

const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20).toLocaleString('en')} MiB`;

/**
 * An HNSW search walks its graph page by page: an index larger than shared_buffers is read
 * from the OS cache again and again (bench:search: vector query p95 26.8 ms with 128 MB for
 * a 781 MB index, 11.5 ms with 4 GB).
 */
export async function indexMemoryCheck(database: Database): Promise<Check> {
  const [r] = await database.raw<{ index: string; buffers: string }>(
    `select (select coalesce(sum(pg_relation_size(i.indexrelid)), 0) from pg_index i join pg_class c on c.oid = i.indexrelid
        where c.relname in ('memory_entries_embedding_idx', 'workflow_insights_embedding_idx'))::text as index,
      pg_size_bytes(current_setting('shared_buffers'))::text as buffers`,
    [],
  );
  const index = Number(r?.index ?? 0);
  const buffers = Number(r?.buffers ?? 0);
  const fits = index <= buffers;
  return {
    name: 'vector index memory',
    isOk: true,
    isWarning: !fits,
    detail: `HNSW indexes ${mib(index)}, shared_buffers ${mib(buffers)}`,
    ...(fits
      ? {}
      : {
          fix:
            database.mode === 'postgres'
              ? `Raise shared_buffers above ${mib(index)} (about a quarter of RAM is usual) so vector search stays in memory; see docs/operations.md`
              : 'A memory this large belongs on PostgreSQL (server mode), where shared_buffers can hold the index',
        }),
  };
}

/** The job queue and runs: pg-boss installed, and no run stuck with a lapsed lease and no job to resume it. */
async function checkRuns(database: Database, add: (c: Check) => void): Promise<void> {
  const [boss] = await database.raw<{ n: number }>(
    "select count(*)::int as n from information_schema.tables where table_schema = 'pgboss' and table_name = 'job'",
    [],
  );
  if (!boss?.n) {
    add({
      name: 'job queue',
      isOk: true,
      isWarning: true,
      detail: 'pg-boss is not installed yet',
      fix: 'Start nyxCore once (`nyxcore start` or `nyxcore worker`): it installs the pgboss schema',
    });
    return;
  }
  // An operator check across workspaces (the owner role reads past RLS, like `embeddings backfill`).
  const [runs] = await database.raw<{ queued: number; running: number; lapsed: number }>(
    `select count(*) filter (where status = 'queued')::int as queued, count(*) filter (where status = 'running')::int as running,
            count(*) filter (where status = 'running' and lease_until < now() - interval '5 minutes')::int as lapsed
       from workflow_runs`,
    [],
  );
  const lapsed = runs?.lapsed ?? 0;
  add({
    name: 'workflow runs',
    isOk: true,
    isWarning: lapsed > 0,
    detail: `${runs?.queued ?? 0} queued, ${runs?.running ?? 0} running${lapsed ? `, ${lapsed} whose worker stopped renewing over 5 minutes ago` : ''}`,
    ...(lapsed
      ? { fix: 'Start a worker (`nyxcore start` or `nyxcore worker`): it resumes them at their first unfinished step' }
      : {}),
  });
}
