import { z } from 'zod';

/** Notes are Markdown; 200,000 characters is ~50 pages, beyond which a note should be split. */
export const NOTE_BODY_MAX = 200_000;

export const zCreateNote = z.object({
  projectId: z.uuid(),
  title: z.string().trim().min(1, { message: 'Give the note a title' }).max(200),
  body: z.string().max(NOTE_BODY_MAX, { message: `Notes are limited to ${NOTE_BODY_MAX} characters` }).default(''),
});
export type CreateNoteInput = z.infer<typeof zCreateNote>;
export const zUpdateNote = z.object({
  id: z.uuid(),
  title: z.string().trim().min(1, { message: 'Give the note a title' }).max(200).optional(),
  body: z.string().max(NOTE_BODY_MAX, { message: `Notes are limited to ${NOTE_BODY_MAX} characters` }).optional(),
});
export type UpdateNoteInput = z.infer<typeof zUpdateNote>;
export const zNoteId = z.object({ id: z.uuid() });
export const zListNotes = z.object({ projectId: z.uuid(), query: z.string().trim().max(200).optional() });
export type ListNotesInput = z.infer<typeof zListNotes>;
