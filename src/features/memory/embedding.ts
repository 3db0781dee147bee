/**
 * Writing embeddings for memory rows, and backfilling the ones that are missing or stale.
 * Vectors are computed outside any transaction (they wait on the network) and written in
 * short ones; a failed batch leaves its rows visible, marked with the error.
 */
import { eq, inArray, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import { memoryEntries, workflowInsights } from '../../platform/db/schema/index.js';
import { withTenant } from '../../platform/db/tenant.js';
import { NyxError } from '../../platform/errors.js';
import { EMBED_BATCH, workspaceEmbedder, type Embedder } from '../../platform/llm/embeddings.js';
import type { LlmDeps } from '../../platform/llm/service.js';
import { entryColumns, insightColumns } from './items.js';

export type MemoryKind = 'entry' | 'insight';
const tableOf = (kind: MemoryKind) => (kind === 'entry' ? memoryEntries : workflowInsights);

/** The text embedded for an insight carries its labels, so "high security pain point" finds it. */
export function insightEmbeddingText(i: {
  type: string;
  category: string;
  severity: string;
  title: string;
  detail: string;
  suggestion: string;
}): string {
  return `[${i.type}] [${i.category}] [${i.severity}] Title: ${i.title} Detail: ${i.detail} Suggestion: ${i.suggestion}`;
}

export function entryEmbeddingText(e: { title: string; content: string; tags: string[] }): string {
  return `Title: ${e.title}${e.tags.length ? ` Tags: ${e.tags.join(', ')}` : ''} Content: ${e.content}`;
}

interface Scope {
  tenantId: string;
  userId: string | null;
}

async function textsFor(
  deps: LlmDeps,
  scope: Scope,
  kind: MemoryKind,
  ids: string[],
): Promise<{ id: string; text: string }[]> {
  return withTenant(deps.database, scope, async (tx) => {
    if (kind === 'entry') {
      const rows = await tx.select(entryColumns).from(memoryEntries).where(inArray(memoryEntries.id, ids));
      return rows.map((r) => ({ id: r.id, text: entryEmbeddingText(r) }));
    }
    const rows = await tx.select(insightColumns).from(workflowInsights).where(inArray(workflowInsights.id, ids));
    return rows.map((r) => ({ id: r.id, text: insightEmbeddingText(r) }));
  });
}

/**
 * Embeds the given rows in batches and stores the vectors. Returns how many got a vector;
 * rows of a failed batch keep (or get) `embedding_error` and are left for backfill.
 */
export async function embedRows(
  deps: LlmDeps,
  scope: Scope,
  kind: MemoryKind,
  ids: string[],
  embedder?: Embedder,
): Promise<{ embedded: number; failed: number; error: string | null }> {
  if (!ids.length) return { embedded: 0, failed: 0, error: null };
  const e = embedder ?? (await workspaceEmbedder(deps, scope));
  const table = tableOf(kind);
  let embedded = 0;
  let failed = 0;
  let lastError: string | null = null;
  for (let i = 0; i < ids.length; i += EMBED_BATCH) {
    const batch = await textsFor(deps, scope, kind, ids.slice(i, i + EMBED_BATCH));
    try {
      const vectors = await e.embed(
        batch.map((b) => b.text),
        `memory.embed.${kind}`,
      );
      await withTenant(deps.database, scope, async (tx) => {
        for (const [j, row] of batch.entries()) {
          await tx
            .update(table)
            .set({ embedding: vectors[j], embeddingModel: e.space, embeddingError: null, embeddedAt: sql`now()` })
            .where(eq(table.id, row.id));
        }
      });
      embedded += batch.length;
    } catch (err) {
      lastError = err instanceof NyxError ? err.userMessage : (err as Error).message;
      failed += batch.length;
      deps.log.warn(
        { tenantId: scope.tenantId, kind, count: batch.length, error: lastError },
        'embedding batch failed; rows stay for backfill',
      );
      await withTenant(deps.database, scope, (tx) =>
        tx
          .update(table)
          .set({ embeddingError: lastError })
          .where(
            inArray(
              table.id,
              batch.map((b) => b.id),
            ),
          ),
      );
    }
  }
  return { embedded, failed, error: lastError };
}

/** Rows without a vector in the current space: missing, failed, or made by another model or endpoint. */
export function needsEmbedding(kind: MemoryKind, space: string): SQL {
  const t = tableOf(kind);
  return or(isNull(t.embedding), isNull(t.embeddingModel), ne(t.embeddingModel, space)) as SQL;
}

export async function embeddingStatus(deps: LlmDeps, scope: Scope) {
  const e = await workspaceEmbedder(deps, scope);
  return withTenant(deps.database, scope, async (tx) => {
    const count = async (kind: MemoryKind) => {
      const t = tableOf(kind);
      const [r] = await tx
        .select({
          total: sql<number>`count(*)::int`,
          missing: sql<number>`count(*) filter (where ${t.embedding} is null)::int`,
          stale: sql<number>`count(*) filter (where ${t.embedding} is not null and ${t.embeddingModel} is distinct from ${e.space})::int`,
          failed: sql<number>`count(*) filter (where ${t.embeddingError} is not null)::int`,
        })
        .from(t);
      return r ?? { total: 0, missing: 0, stale: 0, failed: 0 };
    };
    return { model: e.space, provider: e.provider, entries: await count('entry'), insights: await count('insight') };
  });
}

export interface BackfillProgress {
  done: number;
  total: number;
  failed: number;
}

/**
 * Fills every missing or stale vector of the workspace, batch by batch. Resumable by
 * construction: each round selects what still needs a vector. Stops early when a whole
 * round fails (the provider is down), reporting the last error.
 */
export async function backfillEmbeddings(
  deps: LlmDeps,
  scope: Scope,
  onProgress?: (p: BackfillProgress) => void,
): Promise<BackfillProgress & { error: string | null }> {
  const e = await workspaceEmbedder(deps, scope);
  const pending = await withTenant(deps.database, scope, async (tx) => ({
    entry: (
      await tx
        .select({ id: memoryEntries.id })
        .from(memoryEntries)
        .where(needsEmbedding('entry', e.space))
        .orderBy(memoryEntries.id)
    ).map((r) => r.id),
    insight: (
      await tx
        .select({ id: workflowInsights.id })
        .from(workflowInsights)
        .where(needsEmbedding('insight', e.space))
        .orderBy(workflowInsights.id)
    ).map((r) => r.id),
  }));
  const total = pending.entry.length + pending.insight.length;
  const progress = { done: 0, total, failed: 0 };
  let lastError: string | null = null;
  onProgress?.(progress);
  for (const kind of ['entry', 'insight'] as const) {
    for (let i = 0; i < pending[kind].length; i += EMBED_BATCH) {
      const r = await embedRows(deps, scope, kind, pending[kind].slice(i, i + EMBED_BATCH), e);
      progress.done += r.embedded;
      progress.failed += r.failed;
      onProgress?.(progress);
      if (r.error) {
        lastError = r.error;
        // A provider outage: stop instead of hammering it; the next run resumes here.
        return { ...progress, error: lastError };
      }
    }
  }
  return { ...progress, error: lastError };
}
