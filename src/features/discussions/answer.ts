/**
 * One answer of a discussion turn: the message row is created, the model's reply streamed
 * into it (deltas coalesced per lane and group-committed with the other lanes'), and the row
 * ends complete, stopped (paid for up to where it stopped) or failed. Every write goes
 * through the turn's Store, so it happens only while this worker holds the lease.
 */
import { eq } from 'drizzle-orm';
import { discussionMessages, discussions } from '../../platform/db/schema/index.js';
import { addedUsage } from '../../platform/db/sql.js';
import type { Tx } from '../../platform/db/tenant.js';
import { appendEvents } from '../../platform/events/store.js';
import { coalesceText } from '../../platform/events/coalesce.js';
import { LEASE_LOST, LeaseLostError } from '../../platform/jobs/leased-run.js';
import { CancelledLlmCall, generateStream } from '../../platform/llm/service.js';
import { recordPersonaUse } from '../personas/index.js';
import { historyFor, laneOf, systemFor, type DiscussionRow, type MessageRow, type Slot } from './prompts.js';
import type { LanguageCode } from './schema.js';
import { discussionRef } from './service.js';
import type { Store, TurnDeps } from './turn.js';

/** What every answer of one turn shares. */
export interface TurnContext {
  deps: TurnDeps;
  d: DiscussionRow;
  turn: number;
  signal: AbortSignal;
  store: Store;
  personaPrompts: Map<string, string>;
  language: LanguageCode;
  wisdom: string;
  /** The next message position: taken before any await, so parallel answers get distinct, ordered positions. */
  nextPosition: () => number;
}

type CallUsage = { tokensIn: number; tokensOut: number; costUsd: number | null };

/** A call's usage as events carry it: a null cost is an unpriced model. */
export const usageOf = (u: CallUsage) => ({
  tokensIn: u.tokensIn,
  tokensOut: u.tokensOut,
  costUsd: u.costUsd,
  unpricedCalls: u.costUsd === null ? 1 : 0,
});
/** …and as rows store it: the priced cost (0 when unpriced) and the unpriced count. */
const storedUsage = (u: CallUsage) => ({ ...usageOf(u), costUsd: u.costUsd ?? 0 });

const addTotals = (tx: Tx, id: string, u: ReturnType<typeof storedUsage>) =>
  tx.update(discussions).set(addedUsage(discussions, u)).where(eq(discussions.id, id));

/** Inserts the slot's message as streaming and announces it; the row is the answer's from here on. */
async function createMessage(ctx: TurnContext, slot: Slot): Promise<MessageRow> {
  const { d, turn } = ctx;
  const position = ctx.nextPosition();
  const lane = laneOf(slot);
  const authorName = slot.kind === 'synthesis' ? 'Synthesis' : slot.participant.name;
  let row: MessageRow | undefined;
  await ctx.store([], async (tx) => {
    [row] = await tx
      .insert(discussionMessages)
      .values({
        tenantId: d.tenantId,
        discussionId: d.id,
        position,
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
            position,
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
  return row;
}

/** Answers one slot of the turn; null when the answer failed (the others go on). */
export async function answerSlot(ctx: TurnContext, slot: Slot, seen: MessageRow[]): Promise<MessageRow | null> {
  const { deps, d, signal, store } = ctx;
  const row = await createMessage(ctx, slot);
  const id = row.id;
  const lane = laneOf(slot);
  let text = '';
  let writes: Promise<void> = Promise.resolve();
  const deltas = coalesceText<string>(deps.deltaFlushMs, (l, chunk) => {
    // Pushed at once (so lanes share writes); awaited in order, so a failed write surfaces.
    const written = store([{ type: 'message.delta', data: { id, lane: l, text: chunk } }]);
    written.catch(() => undefined);
    writes = writes.then(() => written);
  });
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
          slot.participant.personaId ? (ctx.personaPrompts.get(slot.participant.personaId) ?? null) : null,
          ctx.language,
          ctx.wisdom,
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
    deltas.flush();
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
    deltas.flush();
    await writes.catch(() => undefined);
    const latencyMs = Date.now() - started;
    if (err instanceof LeaseLostError || signal.reason === LEASE_LOST) throw err;
    if (signal.aborted) {
      await stopMessage(ctx, slot, { id, lane, text, latencyMs }, err instanceof CancelledLlmCall ? err.usage : null);
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
}

/** A stopped answer keeps its text so far and is paid for up to where it stopped (the LLM layer's estimate). */
async function stopMessage(
  ctx: TurnContext,
  slot: Slot,
  m: { id: string; lane: string; text: string; latencyMs: number },
  spent: CancelledLlmCall['usage'] | null,
) {
  const u = spent ?? { tokensIn: 0, tokensOut: 0, costUsd: 0 };
  await ctx.store(
    [
      {
        type: 'message.completed',
        data: {
          id: m.id,
          lane: m.lane,
          status: 'stopped',
          provider: spent?.provider ?? slot.participant.provider,
          model: spent?.model ?? slot.participant.model,
          latencyMs: m.latencyMs,
          ...usageOf(u),
        },
      },
    ],
    async (tx) => {
      await tx
        .update(discussionMessages)
        .set({
          content: m.text,
          status: 'stopped',
          latencyMs: m.latencyMs,
          ...storedUsage(u),
          ...(spent ? { provider: spent.provider, model: spent.model } : {}),
        })
        .where(eq(discussionMessages.id, m.id));
      await addTotals(tx, ctx.d.id, storedUsage(u));
    },
  );
}
