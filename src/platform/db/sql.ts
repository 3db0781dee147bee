/** Escapes LIKE/ILIKE wildcards so user text matches literally. Example: `ilike(col, `%${escapeLike(q)}%`)`. */
export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Rows of a raw `tx.execute` result on either driver (PGlite and node-postgres shape it differently). */
export const rowsOf = <T>(r: unknown): T[] => (Array.isArray(r) ? r : (r as { rows: T[] }).rows) as T[];
