/** REST endpoints of notes (API tokens with `notes:read`). */
import { z } from 'zod';
import type { AppDeps } from '../../platform/deps.js';
import type { HttpApp } from '../../platform/http/vars.js';
import { defineRoute } from '../../platform/http/route.js';
import { listNotes } from './service.js';

export function registerNoteRoutes(app: HttpApp, deps: AppDeps): void {
  defineRoute(app, deps, {
    method: 'get',
    path: '/api/v1/projects/:projectId/notes',
    auth: 'tenant',
    scope: 'notes:read',
    params: z.object({ projectId: z.uuid() }),
    query: z.object({ query: z.string().max(200).optional() }),
    handler: async ({ access, params, query }) => ({
      notes: await listNotes(access, { projectId: params.projectId, query: query.query }),
    }),
  });
}
