/** Code repositories a project analyses: a git URL nyxCore clones, or a local path it only reads. */
import { sql } from 'drizzle-orm';
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, tenantIdColumn, users } from './core.js';
import { projects } from './projects.js';

export const repositorySources = ['local_path', 'git'] as const;
export const repositoryStatuses = ['idle', 'syncing', 'ready', 'error'] as const;
export const gitTokenKinds = ['github', 'gitlab', 'generic'] as const;

export const repositories = pgTable(
  'repositories',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    source: text('source').$type<(typeof repositorySources)[number]>().notNull(),
    /** The clone URL (source `git`). */
    url: text('url'),
    /** The absolute directory, symlinks resolved (source `local_path`). */
    path: text('path'),
    defaultBranch: text('default_branch').notNull().default('main'),
    /** How the token is sent: GitHub and GitLab take Basic auth with a fixed user, `generic` a Bearer token. */
    credentialKind: text('credential_kind').$type<(typeof gitTokenKinds)[number]>(),
    /** AES-256-GCM vault envelope of the access token, bound to tenant and repository (never returned, never logged). */
    credentialSecret: text('credential_secret'),
    credentialLast4: text('credential_last4'),
    lastSyncedCommit: text('last_synced_commit'),
    lastSyncedAt: timestamp('last_synced_at', { withTimezone: true }),
    status: text('status').$type<(typeof repositoryStatuses)[number]>().notNull().default('idle'),
    statusMessage: text('status_message'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('repositories_tenant_project_name_key').on(t.tenantId, t.projectId, sql`lower(${t.name})`),
    index('repositories_tenant_project_updated_idx').on(t.tenantId, t.projectId, t.updatedAt.desc()),
  ],
);
