/** GET /api/v1/health: no auth; 503 while the database does not answer. */
import type { AppDeps } from '../../platform/deps.js';
import type { HttpApp } from '../../platform/http/vars.js';
import { checkHealth } from './service.js';

export function registerHealthRoutes(app: HttpApp, deps: AppDeps): void {
  app.get('/api/v1/health', async (c) => {
    const health = await checkHealth(deps);
    return c.json(health, health.db.ok ? 200 : 503);
  });
}
