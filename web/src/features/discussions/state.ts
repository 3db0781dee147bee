/**
 * A discussion's live state, built only from its event frames (replayed from seq 0), so a
 * reload or a dropped connection reconstructs exactly the same chat. Pure:
 * `applyDiscussionFrame(state, frame)`. `mergeStored` lays the stored rows underneath (for
 * the first paint, and for answers a crashed worker left behind, which get no event).
 */
import type { DiscussionEvent, Frame } from '../../../../src/shared/frames.js';
import type { StoredMessage } from './discussions.js';

export type { DiscussionEvent };
export type DiscussionFrame = Frame<DiscussionEvent>;
export type MessageStatus = StoredMessage['status'];
export type AuthorKind = StoredMessage['authorKind'];

export interface ChatMessage {
  id: string;
  turn: number;
  position: number;
  authorKind: AuthorKind;
  /** `p1`…, `synthesis`, or null for the user. */
  participantKey: string | null;
  authorName: string;
  /** Consensus round (1-based); 0 for the user and single/parallel answers. */
  round: number;
  content: string;
  status: MessageStatus;
  provider: string | null;
  model: string | null;
  latencyMs: number | null;
  tokensIn: number;
  tokensOut: number;
  /** null: the model has no price. */
  costUsd: number | null;
  error: string | null;
}

export interface TurnInfo {
  turn: number;
  /** null when the turn's `turn.queued` was not seen. */
  kind: 'message' | 'continue' | null;
  status: 'queued' | 'running' | 'done' | 'failed';
  language: string | null;
  /** Rounds started (consensus). */
  rounds: number[];
  isStopped: boolean;
  error: string | null;
}

export interface LiveDiscussion {
  /** Highest seq applied; frames at or below it are ignored. */
  lastSeq: number;
  /** Ordered by position. */
  messages: ChatMessage[];
  /** Ordered by turn number. */
  turns: TurnInfo[];
}

export const initialDiscussion = (): LiveDiscussion => ({ lastSeq: 0, messages: [], turns: [] });

const byPosition = (a: ChatMessage, b: ChatMessage) => a.position - b.position;

function patchTurn(turns: TurnInfo[], turn: number, patch: (t: TurnInfo) => Partial<TurnInfo>): TurnInfo[] {
  const cur = turns.find((t) => t.turn === turn) ?? {
    turn,
    kind: null,
    status: 'queued',
    language: null,
    rounds: [],
    isStopped: false,
    error: null,
  };
  return [...turns.filter((t) => t.turn !== turn), { ...cur, ...patch(cur) }].sort((a, b) => a.turn - b.turn);
}

function patchMessage(
  messages: ChatMessage[],
  id: string,
  patch: (m: ChatMessage) => Partial<ChatMessage>,
): ChatMessage[] {
  return messages.map((m) => (m.id === id ? { ...m, ...patch(m) } : m));
}

export function applyDiscussionFrame(state: LiveDiscussion, frame: DiscussionFrame): LiveDiscussion {
  if (frame.seq <= state.lastSeq) return state;
  const next: LiveDiscussion = { ...state, lastSeq: frame.seq };
  const e = frame as DiscussionEvent;
  switch (e.type) {
    case 'turn.queued':
      return { ...next, turns: patchTurn(state.turns, e.data.turn, () => ({ kind: e.data.kind, status: 'queued' })) };
    case 'turn.started':
      return {
        ...next,
        turns: patchTurn(state.turns, e.data.turn, () => ({
          status: 'running',
          language: e.data.language,
          error: null,
        })),
      };
    case 'round.started':
      return {
        ...next,
        turns: patchTurn(state.turns, e.data.turn, (t) => ({
          status: 'running',
          rounds: t.rounds.includes(e.data.round) ? t.rounds : [...t.rounds, e.data.round],
        })),
      };
    case 'message.created': {
      const d = e.data;
      if (state.messages.some((m) => m.id === d.id)) return next;
      const message: ChatMessage = {
        ...d,
        status: d.authorKind === 'user' ? 'complete' : 'streaming',
        provider: null,
        model: null,
        latencyMs: null,
        tokensIn: 0,
        tokensOut: 0,
        costUsd: d.authorKind === 'user' ? 0 : null,
        error: null,
      };
      return { ...next, messages: [...state.messages, message].sort(byPosition) };
    }
    case 'message.delta':
      return {
        ...next,
        messages: patchMessage(state.messages, e.data.id, (m) => ({ content: m.content + e.data.text })),
      };
    case 'message.completed': {
      const d = e.data;
      return {
        ...next,
        messages: patchMessage(state.messages, d.id, () => ({
          status: d.status,
          provider: d.provider,
          model: d.model,
          latencyMs: d.latencyMs,
          tokensIn: d.tokensIn,
          tokensOut: d.tokensOut,
          costUsd: d.costUsd,
        })),
      };
    }
    case 'message.failed':
      return {
        ...next,
        messages: patchMessage(state.messages, e.data.id, () => ({ status: 'failed', error: e.data.error })),
      };
    case 'turn.completed': {
      const { turn, isStopped } = e.data;
      let turns = patchTurn(state.turns, turn, () => ({ status: 'done', isStopped }));
      // A stop also skips the turns still queued behind this one (the server sends no event for them).
      if (isStopped) turns = turns.map((t) => (t.status === 'queued' ? { ...t, status: 'done', isStopped: true } : t));
      return { ...next, turns };
    }
    case 'turn.failed': {
      const { turn, error } = e.data;
      return {
        ...next,
        turns: patchTurn(state.turns, turn, () => ({ status: 'failed', error })),
        messages: state.messages.map((m) =>
          m.turn === turn && m.status === 'streaming' ? { ...m, status: 'failed', error } : m,
        ),
      };
    }
  }
  return next;
}

