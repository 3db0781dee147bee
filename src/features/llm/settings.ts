/** Workspace LLM settings (fallback chain, budget), the editable model catalog, and usage reports. */
import { and, desc, eq, gte, sql } from 'drizzle-orm';
import { llmSettings, llmUsage, modelCatalog, providerKeys } from '../../platform/db/schema/index.js';
import type { Tx } from '../../platform/db/tenant.js';
import { NyxError, notFound } from '../../platform/errors.js';
import { builtInCatalog } from '../../platform/llm/catalog.js';
import { recordAudit } from '../audit/index.js';
import type { UpdateLlmSettingsInput, UpsertModelPriceInput } from './schema.js';
import type { Access as CallerAccess } from '../../platform/access/tenant-access.js';

type Access = Pick<CallerAccess, 'tx' | 'tenantId' | 'userId' | 'ip'>;

export type CatalogSource = 'built-in' | 'override' | 'workspace';

const monthStart = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));

async function monthSpend(tx: Tx, now: Date): Promise<number> {
  const [row] = await tx
    .select({ total: sql<string | null>`sum(${llmUsage.costUsd})` })
    .from(llmUsage)
    .where(gte(llmUsage.createdAt, monthStart(now)));
  return Number(row?.total ?? 0);
}

export async function getLlmSettings(access: Pick<Access, 'tx'>, now: Date) {
  const [s] = await access.tx.select().from(llmSettings);
  const keys = await access.tx.select({ name: providerKeys.name }).from(providerKeys).orderBy(providerKeys.createdAt);
  const configured = [...keys.map((k) => k.name), 'offline'];
  return {
    fallbackChain: s?.fallbackChain ?? [],
    /** The order calls actually use (the default when no chain is set). */
    effectiveChain: s?.fallbackChain.length ? s.fallbackChain : configured,
    available: configured,
    monthlyBudgetUsd: s?.monthlyBudgetUsd ?? null,
    spentThisMonthUsd: await monthSpend(access.tx, now),
  };
}

export async function updateLlmSettings(access: Access, input: UpdateLlmSettingsInput, now: Date) {
  if (input.fallbackChain) {
    const keys = new Set((await access.tx.select({ name: providerKeys.name }).from(providerKeys)).map((k) => k.name));
    const unknown = input.fallbackChain.filter((n) => n !== 'offline' && !keys.has(n));
    if (unknown.length) {
      throw new NyxError('BAD_INPUT', `Unknown provider: ${unknown.join(', ')}`, {
        fieldErrors: { fallbackChain: [`Not configured: ${unknown.join(', ')}`] },
      });
    }
    if (new Set(input.fallbackChain).size !== input.fallbackChain.length) {
      throw new NyxError('BAD_INPUT', 'A provider appears twice in the fallback chain', {
        fieldErrors: { fallbackChain: ['Each provider at most once'] },
      });
    }
  }
  const values = {
    ...(input.fallbackChain ? { fallbackChain: input.fallbackChain } : {}),
    ...(input.monthlyBudgetUsd !== undefined ? { monthlyBudgetUsd: input.monthlyBudgetUsd } : {}),
  };
  await access.tx
    .insert(llmSettings)
    .values({ tenantId: access.tenantId, ...values })
    .onConflictDoUpdate({ target: llmSettings.tenantId, set: { ...values, updatedAt: sql`now()` } });
  await recordAudit(access, 'llm.settings_changed', { type: 'llm_settings' }, values);
  return getLlmSettings(access, now);
}

/**
 * Built-in prices merged with the workspace's rows. `source`: `built-in` (list price),
 * `override` (the workspace changed a built-in model's price; removing restores it) or
 * `workspace` (a model only this workspace added; removing deletes it).
 */
