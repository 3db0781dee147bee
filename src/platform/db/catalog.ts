/** Reads the PostgreSQL catalog to prove the tenancy contract holds (used by doctor and tests). */
import type { Database } from './client.js';

export interface RlsProblem {
  table: string;
  problem: string;
}

/** Every table with a `tenant_id` column must have RLS enabled and forced and a `tenant_isolation` policy. */
export async function findRlsProblems(database: Database, schema = 'public'): Promise<RlsProblem[]> {
  const rows = await database.raw<{ table: string; enabled: boolean; forced: boolean; has_policy: boolean }>(
    `select c.relname as table, c.relrowsecurity as enabled, c.relforcerowsecurity as forced,
            exists (select 1 from pg_policies p where p.schemaname = n.nspname and p.tablename = c.relname
                    and p.policyname = 'tenant_isolation') as has_policy
       from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname = $1
        and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
      order by c.relname`,
    [schema],
  );
  const problems: RlsProblem[] = [];
  for (const r of rows) {
    if (!r.enabled) problems.push({ table: r.table, problem: 'row level security is not enabled' });
    if (!r.forced) problems.push({ table: r.table, problem: 'row level security is not forced' });
    if (!r.has_policy) problems.push({ table: r.table, problem: 'no tenant_isolation policy' });
  }
  return problems;
}

export async function tenantTables(database: Database): Promise<string[]> {
  const rows = await database.raw<{ table: string }>(
    `select c.relname as table from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r','p') and n.nspname = 'public'
        and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
      order by 1`,
    [],
  );
  return rows.map((r) => r.table);
}

export interface AppRoleFacts {
  exists: boolean;
  isSuperuser: boolean;
  canBypassRls: boolean;
  ownedTables: string[];
}

export async function appRoleFacts(database: Database): Promise<AppRoleFacts> {
  const [role] = await database.raw<{ rolsuper: boolean; rolbypassrls: boolean }>(
    "select rolsuper, rolbypassrls from pg_roles where rolname = 'nyxcore_app'",
    [],
  );
  const owned = await database.raw<{ t: string }>(
    "select tablename as t from pg_tables where schemaname = 'public' and tableowner = 'nyxcore_app'",
    [],
  );
  return {
    exists: !!role,
    isSuperuser: !!role?.rolsuper,
    canBypassRls: !!role?.rolbypassrls,
    ownedTables: owned.map((o) => o.t),
  };
}
