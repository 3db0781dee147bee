import { describe, expect, it } from 'vitest';
import {
  applyDiscussionFrame,
  groupTurns,
  initialDiscussion,
  mergeStored,
  openTurns,
  usageTotals,
  type DiscussionEvent,
  type DiscussionFrame,
  type LiveDiscussion,
} from './state.js';
import type { StoredMessage } from './discussions.js';

const usage = { tokensIn: 10, tokensOut: 20, costUsd: 0.001, unpricedCalls: 0 };
const framesOf = (events: DiscussionEvent[]): DiscussionFrame[] =>
  events.map((e, i) => ({ ...e, seq: i + 1, at: new Date(Date.UTC(2026, 0, 1, 12, 0, i)).toISOString() }));
const play = (frames: DiscussionFrame[], from: LiveDiscussion = initialDiscussion()) =>
  frames.reduce(applyDiscussionFrame, from);

const created = (
  id: string,
  position: number,
  over: Partial<Extract<DiscussionEvent, { type: 'message.created' }>['data']> = {},
): DiscussionEvent => ({
  type: 'message.created',
  data: {
    id,
    turn: 1,
    position,
    authorKind: 'participant',
    participantKey: 'p1',
    authorName: 'Ada',
    round: 0,
    content: '',
    ...over,
  },
});

/** A parallel turn: the user's message, two answers whose deltas interleave, both completed. */
const parallelTurn: DiscussionEvent[] = [
  { type: 'turn.queued', data: { turn: 1, kind: 'message' } },
  created('u1', 1, { authorKind: 'user', participantKey: null, authorName: 'You', content: 'Review the cache' }),
  { type: 'turn.started', data: { turn: 1, language: 'en', slots: 2 } },
  created('a1', 2, { participantKey: 'p1', authorName: 'Ada' }),
  created('b1', 3, { participantKey: 'p2', authorName: 'Bob' }),
  { type: 'message.delta', data: { id: 'a1', lane: 'p1', text: 'The TTL ' } },
  { type: 'message.delta', data: { id: 'b1', lane: 'p2', text: 'Eviction ' } },
  { type: 'message.delta', data: { id: 'a1', lane: 'p1', text: 'is too long.' } },
  { type: 'message.delta', data: { id: 'b1', lane: 'p2', text: 'is LRU.' } },
  {
    type: 'message.completed',
    data: { id: 'a1', lane: 'p1', status: 'complete', provider: 'openai', model: 'm', latencyMs: 900, ...usage },
  },
  {
    type: 'message.completed',
    data: {
      id: 'b1',
      lane: 'p2',
      status: 'complete',
      provider: 'ollama',
      model: 'local',
      latencyMs: 700,
      ...usage,
      costUsd: null,
      unpricedCalls: 1,
    },
  },
  { type: 'turn.completed', data: { turn: 1, isStopped: false, ...usage } },
];

function stored(over: Partial<StoredMessage> & { id: string; position: number }): StoredMessage {
  return {
    discussionId: 'd',
    turn: 1,
    authorKind: 'participant',
    participantKey: 'p1',
    authorName: 'Ada',
    authorUserId: null,
    content: '',
    round: 0,
    provider: null,
    model: null,
    tokensIn: 0,
    tokensOut: 0,
    costUsd: 0,
    unpricedCalls: 0,
    latencyMs: null,
    status: 'complete',
    error: null,
    createdAt: new Date('2026-01-01T12:00:00Z'),
    ...over,
  };
}

