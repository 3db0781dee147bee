import { useQuery } from '@tanstack/react-query';
import { useTRPC, type RouterInputs } from '../../../lib/trpc.js';

export type SpecializationId = NonNullable<RouterInputs['personas']['create']['specializations']>[number];

/** The 15 domains with their labels; fixed for the server's lifetime. */
export function useCategories() {
  const trpc = useTRPC();
  const categories = useQuery({ ...trpc.personas.categories.queryOptions(), staleTime: Infinity });
  const list = categories.data ?? [];
  const labelOf = (id: string) => list.find((c) => c.id === id)?.label ?? id;
  return { list, labelOf, isPending: categories.isPending };
}

/** Read-only specialization chips. */
export function SpecChips({
  ids,
  labelOf,
  empty = 'No specializations',
}: {
  ids: readonly string[];
  labelOf: (id: string) => string;
  empty?: string;
}) {
  if (ids.length === 0) return <span className="muted small">{empty}</span>;
  return (
    <span className="spec-chips" data-testid="spec-chips">
      {ids.map((id) => (
        <span key={id} className="chip chip-spec" data-testid="spec-chip">
          {labelOf(id)}
        </span>
      ))}
    </span>
  );
}
