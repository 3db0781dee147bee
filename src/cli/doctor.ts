import type { Env } from '../config/env.js';
import { appRoleFacts, findRlsProblems, tenantTables } from '../platform/db/catalog.js';
import type { Database } from '../platform/db/client.js';
import { pendingMigrations } from '../platform/db/migrate.js';

export interface Check {
  name: string;
  isOk: boolean;
  detail: string;
  fix?: string;
}

/** Everything `nyxcore doctor` verifies; each failed check says how to fix it. */
export async function runDoctor(env: Env, database: Database): Promise<Check[]> {
  const checks: Check[] = [];
  const add = (c: Check) => checks.push(c);
  try {
    const [v] = await database.raw<{ v: string }>('select version() as v', []);
    add({ name: 'database reachable', isOk: true, detail: `${database.mode} · ${v?.v.split(' on ')[0] ?? ''} · ${database.location}` });
  } catch (err) {
    add({ name: 'database reachable', isOk: false, detail: (err as Error).message, fix: env.DATABASE_URL ? 'Check DATABASE_URL and that PostgreSQL is running' : `Check that ${env.dataDir} is readable` });
    return checks;
  }
  const ext = await database.raw<{ extversion: string }>("select extversion from pg_extension where extname = 'vector'", []);
  const available = await database.raw<{ n: number }>("select count(*)::int as n from pg_available_extensions where name = 'vector'", []);
  add({
    name: 'pgvector extension',
    isOk: ext.length > 0,
    detail: ext[0] ? `vector ${ext[0].extversion}` : (available[0]?.n ? 'available but not created (run nyxcore migrate)' : 'not installed on this server'),
    ...(ext.length ? {} : { fix: 'Install pgvector ≥ 0.7 on the server (scripts/setup-system.sh builds it on Debian), then run `nyxcore migrate`' }),
  });
  const pending = await pendingMigrations(database);
  add({ name: 'migrations', isOk: pending.length === 0, detail: pending.length ? `${pending.length} pending: ${pending.join(', ')}` : 'all applied', ...(pending.length ? { fix: 'Run `nyxcore migrate`' } : {}) });
  const role = await appRoleFacts(database);
  const roleOk = role.exists && !role.isSuperuser && !role.canBypassRls && role.ownedTables.length === 0;
  add({
    name: 'request role nyxcore_app',
    isOk: roleOk,
    detail: !role.exists ? 'missing' : roleOk ? 'exists; not superuser, no BYPASSRLS, owns no table' : `superuser=${role.isSuperuser} bypassrls=${role.canBypassRls} owns=${role.ownedTables.join(',') || 'none'}`,
    ...(roleOk ? {} : { fix: 'Run `nyxcore migrate`; never grant nyxcore_app SUPERUSER or BYPASSRLS, or make it a table owner' }),
  });
  const tables = await tenantTables(database);
  const problems = await findRlsProblems(database);
  add({
    name: 'row level security',
    isOk: problems.length === 0,
    detail: problems.length ? problems.map((p) => `${p.table}: ${p.problem}`).join('; ') : `${tables.length} tenant tables, all enabled + forced with tenant_isolation`,
    ...(problems.length ? { fix: "Add `select nyxcore_enable_tenant_rls('<table>')` to a migration" } : {}),
  });
  return checks;
}
