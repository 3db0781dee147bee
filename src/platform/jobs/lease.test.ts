/**
 * The lease machinery on its own, without any feature: claiming (one winner; a live lease
 * blocks, a lapsed one does not), the lease-checked write (a worker that lost the lease
 * writes nothing) and the shutdown hand-back (only the holder's counts).
 */
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.js';
import { dbKinds, openTestDatabase } from '../../testing/harness.js';
import { isClaimable, isHeldBy, leaseUntil, lockHeld, releaseLease, type LeasedTable } from './lease.js';
import { LeaseLostError } from './leased-run.js';

const items = pgTable('lease_test_items', {
  id: uuid('id').primaryKey(),
  leaseOwner: text('lease_owner'),
  leaseUntil: timestamp('lease_until', { withTimezone: true }),
  note: text('note').notNull().default(''),
});
const leased: LeasedTable = { table: items, id: items.id, leaseOwner: items.leaseOwner, leaseUntil: items.leaseUntil };

describe.each(dbKinds)('leases on %s', (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await database.raw(
      "create table if not exists lease_test_items (id uuid primary key, lease_owner text, lease_until timestamptz, note text not null default '')",
      [],
    );
  });
  afterAll(async () => {
    await database.raw('drop table if exists lease_test_items', []);
    await database.close();
  });

  const newItem = async (owner: string | null = null, leaseMs = 0) => {
    const id = randomUUID();
    await database.db.insert(items).values({
      id,
      leaseOwner: owner,
      leaseUntil: owner ? sql`now() + ${`${leaseMs} milliseconds`}::interval` : null,
    });
    return id;
  };
  const claim = (id: string, workerId: string) =>
    database.db
      .update(items)
      .set({ leaseOwner: workerId, leaseUntil: leaseUntil(60_000) })
      .where(sql`${eq(items.id, id)} and ${isClaimable(leased, workerId)}`)
      .returning({ id: items.id });
  const row = async (id: string) => (await database.db.select().from(items).where(eq(items.id, id)))[0];

  it('one claimant wins a free item; a live lease blocks others, a lapsed one does not, and the holder may claim again', async () => {
    const free = await newItem();
    const wins = await Promise.all(['w1', 'w2', 'w3'].map((w) => claim(free, w)));
    expect(wins.filter((r) => r.length === 1)).toHaveLength(1);
    const holder = (await row(free))?.leaseOwner ?? '';
    expect(await claim(free, holder === 'w1' ? 'w2' : 'w1')).toHaveLength(0);
    expect(await claim(free, holder)).toHaveLength(1);

    const lapsed = await newItem('gone', -1_000);
    expect(await claim(lapsed, 'w9')).toHaveLength(1);
    expect((await row(lapsed))?.leaseOwner).toBe('w9');
  });

  it('the lease-checked write: the holder locks and writes; a worker that lost the lease throws LeaseLostError and writes nothing', async () => {
    const id = await newItem('w1', 60_000);
    const got = await database.db.transaction(async (tx) => {
      const r = await lockHeld(tx, leased, id, 'w1', { note: items.note });
      await tx.update(items).set({ note: 'by w1' }).where(eq(items.id, id));
      return r;
    });
    expect(got).toEqual({ note: '' });
    // w2 took the item over while w1 stalled.
    await database.db.update(items).set({ leaseOwner: 'w2' }).where(eq(items.id, id));
    await expect(
      database.db.transaction(async (tx) => {
        await tx.update(items).set({ note: 'late write by w1' }).where(eq(items.id, id));
        await lockHeld(tx, leased, id, 'w1', {});
      }),
    ).rejects.toBeInstanceOf(LeaseLostError);
    expect((await row(id))?.note).toBe('by w1');
    await expect(database.db.transaction((tx) => lockHeld(tx, leased, randomUUID(), 'w1', {}))).rejects.toBeInstanceOf(
      LeaseLostError,
    );
  });

  it("hand-back clears the lease only for its holder; another worker's release changes nothing", async () => {
    const id = await newItem('w1', 60_000);
    await database.db.transaction((tx) => releaseLease(tx, leased, id, 'w2'));
    expect(await row(id)).toMatchObject({ leaseOwner: 'w1' });
    expect(
      await database.db
        .select({ id: items.id })
        .from(items)
        .where(isHeldBy(leased, id, 'w1')),
    ).toHaveLength(1);
    await database.db.transaction((tx) => releaseLease(tx, leased, id, 'w1'));
    expect(await row(id)).toMatchObject({ leaseOwner: null, leaseUntil: null });
    expect(await claim(id, 'w3')).toHaveLength(1);
  });
});
