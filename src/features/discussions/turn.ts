/**
 * Answers a discussion's pending turns (a `discussion-turn` job): single (one participant),
 * parallel (everyone at once, one lane each; a failing lane does not stop the others) or
 * consensus (round-robin for N rounds, each seeing the whole history, then a synthesis).
 * Every message is committed as it completes; a resumed turn skips answers already complete.
 *
 * Here: the claim loop over pending turns and a turn's open → answer slots → close. One
 * answer's path (stream → store → complete/stop/fail) is answer.ts, the prompts prompts.ts;
 * the lease, batching and group-commit machinery live in platform/jobs/ and platform/events/.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/client.js';
import { discussionMessages, discussions, personas } from '../../platform/db/schema/index.js';
import { withTenant, type Tx } from '../../platform/db/tenant.js';
import { appendEvents } from '../../platform/events/store.js';
import {
  isClaimable,
  isHeldBy,
  keepLease,
  leaseUntil,
  lockHeld,
  releaseLease,
  type LeasedTable,
} from '../../platform/jobs/lease.js';
import { groupCommit } from '../../platform/events/group-commit.js';
import { CANCELLED, LEASE_LOST, LeaseLostError, localRuns, ShutdownError } from '../../platform/jobs/leased-run.js';
import type { DiscussionEvent } from '../../platform/events/frames.js';
import type { LlmDeps } from '../../platform/llm/service.js';
import type { Logger } from '../../platform/logger.js';
import { composeProjectWisdom } from '../memory/index.js';
import { answerSlot, type TurnContext } from './answer.js';
import { detectLanguage } from './language.js';
import { slotsOf, type DiscussionRow, type MessageRow, type Slot } from './prompts.js';
import type { LanguageCode } from './schema.js';
import { discussionRef } from './service.js';

export interface TurnDeps {
  database: Database;
  log: Logger;
  llm: LlmDeps;
  deltaFlushMs: number;
  /** Lease owner: this process's worker id. */
  workerId: string;
  leaseMs: number;
  /** Aborted when this process shuts down: answering stops, the lease is released, the job goes back to the queue. */
  shutdown: AbortSignal;
}

/** Discussions this process is answering, so a stop (NOTIFY) aborts them at once. */
const active = localRuns();
const leasedDiscussions: LeasedTable = {
  table: discussions,
  id: discussions.id,
  leaseOwner: discussions.leaseOwner,
  leaseUntil: discussions.leaseUntil,
};
export function stopLocalDiscussion(id: string): void {
  active.abort(id, CANCELLED);
}

type StoreItem = { events: DiscussionEvent[]; commit?: (tx: Tx) => PromiseLike<unknown> };
export type Store = (events: DiscussionEvent[], commit?: StoreItem['commit']) => Promise<void>;

/**
 * The writer of one discussion's events and state changes: each write is one transaction,
 * made only while this worker holds the lease (a worker that stalled past it writes
 * nothing), and what the answers push while one is in flight (parallel lanes' deltas) is
 * group-committed into the next. Within a write, items keep their order: each state change
 * runs after the events pushed before it are appended.
 */
function storeFor(deps: TurnDeps, d: DiscussionRow): Store {
  const ref = discussionRef(d);
  const writer = groupCommit<StoreItem>((items) =>
    withTenant(deps.database, { tenantId: d.tenantId, userId: null }, async (tx) => {
      await lockHeld(tx, leasedDiscussions, d.id, deps.workerId, {});
      // Every writer of a discussion's events locks its row first, as above.
      let events: DiscussionEvent[] = [];
      for (const item of items) {
        if (item.commit) {
          await appendEvents(tx, ref, events, { isSerialized: true });
          events = [];
          await item.commit(tx);
        }
        events.push(...item.events);
      }
      await appendEvents(tx, ref, events, { isSerialized: true });
    }),
  );
  return (events, commit) => writer.push({ events, ...(commit ? { commit } : {}) });
}

