/**
 * npm run bench:auth — what Row-Level Security on `users` (migration 0014) costs the two
 * lookups every request makes before its tenant transaction: a session cookie
 * (`resolveSession`) and an API token (`resolveApiToken`). On PostgreSQL (argument or
 * postgres://postgres@127.0.0.1:5432/nyxcore_bench_auth, recreated each run): 2,000 users
 * in 20 workspaces, each with a session and a token. Interleaved rounds of the same lookups
 * with the users policies on, then off (`ALTER TABLE users DISABLE ROW LEVEL SECURITY`);
 * reports p50/p95 per lookup and the ratio on/off.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { recreateDatabase } from './pg-admin.js';
import { resolveSession } from '../src/features/auth/service.js';
import { resolveApiToken, TOKEN_PREFIX } from '../src/features/auth/tokens.js';
import { openDatabase } from '../src/platform/db/client.js';
import { runMigrations } from '../src/platform/db/migrate.js';
import { createLogger } from '../src/platform/logger.js';
import { randomToken, sha256Hex } from '../src/platform/security.js';

const url = new URL(process.argv[2] ?? 'postgres://postgres@127.0.0.1:5432/nyxcore_bench_auth');
const USERS = 2_000;
const ROUNDS = 6;
const PER_ROUND = 400;

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? 0;

await recreateDatabase(url);
const database = await openDatabase({ mode: 'postgres', url: url.toString(), poolSize: 4 });
await runMigrations(database);
const sessions: string[] = [];
const tokens: string[] = [];
for (let t = 0; t < 20; t++) {
  const tenantId = randomUUID();
  await database.raw('insert into tenants (id, name) values ($1, $2)', [tenantId, `t${t}`]);
  for (let u = 0; u < USERS / 20; u++) {
    const userId = randomUUID();
    const session = randomToken('', 32);
    const token = randomToken(TOKEN_PREFIX, 32);
    await database.raw("insert into users (id, email, name, password_hash) values ($1, $2, 'U', 'x')", [
      userId,
      `u${t}-${u}@example.test`,
    ]);
    await database.raw("insert into tenant_members (tenant_id, user_id, role) values ($1, $2, 'member')", [
      tenantId,
      userId,
    ]);
    await database.raw(
      "insert into sessions (user_id, token_hash, csrf_hash, expires_at) values ($1, $2, 'x', now() + interval '1 day')",
      [userId, sha256Hex(session)],
    );
    await database.raw(
      "insert into api_tokens (tenant_id, user_id, name, display_prefix, token_hash, scopes, last_used_at) values ($1, $2, 't', 'nyx_', $3, '{projects:read}', now())",
      [tenantId, userId, sha256Hex(token)],
    );
    sessions.push(session);
    tokens.push(token);
  }
}
const deps = { database, now: () => new Date(), log: createLogger('silent') };
const timings = {
  on: { session: [] as number[], token: [] as number[] },
  off: { session: [] as number[], token: [] as number[] },
};
for (let round = 0; round < ROUNDS; round++) {
  for (const mode of round % 2 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
    await database.raw(`alter table users ${mode === 'on' ? 'enable' : 'disable'} row level security`);
    for (let i = 0; i < PER_ROUND; i++) {
      const k = Math.floor(Math.random() * sessions.length);
      let t0 = performance.now();
      await resolveSession(deps, sessions[k]!);
      timings[mode].session.push(performance.now() - t0);
      t0 = performance.now();
      await resolveApiToken(deps, tokens[k]!);
      timings[mode].token.push(performance.now() - t0);
    }
  }
}
await database.raw('alter table users enable row level security');
for (const lookup of ['session', 'token'] as const) {
  const on = timings.on[lookup];
  const off = timings.off[lookup];
  console.log(
    `${lookup.padEnd(8)} RLS on p50/p95 ${pct(on, 0.5).toFixed(2)}/${pct(on, 0.95).toFixed(2)} ms · off ${pct(off, 0.5).toFixed(2)}/${pct(off, 0.95).toFixed(2)} ms · p50 ratio on/off ${(pct(on, 0.5) / pct(off, 0.5)).toFixed(3)}`,
  );
}
await database.close();
