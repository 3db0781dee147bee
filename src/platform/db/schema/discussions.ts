/**
 * Discussions: several personas/models in conversation (single, parallel, consensus).
 * Their live events share `run_events` (run_kind 'discussion', run_id = discussion id).
 */
import { index, integer, jsonb, numeric, pgTable, text, timestamp, uuid, boolean } from 'drizzle-orm/pg-core';
import { createdAt, tenantIdColumn, users } from './core.js';
import { projects } from './projects.js';

export const discussionModes = ['single', 'parallel', 'consensus'] as const;
export type DiscussionMode = (typeof discussionModes)[number];

/** One voice in a discussion; `key` names its lane in events and its messages. */
export interface Participant {
  key: string;
  personaId: string | null;
  /** Shown name: the persona's, or the provider/model. */
  name: string;
  provider: string | null;
  model: string | null;
}

export const discussions = pgTable(
  'discussions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    projectId: uuid('project_id').references(() => projects.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    mode: text('mode').$type<DiscussionMode>().notNull(),
    participants: jsonb('participants').$type<Participant[]>().notNull(),
    consensusRounds: integer('consensus_rounds').notNull().default(2),
    /** Set by the user, or null: detected from the user's messages. */
    language: text('language'),
    status: text('status').$type<'idle' | 'queued' | 'running'>().notNull().default('idle'),
    /** Turns asked for (each user message or "continue" adds one) and turns answered; a worker answers them in order. */
    turns: integer('turns').notNull().default(0),
    answeredTurns: integer('answered_turns').notNull().default(0),
    isStopRequested: boolean('is_stop_requested').notNull().default(false),
    /** Set by stop: turns up to this one are stopped (in progress) or skipped (queued); later ones are answered. */
    stopThroughTurn: integer('stop_through_turn'),
    /** The worker answering, and until when; a lapsed lease means that worker died (see workflow_runs). */
    leaseOwner: text('lease_owner'),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    tokensIn: integer('tokens_in').notNull().default(0),
    tokensOut: integer('tokens_out').notNull().default(0),
    costUsd: numeric('cost_usd', { precision: 12, scale: 6, mode: 'number' }).notNull().default(0),
    /** Answers from a model without a price: their cost is unknown, not zero. */
    unpricedCalls: integer('unpriced_calls').notNull().default(0),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('discussions_tenant_updated_idx').on(t.tenantId, t.updatedAt.desc())],
);

export const discussionMessages = pgTable(
  'discussion_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    discussionId: uuid('discussion_id')
      .notNull()
      .references(() => discussions.id, { onDelete: 'cascade' }),
    /** Order within the discussion (messages of one parallel batch are ordered by participant). */
    position: integer('position').notNull(),
    /** Which user turn this message answers (the user's own message starts a turn). */
    turn: integer('turn').notNull(),
    authorKind: text('author_kind').$type<'user' | 'participant' | 'synthesis'>().notNull(),
    /** The participant's key; null for the user. */
    participantKey: text('participant_key'),
    authorName: text('author_name').notNull(),
    authorUserId: uuid('author_user_id').references(() => users.id, { onDelete: 'set null' }),
    content: text('content').notNull().default(''),
    /** Consensus round (1-based); 0 for the user's message and single/parallel answers. */
    round: integer('round').notNull().default(0),
    provider: text('provider'),
    model: text('model'),
    tokensIn: integer('tokens_in').notNull().default(0),
    tokensOut: integer('tokens_out').notNull().default(0),
    costUsd: numeric('cost_usd', { precision: 12, scale: 6, mode: 'number' }).notNull().default(0),
    /** Answers from a model without a price: their cost is unknown, not zero. */
    unpricedCalls: integer('unpriced_calls').notNull().default(0),
    latencyMs: integer('latency_ms'),
    status: text('status')
      .$type<'pending' | 'streaming' | 'complete' | 'stopped' | 'failed'>()
      .notNull()
      .default('complete'),
    error: text('error'),
    createdAt: createdAt(),
  },
  (t) => [index('discussion_messages_discussion_idx').on(t.discussionId, t.position)],
);
