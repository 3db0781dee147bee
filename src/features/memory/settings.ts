import { eq, sql } from 'drizzle-orm';
import { memorySettings, providerKeys } from '../../platform/db/schema/index.js';
import type { Tx } from '../../platform/db/tenant.js';
import { NyxError } from '../../platform/errors.js';
import {
  DEFAULT_OPENAI_EMBEDDING_MODEL,
  OFFLINE_EMBEDDING_MODEL,
  readEmbedderConfig,
} from '../../platform/llm/embeddings.js';
import type { MemorySettingsInput } from './schema.js';

export async function getMemorySettings(tx: Tx) {
  const { settings: s, provider, model, space } = await readEmbedderConfig(tx);
  return {
    embeddingProvider: provider,
    embeddingModel: model,
    /** What stored vectors must carry to be current (embeddingSpace): the model, and the endpoint unless it is OpenAI's. */
    embeddingSpace: space,
    vectorWeight: s?.vectorWeight ?? 0.7,
    textWeight: s?.textWeight ?? 0.3,
    mode: s?.mode ?? 'weighted',
    /** The model each embedder kind uses unless told otherwise (for the settings form). */
    defaults: { offline: OFFLINE_EMBEDDING_MODEL, openai: DEFAULT_OPENAI_EMBEDDING_MODEL },
  };
}

/** Changing the embedder makes every stored vector stale; the caller should offer a backfill. */
export async function updateMemorySettings(tx: Tx, tenantId: string, input: MemorySettingsInput) {
  if (input.embeddingProvider && input.embeddingProvider !== 'offline') {
    const [key] = await tx.select().from(providerKeys).where(eq(providerKeys.name, input.embeddingProvider));
    if (!key)
      throw new NyxError('BAD_INPUT', `No provider named "${input.embeddingProvider}"`, {
        fieldErrors: { embeddingProvider: ['Not configured in this workspace'] },
      });
    if (key.kind !== 'openai' && key.kind !== 'openai-compatible') {
      throw new NyxError('BAD_INPUT', 'Embeddings need an OpenAI or OpenAI-compatible provider', {
        fieldErrors: { embeddingProvider: [`${key.kind} has no 1536-dimension embedding model here`] },
      });
    }
  }
  const values = {
    ...(input.embeddingProvider !== undefined ? { embeddingProvider: input.embeddingProvider } : {}),
    ...(input.embeddingModel !== undefined ? { embeddingModel: input.embeddingModel } : {}),
    ...(input.vectorWeight !== undefined ? { vectorWeight: input.vectorWeight } : {}),
    ...(input.textWeight !== undefined ? { textWeight: input.textWeight } : {}),
    ...(input.mode !== undefined ? { mode: input.mode } : {}),
  };
  const current = await getMemorySettings(tx);
  if ((values.vectorWeight ?? current.vectorWeight) + (values.textWeight ?? current.textWeight) <= 0) {
    throw new NyxError('BAD_INPUT', 'At least one search weight must be above 0', {
      fieldErrors: { vectorWeight: ['Vector and text weights cannot both be 0'] },
    });
  }
  await tx
    .insert(memorySettings)
    .values({ tenantId, ...values })
    .onConflictDoUpdate({ target: memorySettings.tenantId, set: { ...values, updatedAt: sql`now()` } });
  return getMemorySettings(tx);
}