/** Claims the discussion and answers every pending turn in order; returns when none is left or it was stopped. */
export async function answerTurns(deps: TurnDeps, job: { tenantId: string; discussionId: string }): Promise<void> {
  const scope = { tenantId: job.tenantId, userId: null };
  if (deps.shutdown.aborted) throw new ShutdownError('this worker is shutting down');
  const [claimed] = await withTenant(deps.database, scope, (tx) =>
    tx
      .update(discussions)
      .set({ status: 'running', leaseOwner: deps.workerId, leaseUntil: leaseUntil(deps.leaseMs) })
      .where(
        and(
          eq(discussions.id, job.discussionId),
          inArray(discussions.status, ['queued', 'running']),
          isClaimable(leasedDiscussions, deps.workerId),
        ),
      )
      .returning({ id: discussions.id }),
  );
  if (!claimed) return;
  let abort = new AbortController();
  const stopRenewing = keepLease(
    deps.leaseMs,
    async () => {
      const [row] = await withTenant(deps.database, scope, (tx) =>
        tx
          .update(discussions)
          .set({ leaseUntil: leaseUntil(deps.leaseMs) })
          .where(isHeldBy(leasedDiscussions, job.discussionId, deps.workerId))
          .returning({ id: discussions.id }),
      );
      return row !== undefined;
    },
    () => abort.abort(LEASE_LOST),
    deps.log,
    { discussion: job.discussionId },
  );
  const onShutdown = () => abort.abort(LEASE_LOST);
  deps.shutdown.addEventListener('abort', onShutdown);
  try {
    for (;;) {
      if (deps.shutdown.aborted) break;
      abort = active.start(job.discussionId);
      const next = await withTenant(deps.database, scope, async (tx) => {
        const [d] = await tx.select().from(discussions).where(eq(discussions.id, job.discussionId)).for('update');
        if (d?.leaseOwner !== deps.workerId) return null;
        const stopThrough = d.stopThroughTurn ?? 0;
        if (stopThrough > d.answeredTurns) {
          // Turns queued before a stop are skipped, and say so on the stream.
          const skipped = Array.from({ length: stopThrough - d.answeredTurns }, (_, i) => d.answeredTurns + i + 1);
          await tx.update(discussions).set({ answeredTurns: stopThrough }).where(eq(discussions.id, d.id));
          await appendEvents(
            tx,
            discussionRef(d),
            skipped.map((turn) => ({
              type: 'turn.completed',
              data: { turn, isStopped: true, tokensIn: 0, tokensOut: 0, costUsd: 0, unpricedCalls: 0 },
            })),
          );
          d.answeredTurns = stopThrough;
        }
        if (d.answeredTurns >= d.turns) {
          await tx
            .update(discussions)
            .set({ status: 'idle', isStopRequested: false, stopThroughTurn: null, leaseOwner: null, leaseUntil: null })
            .where(eq(discussions.id, d.id));
          return null;
        }
        if (d.isStopRequested)
          await tx
            .update(discussions)
            .set({ isStopRequested: false, stopThroughTurn: null })
            .where(eq(discussions.id, d.id));
        return d;
      });
      if (!next) return;
      await answerTurn(deps, next, next.answeredTurns + 1, abort.signal);
      if (abort.signal.reason === LEASE_LOST) break;
    }
  } catch (err) {
    // Another worker owns the discussion now: this one simply stops.
    if ((err instanceof LeaseLostError || abort.signal.reason === LEASE_LOST) && !deps.shutdown.aborted) {
      deps.log.warn({ discussion: job.discussionId }, 'discussion: lost the lease to another worker; stopping here');
      return;
    }
    if (!deps.shutdown.aborted) throw err;
  } finally {
    stopRenewing();
    active.end(job.discussionId);
    deps.shutdown.removeEventListener('abort', onShutdown);
  }
  if (deps.shutdown.aborted) {
    await withTenant(deps.database, scope, (tx) =>
      releaseLease(tx, leasedDiscussions, job.discussionId, deps.workerId),
    );
    throw new ShutdownError('this worker is shutting down; the turn resumes on another worker');
  }
}

/**
 * Opens a turn: marks answers a crashed worker left half-written as failed (kept for the
 * record, answered again), and reads the discussion's messages and its personas' prompts.
 */
async function openTurn(deps: TurnDeps, d: DiscussionRow, turn: number) {
  return withTenant(deps.database, { tenantId: d.tenantId, userId: null }, async (tx) => {
    // Every writer of this discussion's events holds its row lock (the seq order depends on it).
    await tx.select({ id: discussions.id }).from(discussions).where(eq(discussions.id, d.id)).for('update');
    const interrupted = await tx
      .update(discussionMessages)
      .set({ status: 'failed', error: 'Interrupted (the worker stopped); answered again' })
      .where(
        and(
          eq(discussionMessages.discussionId, d.id),
          eq(discussionMessages.turn, turn),
          inArray(discussionMessages.status, ['pending', 'streaming']),
        ),
      )
      .returning({
        id: discussionMessages.id,
        lane: discussionMessages.participantKey,
        error: discussionMessages.error,
      });
    await appendEvents(
      tx,
      discussionRef(d),
      interrupted.map((m) => ({
        type: 'message.failed',
        data: { id: m.id, lane: m.lane ?? '', error: m.error ?? '' },
      })),
    );
    const messages = await tx
      .select()
      .from(discussionMessages)
      .where(eq(discussionMessages.discussionId, d.id))
      .orderBy(asc(discussionMessages.position));
    const ids = d.participants.flatMap((p) => (p.personaId ? [p.personaId] : []));
    const rows = ids.length
      ? await tx
          .select({ id: personas.id, systemPrompt: personas.systemPrompt })
          .from(personas)
          .where(inArray(personas.id, ids))
      : [];
    return { messages, personaPrompts: new Map(rows.map((r) => [r.id, r.systemPrompt])) };
  });
}

