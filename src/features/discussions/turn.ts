/**
 * Answers a discussion's pending turns (a `discussion-turn` job): single (one participant),
 * parallel (everyone at once, one lane each; a failing lane does not stop the others) or
 * consensus (round-robin for N rounds, each seeing the whole history, then a synthesis).
 * Every message is committed as it completes; a resumed turn skips answers already complete.
 *
 * Why one file of ~550 lines: the three modes share the claim loop, the prompt builders and
 * per-answer path in answerTurn (stream → store → complete/stop/fail); the lease, batching and
 * group-commit machinery live in platform/jobs/lease.ts and platform/events/{coalesce,group-commit}.ts. Splitting the
 * prompt builders (systemFor, historyFor) into their own module is the next cut.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { ModelMessage } from 'ai';
import type { Database } from '../../platform/db/client.js';
import { discussionMessages, discussions, personas, type Participant } from '../../platform/db/schema/index.js';
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
import { coalesceText } from '../../platform/events/coalesce.js';
import { groupCommit } from '../../platform/events/group-commit.js';
import { CANCELLED, LEASE_LOST, LeaseLostError, localRuns, ShutdownError } from '../../platform/jobs/leased-run.js';
import type { DiscussionEvent } from '../../platform/events/frames.js';
import { CancelledLlmCall, generateStream, type LlmDeps } from '../../platform/llm/service.js';
import type { Logger } from '../../platform/logger.js';
import { composeProjectWisdom } from '../memory/index.js';
import { recordPersonaUse } from '../personas/index.js';
import { detectLanguage } from './language.js';
import { languages, type LanguageCode } from './schema.js';
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

type DiscussionRow = typeof discussions.$inferSelect;
type MessageRow = typeof discussionMessages.$inferSelect;

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

const DEFAULT_SYSTEM = 'You are a thoughtful senior engineer. Be precise and concrete.';
const SYNTHESIS = 'synthesis';

interface Slot {
  participant: Participant;
  round: number;
  kind: 'participant' | 'synthesis';
}

function slotsOf(d: DiscussionRow): Slot[] {
  if (d.mode === 'single') return [{ participant: d.participants[0]!, round: 0, kind: 'participant' }];
  if (d.mode === 'parallel')
    return d.participants.map((participant) => ({ participant, round: 0, kind: 'participant' as const }));
  const slots: Slot[] = [];
  for (let round = 1; round <= d.consensusRounds; round++)
    for (const participant of d.participants) slots.push({ participant, round, kind: 'participant' });
  slots.push({ participant: d.participants[0]!, round: d.consensusRounds, kind: 'synthesis' });
  return slots;
}

const laneOf = (s: Slot) => (s.kind === 'synthesis' ? SYNTHESIS : s.participant.key);

/** The history as seen by one participant: its own answers as assistant turns, everyone else's as user turns. */
export function historyFor(
  messages: readonly Pick<MessageRow, 'authorKind' | 'participantKey' | 'authorName' | 'content' | 'status'>[],
  self: string | null,
): ModelMessage[] {
  const out: { role: 'user' | 'assistant'; content: string }[] = [];
  for (const m of messages) {
    if (m.status === 'failed' || m.status === 'pending' || !m.content.trim()) continue;
    const isOwn = self !== null && m.authorKind === 'participant' && m.participantKey === self;
    const role = isOwn ? 'assistant' : 'user';
    const content = isOwn
      ? m.content
      : m.authorKind === 'user'
        ? `[${m.authorName} (user)]: ${m.content}`
        : `[${m.authorName}]: ${m.content}`;
    const last = out.at(-1);
    if (last?.role === role) last.content += `\n\n${content}`;
    else out.push({ role, content });
  }
  if (out.at(-1)?.role !== 'user') out.push({ role: 'user', content: 'Continue the discussion.' });
  return out;
}

