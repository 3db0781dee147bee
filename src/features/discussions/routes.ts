/** The live stream of a discussion: authorised before it opens, then the shared SSE helper. */
import type { AppDeps } from '../../platform/deps.js';
import { defineRunStream } from '../../platform/http/run-stream.js';
import type { HttpApp } from '../../platform/http/vars.js';
import { discussionRef, loadDiscussion } from './service.js';

export function registerDiscussionRoutes(app: HttpApp, deps: AppDeps): void {
  defineRunStream(app, deps, {
    path: '/api/v1/events/discussions/:id',
    scope: 'discussions:read',
    idMessage: 'Discussion ids are UUIDs',
    load: async (access, id) => discussionRef(await loadDiscussion(access, id)),
    // A discussion goes on across turns: its stream stays open until the client leaves.
    isTerminal: () => false,
  });
}
