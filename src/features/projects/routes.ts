/** REST endpoints of projects (API tokens with `projects:read`). */
import { z } from 'zod';
import type { AppDeps } from '../../platform/deps.js';
import type { HttpApp } from '../../platform/http/vars.js';
import { defineRoute } from '../../platform/http/route.js';
import { listProjects } from './service.js';

export function registerProjectRoutes(app: HttpApp, deps: AppDeps): void {
  defineRoute(app, deps, {
    method: 'get',
    path: '/api/v1/projects',
    auth: 'tenant',
    scope: 'projects:read',
    query: z.object({ query: z.string().max(200).optional() }),
    handler: async ({ access, query }) => ({ projects: await listProjects(access, query.query) }),
  });
}
