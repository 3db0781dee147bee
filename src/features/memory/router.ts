/**
 * memory.* (entries, search, settings, status, wisdom) and insights.* (triage, pairing,
 * search, backfill). Writes commit first, then embed outside the transaction: the row is
 * saved (and visible as "missing its embedding") even when the embedding provider fails.
 */
import { z } from 'zod';
import { withGrant } from '../../platform/access/tenant-access.js';
import { llmDepsOf } from '../../platform/deps.js';
import { requireScope, requireScopeForCall, router } from '../../platform/trpc/procedures.js';
import { getProject } from '../projects/service.js';
import { backfillEmbeddings, embedRows, embeddingStatus } from './embedding.js';
import {
  createEntry,
  createInsight,
  deleteEntry,
  getEntry,
  getInsight,
  listEntries,
  listInsights,
  pairInsights,
  setInsightStatus,
  updateEntry,
  updateInsight,
} from './items.js';
import { zCreateEntry, zCreateInsight, zListEntries, zListInsights, zMemorySettings, zPairInsights, zSearch, zUpdateEntry, zUpdateInsight, zWisdom } from './schema.js';
import { searchMemory } from './search.js';
import { getMemorySettings, updateMemorySettings } from './settings.js';
import { composeProjectWisdom } from './wisdom.js';

const zId = z.object({ id: z.uuid() });

export const memoryRouter = router({
  entries: router({
    list: requireScope('memory:read')
      .input(zListEntries)
      .query(({ ctx, input }) => listEntries(ctx.access, input)),
    get: requireScope('memory:read')
      .input(zId)
      .query(({ ctx, input }) => getEntry(ctx.access, input.id)),
    create: requireScopeForCall('memory:write')
      .meta({ pin: 'project' })
      .input(zCreateEntry)
      .mutation(async ({ ctx, input }) => {
        const id = await withGrant(ctx.deps, ctx.grant, (access) => createEntry(access, input));
        await embedRows(llmDepsOf(ctx.deps), ctx.grant, 'entry', [id]);
        return withGrant(ctx.deps, ctx.grant, (access) => getEntry(access, id));
      }),
    update: requireScopeForCall('memory:write')
      .meta({ pin: 'project' })
      .input(zUpdateEntry)
      .mutation(async ({ ctx, input }) => {
        const { isTextChanged } = await withGrant(ctx.deps, ctx.grant, (access) => updateEntry(access, input));
        if (isTextChanged) await embedRows(llmDepsOf(ctx.deps), ctx.grant, 'entry', [input.id]);
        return withGrant(ctx.deps, ctx.grant, (access) => getEntry(access, input.id));
      }),
    delete: requireScope('memory:write')
      .meta({ pin: 'project' })
      .input(zId)
      .mutation(({ ctx, input }) => deleteEntry(ctx.access, input.id)),
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
    .query(async ({ ctx, input }) => {
      await withGrant(ctx.deps, ctx.grant, (access) => getProject(access, input.projectId));
      return composeProjectWisdom(llmDepsOf(ctx.deps), ctx.grant, input);
    }),
});

export const insightsRouter = router({
  list: requireScope('memory:read')
    .input(zListInsights)
    .query(({ ctx, input }) => listInsights(ctx.access, input)),
  get: requireScope('memory:read')
    .input(zId)
    .query(({ ctx, input }) => getInsight(ctx.access, input.id)),
  create: requireScopeForCall('memory:write')
    .meta({ pin: 'project' })
    .input(zCreateInsight)
    .mutation(async ({ ctx, input }) => {
      const id = await withGrant(ctx.deps, ctx.grant, (access) => createInsight(access, input));
      await embedRows(llmDepsOf(ctx.deps), ctx.grant, 'insight', [id]);
      return withGrant(ctx.deps, ctx.grant, (access) => getInsight(access, id));
    }),
  update: requireScopeForCall('memory:write')
    .meta({ pin: 'project' })
    .input(zUpdateInsight)
    .mutation(async ({ ctx, input }) => {
      const { isTextChanged } = await withGrant(ctx.deps, ctx.grant, (access) => updateInsight(access, input));
      if (isTextChanged) await embedRows(llmDepsOf(ctx.deps), ctx.grant, 'insight', [input.id]);
      return withGrant(ctx.deps, ctx.grant, (access) => getInsight(access, input.id));
    }),
  approve: requireScope('memory:write')
    .meta({ pin: 'project' })
    .input(zId)
    .mutation(({ ctx, input }) => setInsightStatus(ctx.access, input.id, 'approved')),
  reject: requireScope('memory:write')
    .meta({ pin: 'project' })
    .input(zId)
    .mutation(({ ctx, input }) => setInsightStatus(ctx.access, input.id, 'rejected')),
  pair: requireScope('memory:write')
    .meta({ pin: 'project' })
    .input(zPairInsights)
    .mutation(({ ctx, input }) => pairInsights(ctx.access, input.id, input.pairedWith)),
  search: requireScopeForCall('memory:read')
    .input(zSearch.omit({ kinds: true, tags: true }))
    .query(({ ctx, input }) => searchMemory(llmDepsOf(ctx.deps), ctx.grant, { ...input, kinds: ['insight'] })),
  /** Admin: fill every missing or stale vector of this workspace (resumable). */
  backfill: requireScopeForCall('llm:manage').mutation(({ ctx }) => backfillEmbeddings(llmDepsOf(ctx.deps), ctx.grant)),
});
