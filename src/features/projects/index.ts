/** The projects feature's public surface (projects): other features, src/app/ and src/cli/ import from here only. */
export { projectsRouter } from './router.js';
export { registerProjectRoutes } from './routes.js';
export { getProject } from './service.js';
