/** The notes feature's public surface (project notes): other features, src/app/ and src/cli/ import from here only. */
export { notesRouter } from './router.js';
export { registerNoteRoutes } from './routes.js';
