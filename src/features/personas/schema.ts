import { z } from 'zod';
import { specializationCategories } from './specialization-extractor.js';

const zTraits = z.array(z.string().trim().min(1).max(40)).max(12);
const zSpecs = z.array(z.enum(specializationCategories)).max(3, { message: 'Pick at most 3 specializations' });

export const zCreatePersona = z.object({
  name: z.string().trim().min(1, { message: 'Name the persona' }).max(80),
  description: z.string().trim().max(2000).default(''),
  systemPrompt: z.string().trim().min(10, { message: 'Write a system prompt (at least 10 characters)' }).max(20_000),
  traits: zTraits.default([]),
  /** Empty or absent: inferred from description, system prompt and traits. */
  specializations: zSpecs.optional(),
  projectId: z.uuid().nullable().optional(),
});
export type CreatePersonaInput = z.infer<typeof zCreatePersona>;

export const zUpdatePersona = z.object({
  id: z.uuid(),
  name: z.string().trim().min(1).max(80).optional(),
  description: z.string().trim().max(2000).optional(),
  systemPrompt: z.string().trim().min(10).max(20_000).optional(),
  traits: zTraits.optional(),
  specializations: zSpecs.optional(),
});
export type UpdatePersonaInput = z.infer<typeof zUpdatePersona>;

export const zPersonaId = z.object({ id: z.uuid() });
export const zListPersonas = z
  .object({
    projectId: z.uuid().optional(),
    specialization: z.enum(specializationCategories).optional(),
    query: z.string().trim().max(200).optional(),
  })
  .default({});
export type ListPersonasInput = z.infer<typeof zListPersonas>;

export const zSuggest = z.object({
  description: z.string().max(20_000).default(''),
  systemPrompt: z.string().max(20_000).default(''),
  traits: z.array(z.string().max(40)).max(12).default([]),
});

export const zTryPersona = z.object({
  id: z.uuid(),
  message: z.string().trim().min(1, { message: 'Write a message' }).max(20_000),
  provider: z.string().trim().min(1).max(40).optional(),
});

export const zMatch = z.object({
  categories: z.array(z.enum(specializationCategories)).min(1).max(15),
  projectId: z.uuid().optional(),
});
