import { z } from 'zod';
import { entrySources, insightSeverities, insightStatuses, insightTypes } from '../../platform/db/schema/index.js';

const zTags = z.array(z.string().trim().toLowerCase().min(1).max(40)).max(20).default([]);

export const zCreateEntry = z.object({
  title: z.string().trim().min(1, { message: 'Give the entry a title' }).max(200),
  content: z.string().max(50_000).default(''),
  tags: zTags,
  source: z.enum(entrySources).default('manual'),
  projectId: z.uuid().nullable().optional(),
});
export type CreateEntryInput = z.infer<typeof zCreateEntry>;
export const zUpdateEntry = z.object({
  id: z.uuid(),
  title: z.string().trim().min(1).max(200).optional(),
  content: z.string().max(50_000).optional(),
  tags: z.array(z.string().trim().toLowerCase().min(1).max(40)).max(20).optional(),
  projectId: z.uuid().nullable().optional(),
});
export type UpdateEntryInput = z.infer<typeof zUpdateEntry>;
export const zListEntries = z
  .object({
    projectId: z.uuid().optional(),
    tag: z.string().max(40).optional(),
    limit: z.number().int().min(1).max(200).default(100),
  })
  .default({ limit: 100 });

export const zCreateInsight = z.object({
  projectId: z.uuid({ message: 'Pick a project' }),
  title: z.string().trim().min(1, { message: 'Give the insight a title' }).max(300),
  detail: z.string().max(20_000).default(''),
  suggestion: z.string().max(20_000).default(''),
  category: z.string().trim().toLowerCase().min(1).max(60).default('general'),
  type: z.enum(insightTypes),
  severity: z.enum(insightSeverities),
});
export type CreateInsightInput = z.infer<typeof zCreateInsight>;
export const zUpdateInsight = z.object({
  id: z.uuid(),
  title: z.string().trim().min(1).max(300).optional(),
  detail: z.string().max(20_000).optional(),
  suggestion: z.string().max(20_000).optional(),
  category: z.string().trim().toLowerCase().min(1).max(60).optional(),
  type: z.enum(insightTypes).optional(),
  severity: z.enum(insightSeverities).optional(),
});
export type UpdateInsightInput = z.infer<typeof zUpdateInsight>;
export const zListInsights = z
  .object({
    projectId: z.uuid().optional(),
    status: z.enum(insightStatuses).optional(),
    type: z.enum(insightTypes).optional(),
    severity: z.enum(insightSeverities).optional(),
    limit: z.number().int().min(1).max(200).default(100),
  })
  .default({ limit: 100 });
export const zPairInsights = z.object({ id: z.uuid(), pairedWith: z.uuid().nullable() });

export const zSearch = z.object({
  query: z
    .string()
    .trim()
    .min(1, { message: 'Type something to search for' })
    .max(500, { message: 'Queries are limited to 500 characters' }),
  k: z
    .number()
    .int()
    .min(1, { message: 'k must be between 1 and 50' })
    .max(50, { message: 'k must be between 1 and 50' })
    .default(10),
  kinds: z
    .array(z.enum(['entry', 'insight']))
    .min(1)
    .max(2)
    .default(['entry', 'insight']),
  projectId: z.uuid().optional(),
  type: z.enum(insightTypes).optional(),
  severity: z.enum(insightSeverities).optional(),
  status: z.enum(insightStatuses).optional(),
  tags: z.array(z.string().trim().toLowerCase().min(1).max(40)).max(10).optional(),
  mode: z.enum(['weighted', 'rrf']).optional(),
});
export type SearchInput = z.infer<typeof zSearch>;

export const zMemorySettings = z
  .object({
    embeddingProvider: z.string().trim().min(1).max(40).optional(),
    embeddingModel: z.string().trim().min(1).max(120).nullable().optional(),
    vectorWeight: z.number().min(0).max(1).optional(),
    textWeight: z.number().min(0).max(1).optional(),
    mode: z.enum(['weighted', 'rrf']).optional(),
  })
  .refine((v) => v.vectorWeight === undefined || v.textWeight === undefined || v.vectorWeight + v.textWeight > 0, {
    message: 'At least one weight must be above 0',
    path: ['vectorWeight'],
  });
export type MemorySettingsInput = z.infer<typeof zMemorySettings>;

export const zWisdom = z.object({
  projectId: z.uuid(),
  budgetChars: z.number().int().min(200).max(20_000).default(2_000),
  query: z.string().max(500).optional(),
});