function systemFor(
  d: DiscussionRow,
  slot: Slot,
  personaPrompt: string | null,
  language: LanguageCode,
  wisdom: string,
): string {
  const others = d.participants.filter((p) => p.key !== slot.participant.key).map((p) => p.name);
  const parts = [
    slot.kind === 'synthesis'
      ? 'You are the neutral moderator of a roundtable discussion.'
      : (personaPrompt ?? DEFAULT_SYSTEM),
  ];
  if (slot.kind === 'synthesis') {
    parts.push(
      `Participants: ${d.participants.map((p) => p.name).join(', ')}. Write the closing synthesis in Markdown with three sections: "## Agreed" (what they agree on), "## Disputed" (what remains disputed), and "## Positions" (one line per participant: who holds which view). Do not add new arguments.`,
    );
  } else if (d.mode === 'consensus') {
    parts.push(
      `You are ${slot.participant.name}, in a roundtable with ${others.join(', ')} (round ${slot.round} of ${d.consensusRounds}). Read the whole discussion, then say where you agree or disagree with the others and why. Be concise (under 200 words). Do not start your reply with your own name.`,
    );
  } else if (d.mode === 'parallel') {
    parts.push(
      `Answer the user directly. ${others.join(', ')} answer the same message independently; you do not see their answers.`,
    );
  }
  if (wisdom) parts.push(`Context from the project's approved insights:\n${wisdom}`);
  parts.push(`Reply in ${languages[language]}.`);
  return parts.join('\n\n');
}

type StoreItem = { events: DiscussionEvent[]; commit?: (tx: Tx) => PromiseLike<unknown> };
type Store = (events: DiscussionEvent[], commit?: StoreItem['commit']) => Promise<void>;

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

