/** The live stream of a discussion: authorised before it opens, then the shared SSE helper. */
import { z } from 'zod';
import type { AppDeps } from '../../platform/deps.js';
import { BACKFILL_PAGE, nodeResponseOf, parseAfter, sseResponse } from '../../platform/events/sse.js';
import { readEvents } from '../../platform/events/store.js';
import { defineRoute } from '../../platform/http/route.js';
import type { HttpApp } from '../../platform/http/vars.js';
import { discussionRef, loadDiscussion } from './service.js';

export function registerDiscussionRoutes(app: HttpApp, deps: AppDeps): void {
  defineRoute(app, deps, {
    method: 'get',
    path: '/api/v1/events/discussions/:id',
    auth: 'tenant',
    scope: 'discussions:read',
    params: z.object({ id: z.uuid({ message: 'Discussion ids are UUIDs' }) }),
    query: z.object({ after: z.string().max(12).optional() }),
    handler: async ({ access, params, query, c }) => {
      const ref = discussionRef(await loadDiscussion(access, params.id));
      return sseResponse(
        {
          signal: c.req.raw.signal,
          after: parseAfter(c.req.header('last-event-id'), query.after),
          subscribe: (listener) => deps.hub.subscribe(ref, listener),
          backfill: (after) => readEvents(deps.database, ref, after, BACKFILL_PAGE),
          // A discussion goes on across turns: its stream stays open until the client leaves.
          isTerminal: () => false,
          log: deps.log,
        },
        nodeResponseOf(c),
      );
    },
  });
}
