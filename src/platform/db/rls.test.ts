import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbErrorOf, dbKinds, openTestDatabase } from '../../testing/harness.js';
import { appRoleFacts, findRlsProblems, tenantTables } from './catalog.js';
import type { Database } from './client.js';
import { projects, tenantMembers, tenants, users } from './schema/index.js';
import { withAuth, withTenant } from './tenant.js';

describe.each(dbKinds)('row level security on %s', (kind) => {
  let database: Database;
  const tenantA = randomUUID();
  const tenantB = randomUUID();

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    for (const id of [tenantA, tenantB]) {
      await withTenant(database, { tenantId: id, userId: null }, async (tx) => {
        await tx.insert(tenants).values({ id, name: `t-${id.slice(0, 4)}` });
        await tx.insert(projects).values({ tenantId: id, name: `project of ${id}` });
      });
    }
  });
  afterAll(() => database.close());

  it('every table with tenant_id has RLS enabled, forced, and a tenant_isolation policy', async () => {
    const tables = await tenantTables(database);
    expect(tables).toEqual(
      expect.arrayContaining(['api_tokens', 'audit_log', 'invitations', 'project_notes', 'projects', 'tenant_members']),
    );
    expect(await findRlsProblems(database)).toEqual([]);
  });

  it('the catalog check flags a tenant table that lacks RLS, and passes once the helper is applied', async () => {
    const schema = `probe_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    await database.raw(`create schema ${schema}`);
    try {
      await database.raw(`create table ${schema}.leaky (id int, tenant_id uuid not null)`);
      const problems = await findRlsProblems(database, schema);
      expect(problems.map((p) => p.problem).sort()).toEqual([
        'no tenant_isolation policy',
        'row level security is not enabled',
        'row level security is not forced',
      ]);
      await database.raw(`select nyxcore_enable_tenant_rls('${schema}.leaky')`);
      expect(await findRlsProblems(database, schema)).toEqual([]);
    } finally {
      await database.raw(`drop schema ${schema} cascade`);
    }
  });

  it('a tenant sees only its own rows; another tenant cannot read, update, delete or insert into them', async () => {
    const own = await withTenant(database, { tenantId: tenantB, userId: null }, (tx) => tx.select().from(projects));
    expect(own.map((p) => p.tenantId)).toEqual([tenantB]);
    await withTenant(database, { tenantId: tenantB, userId: null }, async (tx) => {
      const updated = await tx
        .update(projects)
        .set({ name: 'hijacked' })
        .where(sql`tenant_id = ${tenantA}`)
        .returning();
      expect(updated).toEqual([]);
      const deleted = await tx
        .delete(projects)
        .where(sql`tenant_id = ${tenantA}`)
        .returning();
      expect(deleted).toEqual([]);
    });
    expect(
      await dbErrorOf(
        withTenant(database, { tenantId: tenantB, userId: null }, (tx) =>
          tx.insert(projects).values({ tenantId: tenantA, name: 'planted' }),
        ),
      ),
    ).toMatch(/row-level security/);
    const a = await withTenant(database, { tenantId: tenantA, userId: null }, (tx) => tx.select().from(projects));
    expect(a.map((p) => p.name)).toEqual([`project of ${tenantA}`]);
  });

  it('raw SQL as the request role with no tenant set sees no rows and cannot insert', async () => {
    await withAuth(database, {}, async (tx) => {
      const who = await tx.execute(sql`select current_user as u`);
      expect(rows<{ u: string }>(who)[0]?.u).toBe('nyxcore_app');
      expect(rows(await tx.execute(sql`select * from projects`))).toEqual([]);
      expect(rows(await tx.execute(sql`select * from tenant_members`))).toEqual([]);
      expect(rows(await tx.execute(sql`select * from tenants`))).toEqual([]);
    });
    expect(
      await dbErrorOf(
        withAuth(database, {}, (tx) =>
          tx.execute(sql`insert into projects (tenant_id, name) values (${tenantA}, 'sneaky')`),
        ),
      ),
    ).toMatch(/row-level security/);
  });

  it('the request role is no superuser, has no BYPASSRLS, owns nothing, and cannot alter tables or erase the audit log', async () => {
    expect(
      await dbErrorOf(withAuth(database, {}, (tx) => tx.execute(sql`alter table projects disable row level security`))),
    ).toMatch(/owner/);
    expect(await dbErrorOf(withAuth(database, {}, (tx) => tx.execute(sql`delete from audit_log`)))).toMatch(
      /permission denied/,
    );
    const facts = await appRoleFacts(database);
    expect(facts).toEqual({ exists: true, isSuperuser: false, canBypassRls: false, ownedTables: [] });
  });

  it('users: a request sees itself, members of the current workspace and the address it looks up; nothing else', async () => {
    const [me, coworker, stranger] = [randomUUID(), randomUUID(), randomUUID()];
    const tag = randomUUID().slice(0, 8);
    await database.db.insert(users).values([
      { id: me, email: `me-${tag}@example.test`, name: 'Me', passwordHash: 'x' },
      { id: coworker, email: `co-${tag}@example.test`, name: 'Co', passwordHash: 'x' },
      { id: stranger, email: `st-${tag}@example.test`, name: 'St', passwordHash: 'x' },
    ]);
    await withTenant(database, { tenantId: tenantA, userId: null }, (tx) =>
      tx.insert(tenantMembers).values([
        { tenantId: tenantA, userId: me, role: 'owner' },
        { tenantId: tenantA, userId: coworker, role: 'member' },
      ]),
    );
    await withTenant(database, { tenantId: tenantB, userId: null }, (tx) =>
      tx.insert(tenantMembers).values({ tenantId: tenantB, userId: stranger, role: 'owner' }),
    );
    const mine: string[] = [me, coworker, stranger];
    const visible = (list: { id: string }[]) =>
      list
        .map((u) => u.id)
        .filter((id) => mine.includes(id))
        .sort();
    const inA = await withTenant(database, { tenantId: tenantA, userId: me }, (tx) =>
      tx.select({ id: users.id }).from(users),
    );
    expect(visible(inA)).toEqual([me, coworker].sort());
    expect(await withAuth(database, {}, (tx) => tx.select({ id: users.id }).from(users))).toEqual([]);
    const byEmail = await withAuth(database, { email: `ST-${tag}@example.test` }, (tx) =>
      tx.select({ id: users.id }).from(users),
    );
    expect(byEmail.map((u) => u.id)).toEqual([stranger]);
    // Nobody can rename another account, and the first-run check still counts every row.
    await withTenant(database, { tenantId: tenantA, userId: me }, (tx) =>
      tx.update(users).set({ name: 'hijacked' }).where(eq(users.id, coworker)),
    );
    const [co] = await database.db.select({ name: users.name }).from(users).where(eq(users.id, coworker));
    expect(co?.name).toBe('Co');
    const count = await withAuth(
      database,
      {},
      async (tx) => rows<{ n: number }>(await tx.execute(sql`select nyxcore_user_count() as n`))[0]?.n,
    );
    expect(Number(count)).toBeGreaterThanOrEqual(3);
  });

  it('pool hygiene: after a tenant transaction the same connection carries no tenant and no role', async () => {
    const single = kind === 'postgres' ? await openTestDatabase('postgres', { poolSize: 1 }) : database;
    try {
      await withTenant(single, { tenantId: tenantA, userId: randomUUID() }, async (tx) => {
        const inside = rows<{ u: string; t: string }>(
          await tx.execute(sql`select current_user as u, current_setting('app.tenant_id', true) as t`),
        );
        expect(inside[0]).toEqual({ u: 'nyxcore_app', t: tenantA });
      });
      await expect(
        withTenant(single, { tenantId: tenantA, userId: null }, () => Promise.reject(new Error('boom'))),
      ).rejects.toThrow('boom');
      const after = await single.db.transaction(async (tx) =>
        rows<{ u: string; t: string | null; usr: string | null }>(
          await tx.execute(
            sql`select current_user as u, current_setting('app.tenant_id', true) as t, current_setting('app.user_id', true) as usr`,
          ),
        ),
      );
      expect(after[0]?.u).not.toBe('nyxcore_app');
      expect(after[0]?.t ?? '').toBe('');
      expect(after[0]?.usr ?? '').toBe('');
      // And with the leftover '' the policies still evaluate (no uuid cast error) and match nothing.
      const none = await withAuth(single, {}, (tx) => tx.select().from(projects));
      expect(none).toEqual([]);
    } finally {
      if (single !== database) await single.close();
    }
  });
});

function rows<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