describe('discussion state', () => {
  it('replays a parallel turn: interleaved deltas land on their own answer, in position order', () => {
    const s = play(framesOf(parallelTurn));
    expect(s.lastSeq).toBe(parallelTurn.length);
    expect(s.messages.map((m) => [m.id, m.content, m.status])).toEqual([
      ['u1', 'Review the cache', 'complete'],
      ['a1', 'The TTL is too long.', 'complete'],
      ['b1', 'Eviction is LRU.', 'complete'],
    ]);
    expect(s.turns).toEqual([
      expect.objectContaining({ turn: 1, kind: 'message', status: 'done', language: 'en', isStopped: false }),
    ]);
    expect(openTurns(s.turns, 1)).toEqual([]);
  });

  it('a reconnect that re-sends frames already applied changes nothing (no doubled text), and a split replay equals one replay', () => {
    const frames = framesOf(parallelTurn);
    const whole = play(frames);
    const firstHalf = play(frames.slice(0, 7));
    expect(firstHalf.messages.find((m) => m.id === 'a1')).toMatchObject({ content: 'The TTL ', status: 'streaming' });
    // The stream reconnects with Last-Event-ID behind what was applied: the overlap is ignored.
    const resumed = play(frames.slice(4), firstHalf);
    expect(resumed).toEqual(whole);
    expect(play(frames, whole)).toBe(whole);
  });

  it('after a worker died mid-answer: the stored final row wins over the live "streaming" one, and rows the stream never sent are shown', () => {
    const live = play(framesOf(parallelTurn.slice(0, 7)));
    const rows = [
      stored({
        id: 'u1',
        position: 1,
        authorKind: 'user',
        participantKey: null,
        authorName: 'You',
        content: 'Review the cache',
      }),
      stored({
        id: 'a1',
        position: 2,
        content: 'The TTL ',
        status: 'failed',
        error: 'The worker stopped while answering',
      }),
      stored({
        id: 'b1',
        position: 3,
        participantKey: 'p2',
        authorName: 'Bob',
        content: 'Eviction ',
        status: 'streaming',
      }),
      stored({
        id: 'c1',
        position: 4,
        participantKey: 'p3',
        authorName: 'Cy',
        content: 'Done.',
        status: 'complete',
        costUsd: 0,
        unpricedCalls: 1,
      }),
    ];
    const shown = mergeStored(live.messages, rows);
    expect(shown.map((m) => [m.id, m.status])).toEqual([
      ['u1', 'complete'],
      ['a1', 'failed'],
      ['b1', 'streaming'],
      ['c1', 'complete'],
    ]);
    expect(shown[1]?.error).toBe('The worker stopped while answering');
    // A stored unpriced answer is unpriced (null), not free.
    expect(shown[3]?.costUsd).toBeNull();
  });

  it('a failed turn fails the answers still streaming in it; a stop skips the turns queued behind it', () => {
    const failed = play(
      framesOf([
        ...parallelTurn.slice(0, 6),
        { type: 'turn.failed', data: { turn: 1, error: 'No provider answered' } },
      ]),
    );
    expect(failed.messages.filter((m) => m.authorKind !== 'user').map((m) => [m.status, m.error])).toEqual([
      ['failed', 'No provider answered'],
      ['failed', 'No provider answered'],
    ]);
    expect(failed.turns[0]).toMatchObject({ status: 'failed', error: 'No provider answered' });

    const stopped = play(
      framesOf([
        { type: 'turn.queued', data: { turn: 1, kind: 'message' } },
        { type: 'turn.queued', data: { turn: 2, kind: 'continue' } },
        { type: 'turn.started', data: { turn: 1, language: 'de', slots: 1 } },
        { type: 'turn.completed', data: { turn: 1, isStopped: true, ...usage } },
      ]),
    );
    expect(stopped.turns.map((t) => [t.turn, t.status, t.isStopped])).toEqual([
      [1, 'done', true],
      [2, 'done', true],
    ]);
    expect(openTurns(stopped.turns, 0)).toEqual([]);
  });

  it('groups a consensus turn by round with the synthesis apart, and totals usage per participant with unpriced answers flagged', () => {
    const events: DiscussionEvent[] = [
      { type: 'turn.queued', data: { turn: 1, kind: 'message' } },
      { type: 'turn.started', data: { turn: 1, language: 'en', slots: 2 } },
      { type: 'round.started', data: { turn: 1, round: 1 } },
      created('r1a', 1, { round: 1 }),
      {
        type: 'message.completed',
        data: { id: 'r1a', lane: 'p1', status: 'complete', provider: 'openai', model: 'm', latencyMs: 1, ...usage },
      },
      { type: 'round.started', data: { turn: 1, round: 2 } },
      { type: 'round.started', data: { turn: 1, round: 2 } },
      created('r2b', 2, { round: 2, participantKey: 'p2', authorName: 'Bob' }),
      {
        type: 'message.completed',
        data: {
          id: 'r2b',
          lane: 'p2',
          status: 'stopped',
          provider: 'ollama',
          model: 'local',
          latencyMs: 1,
          ...usage,
          costUsd: null,
          unpricedCalls: 1,
        },
      },
      created('syn', 3, { authorKind: 'synthesis', participantKey: 'synthesis', authorName: 'Synthesis' }),
      {
        type: 'message.completed',
        data: {
          id: 'syn',
          lane: 'synthesis',
          status: 'complete',
          provider: 'openai',
          model: 'm',
          latencyMs: 1,
          ...usage,
        },
      },
    ];
    const s = play(framesOf(events));
    expect(s.turns[0]?.rounds).toEqual([1, 2]);
    const [view] = groupTurns(s.messages, s.turns);
    expect(view?.rounds.map((r) => [r.round, r.messages.map((m) => m.id)])).toEqual([
      [1, ['r1a']],
      [2, ['r2b']],
    ]);
    expect(view?.synthesis.map((m) => m.id)).toEqual(['syn']);

    const totals = usageTotals(s.messages, [
      { key: 'p1', name: 'Ada' },
      { key: 'p2', name: 'Bob' },
    ]);
    expect(totals.rows.map((r) => [r.key, r.messages, r.hasUnpriced])).toEqual([
      ['p1', 1, false],
      ['p2', 1, true],
      ['synthesis', 1, false],
    ]);
    expect(totals.total).toMatchObject({ messages: 3, tokensIn: 30, tokensOut: 60, hasUnpriced: true });
    expect(totals.total.costUsd).toBeCloseTo(0.002, 6);
  });
});
