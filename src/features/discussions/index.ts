/** The discussions feature's public surface (multi-persona discussions and their worker): other features, src/app/ and src/cli/ import from here only. */
export { discussionsRouter } from './router.js';
export { registerDiscussionRoutes } from './routes.js';
export { startDiscussionWorker } from './worker.js';
