/** Escapes LIKE/ILIKE wildcards so user text matches literally. Example: `ilike(col, `%${escapeLike(q)}%`)`. */
export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);
