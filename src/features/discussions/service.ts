/**
 * Discussions: create (participants resolved and checked), list, get (messages and
 * per-participant totals), send a message, continue, stop, update, delete. Answers are
 * produced by a worker (./turn.ts); every change here appends its discussion event.
 */
import { and, asc, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { discussionMessages, discussions, personas, users, type Participant } from '../../platform/db/schema/index.js';
import { appendEvents, type RunRef } from '../../platform/events/store.js';
import { addFieldError, NyxError, throwFieldErrors, type FieldErrors } from '../../platform/errors.js';
import { assertProjectAllowed, visibleOr404 } from '../../platform/access/project-pin.js';
import { getProject } from '../projects/index.js';
import type { CreateDiscussionInput } from './schema.js';
import type { Access } from '../../platform/access/tenant-access.js';

export const STOP_CHANNEL = 'nyx_discussion_stop';
export const discussionRef = (d: { id: string; tenantId: string }): RunRef => ({
  kind: 'discussion',
  id: d.id,
  tenantId: d.tenantId,
});

/**
 * Turns the requested participants into stored ones (key, display name), checking that
 * personas exist here and providers are configured (`providers`: the workspace's names).
 */
export async function resolveParticipants(
  access: Pick<Access, 'tx'>,
  input: CreateDiscussionInput,
  providers: ReadonlySet<string>,
): Promise<Participant[]> {
  const fieldErrors: FieldErrors = {};
  const ids = input.participants.flatMap((p) => (p.personaId ? [p.personaId] : []));
  const visible = input.projectId
    ? or(isNull(personas.projectId), eq(personas.projectId, input.projectId))
    : isNull(personas.projectId);
  const found = ids.length
    ? await access.tx
        .select({ id: personas.id, name: personas.name })
        .from(personas)
        .where(and(inArray(personas.id, ids), visible))
    : [];
  const names = new Map(found.map((p) => [p.id, p.name]));
  const seen = new Map<string, number>();
  const out = input.participants.map((p, i): Participant => {
    if (p.personaId && !names.has(p.personaId))
      addFieldError(
        fieldErrors,
        `participants.${i}.personaId`,
        'No such persona in this workspace (or it belongs to another project)',
      );
    if (p.provider && !providers.has(p.provider))
      addFieldError(
        fieldErrors,
        `participants.${i}.provider`,
        `No provider "${p.provider}" is configured; add it on the LLM page`,
      );
    const base =
      (p.personaId && names.get(p.personaId)) ||
      (p.provider ? `${p.provider}${p.model ? `/${p.model}` : ''}` : 'Assistant');
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return {
      key: `p${i + 1}`,
      personaId: p.personaId,
      name: n > 1 ? `${base} #${n}` : base,
      provider: p.provider,
      model: p.model,
    };
  });
  throwFieldErrors('discussion', fieldErrors);
  return out;
}

export async function createDiscussion(
  access: Access,
  input: CreateDiscussionInput,
  participants: Participant[],
): Promise<{ id: string; turn: number | null }> {
  if (input.projectId) {
    assertProjectAllowed(access, input.projectId);
    await getProject(access, input.projectId);
  } else if (access.projectPin) {
    throw new NyxError('BAD_INPUT', 'This API token is pinned to a project: create discussions in that project', {
      fieldErrors: { projectId: ['Pick the token’s project'] },
    });
  }
  const [d] = await access.tx
    .insert(discussions)
    .values({
      tenantId: access.tenantId,
      projectId: input.projectId,
      title: input.title,
      mode: input.mode,
      participants,
      consensusRounds: input.consensusRounds,
      language: input.language,
      createdBy: access.userId,
    })
    .returning();
  if (!d) throw new NyxError('INTERNAL', 'discussion insert returned nothing');
  const turn = input.message ? await addTurn(access, d.id, input.message) : null;
  return { id: d.id, turn };
}

async function lockDiscussion(access: Pick<Access, 'tx' | 'projectPin'>, id: string) {
  const [d] = await access.tx.select().from(discussions).where(eq(discussions.id, id)).for('update');
  return visibleOr404(d, access, 'Discussion');
}

/**
 * Adds a turn (the user's message, or "continue" without one). Returns the turn number when
 * a worker must be started, null when one is already on it (it answers new turns in order).
 */
export async function addTurn(access: Access, id: string, content: string | null): Promise<number | null> {
  const d = await lockDiscussion(access, id);
  const turn = d.turns + 1;
  const events: { type: string; data: unknown }[] = [];
  if (content !== null) {
    const [pos] = await access.tx
      .select({ n: sql<number>`coalesce(max(${discussionMessages.position}), 0)::int` })
      .from(discussionMessages)
      .where(eq(discussionMessages.discussionId, id));
    const [user] = access.userId
      ? await access.tx.select({ name: users.name }).from(users).where(eq(users.id, access.userId))
      : [];
    const [m] = await access.tx
      .insert(discussionMessages)
      .values({
        tenantId: access.tenantId,
        discussionId: id,
        position: (pos?.n ?? 0) + 1,
        turn,
        authorKind: 'user',
        authorName: user?.name ?? 'You',
        authorUserId: access.userId,
        content,
        status: 'complete',
      })
      .returning();
    if (!m) throw new NyxError('INTERNAL', 'message insert returned nothing');
    events.push({
      type: 'message.created',
      data: {
        id: m.id,
        turn,
        position: m.position,
        authorKind: 'user',
        participantKey: null,
        authorName: m.authorName,
        round: 0,
        content,
      },
    });
  }
  events.push({ type: 'turn.queued', data: { turn, kind: content === null ? 'continue' : 'message' } });
  const isIdle = d.status === 'idle';
  await access.tx
    .update(discussions)
    .set({
      turns: turn,
      updatedAt: new Date(),
      ...(isIdle ? { status: 'queued' as const, isStopRequested: false } : {}),
    })
    .where(eq(discussions.id, id));
  await appendEvents(access.tx, discussionRef(d), events);
  return isIdle ? turn : null;
}

/** Stops generation: the worker keeps what was written so far (marked stopped) and skips queued turns. */
export async function stopDiscussion(access: Access, id: string): Promise<{ status: 'stopping' | 'idle' }> {
  const d = await lockDiscussion(access, id);
  if (d.status === 'idle') return { status: 'idle' };
  // Turns asked for up to now are stopped or skipped; a message sent after this is answered.
  await access.tx
    .update(discussions)
    .set({ isStopRequested: true, stopThroughTurn: d.turns })
    .where(eq(discussions.id, id));
  await access.tx.execute(sql`select pg_notify(${STOP_CHANNEL}, ${id})`);
  return { status: 'stopping' };
}

export async function listDiscussions(
  access: Pick<Access, 'tx' | 'projectPin'>,
  input: { projectId?: string | undefined },
) {
  const projectId = access.projectPin ?? input.projectId;
  return access.tx
    .select({
      id: discussions.id,
      title: discussions.title,
      mode: discussions.mode,
      projectId: discussions.projectId,
      participants: discussions.participants,
      status: discussions.status,
      tokensIn: discussions.tokensIn,
      tokensOut: discussions.tokensOut,
      costUsd: discussions.costUsd,
      unpricedCalls: discussions.unpricedCalls,
      updatedAt: discussions.updatedAt,
      // Spelled out: in a select-list subquery Drizzle leaves column names unqualified, which would compare the inner table with itself.
      messageCount: sql<number>`(select count(*)::int from discussion_messages dm where dm.discussion_id = "discussions"."id")`,
    })
    .from(discussions)
    .where(projectId ? eq(discussions.projectId, projectId) : undefined)
    .orderBy(desc(discussions.updatedAt))
    .limit(500);
}

export async function loadDiscussion(access: Pick<Access, 'tx' | 'projectPin'>, id: string) {
  const [d] = await access.tx.select().from(discussions).where(eq(discussions.id, id));
  return visibleOr404(d, access, 'Discussion');
}

export async function getDiscussion(access: Pick<Access, 'tx' | 'projectPin'>, id: string) {
  const d = await loadDiscussion(access, id);
  const messages = await access.tx
    .select()
    .from(discussionMessages)
    .where(eq(discussionMessages.discussionId, id))
    .orderBy(asc(discussionMessages.position));
  const totals = d.participants.map((p) => {
    const mine = messages.filter((m) => m.participantKey === p.key);
    return {
      key: p.key,
      messages: mine.length,
      tokensIn: mine.reduce((a, m) => a + m.tokensIn, 0),
      tokensOut: mine.reduce((a, m) => a + m.tokensOut, 0),
      costUsd: mine.reduce((a, m) => a + m.costUsd, 0),
      unpricedCalls: mine.reduce((a, m) => a + m.unpricedCalls, 0),
    };
  });
  return { ...d, messages: messages.map(({ tenantId: _t, ...m }) => m), participantTotals: totals };
}

export async function updateDiscussion(
  access: Access,
  input: { id: string; title?: string | undefined; language?: string | null | undefined },
) {
  await loadDiscussion(access, input.id);
  await access.tx
    .update(discussions)
    .set({
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.language !== undefined ? { language: input.language } : {}),
      updatedAt: new Date(),
    })
    .where(eq(discussions.id, input.id));
  return { id: input.id };
}

export async function deleteDiscussion(access: Access, id: string) {
  await loadDiscussion(access, id);
  await access.tx.delete(discussions).where(eq(discussions.id, id));
  return { id };
}
