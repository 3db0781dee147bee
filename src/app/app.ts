/**
 * The composition root of the HTTP server: the platform's pipeline (src/platform/http/app.ts)
 * with the features plugged in — the tRPC router, who a token or a session belongs to, and
 * each feature's REST routes. The only place besides src/app/router.ts, src/server.ts and
 * src/cli/ that knows every feature; src/platform/ imports none (ESLint enforces it).
 */
import { resolveApiToken, resolveSession } from '../features/auth/index.js';
import { registerDiscussionRoutes } from '../features/discussions/index.js';
import { registerHealthRoutes } from '../features/health/index.js';
import { registerNoteRoutes } from '../features/notes/index.js';
import { registerProjectRoutes } from '../features/projects/index.js';
import { registerWorkflowRoutes } from '../features/workflows/index.js';
import { registerAnalysisRoutes } from '../features/code-analysis/index.js';
import type { AppDeps } from '../platform/deps.js';
import { createHttpApp } from '../platform/http/app.js';
import type { HttpApp } from '../platform/http/vars.js';
import { appRouter } from './router.js';

const restRoutes = [
  registerHealthRoutes,
  registerProjectRoutes,
  registerNoteRoutes,
  registerWorkflowRoutes,
  registerDiscussionRoutes,
  registerAnalysisRoutes,
];

export function createApp(deps: AppDeps): HttpApp {
  return createHttpApp(deps, {
    router: appRouter,
    authenticate: { token: resolveApiToken, session: resolveSession },
    routes: (app, d) => {
      for (const register of restRoutes) register(app, d);
    },
  });
}
