/** Boots nyxCore: database (embedded or server), migrations, rate limiter, HTTP. */
import type { Server as HttpServer } from 'node:http';
import net from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { VERSION, type Env } from './config/env.js';
import { prepareSetupLink } from './features/auth/index.js';
import { openDatabase, type Database } from './platform/db/client.js';
import { lockDataDir } from './platform/db/data-dir-lock.js';
import type { AppDeps } from './platform/deps.js';
import { createEgress } from './platform/egress/egress.js';
import { createApp } from './app/app.js';
import { prepareDatabase } from './platform/jobs/boss.js';
import { startRuntime, type Runtime } from './runtime.js';
import { createLogger, type Logger } from './platform/logger.js';
import { routeSdkWarnings } from './platform/llm/sdk-warnings.js';
import { loadVault } from './platform/llm/vault.js';
import { createMemoryRateLimiter, createRedisRateLimiter, rateLimitPrefix } from './platform/rate-limit.js';

/**
 * Opens the configured database. Embedded mode first takes the data directory's lock (one
 * process at a time, the server and CLI commands alike) and releases it on close.
 */
export async function openConfiguredDatabase(env: Env): Promise<Database> {
  if (env.DATABASE_URL)
    return openDatabase({ mode: 'postgres', url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE });
  const unlock = await lockDataDir(env.dataDir);
  try {
    const database = await openDatabase({ mode: 'embedded', dataDir: env.dataDir });
    return {
      ...database,
      close: async () => {
        try {
          await database.close();
        } finally {
          unlock();
        }
      },
    };
  } catch (err) {
    unlock();
    throw err;
  }
}

/** Builds the dependency object without the background runtime; `database` may be passed in (tests share one). */
export async function createBaseDeps(
  env: Env,
  opts: { database?: Database; log?: Logger } = {},
): Promise<Omit<AppDeps, 'hub' | 'jobs'>> {
  const log = opts.log ?? createLogger(env.LOG_LEVEL);
  routeSdkWarnings(log);
  const database = opts.database ?? (await openConfiguredDatabase(env));
  const rateLimiter = env.REDIS_URL
    ? createRedisRateLimiter(env.REDIS_URL, env.NYXCORE_RATE_LIMIT_FAILURE_MODE, log, rateLimitPrefix(env))
    : createMemoryRateLimiter();
  return {
    env,
    database,
    log,
    rateLimiter,
    vault: loadVault(env),
    egress: createEgress(env, log),
    now: () => new Date(),
  };
}

export class PortInUseError extends Error {}

async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new PortInUseError(
              `Port ${port} on ${host} is already in use (another nyxCore, or another program). Stop it, or start with PORT=<another port>.`,
            )
          : err,
      ),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

export interface RunningServer {
  url: string;
  deps: AppDeps;
  close(): Promise<void>;
}

export async function startServer(
  env: Env,
  print: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<RunningServer> {
  // Before anything is created or migrated: a busy port is a one-line message, not a stack
  // trace after a new data directory was set up.
  await assertPortFree(env.HOST, env.PORT);
  let deps: AppDeps;
  let runtime: Runtime;
  let applied = 0;
  const base = await createBaseDeps(env);
  try {
    ({ applied } = await prepareDatabase(base.database, base.log, { namespace: env.NYXCORE_JOBS_NAMESPACE }));
    runtime = await startRuntime(env, base);
    deps = { ...base, hub: runtime.hub, jobs: runtime.jobs };
  } catch (err) {
    await base.database.close().catch(() => undefined);
    throw err;
  }
  const app = createApp(deps);
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  const url = env.NYXCORE_PUBLIC_URL ?? `http://localhost:${port}`;
  const where =
    deps.database.mode === 'embedded'
      ? `embedded PostgreSQL (PGlite) in ${env.dataDir}`
      : `PostgreSQL at ${deps.database.location}`;
  print(`nyxCore ${VERSION} is running at ${url}`);
  print(`  database: ${where}`);
  print(`  migrations: ${applied ? `applied ${applied}` : 'up to date'}`);
  print(`  rate limits: ${deps.rateLimiter.kind === 'redis' ? 'Redis' : 'in-process'}`);
  print(`  outbound requests: ${deps.egress.describe()}`);
  print(
    `  runs: ${env.NYXCORE_WORKER === 'on' ? `executed in this process (${env.NYXCORE_WORKER_CONCURRENCY} at a time)` : 'left to `nyxcore worker` processes'}`,
  );
  // Embedded mode is one process: each start replaces the link. A fleet's processes keep the
  // one the first of them issued, so the printed link works whichever process serves it.
  const setup = await prepareSetupLink(deps, { isReplacing: deps.database.mode === 'embedded' });
  if (setup.kind === 'issued') {
    print('');
    print('First start: no account exists yet. Open this one-time link to create the admin account:');
    print(`  ${url}/setup?token=${setup.token}`);
    print(
      deps.database.mode === 'embedded'
        ? '(A new link is printed at every start until the first account exists.)'
        : '(Every nyxCore process accepts it. `nyxcore setup-link` issues a new one.)',
    );
  } else if (setup.kind === 'pending') {
    print('');
    print(
      `No account exists yet. The setup link was printed at ${setup.issuedAt.toISOString()} by the nyxCore process that started first;`,
    );
    print('open it (any process accepts it), or run `nyxcore setup-link` to issue a new one.');
  } else {
    print(`  sign in at ${url}/sign-in`);
  }
  let isClosed = false;
  return {
    url,
    deps,
    close: async () => {
      if (isClosed) return;
      isClosed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Live streams stay open until their run ends; shutting down must not wait for them.
        (server as HttpServer).closeAllConnections();
      });
      await runtime.close();
      await deps.rateLimiter.close();
      await deps.egress.close();
      await deps.database.close();
    },
  };
}
