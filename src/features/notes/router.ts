import { projectMutation, router, tenantQuery } from '../../platform/trpc/procedures.js';
import { zCreateNote, zListNotes, zNoteId, zUpdateNote } from './schema.js';
import { createNote, deleteNote, getNote, listNotes, updateNote } from './service.js';

export const notesRouter = router({
  list: tenantQuery('notes:read', zListNotes, listNotes),
  get: tenantQuery('notes:read', zNoteId, (access, { id }) => getNote(access, id)),
  create: projectMutation('notes:write', zCreateNote, createNote),
  update: projectMutation('notes:write', zUpdateNote, updateNote),
  delete: projectMutation('notes:write', zNoteId, (access, { id }) => deleteNote(access, id)),
});
