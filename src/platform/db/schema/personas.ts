import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, tenantIdColumn, users } from './core.js';
import { projects } from './projects.js';

export const personas = pgTable(
  'personas',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    /** Null: available in the whole workspace; set: only in that project. */
    projectId: uuid('project_id').references(() => projects.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    systemPrompt: text('system_prompt').notNull(),
    traits: text('traits')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    specializations: text('specializations')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    category: text('category').notNull().default('general'),
    xp: integer('xp').notNull().default(0),
    /** Derived so it can never disagree with xp: ⌊xp/100⌋ + 1. */
    level: integer('level')
      .notNull()
      .generatedAlwaysAs(sql`(xp / 100) + 1`),
    usageCount: integer('usage_count').notNull().default(0),
    stepsCompleted: integer('steps_completed').notNull().default(0),
    stepsTotal: integer('steps_total').notNull().default(0),
    isBuiltIn: boolean('is_built_in').notNull().default(false),
    /** Stable id of a seeded persona, so seeding is idempotent per workspace. */
    builtInKey: text('built_in_key'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('personas_tenant_builtin_key').on(t.tenantId, t.builtInKey),
    index('personas_tenant_project_idx').on(t.tenantId, t.projectId),
  ],
);
