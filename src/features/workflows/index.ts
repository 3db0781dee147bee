/** The workflows feature's public surface (workflows, runs, the engine and its worker): other features, src/app/ and src/cli/ import from here only. */
export { runsRouter, workflowsRouter } from './router.js';
export { registerWorkflowRoutes } from './routes.js';
export { startWorkflowWorker } from './worker.js';
export type { EngineDeps } from './engine.js';
