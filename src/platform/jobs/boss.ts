/**
 * pg-boss dispatches durable work (workflow runs; later discussions and analyses). Our
 * tables hold the state; a job only says "continue run X". On PGlite pg-boss talks to the
 * same embedded database through a small `executeSql` adapter and the worker runs in-process;
 * on PostgreSQL any number of `nyxcore worker` processes share the queue.
 */
import { randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
import type { Database } from '../db/client.js';
import { runMigrations, SCHEMA_LOCK } from '../db/migrate.js';
import type { Logger } from '../logger.js';

/** The typed job catalog: queue name → job data. */
export interface JobCatalog {
  'workflow-run': { tenantId: string; runId: string };
  'discussion-turn': { tenantId: string; discussionId: string; turn: number };
  'code-analysis': { tenantId: string; runId: string };
}
export type JobName = keyof JobCatalog;
const queues: Record<JobName, PgBoss.Queue> = {
  // Retries are how a crashed worker's run resumes; the run itself decides what is left to do.
  'workflow-run': { name: 'workflow-run', retryLimit: 20, retryDelay: 2, expireInSeconds: 12 * 3600 },
  // Like runs: a dead worker's turn is handed back by the lease sweep and resumes at its first unfinished answer.
  'discussion-turn': { name: 'discussion-turn', retryLimit: 20, retryDelay: 2, expireInSeconds: 12 * 3600 },
  // An analysis resumes at its first unfinished file batch.
  'code-analysis': { name: 'code-analysis', retryLimit: 20, retryDelay: 2, expireInSeconds: 12 * 3600 },
};

const WAKE_CHANNEL = 'nyx_jobs';

export interface Jobs {
  /** This process's worker id (also the lease owner of the runs it executes). */
  readonly workerId: string;
  send<N extends JobName>(name: N, data: JobCatalog[N]): Promise<string>;
  work<N extends JobName>(
    name: N,
    concurrency: number,
    handler: (data: JobCatalog[N], job: { id: string; retryCount: number }) => Promise<void>,
  ): Promise<void>;
  /** Marks an active job failed so it is retried (its worker is gone). */
  retry(name: JobName, jobId: string): Promise<void>;
  /** Active jobs of a queue, for the lease sweep. */
  active<N extends JobName>(name: N): Promise<{ id: string; data: JobCatalog[N]; startedMsAgo: number }[]>;
  stop(): Promise<void>;
}

/** Postgres errors two processes creating queues at the same moment can meet; both are retried. */
const isCreateRace = (err: unknown) => ['40P01', '23505'].includes((err as { code?: string }).code ?? '');

/**
 * Creates the queue, or updates it when its options changed. pg-boss creates a partition
 * per queue, and processes starting together (a fleet, parallel test files) can deadlock on
 * that DDL or race to the same name: retried after a short random pause.
 */
async function ensureQueue(boss: PgBoss, queue: PgBoss.Queue & { name: string }): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const existing = await boss.getQueue(queue.name);
      if (!existing) return await boss.createQueue(queue.name, queue);
      const isSame = (Object.keys(queue) as (keyof typeof queue)[]).every((k) => existing[k] === queue[k]);
      if (!isSame) await boss.updateQueue(queue.name, queue);
      return;
    } catch (err) {
      if (!isCreateRace(err) || attempt >= 8) throw err;
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 200 * attempt));
    }
  }
}

function createBoss(database: Database, log: Logger, opts: { isSupervising: boolean }): PgBoss {
  // One adapter for both modes: pg-boss shares our pool (or the PGlite instance). Its
  // multi-statement SQL carries no parameters, which PGlite runs through `exec`.
  const db = { executeSql: async (text: string, values: unknown[]) => ({ rows: await database.raw(text, values) }) };
  const boss = new PgBoss({
    db,
    schema: 'pgboss',
    schedule: false,
    supervise: opts.isSupervising,
    maintenanceIntervalSeconds: 60,
  });
  boss.on('error', (err) => log.error({ err }, 'jobs: pg-boss error'));
  return boss;
}

/**
 * Starts pg-boss (which installs or upgrades its schema on first start) and creates our
 * queues, under the schema lock: processes starting together on a new database once raced
 * here to `CREATE SCHEMA pgboss` and half of a fleet crashed on the duplicate.
 */
async function startWithQueues(boss: PgBoss, namespace: string): Promise<void> {
  await boss.start();
  for (const queue of Object.values(queues)) await ensureQueue(boss, { ...queue, name: `${namespace}${queue.name}` });
}

/**
 * Everything a process needs in the database before it serves or works: the app's
 * migrations and the job queue's schema and queues, in one turn of the schema lock.
 * `nyxcore migrate` runs exactly this; `start` and `worker` run it too (a no-op when done).
 */
export async function prepareDatabase(
  database: Database,
  log: Logger,
  opts: { namespace: string },
): Promise<{ applied: number }> {
  return database.withLock(SCHEMA_LOCK, async () => {
    const result = await runMigrations(database, { isLocked: true });
    const boss = createBoss(database, log, { isSupervising: false });
    await startWithQueues(boss, opts.namespace);
    await boss.stop({ graceful: false, wait: true, timeout: 5_000 });
    return result;
  });
}

export async function startJobs(database: Database, log: Logger, opts: { namespace: string }): Promise<Jobs> {
  const q = (name: JobName) => `${opts.namespace}${name}`;
  const boss = createBoss(database, log, { isSupervising: true });
  await database.withLock(SCHEMA_LOCK, () => startWithQueues(boss, opts.namespace));
  const workerId = `w-${randomUUID().slice(0, 8)}`;
  const localWorkers = new Set<string>();
  // Senders NOTIFY so idle workers in any process fetch at once instead of at the next poll.
  const unlisten = await database.listen(WAKE_CHANNEL, () => {
    for (const id of localWorkers) boss.notifyWorker(id);
  });
  let isStopped = false;

  return {
    workerId,
    async send(name, data) {
      const id = await boss.send(q(name), data as object);
      if (!id) throw new Error(`jobs: pg-boss did not accept a ${name} job`);
      await database.raw(`select pg_notify('${WAKE_CHANNEL}', $1)`, [name]);
      return id;
    },
    async work(name, concurrency, handler) {
      for (let i = 0; i < concurrency; i++) {
        let id = '';
        id = await boss.work<JobCatalog[typeof name]>(
          q(name),
          { pollingIntervalSeconds: 2, includeMetadata: true },
          async ([job]) => {
            try {
              if (job) await handler(job.data, { id: job.id, retryCount: job.retryCount });
            } finally {
              // pg-boss would otherwise wait out the polling interval before the next fetch: a backlog drains at once.
              if (id && !isStopped) boss.notifyWorker(id);
            }
          },
        );
        localWorkers.add(id);
      }
    },
    async retry(name, jobId) {
      await boss.fail(q(name), jobId, { reason: 'worker lease lapsed' });
    },
    async active(name) {
      return database.raw<{ id: string; data: JobCatalog[typeof name]; startedMsAgo: number }>(
        `select id::text as id, data, (extract(epoch from now() - started_on) * 1000)::float8 as "startedMsAgo" from pgboss.job where name = $1 and state = 'active'`,
        [q(name)],
      );
    },
    async stop() {
      if (isStopped) return;
      isStopped = true;
      await unlisten();
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}
