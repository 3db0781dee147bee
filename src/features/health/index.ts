/** The health feature's public surface (/api/v1/health): other features, src/app/ and src/cli/ import from here only. */
export { registerHealthRoutes } from './routes.js';
