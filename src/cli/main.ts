/**
 * The `nyxcore` command. Reads configuration from the environment (README: Configuration).
 *   nyxcore start | migrate | doctor | token create … | help
 */
import { parseArgs } from 'node:util';
import { EnvError, loadEnv, VERSION } from '../config/env.js';
import { createTokenForMember, findUserByEmail, issueSetupToken, zCreateToken } from '../features/auth/index.js';
import { listWorkspaces } from '../features/tenancy/index.js';
import { prepareDatabase } from '../platform/jobs/boss.js';
import { createEgress } from '../platform/egress/egress.js';
import { rotateSecrets } from '../platform/llm/rotate.js';
import { createLogger } from '../platform/logger.js';
import { backfillEmbeddings } from '../features/memory/index.js';
import { loadVault } from '../platform/llm/vault.js';
import { startRuntime } from '../runtime.js';
import { createBaseDeps, openConfiguredDatabase, PortInUseError, startServer } from '../server.js';
import { DataDirLockedError } from '../platform/db/data-dir-lock.js';
import { runDoctor } from './doctor.js';
import { runScan } from './scan.js';

const HELP = `nyxCore ${VERSION}

Usage: nyxcore <command> [options]

Commands:
  start                 run the web server (migrates first); also executes runs
                        unless NYXCORE_WORKER=off
  worker                execute runs only (PostgreSQL mode; start as many as you like)
  migrate               apply pending database migrations and install the job queue
  setup-link            issue a new one-time setup link (only while no account exists)
  doctor                check database, pgvector, roles, RLS and migrations
  scan <path>           scan a directory for security, bug and performance findings
                        (no server or database; \`nyxcore scan --help\` for options)
  token create          create an API token for a member of a workspace
      --email <email>       the member (required)
      --workspace <id|name> the workspace (required)
      --scopes <a,b,…>      scopes, e.g. projects:read,notes:read,notes:write (required)
      --name <name>         label shown in the UI (default: "cli")
      --project <id>        pin the token to one project
      --expires-days <n>    expire after n days
  embeddings backfill   embed every memory row missing a vector (or made by another model)
      --workspace <id|name> only this workspace
  keys rotate           re-encrypt stored provider keys with NYXCORE_ENCRYPTION_KEY
                        (old keys listed in NYXCORE_ENCRYPTION_KEY_PREVIOUS)
  help                  show this help

Configuration comes from environment variables; see README.md.`;

const out = (line: string) => process.stdout.write(`${line}\n`);