/** The reply language (the discussion's, or detected from the last user messages) and the project's wisdom. */
async function contextOf(deps: TurnDeps, d: DiscussionRow, messages: MessageRow[]) {
  const fromUser = messages.filter((m) => m.authorKind === 'user');
  const userText = fromUser
    .slice(-3)
    .map((m) => m.content)
    .join('\n');
  const language = (d.language as LanguageCode | null) ?? detectLanguage(userText);
  const lastUser = fromUser.at(-1)?.content ?? '';
  const wisdom = d.projectId
    ? (
        await composeProjectWisdom(
          deps.llm,
          { tenantId: d.tenantId, userId: null, projectPin: null },
          { projectId: d.projectId, budgetChars: 1_500, query: lastUser.slice(0, 500) || undefined },
        )
      ).markdown
    : '';
  return { language, wisdom };
}

/** Ends a turn: its totals over every answer (resumed ones too) on the stream, and the turn counted as answered. */
async function closeTurn(deps: TurnDeps, d: DiscussionRow, turn: number, store: Store, isStopped: boolean) {
  const [totals] = await withTenant(deps.database, { tenantId: d.tenantId, userId: null }, (tx) =>
    tx
      .select({
        tokensIn: sql<number>`coalesce(sum(${discussionMessages.tokensIn}), 0)::int`,
        tokensOut: sql<number>`coalesce(sum(${discussionMessages.tokensOut}), 0)::int`,
        costUsd: sql<number>`coalesce(sum(${discussionMessages.costUsd}), 0)::float8`,
        unpricedCalls: sql<number>`coalesce(sum(${discussionMessages.unpricedCalls}), 0)::int`,
      })
      .from(discussionMessages)
      .where(and(eq(discussionMessages.discussionId, d.id), eq(discussionMessages.turn, turn))),
  );
  await store(
    [
      {
        type: 'turn.completed',
        data: {
          turn,
          isStopped,
          tokensIn: totals?.tokensIn ?? 0,
          tokensOut: totals?.tokensOut ?? 0,
          costUsd: totals?.costUsd ?? 0,
          unpricedCalls: totals?.unpricedCalls ?? 0,
        },
      },
    ],
    (tx) => tx.update(discussions).set({ answeredTurns: turn, updatedAt: new Date() }).where(eq(discussions.id, d.id)),
  );
}

/** Answers one turn: the slots not yet complete, all at once (parallel) or in order, each seeing the history so far. */
async function answerTurn(deps: TurnDeps, d: DiscussionRow, turn: number, signal: AbortSignal): Promise<void> {
  const store = storeFor(deps, d);
  const { messages, personaPrompts } = await openTurn(deps, d, turn);
  const { language, wisdom } = await contextOf(deps, d, messages);
  const slots = slotsOf(d);
  const isDone = (s: Slot) =>
    messages.some(
      (m) =>
        m.turn === turn &&
        m.status !== 'failed' &&
        m.round === s.round &&
        (s.kind === 'synthesis'
          ? m.authorKind === 'synthesis'
          : m.authorKind === 'participant' && m.participantKey === s.participant.key),
    );
  const todo = slots.filter((s) => !isDone(s));
  await store([{ type: 'turn.started', data: { turn, language, slots: slots.length } }]);

  let position = messages.at(-1)?.position ?? 0;
  const ctx: TurnContext = {
    deps,
    d,
    turn,
    signal,
    store,
    personaPrompts,
    language,
    wisdom,
    nextPosition: () => ++position,
  };
  const history = [...messages];
  if (d.mode === 'parallel') {
    await Promise.all(todo.map((s) => answerSlot(ctx, s, history)));
  } else {
    let round = 0;
    for (const slot of todo) {
      if (signal.aborted) break;
      if (d.mode === 'consensus' && slot.kind === 'participant' && slot.round !== round) {
        round = slot.round;
        await store([{ type: 'round.started', data: { turn, round } }]);
      }
      const m = await answerSlot(ctx, slot, history);
      if (m) history.push(m);
    }
  }
  await closeTurn(deps, d, turn, store, signal.aborted);
}