async function answerTurn(deps: TurnDeps, d: DiscussionRow, turn: number, signal: AbortSignal): Promise<void> {
  const scope = { tenantId: d.tenantId, userId: null };
  const store = storeFor(deps, d);
  const { messages, personaPrompts } = await withTenant(deps.database, scope, async (tx) => {
    // Every writer of this discussion's events holds its row lock (the seq order depends on it).
    await tx.select({ id: discussions.id }).from(discussions).where(eq(discussions.id, d.id)).for('update');
    // Answers a crashed worker left half-written are kept for the record, marked failed, and redone.
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
    const all = await tx
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
    return { messages: all, personaPrompts: new Map(rows.map((r) => [r.id, r.systemPrompt])) };
  });
  const userText = messages
    .filter((m) => m.authorKind === 'user')
    .slice(-3)
    .map((m) => m.content)
    .join('\n');
  const language = (d.language as LanguageCode | null) ?? detectLanguage(userText);
  const lastUser = messages.filter((m) => m.authorKind === 'user').at(-1)?.content ?? '';
  const wisdom = d.projectId
    ? (
        await composeProjectWisdom(
          deps.llm,
          { ...scope, projectPin: null },
          { projectId: d.projectId, budgetChars: 1_500, query: lastUser.slice(0, 500) || undefined },
        )
      ).markdown
    : '';
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

  const history = [...messages];
  let position = messages.at(-1)?.position ?? 0;
  const answer = async (slot: Slot, seen: MessageRow[]): Promise<MessageRow | null> => {
    // Taken now, before any await: parallel answers get distinct, ordered positions.
    const mine = ++position;
    const lane = laneOf(slot);
    const authorName = slot.kind === 'synthesis' ? 'Synthesis' : slot.participant.name;
    let row: MessageRow | undefined;
    await store([], async (tx) => {
      [row] = await tx
        .insert(discussionMessages)
        .values({
          tenantId: d.tenantId,
          discussionId: d.id,
          position: mine,
          turn,
          authorKind: slot.kind,
          participantKey: lane,
          authorName,
          round: slot.round,
          provider: slot.participant.provider,
          model: slot.participant.model,
          status: 'streaming',
        })
        .returning();
      if (row)
        await appendEvents(tx, discussionRef(d), [
          {
            type: 'message.created',
            data: {
              id: row.id,
              turn,
              position: mine,
              authorKind: slot.kind,
              participantKey: lane,
              authorName,
              round: slot.round,
              content: '',
            },
          },
        ]);
    });
    if (!row) throw new Error('message insert returned nothing');
    const id = row.id;
    let text = '';
    let writes: Promise<void> = Promise.resolve();
    const deltas = coalesceText<string>(deps.deltaFlushMs, (l, chunk) => {
      // Pushed at once (so lanes share writes); awaited in order, so a failed write surfaces.
      const written = store([{ type: 'message.delta', data: { id, lane: l, text: chunk } }]);
      written.catch(() => undefined);
      writes = writes.then(() => written);
    });
    const flush = () => deltas.flush();
    const started = Date.now();
    const personaId = slot.kind === 'participant' ? slot.participant.personaId : null;
    try {
      const r = await generateStream(
        deps.llm,
        {
          tenantId: d.tenantId,
          userId: d.createdBy,
          purpose: `discussion.${d.mode}`,
          system: systemFor(
            d,
            slot,
            slot.participant.personaId ? (personaPrompts.get(slot.participant.personaId) ?? null) : null,
            language,
            wisdom,
          ),
          prompt: historyFor(seen, slot.kind === 'synthesis' ? null : slot.participant.key),
          // A participant that names a provider is that model: no fallback to another voice.
          ...(slot.participant.provider ? { provider: slot.participant.provider, isStrict: true } : {}),
          ...(slot.participant.model ? { model: slot.participant.model } : {}),
          signal,
        },
        (t) => {
          text += t;
          deltas.add(lane, t);
        },
      );
      flush();
      await writes;
      const latencyMs = Date.now() - started;
      await store(
        [
          {
            type: 'message.completed',
            data: { id, lane, status: 'complete', provider: r.provider, model: r.model, latencyMs, ...usageOf(r) },
          },
        ],
        async (tx) => {
          await tx
            .update(discussionMessages)
            .set({
              content: r.text,
              status: 'complete',
              provider: r.provider,
              model: r.model,
              ...storedUsage(r),
              latencyMs,
            })
            .where(eq(discussionMessages.id, id));
          await addTotals(tx, d.id, storedUsage(r));
          if (personaId) await recordPersonaUse(tx, personaId, true);
        },
      );
      return { ...row, content: r.text, status: 'complete' };
    } catch (err) {
      flush();
      await writes.catch(() => undefined);
      const latencyMs = Date.now() - started;
      if (err instanceof LeaseLostError || signal.reason === LEASE_LOST) throw err;
      if (signal.aborted) {
        // A stopped answer is paid for up to where it stopped (the LLM layer's estimate).
        const spent = err instanceof CancelledLlmCall ? err.usage : null;
        const u = spent ?? { tokensIn: 0, tokensOut: 0, costUsd: 0 };
        await store(
          [
            {
              type: 'message.completed',
              data: {
                id,
                lane,
                status: 'stopped',
                provider: spent?.provider ?? slot.participant.provider,
                model: spent?.model ?? slot.participant.model,
                latencyMs,
                ...usageOf(u),
              },
            },
          ],
          async (tx) => {
            await tx
              .update(discussionMessages)
              .set({
                content: text,
                status: 'stopped',
                latencyMs,
                ...storedUsage(u),
                ...(spent ? { provider: spent.provider, model: spent.model } : {}),
              })
              .where(eq(discussionMessages.id, id));
            await addTotals(tx, d.id, storedUsage(u));
          },
        );
        return { ...row, content: text, status: 'stopped' };
      }
      const error = (err instanceof Error ? err.message : String(err)).slice(0, 1_000);
      await store([{ type: 'message.failed', data: { id, lane, error } }], async (tx) => {
        await tx
          .update(discussionMessages)
          .set({ content: text, status: 'failed', error, latencyMs })
          .where(eq(discussionMessages.id, id));
        if (personaId) await recordPersonaUse(tx, personaId, false);
      });
      return null;
    }
  };

  if (d.mode === 'parallel') {
    const seen = [...history];
    await Promise.all(todo.map((s) => answer(s, seen)));
  } else {
    let round = 0;
    for (const slot of todo) {
      if (signal.aborted) break;
      if (d.mode === 'consensus' && slot.kind === 'participant' && slot.round !== round) {
        round = slot.round;
        await store([{ type: 'round.started', data: { turn, round } }]);
      }
      const m = await answer(slot, history);
      if (m) history.push(m);
    }
  }
  const [totals] = await withTenant(deps.database, scope, (tx) =>
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
          isStopped: signal.aborted,
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

type CallUsage = { tokensIn: number; tokensOut: number; costUsd: number | null };

/** A call's usage as events carry it: a null cost is an unpriced model. */
const usageOf = (u: CallUsage) => ({
  tokensIn: u.tokensIn,
  tokensOut: u.tokensOut,
  costUsd: u.costUsd,
  unpricedCalls: u.costUsd === null ? 1 : 0,
});
/** …and as rows store it: the priced cost (0 when unpriced) and the unpriced count. */
const storedUsage = (u: CallUsage) => ({ ...usageOf(u), costUsd: u.costUsd ?? 0 });

async function addTotals(tx: Tx, id: string, u: ReturnType<typeof storedUsage>) {
  await tx
    .update(discussions)
    .set({
      tokensIn: sql`${discussions.tokensIn} + ${u.tokensIn}`,
      tokensOut: sql`${discussions.tokensOut} + ${u.tokensOut}`,
      costUsd: sql`${discussions.costUsd} + ${u.costUsd}`,
      unpricedCalls: sql`${discussions.unpricedCalls} + ${u.unpricedCalls}`,
    })
    .where(eq(discussions.id, id));
}
