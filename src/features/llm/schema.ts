import { z } from 'zod';
import { providerKinds } from '../../platform/llm/catalog.js';

const zName = z
  .string()
  .trim()
  .min(1, { message: 'Name the provider' })
  .max(40)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, { message: 'Use lower-case letters, digits, dot, dash or underscore' })
  .refine((n) => n !== 'offline', { message: '"offline" is the built-in provider' });

export const zAddProviderKey = z
  .object({
    name: zName,
    kind: z.enum(providerKinds),
    apiKey: z.string().trim().min(1).max(500).optional(),
    baseUrl: z
      .url({ protocol: /^https?$/, message: 'Enter an http(s) URL' })
      .max(500)
      .optional(),
    defaultModel: z.string().trim().min(1).max(120).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'openai-compatible' && !v.baseUrl)
      ctx.addIssue({
        code: 'custom',
        path: ['baseUrl'],
        message: 'OpenAI-compatible endpoints need a base URL (e.g. http://localhost:11434/v1 for Ollama)',
      });
    if (v.kind === 'openai-compatible' && !v.defaultModel)
      ctx.addIssue({ code: 'custom', path: ['defaultModel'], message: 'Name the model to use (e.g. llama3.1)' });
    if (v.kind !== 'openai-compatible' && !v.apiKey)
      ctx.addIssue({ code: 'custom', path: ['apiKey'], message: 'Paste the API key' });
  });
export type AddProviderKeyInput = z.infer<typeof zAddProviderKey>;

export const zUpdateLlmSettings = z.object({
  fallbackChain: z.array(z.string().trim().min(1).max(40)).max(10).optional(),
  monthlyBudgetUsd: z
    .number()
    .min(0)
    .max(1_000_000)
    // Stored as numeric(12,2): more decimals would be silently rounded (0.001 → a $0 budget).
    .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, { message: 'Use at most 2 decimals (whole cents)' })
    .nullable()
    .optional(),
});
export type UpdateLlmSettingsInput = z.infer<typeof zUpdateLlmSettings>;

export const zUpsertModelPrice = z.object({
  provider: z.enum([...providerKinds, 'offline']),
  model: z.string().trim().min(1).max(120),
  contextWindow: z.number().int().min(1).max(100_000_000),
  inputPerMTok: z.number().min(0).max(10_000),
  outputPerMTok: z.number().min(0).max(10_000),
});
export type UpsertModelPriceInput = z.infer<typeof zUpsertModelPrice>;

export const zUsageSummary = z.object({ days: z.number().int().min(1).max(366).default(30) }).default({ days: 30 });
