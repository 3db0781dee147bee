/**
 * Test harness: a real database (PGlite always; PostgreSQL too when
 * NYXCORE_TEST_DATABASE_URL is set), a real HTTP server on an ephemeral port, and the
 * real tRPC client with a cookie jar. Each test creates its own users and workspaces.
 */
import type { Server as HttpServer } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { serve, type ServerType } from '@hono/node-server';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import superjson from 'superjson';
import { loadEnv, type Env } from '../config/env.js';
import { issueSetupToken } from '../features/auth/index.js';
import { openDatabase, type Database } from '../platform/db/client.js';
import { runMigrations } from '../platform/db/migrate.js';
import type { AppDeps } from '../platform/deps.js';
import { createEgress } from '../platform/egress/egress.js';
import { createApp } from '../app/app.js';
import type { EngineDeps } from '../features/workflows/index.js';
import type { Logger } from '../platform/logger.js';
import { startRuntime } from '../runtime.js';
import { createVault } from '../platform/llm/vault.js';
import { createLogger } from '../platform/logger.js';
import { createMemoryRateLimiter, type RateLimiter } from '../platform/rate-limit.js';
import type { AppRouter } from '../app/router.js';

export type DbKind = 'pglite' | 'postgres';

const baseEnv = loadEnv();
export const testPostgresUrl = baseEnv.NYXCORE_TEST_DATABASE_URL;
/** The databases every suite runs against. */
export const dbKinds: DbKind[] = testPostgresUrl ? ['pglite', 'postgres'] : ['pglite'];

export async function openTestDatabase(kind: DbKind, opts: { poolSize?: number } = {}): Promise<Database> {
  const database =
    kind === 'pglite'
      ? await openDatabase({ mode: 'embedded', dataDir: null })
      : await openDatabase({ mode: 'postgres', url: testPostgresUrl ?? '', poolSize: opts.poolSize ?? 4 });
  await runMigrations(database);
  return database;
}

export interface TestServer {
  url: string;
  deps: AppDeps;
  database: Database;
  clock: { offsetMs: number };
  close(): Promise<void>;
}

export async function startTestServer(
  kind: DbKind,
  overrides: Record<string, string> = {},
  opts: {
    rateLimiter?: RateLimiter;
    llmOverrides?: AppDeps['llmOverrides'];
    engine?: Partial<EngineDeps>;
    log?: Logger;
  } = {},
): Promise<TestServer> {
  const database = await openTestDatabase(kind);
  const env: Env = loadEnv({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    NYXCORE_SIGNUP: 'open',
    NYXCORE_RATE_LIMIT_AUTH_PER_MIN: '10000',
    NYXCORE_RATE_LIMIT_API_PER_MIN: '100000',
    // Test servers share one PostgreSQL database: each gets its own job queues.
    NYXCORE_JOBS_NAMESPACE: `t${randomBytes(4).toString('hex')}-`,
    ...overrides,
  });
  const clock = { offsetMs: 0 };
  const log = opts.log ?? createLogger('silent');
  const base = {
    env,
    database,
    log,
    rateLimiter: opts.rateLimiter ?? createMemoryRateLimiter(),
    vault: createVault(randomBytes(32)),
    egress: createEgress(env, log),
    now: () => new Date(Date.now() + clock.offsetMs),
    ...(opts.llmOverrides ? { llmOverrides: opts.llmOverrides } : {}),
  };
  const runtime = await startRuntime(env, base, { engine: { sleep: () => Promise.resolve(), ...opts.engine } });
  const deps: AppDeps = { ...base, hub: runtime.hub, jobs: runtime.jobs };
  const app = createApp(deps);
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    deps,
    database,
    clock,
    close: async () => {
      await new Promise<void>((r) => {
        server.close(() => r());
        (server as HttpServer).closeAllConnections();
      });
      await runtime.close();
      await base.egress.close();
      await database.close();
    },
  };
}

