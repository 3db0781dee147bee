/**
 * memory.* (entries, search, settings, status, wisdom) and insights.* (triage, pairing,
 * search, backfill). Writes that embed are call procedures (./commands.ts: commit, embed
 * outside the transaction, read back).
 */
import { z } from 'zod';
import { llmDepsOf } from '../../platform/deps.js';
import {
  projectMutation,
  requireScope,
  requireScopeForCall,
  router,
  tenantQuery,
} from '../../platform/trpc/procedures.js';
import {
  createEntryEmbedded,
  createInsightEmbedded,
  projectWisdom,
  updateEntryEmbedded,
  updateInsightEmbedded,
} from './commands.js';
import { backfillEmbeddings, embeddingStatus } from './embedding.js';
import {
  deleteEntry,
  getEntry,
  getInsight,
  listEntries,
  listInsights,
  pairInsights,
  setInsightStatus,
} from './items.js';
import {
  zCreateEntry,
  zCreateInsight,
  zListEntries,
  zListInsights,
  zMemorySettings,
  zPairInsights,
  zSearch,
  zUpdateEntry,
  zUpdateInsight,
  zWisdom,
} from './schema.js';
import { searchMemory } from './search.js';
import { getMemorySettings, updateMemorySettings } from './settings.js';

const zId = z.object({ id: z.uuid() });

export const memoryRouter = router({
  entries: router({
    list: tenantQuery('memory:read', zListEntries, listEntries),
    get: tenantQuery('memory:read', zId, (access, { id }) => getEntry(access, id)),
    create: requireScopeForCall('memory:write')
      .meta({ pin: 'project' })
      .input(zCreateEntry)
      .mutation(({ ctx, input }) => createEntryEmbedded(llmDepsOf(ctx.deps), ctx.grant, input)),
    update: requireScopeForCall('memory:write')
      .meta({ pin: 'project' })
      .input(zUpdateEntry)
      .mutation(({ ctx, input }) => updateEntryEmbedded(llmDepsOf(ctx.deps), ctx.grant, input)),
    delete: projectMutation('memory:write', zId, (access, { id }) => deleteEntry(access, id)),
  }),
  /** One search over entries and insights. */
  search: requireScopeForCall('memory:read')
    .input(zSearch)
    .query(({ ctx, input }) => searchMemory(llmDepsOf(ctx.deps), ctx.grant, input)),
  settings: router({
    get: requireScope('memory:read').query(({ ctx }) => getMemorySettings(ctx.access.tx)),
    update: requireScope('llm:manage')
      .input(zMemorySettings)
      .mutation(({ ctx, input }) => updateMemorySettings(ctx.access.tx, ctx.access.tenantId, input)),
  }),
  /** How many rows lack a vector (missing, failed, or from another model). */
  status: requireScopeForCall('memory:read').query(({ ctx }) => embeddingStatus(llmDepsOf(ctx.deps), ctx.grant)),
  wisdom: requireScopeForCall('memory:read')
    .input(zWisdom)
    .query(({ ctx, input }) => projectWisdom(llmDepsOf(ctx.deps), ctx.grant, input)),
});

export const insightsRouter = router({
  list: tenantQuery('memory:read', zListInsights, listInsights),
  get: tenantQuery('memory:read', zId, (access, { id }) => getInsight(access, id)),
  create: requireScopeForCall('memory:write')
    .meta({ pin: 'project' })
    .input(zCreateInsight)
    .mutation(({ ctx, input }) => createInsightEmbedded(llmDepsOf(ctx.deps), ctx.grant, input)),
  update: requireScopeForCall('memory:write')
    .meta({ pin: 'project' })
    .input(zUpdateInsight)
    .mutation(({ ctx, input }) => updateInsightEmbedded(llmDepsOf(ctx.deps), ctx.grant, input)),
  approve: projectMutation('memory:write', zId, (access, { id }) => setInsightStatus(access, id, 'approved')),
  reject: projectMutation('memory:write', zId, (access, { id }) => setInsightStatus(access, id, 'rejected')),
  pair: projectMutation('memory:write', zPairInsights, (access, { id, pairedWith }) =>
    pairInsights(access, id, pairedWith),
  ),
  search: requireScopeForCall('memory:read')
    .input(zSearch.omit({ kinds: true, tags: true }))
    .query(({ ctx, input }) => searchMemory(llmDepsOf(ctx.deps), ctx.grant, { ...input, kinds: ['insight'] })),
  /** Admin: fill every missing or stale vector of this workspace (resumable). */
  backfill: requireScopeForCall('llm:manage').mutation(({ ctx }) => backfillEmbeddings(llmDepsOf(ctx.deps), ctx.grant)),
});
