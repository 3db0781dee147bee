import { z } from 'zod';
import { TEXT_LIMITS } from '../../shared/limits.js';

const { noteTitle, noteBody } = TEXT_LIMITS;
const zTitle = z
  .string()
  .trim()
  .min(1, { message: 'Give the note a title' })
  .max(noteTitle.max, { message: noteTitle.message });
const zBody = z.string().max(noteBody.max, { message: noteBody.message });

export const zCreateNote = z.object({
  projectId: z.uuid(),
  title: zTitle,
  body: zBody.default(''),
});
export type CreateNoteInput = z.infer<typeof zCreateNote>;
export const zUpdateNote = z.object({
  id: z.uuid(),
  title: zTitle.optional(),
  body: zBody.optional(),
});
export type UpdateNoteInput = z.infer<typeof zUpdateNote>;
export const zNoteId = z.object({ id: z.uuid() });
export const zListNotes = z.object({ projectId: z.uuid(), query: z.string().trim().max(200).optional() });
export type ListNotesInput = z.infer<typeof zListNotes>;