const isFinal = (s: MessageStatus) => s === 'complete' || s === 'stopped' || s === 'failed';

function fromStored(m: StoredMessage): ChatMessage {
  return {
    id: m.id,
    turn: m.turn,
    position: m.position,
    authorKind: m.authorKind,
    participantKey: m.participantKey,
    authorName: m.authorName,
    round: m.round,
    content: m.content,
    status: m.status,
    provider: m.provider,
    model: m.model,
    latencyMs: m.latencyMs,
    tokensIn: m.tokensIn,
    tokensOut: m.tokensOut,
    // Stored rows keep 0 for an unpriced answer and count it apart.
    costUsd: m.unpricedCalls ? null : m.costUsd,
    error: m.error,
  };
}

/**
 * The messages to show: the live ones, plus stored ones the stream has not replayed yet; a
 * stored final status wins over a live "streaming" one (the stream may lag, and an answer
 * interrupted by a crashed worker is marked failed without an event).
 */
export function mergeStored(live: readonly ChatMessage[], stored: readonly StoredMessage[]): ChatMessage[] {
  const rows = new Map(stored.map((m) => [m.id, m]));
  const out = live.map((m) => {
    const row = rows.get(m.id);
    return row && !isFinal(m.status) && isFinal(row.status) ? fromStored(row) : m;
  });
  const seen = new Set(live.map((m) => m.id));
  for (const row of stored) if (!seen.has(row.id)) out.push(fromStored(row));
  return out.sort(byPosition);
}

/** One turn as shown: the user's message, the answers by round, the synthesis. */
export interface TurnView {
  turn: number;
  info: TurnInfo | null;
  user: ChatMessage | null;
  rounds: { round: number; messages: ChatMessage[] }[];
  synthesis: ChatMessage[];
}

export function groupTurns(messages: readonly ChatMessage[], turns: readonly TurnInfo[]): TurnView[] {
  const views = new Map<number, TurnView>();
  const view = (turn: number): TurnView => {
    let v = views.get(turn);
    if (!v) {
      v = { turn, info: turns.find((t) => t.turn === turn) ?? null, user: null, rounds: [], synthesis: [] };
      views.set(turn, v);
    }
    return v;
  };
  for (const t of turns) {
    const v = view(t.turn);
    for (const round of t.rounds) if (!v.rounds.some((r) => r.round === round)) v.rounds.push({ round, messages: [] });
  }
  for (const m of messages) {
    const v = view(m.turn);
    if (m.authorKind === 'user') v.user ??= m;
    else if (m.authorKind === 'synthesis') v.synthesis.push(m);
    else {
      let r = v.rounds.find((x) => x.round === m.round);
      if (!r) {
        r = { round: m.round, messages: [] };
        v.rounds.push(r);
      }
      r.messages.push(m);
    }
  }
  for (const v of views.values()) v.rounds.sort((a, b) => a.round - b.round);
  return [...views.values()].sort((a, b) => a.turn - b.turn);
}

/** Turns still waiting or being answered (`answeredTurns`: the server's count, which covers skipped ones). */
export function openTurns(turns: readonly TurnInfo[], answeredTurns: number): TurnInfo[] {
  return turns.filter((t) => (t.status === 'queued' || t.status === 'running') && t.turn > answeredTurns);
}

export interface UsageTotal {
  key: string;
  name: string;
  messages: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  /** Some answer's model has no price. */
  hasUnpriced: boolean;
}

/** Usage per participant (and the synthesis, when there is one), from the messages as shown. */
export function usageTotals(
  messages: readonly ChatMessage[],
  participants: readonly { key: string; name: string }[],
): { rows: UsageTotal[]; total: UsageTotal } {
  const sum = (key: string, name: string, list: readonly ChatMessage[]): UsageTotal => ({
    key,
    name,
    messages: list.length,
    tokensIn: list.reduce((a, m) => a + m.tokensIn, 0),
    tokensOut: list.reduce((a, m) => a + m.tokensOut, 0),
    costUsd: list.reduce((a, m) => a + (m.costUsd ?? 0), 0),
    hasUnpriced: list.some((m) => (m.status === 'complete' || m.status === 'stopped') && m.costUsd === null),
  });
  const answers = messages.filter((m) => m.authorKind !== 'user');
  const rows = participants.map((p) =>
    sum(
      p.key,
      p.name,
      answers.filter((m) => m.authorKind === 'participant' && m.participantKey === p.key),
    ),
  );
  const synthesis = answers.filter((m) => m.authorKind === 'synthesis');
  if (synthesis.length) rows.push(sum('synthesis', 'Synthesis', synthesis));
  return { rows, total: sum('total', 'Total', answers) };
}
