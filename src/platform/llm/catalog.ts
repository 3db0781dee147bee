/**
 * Built-in model catalog: list prices in USD per 1M tokens and context windows, as
 * published by the providers when this was written. Workspaces override or extend it
 * (model_catalog table) when prices change or they add models; a model with no price
 * anywhere is recorded with a null cost ("unpriced"), never a made-up one.
 */
export type ProviderKind = 'openai' | 'anthropic' | 'google' | 'openai-compatible' | 'offline';
export const providerKinds = ['openai', 'anthropic', 'google', 'openai-compatible'] as const;

export interface ModelPrice {
  provider: ProviderKind;
  model: string;
  contextWindow: number;
  inputPerMTok: number;
  outputPerMTok: number;
}

export const builtInCatalog: readonly ModelPrice[] = [
  { provider: 'openai', model: 'gpt-4.1', contextWindow: 1_047_576, inputPerMTok: 2, outputPerMTok: 8 },
  { provider: 'openai', model: 'gpt-4.1-mini', contextWindow: 1_047_576, inputPerMTok: 0.4, outputPerMTok: 1.6 },
  { provider: 'openai', model: 'gpt-4o', contextWindow: 128_000, inputPerMTok: 2.5, outputPerMTok: 10 },
  { provider: 'openai', model: 'gpt-4o-mini', contextWindow: 128_000, inputPerMTok: 0.15, outputPerMTok: 0.6 },
  { provider: 'openai', model: 'o3-mini', contextWindow: 200_000, inputPerMTok: 1.1, outputPerMTok: 4.4 },
  { provider: 'anthropic', model: 'claude-sonnet-4-0', contextWindow: 200_000, inputPerMTok: 3, outputPerMTok: 15 },
  { provider: 'anthropic', model: 'claude-opus-4-0', contextWindow: 200_000, inputPerMTok: 15, outputPerMTok: 75 },
  {
    provider: 'anthropic',
    model: 'claude-3-5-haiku-latest',
    contextWindow: 200_000,
    inputPerMTok: 0.8,
    outputPerMTok: 4,
  },
  { provider: 'google', model: 'gemini-2.5-pro', contextWindow: 1_048_576, inputPerMTok: 1.25, outputPerMTok: 10 },
  { provider: 'google', model: 'gemini-2.5-flash', contextWindow: 1_048_576, inputPerMTok: 0.3, outputPerMTok: 2.5 },
  { provider: 'google', model: 'gemini-2.0-flash', contextWindow: 1_048_576, inputPerMTok: 0.1, outputPerMTok: 0.4 },
  { provider: 'openai', model: 'text-embedding-3-small', contextWindow: 8_191, inputPerMTok: 0.02, outputPerMTok: 0 },
  { provider: 'openai', model: 'text-embedding-3-large', contextWindow: 8_191, inputPerMTok: 0.13, outputPerMTok: 0 },
  { provider: 'offline', model: 'offline-extractive-v1', contextWindow: 1_000_000, inputPerMTok: 0, outputPerMTok: 0 },
];

export const defaultModels: Record<Exclude<ProviderKind, 'offline' | 'openai-compatible'>, string> = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-3-5-haiku-latest',
  google: 'gemini-2.0-flash',
};

/** Cost of one call, or null when the model has no price. */
export function costOf(
  price: Pick<ModelPrice, 'inputPerMTok' | 'outputPerMTok'> | undefined,
  tokensIn: number,
  tokensOut: number,
): number | null {
  if (!price) return null;
  return Math.round(((tokensIn * price.inputPerMTok + tokensOut * price.outputPerMTok) / 1_000_000) * 1e6) / 1e6;
}

/** What the "add provider" form needs to know about each kind. */
export const providerKindInfo = [
  { kind: 'openai', label: 'OpenAI', defaultModel: defaultModels.openai, needsKey: true, needsBaseUrl: false },
  { kind: 'anthropic', label: 'Anthropic', defaultModel: defaultModels.anthropic, needsKey: true, needsBaseUrl: false },
  { kind: 'google', label: 'Google Gemini', defaultModel: defaultModels.google, needsKey: true, needsBaseUrl: false },
  {
    kind: 'openai-compatible',
    label: 'OpenAI-compatible (Ollama, vLLM, LM Studio, Kimi…)',
    defaultModel: null,
    needsKey: false,
    needsBaseUrl: true,
  },
] as const satisfies readonly {
  kind: (typeof providerKinds)[number];
  label: string;
  defaultModel: string | null;
  needsKey: boolean;
  needsBaseUrl: boolean;
}[];
