/**
 * One database handle for both modes: embedded PGlite (with pgvector) or PostgreSQL via a
 * node-postgres pool. Feature code never sees this handle: it receives a transaction from
 * `withTenant` / `withAuth` (./tenant.ts), which run as the restricted `nyxcore_app` role.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type DbMode = 'embedded' | 'postgres';

export interface Database {
  readonly mode: DbMode;
  /** Owner connection. Only migrations, `withTenant` and `withAuth` use it directly. */
  readonly db: Db;
  /** Where the data lives: the PGlite directory, or the server's host/database (no credentials). */
  readonly location: string;
  /** Runs raw SQL as the owner: migrations, doctor checks, tests. */
  raw<T extends Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /**
   * LISTENs on `channel` on a connection of its own (reconnecting after a server restart,
   * then calling `onReconnect` so the caller can catch up on what it missed).
   */
  listen(channel: string, onPayload: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>>;
  /**
   * Runs `fn` while holding a PostgreSQL advisory lock across every process on the database
   * (taken and released on one dedicated connection: a pooled one could be another session
   * at unlock time). PGlite has one process, so it only serialises callers in this process.
   */
  withLock<T>(key: number, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Serialises async work in one process (the PGlite stand-in for an advisory lock). */
function processLock(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (fn) => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

export type DatabaseOptions =
  | { mode: 'embedded'; dataDir: string | null /* null: in memory */ }
  | { mode: 'postgres'; url: string; poolSize?: number };

/** Opens the database for the given mode. Example: `await openDatabase({ mode: 'embedded', dataDir: null })`. */
export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.mode === 'embedded') {
    let dataDir: string | undefined;
    if (opts.dataDir) {
      dataDir = path.join(opts.dataDir, 'pgdata');
      fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    }
    const client = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { vector } });
    const db = drizzlePglite({ client, schema }) as unknown as Db;
    const serialise = processLock();
    return {
      mode: 'embedded',
      db,
      location: dataDir ?? 'memory',
      raw: async (text, params) => {
        const res = params?.length
          ? await client.query(text, params)
          : await client.exec(text).then((r) => r.at(-1) ?? { rows: [] });
        return res.rows as never;
      },
      // PGlite delivers NOTIFY in-process; there is no connection to lose.
      listen: async (channel, onPayload) => client.listen(channel, onPayload),
      withLock: (_key, fn) => serialise(fn),
      close: () => client.close(),
    };
  }
  const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10, connectionTimeoutMillis: 5_000 });
  // An idle client error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const db = drizzlePg({ client: pool, schema }) as unknown as Db;
  const u = new URL(opts.url);
  return {
    mode: 'postgres',
    db,
    location: `${u.hostname}:${u.port || '5432'}${u.pathname}`,
    raw: async (text, params) => (await pool.query(text, params)).rows as never,
    listen: (channel, onPayload, onReconnect) => listenPg(opts.url, channel, onPayload, onReconnect),
    withLock: (key, fn) => withAdvisoryLock(opts.url, key, fn),
    close: () => pool.end(),
  };
}

async function withAdvisoryLock<T>(url: string, key: number, fn: () => Promise<T>): Promise<T> {
  const holder = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  holder.on('error', () => undefined);
  await holder.connect();
  try {
    await holder.query('select pg_advisory_lock($1)', [key]);
    return await fn();
  } finally {
    // Ending the session releases the lock even if the unlock itself fails.
    await holder.query('select pg_advisory_unlock($1)', [key]).catch(() => undefined);
    await holder.end().catch(() => undefined);
  }
}

/** A dedicated LISTEN connection that reconnects with backoff (pooled connections can't hold a LISTEN). */
async function listenPg(
  url: string,
  channel: string,
  onPayload: (payload: string) => void,
  onReconnect?: () => void,
): Promise<() => Promise<void>> {
  let client: pg.Client | null = null;
  let isClosed = false;
  let retryTimer: NodeJS.Timeout | null = null;
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    c.on('notification', (n) => {
      if (n.channel === channel && n.payload !== undefined) onPayload(n.payload);
    });
    c.on('error', () => undefined);
    c.on('end', () => {
      if (isClosed || client !== c) return;
      client = null;
      scheduleReconnect(250);
    });
    await c.connect();
    await c.query(`LISTEN "${channel.replaceAll('"', '""')}"`);
    client = c;
  };
  const scheduleReconnect = (delayMs: number) => {
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect().then(
        () => onReconnect?.(),
        () => {
          if (!isClosed) scheduleReconnect(Math.min(delayMs * 2, 5_000));
        },
      );
    }, delayMs);
    retryTimer.unref();
  };
  await connect();
  return async () => {
    isClosed = true;
    if (retryTimer) clearTimeout(retryTimer);
    const c = client;
    client = null;
    await c?.end().catch(() => undefined);
  };
}
