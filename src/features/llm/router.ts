import { z } from 'zod';
import { withGrant } from '../../platform/access/tenant-access.js';
import { llmDepsOf } from '../../platform/deps.js';
import { withTenant } from '../../platform/db/tenant.js';
import { NyxError } from '../../platform/errors.js';
import { providerKindInfo } from '../../platform/llm/catalog.js';
import { generate } from '../../platform/llm/service.js';
import {
  requireScope,
  requireScopeForCall,
  router,
  tenantMutation,
  tenantQuery,
} from '../../platform/trpc/procedures.js';
import { checkBaseUrl, getProviderKey, insertProviderKey, listProviderKeys, removeProviderKey } from './keys.js';
import { zAddProviderKey, zUpdateLlmSettings, zUpsertModelPrice, zUsageSummary } from './schema.js';
import {
  getLlmSettings,
  listCatalog,
  recentUsage,
  removeModelPrice,
  updateLlmSettings,
  upsertModelPrice,
  usageSummary,
} from './settings.js';

const zId = z.object({ id: z.uuid() });

export const llmRouter = router({
  /** Provider kinds with their default models and what each needs. */
  kinds: requireScope('llm:use').query(() => providerKindInfo),
  /** What a member may pick from: provider names and default models, never keys. */
  providers: requireScope('llm:use').query(async ({ ctx }) => [
    ...(await listProviderKeys(ctx.access)).map((k) => ({ name: k.name, kind: k.kind, defaultModel: k.defaultModel })),
    { name: 'offline', kind: 'offline', defaultModel: 'offline-extractive-v1' },
  ]),
  keys: router({
    list: requireScope('llm:manage').query(({ ctx }) => listProviderKeys(ctx.access)),
    // A call procedure: the base URL's DNS lookup happens before, not inside, the transaction.
    add: requireScopeForCall('llm:manage')
      .input(zAddProviderKey)
      .mutation(async ({ ctx, input }) => {
        await checkBaseUrl(ctx.deps.egress, input.baseUrl);
        return withGrant(ctx.deps, ctx.grant, (access) => insertProviderKey(access, ctx.deps.vault, input));
      }),
    remove: tenantMutation('llm:manage', zId, (access, { id }) => removeProviderKey(access, id)),
    /** Sends a tiny prompt through exactly this provider (no fallback) and reports what happened. */
    test: requireScopeForCall('llm:manage')
      .input(zId)
      .mutation(async ({ ctx, input }) => {
        const { grant, deps } = ctx;
        const key = await withTenant(deps.database, grant, (tx) => getProviderKey({ tx }, input.id));
        const started = performance.now();
        try {
          const r = await generate(llmDepsOf(deps), {
            tenantId: grant.tenantId,
            userId: grant.userId,
            purpose: 'llm.key_test',
            provider: key.name,
            isStrict: true,
            prompt: 'Reply with the single word OK.',
            maxOutputTokens: 16,
          });
          return {
            isOk: true as const,
            latencyMs: Math.round(performance.now() - started),
            model: r.model,
            reply: r.text.slice(0, 200),
          };
        } catch (err) {
          if (!(err instanceof NyxError) || err.code !== 'UPSTREAM') throw err;
          return {
            isOk: false as const,
            latencyMs: Math.round(performance.now() - started),
            model: key.defaultModel,
            error: err.userMessage.replace(/^No LLM provider could answer\. /, ''),
          };
        }
      }),
  }),
  settings: router({
    get: requireScope('llm:use').query(({ ctx }) => getLlmSettings(ctx.access, ctx.deps.now())),
    update: requireScope('llm:manage')
      .input(zUpdateLlmSettings)
      .mutation(({ ctx, input }) => updateLlmSettings(ctx.access, input, ctx.deps.now())),
  }),
  catalog: router({
    list: requireScope('llm:use').query(({ ctx }) => listCatalog(ctx.access)),
    upsert: tenantMutation('llm:manage', zUpsertModelPrice, upsertModelPrice),
    remove: tenantMutation(
      'llm:manage',
      z.object({ provider: z.string().max(40), model: z.string().max(120) }),
      removeModelPrice,
    ),
  }),
  usage: router({
    summary: requireScope('usage:read')
      .input(zUsageSummary)
      .query(({ ctx, input }) => usageSummary(ctx.access, input.days, ctx.deps.now())),
    recent: tenantQuery(
      'usage:read',
      z.object({ limit: z.number().int().min(1).max(500).default(100) }).default({ limit: 100 }),
      (access, { limit }) => recentUsage(access, limit),
    ),
  }),
});
