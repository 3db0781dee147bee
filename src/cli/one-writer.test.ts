/**
 * Embedded mode has one writer. With `nyxcore start` running on a data directory, every CLI
 * command that would open the same directory refuses, naming the server's pid, and writes
 * nothing; the server's own writes survive. Once the server stops (even by SIGKILL, which
 * leaves its pid file behind), the commands work again. A busy port stops `start` before it
 * creates anything.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../testing/listeners.js';

const root = path.resolve(import.meta.dirname, '../..');
const tsxCli = path.join(root, 'node_modules/tsx/dist/cli.mjs');
const main = path.join(root, 'src/cli/main.ts');
const run = promisify(execFile);

async function nyxcore(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [tsxCli, main, ...args], {
      cwd: root,
      env: { LOG_LEVEL: 'warn', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('one writer per embedded data directory', () => {
  it(
    'CLI commands refuse while the server runs, lose nothing, and work after it stops',
    { timeout: 120_000 },
    async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nyx-one-writer-'));
      dirs.push(dataDir);
      const port = await freePort();
      const env = { NYXCORE_DATA_DIR: dataDir, PORT: String(port), NYXCORE_SIGNUP: 'open' };
      const server = spawn(process.execPath, [tsxCli, main, 'start'], {
        cwd: root,
        env: { LOG_LEVEL: 'warn', ...env },
      });
      let output = '';
      server.stdout.on('data', (d: Buffer) => (output += d.toString()));
      const exited = new Promise((r) => server.on('exit', r));
      let holder = 0;
      try {
        for (let i = 0; i < 300 && !/setup\?token=setup_[\w-]+\n/.test(output); i++)
          await new Promise((r) => setTimeout(r, 100));
        expect(output).toMatch(/is running at/);
        const base = `http://127.0.0.1:${port}`;
        const setupToken = /setup\?token=(setup_[\w-]+)/.exec(output)?.[1];
        const signUp = await fetch(`${base}/api/trpc/auth.signUp`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            json: { email: 'owner@example.test', name: 'Owner', password: 'correct horse battery', setupToken },
          }),
        });
        expect(signUp.status).toBe(200);

        const commands = [
          ['migrate'],
          ['doctor'],
          ['setup-link'],
          ['keys', 'rotate'],
          ['embeddings', 'backfill'],
          ['token', 'create', '--email', 'owner@example.test', '--workspace', 'x', '--scopes', 'projects:read'],
        ];
        for (const args of commands) {
          const r = await nyxcore(env, ...args);
          expect(r.code, args.join(' ')).toBe(1);
          // The pid of the server's node process (tsx runs it as a child of the one spawned here).
          holder = Number(/Another nyxCore process \(pid (\d+)\) is using/.exec(r.stderr)?.[1]);
          expect(holder, `${args.join(' ')}: ${r.stderr}`).toBeGreaterThan(0);
          expect(() => process.kill(holder, 0)).not.toThrow();
        }
        // The server still answers, and its account is there.
        const signIn = await fetch(`${base}/api/trpc/auth.signIn`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ json: { email: 'owner@example.test', password: 'correct horse battery' } }),
        });
        expect(signIn.status).toBe(200);
      } finally {
        // kill -9 of the server's own process: the kernel frees the lock; the stale pid file must not block the next process.
        if (holder) process.kill(holder, 'SIGKILL');
        server.kill('SIGKILL');
        await exited;
        for (let i = 0; i < 50 && holder && isRunning(holder); i++) await new Promise((r) => setTimeout(r, 100));
      }
      expect(fs.existsSync(path.join(dataDir, 'nyxcore.pid'))).toBe(true);
      const doctor = await nyxcore(env, 'doctor');
      expect(doctor.stderr).not.toContain('Another nyxCore');
      expect(doctor.stdout).toContain('row level security');
      const setupLink = await nyxcore(env, 'setup-link');
      // The account the server created was not lost: there is no setup link to issue any more.
      expect(setupLink.stderr).toContain('An account exists already');
    },
  );

  it('a busy port stops `start` with one line, before any data directory is created', { timeout: 60_000 }, async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    const dataDir = path.join(os.tmpdir(), `nyx-port-${process.pid}-${port}`);
    dirs.push(dataDir);
    try {
      const r = await nyxcore({ NYXCORE_DATA_DIR: dataDir, PORT: String(port) }, 'start');
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(
        `Port ${port} on 127.0.0.1 is already in use (another nyxCore, or another program). Stop it, or start with PORT=<another port>.`,
      );
      expect(fs.existsSync(dataDir)).toBe(false);
    } finally {
      blocker.close();
    }
  });
});
