import { sql, type AnyColumn } from 'drizzle-orm';

/** Escapes LIKE/ILIKE wildcards so user text matches literally. Example: `ilike(col, `%${escapeLike(q)}%`)`. */
export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Rows of a raw `tx.execute` result on either driver (PGlite and node-postgres shape it differently). */
export const rowsOf = <T>(r: unknown): T[] => (Array.isArray(r) ? r : (r as { rows: T[] }).rows) as T[];

type UsageColumns = Record<'tokensIn' | 'tokensOut' | 'costUsd' | 'unpricedCalls', AnyColumn>;
type Usage = Record<'tokensIn' | 'tokensOut' | 'costUsd' | 'unpricedCalls', number>;

/** An update's `set` that adds one call's (or one step's) usage to a row's running totals. */
export const addedUsage = (columns: UsageColumns, u: Usage) => ({
  tokensIn: sql`${columns.tokensIn} + ${u.tokensIn}`,
  tokensOut: sql`${columns.tokensOut} + ${u.tokensOut}`,
  costUsd: sql`${columns.costUsd} + ${u.costUsd}`,
  unpricedCalls: sql`${columns.unpricedCalls} + ${u.unpricedCalls}`,
});
