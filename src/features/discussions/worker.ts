/** The discussion side of a worker: answers `discussion-turn` jobs; a stop NOTIFY aborts local generation. */
import type { Database } from '../../platform/db/client.js';
import type { Jobs } from '../../platform/jobs/boss.js';
import type { Logger } from '../../platform/logger.js';
import { STOP_CHANNEL } from './service.js';
import { answerTurns, stopLocalDiscussion, type TurnDeps } from './turn.js';

export async function startDiscussionWorker(deps: { database: Database; log: Logger; jobs: Jobs; turn: TurnDeps; concurrency: number }): Promise<() => Promise<void>> {
  const unlisten = await deps.database.listen(STOP_CHANNEL, (id) => stopLocalDiscussion(id));
  await deps.jobs.work('discussion-turn', deps.concurrency, async (data) => {
    try {
      await answerTurns(deps.turn, data);
    } catch (err) {
      deps.log.error({ err, discussion: data.discussionId }, 'discussion: answering a turn failed');
      throw err;
    }
  });
  return unlisten;
}
