import { llmDepsOf } from '../../platform/deps.js';
import { withTenant } from '../../platform/db/tenant.js';
import { NyxError } from '../../platform/errors.js';
import { generate } from '../../platform/llm/service.js';
import {
  projectMutation,
  publicProcedure,
  requireScope,
  requireScopeForCall,
  router,
  tenantQuery,
} from '../../platform/trpc/procedures.js';
import { zCreatePersona, zListPersonas, zMatch, zPersonaId, zSuggest, zTryPersona, zUpdatePersona } from './schema.js';
import {
  createPersona,
  deletePersona,
  getPersona,
  listPersonas,
  matchPersona,
  recordPersonaUse,
  updatePersona,
} from './service.js';
import { extractSpecializations, specializationCategories, specializationLabels } from './specialization-extractor.js';

export const personasRouter = router({
  list: tenantQuery('personas:read', zListPersonas, listPersonas),
  get: tenantQuery('personas:read', zPersonaId, (access, { id }) => getPersona(access, id)),
  create: projectMutation('personas:write', zCreatePersona, createPersona),
  update: projectMutation('personas:write', zUpdatePersona, updatePersona),
  delete: projectMutation('personas:write', zPersonaId, (access, { id }) => deletePersona(access, id)),
  /** The 15 categories with their UI labels. */
  categories: publicProcedure.query(() =>
    specializationCategories.map((id) => ({ id, label: specializationLabels[id] })),
  ),
  /** Live suggestions while the user types; pure computation, no database. */
  suggestSpecializations: publicProcedure.input(zSuggest).query(({ input }) =>
    extractSpecializations([input.description, input.systemPrompt, input.traits.join(', ')]).map((m) => ({
      ...m,
      label: specializationLabels[m.id],
    })),
  ),
  /** The persona that best covers the given categories (used to auto-assign workflow steps). */
  match: requireScope('personas:read')
    .input(zMatch)
    .query(async ({ ctx, input }) => {
      const all = await listPersonas(ctx.access, input.projectId ? { projectId: input.projectId } : {});
      const best = matchPersona(all, input.categories);
      return best ? { persona: best.persona, score: best.score } : null;
    }),
  /** Talk to a persona once: its system prompt, the workspace's providers, +10 XP. */
  try: requireScopeForCall('llm:use')
    .meta({ pin: 'project' })
    .input(zTryPersona)
    .mutation(async ({ ctx, input }) => {
      const { grant, deps } = ctx;
      if (!grant.scopes.has('personas:read'))
        throw new NyxError('FORBIDDEN', 'This action needs the "personas:read" permission');
      const persona = await withTenant(deps.database, grant, (tx) =>
        getPersona({ tx, projectPin: grant.projectPin }, input.id),
      );
      let isSuccess = false;
      let wasAttempted = true;
      try {
        const r = await generate(llmDepsOf(deps), {
          tenantId: grant.tenantId,
          userId: grant.userId,
          purpose: 'persona.try',
          system: persona.systemPrompt,
          prompt: input.message,
          ...(input.provider ? { provider: input.provider } : {}),
        });
        isSuccess = true;
        return {
          text: r.text,
          provider: r.provider,
          model: r.model,
          isOffline: r.isOffline,
          tokensIn: r.tokensIn,
          tokensOut: r.tokensOut,
          costUsd: r.costUsd,
        };
      } catch (err) {
        // Refused before any provider was tried: the persona was not used.
        if (err instanceof NyxError && err.code === 'BUDGET_EXCEEDED') wasAttempted = false;
        throw err;
      } finally {
        // A failed XP update is logged, never swallowed, and never fails the answer.
        if (wasAttempted) {
          await withTenant(deps.database, grant, (tx) => recordPersonaUse(tx, persona.id, isSuccess)).catch(
            (err: unknown) =>
              deps.log.error({ err, tenantId: grant.tenantId, personaId: persona.id }, 'could not record persona XP'),
          );
        }
      }
    }),
});