async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    out(HELP);
    return 0;
  }
  if (command === '--version' || command === 'version') {
    out(VERSION);
    return 0;
  }
  // No configuration, no database: the scan runs anywhere, e.g. in CI.
  if (command === 'scan') return runScan([sub, ...rest].filter((a): a is string => a !== undefined));
  const env = loadEnv();

  if (command === 'start') {
    const server = await startServer(env);
    return runUntilSignal('shutting down…', () => server.close());
  }

  if (command === 'worker') {
    if (!env.DATABASE_URL) {
      throw new UsageError(
        '`nyxcore worker` needs DATABASE_URL (PostgreSQL). In embedded mode `nyxcore start` executes runs in its own process.',
      );
    }
    const base = await createBaseDeps(env);
    await prepareDatabase(base.database, base.log, { namespace: env.NYXCORE_JOBS_NAMESPACE });
    const runtime = await startRuntime(env, base, { isWorker: true, isListening: false });
    out(
      `nyxCore worker ${runtime.jobs.workerId} is executing runs (${env.NYXCORE_WORKER_CONCURRENCY} at a time) from PostgreSQL at ${base.database.location}`,
    );
    return runUntilSignal('finishing the current steps and stopping…', async () => {
      await runtime.close();
      await base.egress.close();
      await base.database.close();
    });
  }

  const database = await openConfiguredDatabase(env);
  try {
    if (command === 'migrate') {
      // The app's schema and the job queue's, under one lock: a fleet can start right after.
      const { applied } = await prepareDatabase(
        database,
        createLogger(env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL),
        { namespace: env.NYXCORE_JOBS_NAMESPACE },
      );
      out(applied ? `Applied ${applied} migration(s); the job queue is ready.` : 'Database is up to date.');
      return 0;
    }
    if (command === 'setup-link') {
      const token = await issueSetupToken({ database });
      if (!token) throw new UsageError('An account exists already: sign in, and invite others from Members → Invite.');
      out('New one-time setup link (any earlier one no longer works):');
      out(`  ${env.publicUrl}/setup?token=${token}`);
      return 0;
    }
    if (command === 'doctor') {
      const checks = await runDoctor(env, database);
      for (const c of checks) {
        out(`${!c.isOk ? '✗' : c.isWarning ? '!' : '✓'} ${c.name}: ${c.detail}`);
        if ((!c.isOk || c.isWarning) && c.fix) out(`    → ${c.fix}`);
      }
      const failed = checks.filter((c) => !c.isOk).length;
      out(failed ? `\n${failed} problem(s) found.` : '\nAll checks passed.');
      return failed ? 1 : 0;
    }
    if (command === 'embeddings' && sub === 'backfill') {
      const { values } = parseArgs({ args: rest, options: { workspace: { type: 'string' } } });
      // An operator command across workspaces: the owner role lists them (it bypasses RLS).
      const all = await database.raw<{ id: string; name: string }>('select id, name from tenants order by name', []);
      const targets = values.workspace
        ? all.filter((t) => t.id === values.workspace || t.name.toLowerCase() === values.workspace?.toLowerCase())
        : all;
      if (values.workspace && !targets.length) throw new UsageError(`No workspace "${values.workspace}"`);
      const log = createLogger(env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL);
      const deps = {
        database,
        vault: loadVault(env),
        log,
        fetch: createEgress(env, log).fetch,
        now: () => new Date(),
        timeoutMs: env.NYXCORE_LLM_TIMEOUT_MS,
      };
      let failures = 0;
      for (const t of targets) {
        const r = await backfillEmbeddings(deps, { tenantId: t.id, userId: null }, (p) =>
          progressBar(t.name, p.done, p.total),
        );
        process.stdout.write('\n');
        if (r.error) {
          failures++;
          out(`  ✗ ${t.name}: stopped after ${r.done} of ${r.total}: ${r.error} (run again to resume)`);
        }
      }
      return failures ? 1 : 0;
    }
    if (command === 'keys' && sub === 'rotate') {
      const vault = loadVault(env);
      const r = await rotateSecrets(database, vault);
      out(`Re-encrypted ${r.rotated} of ${r.total} stored key(s) with key ${vault.keyId}.`);
      for (const f of r.failed) out(`  ✗ provider key ${f.id}: ${f.reason}`);
      return r.failed.length ? 1 : 0;
    }
    if (command === 'token' && sub === 'create') {
      const { values } = parseArgs({
        args: rest,
        options: {
          email: { type: 'string' },
          workspace: { type: 'string' },
          scopes: { type: 'string' },
          name: { type: 'string', default: 'cli' },
          project: { type: 'string' },
          'expires-days': { type: 'string' },
        },
      });
      if (!values.email || !values.workspace || !values.scopes)
        throw new UsageError('token create needs --email, --workspace and --scopes');
      const user = await findUserByEmail({ database }, values.email);
      if (!user) throw new UsageError(`No user with email ${values.email}`);
      const workspaces = await listWorkspaces({ database }, user.id);
      const ws = workspaces.find(
        (w) => w.id === values.workspace || w.name.toLowerCase() === values.workspace?.toLowerCase(),
      );
      if (!ws)
        throw new UsageError(
          `${values.email} is not a member of a workspace "${values.workspace}" (theirs: ${workspaces.map((w) => w.name).join(', ') || 'none'})`,
        );
      const parsed = zCreateToken.safeParse({
        name: values.name,
        scopes: values.scopes
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        ...(values.project ? { projectId: values.project } : {}),
        ...(values['expires-days'] ? { expiresInDays: Number(values['expires-days']) } : {}),
      });
      if (!parsed.success)
        throw new UsageError(parsed.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('\n'));
      const { token, view } = await createTokenForMember(
        { database, now: () => new Date() },
        { userId: user.id, tenantId: ws.id, ...parsed.data },
      );
      out(`Created token "${view.name}" for ${user.email} in ${ws.name} (scopes: ${view.scopes.join(', ')}).`);
      out('Copy it now; it is not shown again:');
      out(token);
      return 0;
    }
    throw new UsageError(`Unknown command "${[command, sub].filter(Boolean).join(' ')}". Run \`nyxcore help\`.`);
  } finally {
    await database.close();
  }
}

class UsageError extends Error {}

/** Keeps a long-running command alive until SIGINT/SIGTERM, then closes it and exits. */
function runUntilSignal(what: string, close: () => Promise<void>): Promise<number> {
  const stop = (signal: string) => {
    out(`\n${signal}: ${what}`);
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  return new Promise<number>(() => undefined);
}

/** One line that redraws in a terminal; elsewhere (CI, logs) a line per update. */
function progressBar(label: string, done: number, total: number): void {
  const width = 30;
  const filled = total ? Math.round((done / total) * width) : width;
  const line = `  ${label.padEnd(24).slice(0, 24)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`;
  process.stdout.write(process.stdout.isTTY ? `\r${line}` : `${line}\n`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (
      err instanceof EnvError ||
      err instanceof UsageError ||
      err instanceof DataDirLockedError ||
      err instanceof PortInUseError
    )
      process.stderr.write(`${err.message}\n`);
    else if (err instanceof Error && 'userMessage' in err)
      process.stderr.write(`${(err as { userMessage: string }).userMessage}\n`);
    else process.stderr.write(`nyxcore: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
