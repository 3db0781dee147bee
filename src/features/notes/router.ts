import { requireScope, router } from '../../platform/trpc/procedures.js';
import { zCreateNote, zListNotes, zNoteId, zUpdateNote } from './schema.js';
import { createNote, deleteNote, getNote, listNotes, updateNote } from './service.js';

export const notesRouter = router({
  list: requireScope('notes:read')
    .input(zListNotes)
    .query(({ ctx, input }) => listNotes(ctx.access, input)),
  get: requireScope('notes:read')
    .input(zNoteId)
    .query(({ ctx, input }) => getNote(ctx.access, input.id)),
  create: requireScope('notes:write')
    .meta({ pin: 'project' })
    .input(zCreateNote)
    .mutation(({ ctx, input }) => createNote(ctx.access, input)),
  update: requireScope('notes:write')
    .meta({ pin: 'project' })
    .input(zUpdateNote)
    .mutation(({ ctx, input }) => updateNote(ctx.access, input)),
  delete: requireScope('notes:write')
    .meta({ pin: 'project' })
    .input(zNoteId)
    .mutation(({ ctx, input }) => deleteNote(ctx.access, input.id)),
});
