/**
 * What every durable run kind (workflow runs, discussion turns, and the code-analysis runs
 * to come) shares about executing under a lease: the abort reasons, the errors that hand a
 * job back, the registry of items this process is executing (so a cancel NOTIFY aborts one
 * at once), and one give-up policy for jobs that keep failing.
 *
 * pg-boss retries a job up to `retryLimit` (20, boss.ts): those retries are how a dead or
 * stopping worker's item resumes elsewhere, and they do not count as failures. A job that
 * *throws* is a failure; after MAX_JOB_FAILURES of them the item is marked failed instead of
 * being retried again.
 */
import type { Logger } from '../logger.js';
import type { JobCatalog, JobName, Jobs } from './boss.js';

/** Abort reason: another worker holds the item now (or this one is shutting down); write nothing more. */
export const LEASE_LOST = 'lease-lost';
/** Abort reason: the user cancelled or stopped it. */
export const CANCELLED = 'cancelled';

/** The item was handed back because its worker is shutting down; another worker resumes it. Not a failure. */
export class ShutdownError extends Error {}
/** A write found the lease held by someone else: this worker stops at once. */
export class LeaseLostError extends Error {}

/** Failures of a job itself (not of a step or an answer) after which its item is marked failed. */
export const MAX_JOB_FAILURES = 3;

/**
 * The items this process is executing, each with its AbortController. Example:
 * `const abort = local.start(id); try { … } finally { local.end(id) }`, and from the NOTIFY
 * listener `local.abort(id, CANCELLED)`.
 */
export function localRuns() {
  const running = new Map<string, AbortController>();
  return {
    start(id: string): AbortController {
      const abort = new AbortController();
      running.set(id, abort);
      return abort;
    },
    end(id: string): void {
      running.delete(id);
    },
    /** Aborts the item if this process executes it; returns whether it did. */
    abort(id: string, reason: string): boolean {
      const abort = running.get(id);
      abort?.abort(reason);
      return abort !== undefined;
    },
  };
}

/**
 * Works a queue with the shared failure policy: a ShutdownError goes back to the queue as is;
 * another error is logged and retried until the job has failed MAX_JOB_FAILURES times, then
 * `giveUp` records the failure on the item and the job ends.
 */
export async function workLeasedJobs<N extends JobName>(
  jobs: Jobs,
  name: N,
  concurrency: number,
  log: Logger,
  handlers: {
    execute: (data: JobCatalog[N]) => Promise<unknown>;
    giveUp: (data: JobCatalog[N], error: string) => Promise<void>;
  },
): Promise<void> {
  await jobs.work(name, concurrency, async (data, job) => {
    try {
      await handlers.execute(data);
    } catch (err) {
      if (err instanceof ShutdownError) throw err;
      const failures = job.retryCount + 1;
      log.error({ err, queue: name, data, attempt: failures }, 'jobs: a leased job failed');
      if (failures < MAX_JOB_FAILURES) throw err;
      await handlers.giveUp(data, err instanceof Error ? err.message : String(err));
    }
  });
}
