/** The LLM layer's tables: provider keys (encrypted), per-workspace settings, prices, usage. */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  index,
  integer,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, tenantIdColumn, tenants, users } from './core.js';

/** A provider connection of a workspace: a named endpoint + its encrypted API key. */
export const providerKeys = pgTable(
  'provider_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    /** What the fallback chain calls it, e.g. "openai", "anthropic", "ollama-local". */
    name: text('name').notNull(),
    kind: text('kind').$type<'openai' | 'anthropic' | 'google' | 'openai-compatible'>().notNull(),
    baseUrl: text('base_url'),
    defaultModel: text('default_model').notNull(),
    /** AES-256-GCM envelope (see platform/llm/vault.ts); null for keyless local endpoints. */
    secret: text('secret'),
    last4: text('last4'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    lastError: text('last_error'),
  },
  (t) => [uniqueIndex('provider_keys_tenant_name_key').on(t.tenantId, t.name)],
);

export const llmSettings = pgTable('llm_settings', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  /** Provider names tried in order; empty = every configured key in creation order, then offline. */
  fallbackChain: text('fallback_chain')
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  monthlyBudgetUsd: numeric('monthly_budget_usd', { precision: 12, scale: 2, mode: 'number' }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Per-workspace price overrides and additions on top of the built-in catalog. */
export const modelCatalog = pgTable(
  'model_catalog',
  {
    tenantId: tenantIdColumn(),
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    contextWindow: integer('context_window').notNull(),
    inputPerMTok: numeric('input_per_mtok', { precision: 12, scale: 4, mode: 'number' }).notNull(),
    outputPerMTok: numeric('output_per_mtok', { precision: 12, scale: 4, mode: 'number' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.provider, t.model] })],
);

export const llmUsage = pgTable(
  'llm_usage',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: tenantIdColumn(),
    userId: uuid('user_id'),
    provider: text('provider').notNull(),
    kind: text('kind').notNull(),
    model: text('model').notNull(),
    purpose: text('purpose').notNull(),
    tokensIn: integer('tokens_in').notNull().default(0),
    tokensOut: integer('tokens_out').notNull().default(0),
    /** Null when the model has no price in the catalog. */
    costUsd: numeric('cost_usd', { precision: 14, scale: 6, mode: 'number' }),
    latencyMs: integer('latency_ms').notNull(),
    outcome: text('outcome').$type<'ok' | 'error' | 'cancelled'>().notNull(),
    error: text('error'),
    attempt: integer('attempt').notNull().default(1),
    createdAt: createdAt(),
  },
  (t) => [index('llm_usage_tenant_created_idx').on(t.tenantId, t.createdAt.desc())],
);
