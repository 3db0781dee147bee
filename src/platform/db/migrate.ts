import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { Database } from './client.js';

export const migrationsFolder = fileURLToPath(new URL('../../../drizzle', import.meta.url));

/**
 * The schema lock: migrations and the job queue's own schema are installed under it, so
 * processes starting together on a new database take turns. Any constant works; it only
 * has to be the same in every nyxCore process.
 */
export const SCHEMA_LOCK = 7_391_045_221;

interface JournalEntry {
  idx: number;
  tag: string;
  when: number;
}

export function readJournal(): JournalEntry[] {
  const raw = fs.readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8');
  return (JSON.parse(raw) as { entries: JournalEntry[] }).entries;
}

/**
 * Applies every pending migration; a second call is a no-op. Callers that also install the
 * job schema hold SCHEMA_LOCK around both (`prepareDatabase`); alone, this takes it itself.
 */
export async function runMigrations(
  database: Database,
  opts: { isLocked?: boolean } = {},
): Promise<{ applied: number }> {
  const apply = async () => {
    const before = await appliedMigrations(database);
    if (database.mode === 'embedded')
      await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder });
    else await migratePg(database.db as unknown as NodePgDatabase, { migrationsFolder });
    const after = await appliedMigrations(database);
    await ensureIndexableTextMatch(database);
    return { applied: after.length - before.length };
  };
  return opts.isLocked ? apply() : database.withLock(SCHEMA_LOCK, apply);
}

/** The `created_at` (journal `when`) of each applied migration; empty before the first run. */
export async function appliedMigrations(database: Database): Promise<number[]> {
  const [exists] = await database.raw<{ ok: boolean }>(
    "select to_regclass('drizzle.__drizzle_migrations') is not null as ok",
    [],
  );
  if (!exists?.ok) return [];
  const rows = await database.raw<{ created_at: string }>(
    'select created_at from drizzle.__drizzle_migrations order by created_at',
    [],
  );
  return rows.map((r) => Number(r.created_at));
}

export async function pendingMigrations(database: Database): Promise<string[]> {
  const applied = new Set(await appliedMigrations(database));
  return readJournal()
    .filter((e) => !applied.has(e.when))
    .map((e) => e.tag);
}

/** The function behind `tsvector @@ tsquery`. */
const TEXT_MATCH_FUNCTION = 'pg_catalog.ts_match_vq(tsvector, tsquery)';

/**
 * Full-text search under Row-Level Security. PostgreSQL evaluates a policy's condition before
 * any of the query's own conditions that are not LEAKPROOF, and `tsvector @@ tsquery`
 * (ts_match_vq) is not marked LEAKPROOF: under RLS the planner may not use the GIN index on
 * `search`, and reads every row of the workspace instead (bench:search, 5,000 rows: the text
 * list took ~30 ms, with the index ~1 ms). ts_match_vq only answers whether a document
 * matches: it has no side effect and raises no error that depends on the row, which is what
 * LEAKPROOF promises; RLS still filters every row the index returns. pg_proc is per database,
 * so this changes nyxCore's database only. Only a superuser may mark a function LEAKPROOF:
 * for any other owner role it is left as it is, and `nyxcore doctor` says how to do it.
 * Run on every migrate (a no-op when done), so a restored dump gets it back.
 */
export async function ensureIndexableTextMatch(database: Database): Promise<void> {
  const facts = await textMatchFacts(database);
  if (!facts.isLeakproof && facts.canAlter) await database.raw(`alter function ${TEXT_MATCH_FUNCTION} leakproof`, []);
}

/** Whether the full-text match may use its index under RLS, and whether this role could make it so. */
export async function textMatchFacts(
  database: Database,
): Promise<{ isLeakproof: boolean; canAlter: boolean; fix: string }> {
  const [row] = await database.raw<{ leakproof: boolean; superuser: boolean }>(
    `select p.proleakproof as leakproof, r.rolsuper as superuser from pg_proc p, pg_roles r
      where p.oid = '${TEXT_MATCH_FUNCTION}'::regprocedure and r.rolname = current_user`,
    [],
  );
  return {
    isLeakproof: !!row?.leakproof,
    canAlter: !!row?.superuser,
    fix: `As a superuser, in this database: ALTER FUNCTION ${TEXT_MATCH_FUNCTION} LEAKPROOF; (or run \`nyxcore migrate\` as a superuser once)`,
  };
}
