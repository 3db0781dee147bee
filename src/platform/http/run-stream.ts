/**
 * The one declaration of a run's live stream (`/api/v1/events/<kind>/:id`): authorised and the
 * run loaded inside the tenant transaction before the stream opens (another workspace's id is
 * a 404), then the shared SSE helper with Last-Event-ID / `?after=` replay.
 */
import { z } from 'zod';
import type { Scope } from '../access/scopes.js';
import type { TenantAccess } from '../access/tenant-access.js';
import type { AppDeps } from '../deps.js';
import { BACKFILL_PAGE, nodeResponseOf, parseAfter, sseResponse } from '../events/sse.js';
import { readEvents, type RunRef } from '../events/store.js';
import { defineRoute } from './route.js';
import type { HttpApp } from './vars.js';

export function defineRunStream(
  app: HttpApp,
  deps: AppDeps,
  def: {
    path: string;
    scope: Scope;
    /** The field error for a malformed id, e.g. "Run ids are UUIDs". */
    idMessage: string;
    /** Loads the run (NOT_FOUND when it is not visible) and names its event log. */
    load: (access: TenantAccess, id: string) => Promise<RunRef>;
    /** Which event ends the stream; a discussion's never does. */
    isTerminal: (type: string) => boolean;
  },
): void {
  defineRoute(app, deps, {
    method: 'get',
    path: def.path,
    auth: 'tenant',
    scope: def.scope,
    params: z.object({ id: z.uuid({ message: def.idMessage }) }),
    query: z.object({ after: z.string().max(12).optional() }),
    handler: async ({ access, params, query, c }) => {
      const ref = await def.load(access, params.id);
      return sseResponse(
        {
          signal: c.req.raw.signal,
          after: parseAfter(c.req.header('last-event-id'), query.after),
          subscribe: (listener) => deps.hub.subscribe(ref, listener),
          backfill: (after) => readEvents(deps.database, ref, after, BACKFILL_PAGE),
          isTerminal: def.isTerminal,
          log: deps.log,
        },
        nodeResponseOf(c),
      );
    },
  });
}
