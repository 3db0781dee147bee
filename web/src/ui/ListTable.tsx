import type { ReactNode } from 'react';
import { QueryStatus } from './QueryStatus.js';

export interface ListColumn {
  label: string;
  /** e.g. `num` for a right-aligned number column. */
  className?: string;
}

interface ListTableProps<T> {
  /** The list's query (a TanStack Query result or anything shaped like one). */
  query: { isPending: boolean; isError: boolean; error: unknown; data?: readonly T[] };
  /** The table's data-testid. */
  testId: string;
  columns: readonly ListColumn[];
  /** Adds a last, unlabelled ("Actions" for screen readers) column header. */
  actions?: boolean;
  /** Shown for an empty list (usually an `EmptyState`). */
  empty: ReactNode;
  /** One `<tr>` per item, with its key. */
  row: (item: T) => ReactNode;
}

/** A list page's table: a spinner while loading, the error, `empty` for no items, else one row per item. */
export function ListTable<T>({ query, testId, columns, actions, empty, row }: ListTableProps<T>) {
  return (
    <>
      <QueryStatus query={query} />
      {query.data?.length === 0 ? empty : null}
      {query.data?.length ? (
        <div className="card table-wrap">
          <table className="table" data-testid={testId}>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c.label} scope="col" className={c.className}>
                    {c.label}
                  </th>
                ))}
                {actions ? (
                  <th scope="col" className="actions">
                    <span className="sr-only">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>{query.data.map(row)}</tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
