/**
 * What a discussion's participants are asked: the slots of a turn (who answers, in which
 * round), the system prompt of each slot and the history as each participant sees it.
 */
import type { ModelMessage } from 'ai';
import type { discussionMessages, discussions, Participant } from '../../platform/db/schema/index.js';
import { languages, type LanguageCode } from './schema.js';

export type DiscussionRow = typeof discussions.$inferSelect;
export type MessageRow = typeof discussionMessages.$inferSelect;

const DEFAULT_SYSTEM = 'You are a thoughtful senior engineer. Be precise and concrete.';
const SYNTHESIS = 'synthesis';

export interface Slot {
  participant: Participant;
  round: number;
  kind: 'participant' | 'synthesis';
}

/** Who answers a turn, in order: one participant, all of them at once, or N rounds of all then a synthesis. */
export function slotsOf(d: DiscussionRow): Slot[] {
  if (d.mode === 'single') return [{ participant: d.participants[0]!, round: 0, kind: 'participant' }];
  if (d.mode === 'parallel')
    return d.participants.map((participant) => ({ participant, round: 0, kind: 'participant' as const }));
  const slots: Slot[] = [];
  for (let round = 1; round <= d.consensusRounds; round++)
    for (const participant of d.participants) slots.push({ participant, round, kind: 'participant' });
  slots.push({ participant: d.participants[0]!, round: d.consensusRounds, kind: 'synthesis' });
  return slots;
}

/** The stream lane a slot's answer is sent on. */
export const laneOf = (s: Slot) => (s.kind === 'synthesis' ? SYNTHESIS : s.participant.key);

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

/** A slot's system prompt: the persona's (or a default), the mode's instructions, the project's wisdom, the reply language. */
export function systemFor(
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
