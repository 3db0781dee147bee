import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../config/env.js';
import { issueSetupToken, signUp } from '../features/auth/service.js';
import { resolveApiToken } from '../features/auth/tokens.js';
import { createWorkspace } from '../features/tenancy/service.js';
import { addProviderKey } from '../features/llm/keys.js';
import { openDatabase } from '../platform/db/client.js';
import { createEgress } from '../platform/egress/egress.js';
import { readJournal } from '../platform/db/migrate.js';
import { projects, tenants, workflowInsights } from '../platform/db/schema/index.js';
import { withTenant } from '../platform/db/tenant.js';
import { keyContext } from '../platform/llm/service.js';
import { createVault, loadVault } from '../platform/llm/vault.js';
import { createLogger } from '../platform/logger.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
// Node itself runs tsx's CLI, so the child needs no PATH from this process's environment.
const tsxCli = path.join(root, 'node_modules/tsx/dist/cli.mjs');

/** Runs the real CLI in a child process against `dataDir`; never throws, returns code and output. */
async function nyxcore(dataDir: string, ...args: string[]) {
  return nyxcoreWith({}, dataDir, ...args);
}

async function nyxcoreWith(extraEnv: Record<string, string>, dataDir: string, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [tsxCli, path.join(root, 'src/cli/main.ts'), ...args], {
      env: { NYXCORE_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...extraEnv },
      cwd: root,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('nyxcore CLI (embedded)', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nyx-cli-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('migrate, doctor, and token create work end to end', async () => {
    const first = await nyxcore(dataDir, 'migrate');
    expect(first.stdout).toContain(`Applied ${readJournal().length} migration(s); the job queue is ready.`);
    expect((await nyxcore(dataDir, 'migrate')).stdout).toContain('Database is up to date.');

    const doctor = await nyxcore(dataDir, 'doctor');
    expect(doctor.code).toBe(0);
    expect(doctor.stdout).toContain('✓ pgvector extension: vector');
    expect(doctor.stdout).toMatch(/✓ git: git 2\.\d+/);
    expect(doctor.stdout).toMatch(/✓ row level security: \d+ tenant tables, all enabled \+ forced/);
    expect(doctor.stdout).toContain('All checks passed.');

    // Create a user and workspace through the services, then mint a token with the CLI.
    const database = await openDatabase({ mode: 'embedded', dataDir });
    const deps = {
      database,
      env: loadEnv({ NYXCORE_SIGNUP: 'open' }),
      log: createLogger('silent'),
      now: () => new Date(),
    };
    const setupToken = (await issueSetupToken(deps)) ?? '';
    const s = await signUp(
      deps,
      { email: 'ops@example.test', name: 'Ops', password: 'long enough password', setupToken },
      { ip: null, userAgent: null },
    );
    await createWorkspace(deps, s.user.id, 'Ops Team', null);
    await database.close();

    const bad = await nyxcore(
      dataDir,
      'token',
      'create',
      '--email',
      'ops@example.test',
      '--workspace',
      'Ops Team',
      '--scopes',
      'projects:read,bogus',
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--scopes/);
    const noWs = await nyxcore(
      dataDir,
      'token',
      'create',
      '--email',
      'ops@example.test',
      '--workspace',
      'Nope',
      '--scopes',
      'projects:read',
    );
    expect(noWs.code).toBe(1);
    expect(noWs.stderr).toContain('Ops Team');

    const ok = await nyxcore(
      dataDir,
      'token',
      'create',
      '--email',
      'ops@example.test',
      '--workspace',
      'ops team',
      '--scopes',
      'projects:read,notes:read',
      '--name',
      'deploy',
    );
    expect(ok.code).toBe(0);
    const token = ok.stdout.trim().split('\n').at(-1) ?? '';
    expect(token).toMatch(/^nyx_/);

    const db2 = await openDatabase({ mode: 'embedded', dataDir });
    try {
      const principal = await resolveApiToken(
        { database: db2, now: () => new Date(), log: createLogger('silent') },
        token,
      );
      expect(principal.scopes).toEqual(['projects:read', 'notes:read']);
    } finally {
      await db2.close();
    }
  }, 90_000); // four CLI processes, each compiling the TypeScript and booting PGlite

  it('keys rotate re-encrypts stored provider keys with the new key', async () => {
    const env = loadEnv({ NYXCORE_DATA_DIR: dataDir });
    const oldVault = loadVault(env); // embedded mode: the generated <data dir>/encryption.key
    expect((fs.statSync(path.join(dataDir, 'encryption.key')).mode & 0o777).toString(8)).toBe('600');
    const database = await openDatabase({ mode: 'embedded', dataDir });
    const tenantId = randomUUID();
    const key = await withTenant(database, { tenantId, userId: null }, async (tx) => {
      await tx.insert(tenants).values({ id: tenantId, name: 'rotation' });
      return addProviderKey(
        { tx, tenantId, userId: null, ip: null },
        { vault: oldVault, egress: createEgress(env, createLogger('silent')) },
        { name: 'openai', kind: 'openai', apiKey: 'sk-rotate-me-0001' },
      );
    });
    await database.close();

    const newKey = randomBytes(32).toString('base64');
    const oldKey = fs.readFileSync(path.join(dataDir, 'encryption.key'), 'utf8').trim();
    const withoutOld = await nyxcoreWith({ NYXCORE_ENCRYPTION_KEY: newKey }, dataDir, 'keys', 'rotate');
    expect(withoutOld.code).toBe(1);
    expect(withoutOld.stdout).toMatch(/NYXCORE_ENCRYPTION_KEY_PREVIOUS/);
    const rotated = await nyxcoreWith(
      { NYXCORE_ENCRYPTION_KEY: newKey, NYXCORE_ENCRYPTION_KEY_PREVIOUS: oldKey },
      dataDir,
      'keys',
      'rotate',
    );
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/Re-encrypted 1 of 1 stored key/);

    const db2 = await openDatabase({ mode: 'embedded', dataDir });
    try {
      const [row] = await db2.raw<{ secret: string }>('select secret from provider_keys where id = $1', [key.id]);
      const onlyNew = createVault(Buffer.from(newKey, 'base64'));
      expect(onlyNew.decrypt(row?.secret ?? '', keyContext(tenantId, key.id))).toBe('sk-rotate-me-0001');
    } finally {
      await db2.close();
    }
  });

  it('doctor reports missing embeddings, and embeddings backfill fills them with a progress bar', async () => {
    const database = await openDatabase({ mode: 'embedded', dataDir });
    const tenantId = randomUUID();
    await withTenant(database, { tenantId, userId: null }, async (tx) => {
      await tx.insert(tenants).values({ id: tenantId, name: 'Backfill Co' });
      const [p] = await tx.insert(projects).values({ tenantId, name: 'p' }).returning();
      await tx.insert(workflowInsights).values(
        [1, 2, 3].map((i) => ({
          tenantId,
          projectId: p?.id ?? '',
          title: `insight ${i}`,
          type: 'pattern' as const,
          severity: 'low' as const,
        })),
      );
    });
    await database.close();
    const before = await nyxcore(dataDir, 'doctor');
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/! missing embeddings: 3 row\(s\) have no vector yet/);
    expect(before.stdout).toContain('✓ embedding columns: memory_entries, workflow_insights: vector(1536)');
    expect(before.stdout).toMatch(/✓ vector index memory: HNSW indexes [\d,]+ MiB, shared_buffers [\d,]+ MiB/);
    const run = await nyxcore(dataDir, 'embeddings', 'backfill', '--workspace', 'backfill co');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Backfill Co\s+\[#{30}\] 3\/3/);
    expect((await nyxcore(dataDir, 'doctor')).stdout).toContain('✓ missing embeddings: none');
    expect(before.stdout).toContain('✓ full-text index under RLS');
  }, 90_000); // three CLI processes, each compiling the TypeScript and booting PGlite (30 s was too tight on a busy machine)

  it('prints help and refuses unknown commands clearly', async () => {
    expect((await nyxcore(dataDir, 'help')).stdout).toContain('token create');
    const unknown = await nyxcore(dataDir, 'frobnicate');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Unknown command "frobnicate"');
  });
});
