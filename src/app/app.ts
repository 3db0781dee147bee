/**
 * The composition root of the HTTP server: the platform's pipeline (src/platform/http/app.ts)
 * with the features plugged in — the tRPC router, who a token or a session belongs to, and
 * each feature's REST routes. The only place besides src/app/router.ts, src/server.ts and
 * src/cli/ that knows every feature; src/platform/ imports none (ESLint enforces it).
 */
import { resolveSession } from '../features/auth/service.js';
import { resolveApiToken } from '../features/auth/tokens.js';
import { registerDiscussionRoutes } from '../features/discussions/routes.js';
import { registerHealthRoutes } from '../features/health/routes.js';
import { registerNoteRoutes } from '../features/notes/routes.js';
import { registerProjectRoutes } from '../features/projects/routes.js';
import { registerWorkflowRoutes } from '../features/workflows/routes.js';
import type { AppDeps } from '../platform/deps.js';
import { createHttpApp } from '../platform/http/app.js';
import type { HttpApp } from '../platform/http/vars.js';
import { appRouter } from './router.js';

const restRoutes = [registerHealthRoutes, registerProjectRoutes, registerNoteRoutes, registerWorkflowRoutes, registerDiscussionRoutes];

export function createApp(deps: AppDeps): HttpApp {
  return createHttpApp(deps, {
    router: appRouter,
    authenticate: { token: resolveApiToken, session: resolveSession },
    routes: (app, d) => {
      for (const register of restRoutes) register(app, d);
    },
  });
}
