import type { ReactNode } from 'react';

/** A column header: its text, or its text with a class (e.g. `num` for a right-aligned number column). */
export type DataColumn = string | { label: string; className: string };

interface DataTableProps {
  /** The table's data-testid. */
  testId?: string;
  columns: readonly DataColumn[];
  /** Adds a last, unlabelled column header (`aria-label="Actions"`). */
  actions?: boolean;
  /** The table's rows. */
  children: ReactNode;
}

/** A card-wrapped table with one header row. */
export function DataTable({ testId, columns, actions, children }: DataTableProps) {
  return (
    <div className="table-wrap card">
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c) =>
              typeof c === 'string' ? (
                <th key={c}>{c}</th>
              ) : (
                <th key={c.label} className={c.className}>
                  {c.label}
                </th>
              ),
            )}
            {actions ? <th aria-label="Actions" /> : null}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
