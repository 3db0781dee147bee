/**
 * The background half of a nyxCore process: the event hub (LISTEN/NOTIFY → live streams),
 * the job queue, and, unless turned off, a worker executing runs. `nyxcore start` runs
 * all of it beside the web server; `nyxcore worker` runs only the job side.
 */
import type { Env } from './config/env.js';
import { type EngineDeps, startWorkflowWorker } from './features/workflows/index.js';
import { startDiscussionWorker } from './features/discussions/index.js';
import { builtinScanSetup, CheckoutError, startAnalysisWorker } from './features/code-analysis/index.js';
import { checkoutRepository, RepositoryUnavailableError } from './features/repositories/index.js';
import { llmDepsOf, type AppDeps } from './platform/deps.js';
import { EventHub } from './platform/events/hub.js';
import { startJobs, type Jobs } from './platform/jobs/boss.js';

type BaseDeps = Omit<AppDeps, 'hub' | 'jobs'>;

export interface Runtime {
  hub: EventHub;
  jobs: Jobs;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Execute jobs in this process (default: NYXCORE_WORKER). */
  isWorker?: boolean;
  /** Listen for run events (web processes do; a pure worker does not need to). */
  isListening?: boolean;
  engine?: Partial<EngineDeps>;
}

export function engineDepsOf(base: BaseDeps, overrides: Partial<EngineDeps> = {}): EngineDeps {
  return { llm: llmDepsOf(base), sleep: (ms) => new Promise((r) => setTimeout(r, ms)), deltaFlushMs: 50, ...overrides };
}

export async function startRuntime(env: Env, base: BaseDeps, opts: RuntimeOptions = {}): Promise<Runtime> {
  const hub = new EventHub(base.database, base.log);
  if (opts.isListening ?? true) await hub.start();
  const jobs = await startJobs(base.database, base.log, { namespace: env.NYXCORE_JOBS_NAMESPACE });
  const stops: (() => Promise<void>)[] = [];
  const shutdown = new AbortController();
  if (opts.isWorker ?? env.NYXCORE_WORKER === 'on') {
    const engine = engineDepsOf(base, opts.engine);
    stops.push(
      await startDiscussionWorker({
        database: base.database,
        log: base.log,
        jobs,
        turn: {
          database: base.database,
          log: base.log,
          llm: engine.llm,
          deltaFlushMs: engine.deltaFlushMs,
          workerId: jobs.workerId,
          leaseMs: env.NYXCORE_RUN_LEASE_SECONDS * 1_000,
          shutdown: shutdown.signal,
        },
        concurrency: env.NYXCORE_WORKER_CONCURRENCY,
      }),
    );
    stops.push(
      await startWorkflowWorker({
        database: base.database,
        log: base.log,
        jobs,
        engine,
        leaseMs: env.NYXCORE_RUN_LEASE_SECONDS * 1_000,
        concurrency: env.NYXCORE_WORKER_CONCURRENCY,
        shutdown: shutdown.signal,
      }),
    );
    stops.push(
      await startAnalysisWorker({
        database: base.database,
        log: base.log,
        jobs,
        leaseMs: env.NYXCORE_RUN_LEASE_SECONDS * 1_000,
        concurrency: env.NYXCORE_WORKER_CONCURRENCY,
        shutdown: shutdown.signal,
        // Repositories own the checkout; code analysis only reads it. A sync the user can fix fails the run with its message.
        checkout: async (actor, repositoryId, options) => {
          try {
            return await checkoutRepository(base, actor, repositoryId, options);
          } catch (err) {
            if (err instanceof RepositoryUnavailableError) throw new CheckoutError(err.message);
            throw err;
          }
        },
        scanSetup: () => builtinScanSetup(),
        llm: engine.llm,
      }),
    );
  }
  return {
    hub,
    jobs,
    close: async () => {
      // Runs and turns in progress stop writing, release their leases and go back to the queue,
      // so another worker resumes them at once instead of after the lease lapses.
      shutdown.abort();
      for (const stop of stops) await stop();
      await jobs.stop();
      await hub.close();
    },
  };
}
