/**
 * tRPC: `discussions.*`. Creating (with an opening message), sending and continuing are
 * call procedures: the turn is committed first, then handed to the job queue.
 */
import { withGrant, type TenantGrant } from '../../platform/access/tenant-access.js';
import type { AppDeps } from '../../platform/deps.js';
import { llmDepsOf } from '../../platform/deps.js';
import { loadTenantLlmConfig } from '../../platform/llm/service.js';
import { projectMutation, requireScopeForCall, router, tenantQuery } from '../../platform/trpc/procedures.js';
import { zCreateDiscussion, zDiscussionId, zListDiscussions, zSendMessage, zUpdateDiscussion } from './schema.js';
import {
  addTurn,
  createDiscussion,
  deleteDiscussion,
  getDiscussion,
  listDiscussions,
  resolveParticipants,
  stopDiscussion,
  updateDiscussion,
} from './service.js';

/** Starts a worker on the discussion when `turn` says one is needed (null: one is already answering). */
async function dispatch(deps: AppDeps, grant: TenantGrant, discussionId: string, turn: number | null): Promise<void> {
  if (turn !== null) await deps.jobs.send('discussion-turn', { tenantId: grant.tenantId, discussionId, turn });
}

export const discussionsRouter = router({
  list: tenantQuery('discussions:read', zListDiscussions, listDiscussions),
  get: tenantQuery('discussions:read', zDiscussionId, (access, { id }) => getDiscussion(access, id)),
  create: requireScopeForCall('discussions:write')
    .meta({ pin: 'project' })
    .input(zCreateDiscussion)
    .mutation(async ({ ctx, input }) => {
      const config = await loadTenantLlmConfig(llmDepsOf(ctx.deps), ctx.grant.tenantId);
      const created = await withGrant(ctx.deps, ctx.grant, async (access) =>
        createDiscussion(access, input, await resolveParticipants(access, input, new Set(config.providers.keys()))),
      );
      await dispatch(ctx.deps, ctx.grant, created.id, created.turn);
      return { id: created.id };
    }),
  update: projectMutation('discussions:write', zUpdateDiscussion, updateDiscussion),
  delete: projectMutation('discussions:write', zDiscussionId, (access, { id }) => deleteDiscussion(access, id)),
  /** The user's message; the participants answer it (after any turn still in progress). */
  send: requireScopeForCall('discussions:write')
    .meta({ pin: 'project' })
    .input(zSendMessage)
    .mutation(async ({ ctx, input }) => {
      const turn = await withGrant(ctx.deps, ctx.grant, (access) => addTurn(access, input.id, input.content));
      await dispatch(ctx.deps, ctx.grant, input.id, turn);
      return { id: input.id };
    }),
  /** Another round of answers without a new message. */
  continue: requireScopeForCall('discussions:write')
    .meta({ pin: 'project' })
    .input(zDiscussionId)
    .mutation(async ({ ctx, input }) => {
      const turn = await withGrant(ctx.deps, ctx.grant, (access) => addTurn(access, input.id, null));
      await dispatch(ctx.deps, ctx.grant, input.id, turn);
      return { id: input.id };
    }),
  stop: projectMutation('discussions:write', zDiscussionId, (access, { id }) => stopDiscussion(access, id)),
});
