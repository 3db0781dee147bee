/** Discussion inputs (zod) and shared types. */
import { z } from 'zod';
import { TEXT_LIMITS } from '../../shared/limits.js';
import { discussionModes } from '../../platform/db/schema/discussions.js';
import { languages, type LanguageCode } from '../../shared/languages.js';

export const MAX_PARTICIPANTS = 6;
export { languages, type LanguageCode } from '../../shared/languages.js';

const zParticipant = z.object({
  personaId: z.uuid().nullable().default(null),
  /** A configured provider name (see `llm.providers`); null: the workspace's fallback chain. */
  provider: z.string().trim().min(1).max(60).nullable().default(null),
  model: z.string().trim().min(1).max(120).nullable().default(null),
});

export const zCreateDiscussion = z
  .object({
    title: z.string().trim().min(1, { message: 'Give the discussion a title' }).max(200),
    projectId: z.uuid().nullable().default(null),
    mode: z.enum(discussionModes),
    participants: z
      .array(zParticipant)
      .min(1, { message: 'Add at least one participant' })
      .max(MAX_PARTICIPANTS, { message: `At most ${MAX_PARTICIPANTS} participants` }),
    consensusRounds: z.number().int().min(1).max(5).default(2),
    /** Null: detected from your messages. */
    language: z
      .enum(Object.keys(languages) as [LanguageCode, ...LanguageCode[]])
      .nullable()
      .default(null),
    /** The opening message; the participants start answering at once. */
    message: z.string().trim().max(20_000).optional(),
  })
  .superRefine((d, ctx) => {
    if (d.mode === 'single' && d.participants.length !== 1)
      ctx.addIssue({ code: 'custom', path: ['participants'], message: 'Single mode has exactly one participant' });
    if (d.mode !== 'single' && d.participants.length < 2)
      ctx.addIssue({
        code: 'custom',
        path: ['participants'],
        message: `${d.mode === 'parallel' ? 'Parallel' : 'Consensus'} mode needs at least two participants`,
      });
  });
export type CreateDiscussionInput = z.output<typeof zCreateDiscussion>;

export const zDiscussionId = z.object({ id: z.uuid() });
export const zSendMessage = z.object({
  id: z.uuid(),
  content: z
    .string()
    .trim()
    .min(1, { message: 'Write a message' })
    .max(TEXT_LIMITS.message.max, { message: TEXT_LIMITS.message.message }),
});
export const zListDiscussions = z.object({ projectId: z.uuid().optional() }).default({});
export const zUpdateDiscussion = z.object({
  id: z.uuid(),
  title: z.string().trim().min(1).max(200).optional(),
  language: z
    .enum(Object.keys(languages) as [LanguageCode, ...LanguageCode[]])
    .nullable()
    .optional(),
});
