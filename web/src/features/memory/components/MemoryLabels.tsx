import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC, type RouterInputs, type RouterOutputs } from '../../../lib/trpc.js';

export type InsightType = RouterInputs['insights']['create']['type'];
export type Severity = RouterInputs['insights']['create']['severity'];
export type InsightStatus = RouterOutputs['insights']['get']['status'];
export type Insight = RouterOutputs['insights']['get'];
export type MemoryEntry = RouterOutputs['memory']['entries']['get'];

export const insightTypes: readonly InsightType[] = ['pain_point', 'solution', 'strength', 'pattern', 'decision'];
export const severities: readonly Severity[] = ['blocker', 'high', 'medium', 'low'];
export const insightStatuses: readonly InsightStatus[] = ['proposed', 'approved', 'rejected'];

const typeLabels: Record<string, string> = {
  pain_point: 'Pain point',
  solution: 'Solution',
  strength: 'Strength',
  pattern: 'Pattern',
  decision: 'Decision',
};
export const typeLabel = (t: string): string => typeLabels[t] ?? t;
export const capitalize = (s: string): string => s.slice(0, 1).toUpperCase() + s.slice(1);

/** "a, B ,, a" → ["a", "b"]: the server stores tags lower-case and unique (at most 20). */
export const parseTags = (s: string): string[] => [
  ...new Set(
    s
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  ),
];

/** Type, severity (coloured), status and category of an insight. */
export function InsightChips({
  type,
  severity,
  status,
  category,
}: {
  type: string | null;
  severity: string | null;
  status: string | null;
  category?: string;
}) {
  return (
    <span className="insight-chips" data-testid="insight-chips">
      {type ? <span className={`chip chip-type type-${type}`}>{typeLabel(type)}</span> : null}
      {severity ? <span className={`chip sev sev-${severity}`}>{severity}</span> : null}
      {category ? <span className="chip">{category}</span> : null}
      {status ? <span className={`badge status-${status}`}>{status}</span> : null}
    </span>
  );
}

export function TagChips({ tags }: { tags: readonly string[] }) {
  if (!tags.length) return null;
  return (
    <span className="spec-chips" data-testid="tag-chips">
      {tags.map((t) => (
        <span key={t} className="chip chip-tag">
          #{t}
        </span>
      ))}
    </span>
  );
}

/** The workspace's current embedding space: model, and endpoint unless OpenAI's (vectors of another are stale). */
export function useEmbeddingModel(): string | undefined {
  const trpc = useTRPC();
  return useQuery({ ...trpc.memory.settings.get.queryOptions(), staleTime: 60_000 }).data?.embeddingSpace;
}

interface Embedded {
  hasEmbedding: boolean;
  embeddingModel: string | null;
  embeddingError: string | null;
}

/** "vector ✓", "stale" (made by another model) or "missing" (with the last error as its title). */
export function EmbeddingBadge({ row, model }: { row: Embedded; model: string | undefined }) {
  if (!row.hasEmbedding) {
    return (
      <span
        className="badge badge-missing"
        title={row.embeddingError ?? 'Not embedded yet: found by keywords only until a backfill'}
        data-testid="embedding-badge"
      >
        missing
      </span>
    );
  }
  if (model && row.embeddingModel !== model) {
    return (
      <span
        className="badge badge-stale"
        title={`Embedded with ${row.embeddingModel ?? 'an unknown model'}; the workspace now uses ${model}. Run a backfill.`}
        data-testid="embedding-badge"
      >
        stale
      </span>
    );
  }
  return (
    <span
      className="badge badge-vector"
      title={`Embedded with ${row.embeddingModel ?? 'the current model'}`}
      data-testid="embedding-badge"
    >
      vector ✓
    </span>
  );
}

/** Invalidates everything memory shows: search, entries, insights (also a run's), status, wisdom. */
export function useRefreshMemory() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.memory.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.insights.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.runs.insights.pathKey() }),
    ]);
}
