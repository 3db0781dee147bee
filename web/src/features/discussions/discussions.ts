/** Discussion types on the client, the modes and languages offered, and display helpers. */
import { languages, type LanguageCode } from '../../../../src/shared/languages.js';
import type { RouterInputs, RouterOutputs } from '../../lib/trpc.js';

export type Discussion = RouterOutputs['discussions']['get'];
export type DiscussionSummary = RouterOutputs['discussions']['list'][number];
export type StoredMessage = Discussion['messages'][number];
export type DiscussionParticipant = Discussion['participants'][number];
export type DiscussionMode = Discussion['mode'];
export type CreateDiscussionInput = RouterInputs['discussions']['create'];
export type { LanguageCode };

/** Most participants a discussion may have (the server's MAX_PARTICIPANTS). */
export const MAX_PARTICIPANTS = 6;

export const modes: readonly { id: DiscussionMode; label: string; hint: string }[] = [
  { id: 'single', label: 'Single', hint: 'One participant answers each of your messages.' },
  {
    id: 'parallel',
    label: 'Parallel',
    hint: 'Every participant answers the same message independently, side by side.',
  },
  {
    id: 'consensus',
    label: 'Consensus',
    hint: 'Participants take turns for several rounds, reading each other, then a moderator sums up.',
  },
];
export const modeLabel = (m: string): string => modes.find((x) => x.id === m)?.label ?? m;

/** The languages the server accepts, by code. */
export const languageNames = languages;
export const languageCodes = Object.keys(languageNames) as LanguageCode[];
export const isLanguageCode = (s: string): s is LanguageCode => s in languageNames;
export const languageName = (code: string | null): string =>
  code && isLanguageCode(code) ? languageNames[code] : 'Auto-detect';

/** "openai · gpt-4o-mini", "offline", or the workspace default. */
export function providerLabel(provider: string | null, model: string | null): string {
  if (!provider && !model) return 'workspace default';
  return [provider ?? 'default', model].filter(Boolean).join(' · ');
}
