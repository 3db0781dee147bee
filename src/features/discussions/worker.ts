/** The discussion side of a worker: answers `discussion-turn` jobs; a stop NOTIFY aborts local generation. */
import type { Database } from '../../platform/db/client.js';
import type { Jobs } from '../../platform/jobs/boss.js';
import { isLeaseAbandoned, startSweeping, type LeaseSweep } from '../../platform/jobs/lease.js';
import { workLeasedJobs } from '../../platform/jobs/leased-run.js';
import type { Logger } from '../../platform/logger.js';
import { eq } from 'drizzle-orm';
import { discussions } from '../../platform/db/schema/index.js';
import { withTenant } from '../../platform/db/tenant.js';
import { appendEvents } from '../../platform/events/store.js';
import { discussionRef, STOP_CHANNEL } from './service.js';
import { answerTurns, stopLocalDiscussion, type TurnDeps } from './turn.js';

async function giveUp(
  database: Database,
  job: { tenantId: string; discussionId: string },
  error: string,
): Promise<void> {
  await withTenant(database, { tenantId: job.tenantId, userId: null }, async (tx) => {
    const [d] = await tx.select().from(discussions).where(eq(discussions.id, job.discussionId)).for('update');
    if (!d || d.status === 'idle') return;
    await tx
      .update(discussions)
      .set({ status: 'idle', answeredTurns: d.turns, isStopRequested: false, stopThroughTurn: null })
      .where(eq(discussions.id, d.id));
    await appendEvents(tx, discussionRef(d), [
      {
        type: 'turn.failed',
        data: { turn: d.answeredTurns + 1, error: `The answers could not be produced (${error.slice(0, 300)})` },
      },
    ]);
  });
}

export async function startDiscussionWorker(deps: {
  database: Database;
  log: Logger;
  jobs: Jobs;
  turn: TurnDeps;
  concurrency: number;
}): Promise<() => Promise<void>> {
  const unlisten = await deps.database.listen(STOP_CHANNEL, (id) => stopLocalDiscussion(id));
  // A retry resumes at the first unfinished answer; after the last one, say so and free the discussion.
  await workLeasedJobs(deps.jobs, 'discussion-turn', deps.concurrency, deps.log, {
    execute: (data) => answerTurns(deps.turn, data),
    giveUp: (data, error) => giveUp(deps.database, data, error),
  });
  const stopSweeping = startSweeping(
    deps.jobs,
    deps.log,
    discussionSweep(deps.database, deps.turn.leaseMs),
    Math.max(500, Math.floor(deps.turn.leaseMs / 2)),
  );
  return async () => {
    stopSweeping();
    await unlisten();
  };
}

/** A turn job is abandoned when its discussion's lease lapsed, or it was fetched long ago and never claimed. */
export function discussionSweep(database: Database, leaseMs: number): LeaseSweep<'discussion-turn'> {
  return {
    name: 'discussion-turn',
    isAbandoned: async (job) => {
      const [d] = await withTenant(database, { tenantId: job.data.tenantId, userId: null }, (tx) =>
        tx
          .select({ status: discussions.status, leaseUntil: discussions.leaseUntil })
          .from(discussions)
          .where(eq(discussions.id, job.data.discussionId)),
      );
      return isLeaseAbandoned(d, job, leaseMs);
    },
  };
}
