/**
 * npm run bench:rls — cost of Row-Level Security on the tenant-scoped notes list.
 *
 * On PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/nyxcore_bench,
 * recreated each run): 100,000 notes across 100 tenants. Two variants of the same request,
 * interleaved in rounds so drift hits both equally:
 *   rls:      BEGIN; set role nyxcore_app + app.tenant_id; SELECT … WHERE project_id; COMMIT
 *   explicit: BEGIN; SELECT … WHERE tenant_id = $1 AND project_id; COMMIT   (owner, RLS bypassed)
 * plus, to attribute the gap, `explicit+setconfig`: the explicit query preceded by the same
 * set_config round trip (without the role switch), i.e. RLS's extra statement without RLS.
 * Reports throughput of each and the ratio rls/explicit (target ≥ 0.9).
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { recreateDatabase } from './pg-admin.js';
import { openDatabase } from '../src/platform/db/client.js';
import { runMigrations } from '../src/platform/db/migrate.js';

const url = new URL(process.argv[2] ?? 'postgres://postgres@127.0.0.1:5432/nyxcore_bench');
const TENANTS = 100;
const NOTES_PER_TENANT = 1_000;
const CONCURRENCY = 8;
const ROUNDS = 6;
const ROUND_MS = 2_500;

async function seed(): Promise<{ tenant: string; project: string }[]> {
  const database = await openDatabase({ mode: 'postgres', url: url.toString() });
  await runMigrations(database);
  await database.close();
  const c = new pg.Client({ connectionString: url.toString() });
  await c.connect();
  await c.query(
    `insert into tenants (id, name) select gen_random_uuid(), 'tenant ' || g from generate_series(1, ${TENANTS}) g`,
  );
  await c.query(`insert into projects (tenant_id, name) select id, 'project' from tenants`);
  await c.query(`insert into project_notes (tenant_id, project_id, title, body, updated_at)
                 select p.tenant_id, p.id, 'note ' || g, repeat('lorem ipsum dolor sit amet ', 20),
                        now() - (g || ' minutes')::interval
                   from projects p, generate_series(1, ${NOTES_PER_TENANT}) g`);
  await c.query('analyze');
  const { rows } = await c.query<{ tenant: string; project: string }>(
    'select tenant_id as tenant, id as project from projects',
  );
  const [{ n }] = (await c.query<{ n: number }>('select count(*)::int as n from project_notes')).rows as [
    { n: number },
  ];
  console.log(`seeded ${n} notes across ${rows.length} tenants`);
  await c.end();
  return rows;
}

type Variant = 'rls' | 'explicit' | 'explicit+setconfig';
const LIST = `select id, title, left(body, 240) as excerpt, updated_at from project_notes`;

async function runVariant(
  pool: pg.Pool,
  targets: { tenant: string; project: string }[],
  variant: Variant,
  ms: number,
): Promise<number> {
  let done = 0;
  const deadline = performance.now() + ms;
  const worker = async (w: number) => {
    let i = w;
    while (performance.now() < deadline) {
      const t = targets[i++ % targets.length];
      if (!t) continue;
      const client = await pool.connect();
      try {
        await client.query('begin');
        if (variant === 'rls') {
          await client.query(`select set_config('role', 'nyxcore_app', true), set_config('app.tenant_id', $1, true)`, [
            t.tenant,
          ]);
          const r = await client.query(`${LIST} where project_id = $1 order by updated_at desc limit 50`, [t.project]);
          if (r.rowCount !== 50) throw new Error(`rls returned ${r.rowCount} rows`);
        } else {
          if (variant === 'explicit+setconfig')
            await client.query(`select set_config('app.tenant_id', $1, true)`, [t.tenant]);
          const r = await client.query(
            `${LIST} where tenant_id = $1 and project_id = $2 order by updated_at desc limit 50`,
            [t.tenant, t.project],
          );
          if (r.rowCount !== 50) throw new Error(`explicit returned ${r.rowCount} rows`);
        }
        await client.query('commit');
        done++;
      } finally {
        client.release();
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => worker(w)));
  return done / (ms / 1000);
}

async function main() {
  await recreateDatabase(url);
  const targets = await seed();
  const pool = new pg.Pool({ connectionString: url.toString(), max: CONCURRENCY });
  const first = targets[0];
  if (first) {
    const c = await pool.connect();
    await c.query('begin');
    await c.query(`select set_config('role', 'nyxcore_app', true), set_config('app.tenant_id', $1, true)`, [
      first.tenant,
    ]);
    const plan = await c.query<{ 'QUERY PLAN': string }>(
      `explain ${LIST} where project_id = '${first.project}' order by updated_at desc limit 50`,
    );
    await c.query('rollback');
    c.release();
    console.log('plan under RLS:\n  ' + plan.rows.map((r) => r['QUERY PLAN']).join('\n  '));
  }
  await runVariant(pool, targets, 'rls', 1_000); // warm-up
  await runVariant(pool, targets, 'explicit', 1_000);
  const results: Record<Variant, number[]> = { rls: [], explicit: [], 'explicit+setconfig': [] };
  const order: Variant[] = ['rls', 'explicit', 'explicit+setconfig'];
  for (let r = 0; r < ROUNDS; r++) {
    // Rotate which variant goes first in each round.
    for (let k = 0; k < order.length; k++) {
      const v = order[(r + k) % order.length] as Variant;
      results[v].push(await runVariant(pool, targets, v, ROUND_MS));
    }
  }
  const { rls, explicit } = results;
  const withSet = results['explicit+setconfig'];
  await pool.end();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const mRls = median(rls);
  const mExp = median(explicit);
  console.log(`rls:      ${mRls.toFixed(0)} req/s (rounds: ${rls.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`explicit: ${mExp.toFixed(0)} req/s (rounds: ${explicit.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(
    `explicit+setconfig: ${median(withSet).toFixed(0)} req/s (rounds: ${withSet.map((x) => x.toFixed(0)).join(', ')})`,
  );
  console.log(`ratio rls/explicit: ${(mRls / mExp).toFixed(3)} (target ≥ 0.9)`);
  console.log(`ratio rls/(explicit+setconfig): ${(mRls / median(withSet)).toFixed(3)} (cost of the policy itself)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
