/**
 * A fleet's first boot: two web processes and two workers started at the same moment on an
 * empty PostgreSQL database, several rounds. Every process must come up (migrations and the
 * job schema are installed once, under the schema lock) and none may crash. PostgreSQL only:
 * embedded mode has one process by design.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { testPostgresUrl } from '../testing/harness.js';
import { freePort } from '../testing/listeners.js';

const root = path.resolve(import.meta.dirname, '../..');
const tsxCli = path.join(root, 'node_modules/tsx/dist/cli.mjs');
const ROUNDS = 3;

interface Proc {
  name: string;
  child: ChildProcess;
  output: string;
  exit: Promise<number | null>;
}

function launch(name: string, args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [tsxCli, path.join(root, 'src/cli/main.ts'), ...args], { cwd: root, env });
  const proc: Proc = {
    name,
    child,
    output: '',
    exit: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
  child.stdout?.on('data', (d: Buffer) => (proc.output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (proc.output += d.toString()));
  return proc;
}

/** Resolves true once `ready` appears in the output, false if the process exits first. */
async function cameUp(proc: Proc, ready: RegExp, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void proc.exit.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (ready.test(proc.output)) return true;
    if (exited) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe.skipIf(!testPostgresUrl)('a fleet starting together on a new PostgreSQL database', () => {
  it(`comes up with no crash, ${ROUNDS} rounds of 2 web processes + 2 workers`, { timeout: 240_000 }, async () => {
    const admin = new pg.Client({ connectionString: testPostgresUrl });
    await admin.connect();
    try {
      for (let round = 1; round <= ROUNDS; round++) {
        const dbName = `nyxcore_fleet_${randomBytes(4).toString('hex')}`;
        await admin.query(`create database ${dbName}`);
        const url = new URL(testPostgresUrl ?? '');
        url.pathname = `/${dbName}`;
        const common = {
          DATABASE_URL: url.toString(),
          NYXCORE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
          LOG_LEVEL: 'warn',
          NYXCORE_WORKER_CONCURRENCY: '1',
        };
        const procs: Proc[] = [];
        try {
          const ports = [await freePort(), await freePort()];
          for (const [i, port] of ports.entries())
            procs.push(launch(`web ${i + 1}`, ['start'], { ...common, PORT: String(port), NYXCORE_WORKER: 'off' }));
          for (const i of [1, 2]) procs.push(launch(`worker ${i}`, ['worker'], common));
          const up = await Promise.all(
            // A web process is up once it has said what it did about the setup link (printed after "is running at").
            procs.map((p) =>
              cameUp(p, p.name.startsWith('web') ? /setup\?token=|No account exists yet/ : /is executing runs/, 90_000),
            ),
          );
          const crashed = procs.filter((_, i) => !up[i]).map((p) => `round ${round}, ${p.name}:\n${p.output}`);
          expect(crashed).toEqual([]);
          // One setup link for the fleet, accepted by the process that did not print it.
          const links = procs.slice(0, 2).map((p) => /\/setup\?token=(setup_[\w-]+)/.exec(p.output)?.[1] ?? null);
          expect(links.filter(Boolean)).toHaveLength(1);
          const other = ports[links[0] ? 1 : 0];
          const res = await fetch(`http://127.0.0.1:${other}/api/trpc/auth.signUp`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              json: {
                email: `admin-${round}@example.test`,
                name: 'Admin',
                password: 'correct horse battery',
                setupToken: links.find(Boolean),
              },
            }),
          });
          expect(res.status, await res.clone().text()).toBe(200);
        } finally {
          for (const p of procs) p.child.kill('SIGTERM');
          await Promise.all(procs.map((p) => p.exit));
          await admin.query(`drop database if exists ${dbName} with (force)`);
        }
      }
    } finally {
      await admin.end();
    }
  });
});