export async function listCatalog(access: Pick<Access, 'tx'>) {
  const overrides = await access.tx.select().from(modelCatalog);
  const byKey = new Map(overrides.map((o) => [`${o.provider}:${o.model}`, o]));
  const rows = builtInCatalog.map((b) => {
    const o = byKey.get(`${b.provider}:${b.model}`);
    byKey.delete(`${b.provider}:${b.model}`);
    return o
      ? {
          ...b,
          contextWindow: o.contextWindow,
          inputPerMTok: o.inputPerMTok,
          outputPerMTok: o.outputPerMTok,
          source: 'override',
        }
      : { ...b, source: 'built-in' };
  });
  for (const o of byKey.values())
    rows.push({
      provider: o.provider as never,
      model: o.model,
      contextWindow: o.contextWindow,
      inputPerMTok: o.inputPerMTok,
      outputPerMTok: o.outputPerMTok,
      source: 'workspace',
    });
  return rows.sort((a, b) => a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model));
}

export async function upsertModelPrice(access: Access, input: UpsertModelPriceInput) {
  await access.tx
    .insert(modelCatalog)
    .values({ tenantId: access.tenantId, ...input })
    .onConflictDoUpdate({
      target: [modelCatalog.tenantId, modelCatalog.provider, modelCatalog.model],
      set: {
        contextWindow: input.contextWindow,
        inputPerMTok: input.inputPerMTok,
        outputPerMTok: input.outputPerMTok,
        updatedAt: sql`now()`,
      },
    });
  await recordAudit(
    access,
    'llm.catalog_changed',
    { type: 'model', id: `${input.provider}:${input.model}` },
    { ...input },
  );
  return listCatalog(access);
}

/** Removes a workspace override (a built-in model falls back to its built-in price). */
export async function removeModelPrice(access: Access, input: { provider: string; model: string }) {
  const [row] = await access.tx
    .delete(modelCatalog)
    .where(and(eq(modelCatalog.provider, input.provider), eq(modelCatalog.model, input.model)))
    .returning();
  if (!row) throw notFound('Workspace price');
  await recordAudit(
    access,
    'llm.catalog_changed',
    { type: 'model', id: `${input.provider}:${input.model}` },
    { removed: true },
  );
  return listCatalog(access);
}

/** Tokens, cost and calls per UTC day and provider for the last `days` days, plus totals. */
export async function usageSummary(access: Pick<Access, 'tx'>, days: number, now: Date) {
  const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)));
  const rows = await access.tx
    .select({
      day: sql<string>`to_char(${llmUsage.createdAt} at time zone 'UTC', 'YYYY-MM-DD')`,
      provider: llmUsage.provider,
      calls: sql<number>`count(*)::int`,
      errors: sql<number>`count(*) filter (where ${llmUsage.outcome} <> 'ok')::int`,
      tokensIn: sql<number>`coalesce(sum(${llmUsage.tokensIn}), 0)::int`,
      tokensOut: sql<number>`coalesce(sum(${llmUsage.tokensOut}), 0)::int`,
      costUsd: sql<string>`coalesce(sum(${llmUsage.costUsd}), 0)`,
    })
    .from(llmUsage)
    .where(gte(llmUsage.createdAt, since))
    .groupBy(sql`1`, llmUsage.provider)
    .orderBy(sql`1`, llmUsage.provider);
  const series = rows.map((r) => ({ ...r, costUsd: Number(r.costUsd) }));
  const totals = series.reduce(
    (t, r) => ({
      calls: t.calls + r.calls,
      errors: t.errors + r.errors,
      tokensIn: t.tokensIn + r.tokensIn,
      tokensOut: t.tokensOut + r.tokensOut,
      costUsd: t.costUsd + r.costUsd,
    }),
    { calls: 0, errors: 0, tokensIn: 0, tokensOut: 0, costUsd: 0 },
  );
  return {
    since: since.toISOString().slice(0, 10),
    days,
    series,
    totals: { ...totals, costUsd: Math.round(totals.costUsd * 1e6) / 1e6 },
  };
}

export async function recentUsage(access: Pick<Access, 'tx'>, limit: number) {
  return access.tx.select().from(llmUsage).orderBy(desc(llmUsage.id)).limit(limit);
}