/**
 * Runs `fn` against a test server of its own (for a test that needs other settings) and
 * closes it afterwards. Example:
 * `await withTestServer('pglite', { NYXCORE_SIGNUP: 'invite' }, async (server) => { … });`
 */
export async function withTestServer<T>(
  kind: DbKind,
  overrides: Record<string, string>,
  fn: (server: TestServer) => Promise<T>,
): Promise<T> {
  const server = await startTestServer(kind, overrides);
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

/** A browser-like API client: keeps cookies, echoes the CSRF cookie, sends the workspace header. */
export class TestClient {
  cookies = new Map<string, string>();
  tenantId: string | null = null;
  bearer: string | null = null;
  sendCsrf = true;
  readonly trpc;

  constructor(readonly baseUrl: string) {
    this.trpc = createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: `${baseUrl}/api/trpc`,
          transformer: superjson,
          headers: () => this.headers(),
          fetch: (input, init) => this.fetch(input as string, init as RequestInit),
        }),
      ],
    });
  }

  headers(): Record<string, string> {
    const h: Record<string, string> = {};
    if (this.cookies.size) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const csrf = this.cookies.get('nyx_csrf');
    if (csrf && this.sendCsrf) h['x-csrf-token'] = csrf;
    if (this.tenantId) h['x-nyx-tenant'] = this.tenantId;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    return h;
  }

  async fetch(input: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(input, init);
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair?.indexOf('=') ?? -1;
      if (!pair || i < 0) continue;
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (value === '' || /Expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** Raw HTTP for malformed payloads the typed client cannot express. */
  raw(path: string, init: RequestInit = {}): Promise<Response> {
    return this.fetch(`${this.baseUrl}${path}`, {
      ...init,
      headers: {
        'content-type': 'application/json',
        ...this.headers(),
        ...(init.headers as Record<string, string> | undefined),
      },
    });
  }
}

export interface TestUser {
  client: TestClient;
  email: string;
  password: string;
  userId: string;
  tenantId: string;
}

/** Signs a new user up (using the setup token when the database has no user yet) with a fresh workspace. */
export async function newUser(
  server: TestServer,
  opts: { workspace?: string | null; name?: string } = {},
): Promise<TestUser> {
  const client = new TestClient(server.url);
  const email = `u-${randomUUID().slice(0, 8)}@example.test`;
  const password = 'correct horse battery staple';
  const setupToken = await issueSetupToken(server.deps);
  const res = await client.trpc.auth.signUp.mutate({
    email,
    password,
    name: opts.name ?? 'Test User',
    ...(setupToken ? { setupToken } : {}),
  });
  let tenantId = '';
  if (opts.workspace !== null) {
    const ws = await client.trpc.workspaces.create.mutate({ name: opts.workspace ?? `WS ${randomUUID().slice(0, 6)}` });
    tenantId = ws.id;
    client.tenantId = ws.id;
  }
  return { client, email, password, userId: res.user.id, tenantId };
}

/** Runs `fn` and returns the tRPC error it threw (fails if it did not throw). */
export async function trpcError(
  fn: () => Promise<unknown>,
): Promise<{ httpStatus: number; code: string; message: string; fieldErrors?: Record<string, string[]> }> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof TRPCClientError) {
      const data = err.data as { httpStatus: number; code: string; fieldErrors?: Record<string, string[]> } | undefined;
      return {
        httpStatus: data?.httpStatus ?? 0,
        code: data?.code ?? '',
        message: err.message,
        ...(data?.fieldErrors ? { fieldErrors: data.fieldErrors } : {}),
      };
    }
    throw err;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** The PostgreSQL message behind an error (Drizzle wraps it as "Failed query: …" with the original as `cause`). */
export async function dbErrorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause;
    return cause?.message ?? (err as Error).message;
  }
  throw new Error('expected a database error, but the call succeeded');
}
