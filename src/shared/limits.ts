/**
 * Text limits the server enforces (in the zod schemas) and the web app checks before it
 * submits, so a user hears "Notes are limited to 200,000 characters" while typing instead of
 * after a round trip. Browser-safe: this module imports nothing.
 */

export interface TextLimit {
  max: number;
  /** What the user reads when the text is longer, e.g. "Notes are limited to 200,000 characters". */
  message: string;
}

/** A count as people write it: 200000 → "200,000". */
export const formatCount = (n: number): string => n.toLocaleString('en-US');

const limit = (max: number, subject: string): TextLimit => ({
  max,
  message: `${subject} limited to ${formatCount(max)} characters`,
});

export const TEXT_LIMITS = {
  noteTitle: limit(200, 'Note titles are'),
  /** Notes are Markdown; 200,000 characters is ~50 pages, beyond which a note should be split. */
  noteBody: limit(200_000, 'Notes are'),
  runInput: limit(100_000, 'A run’s input is'),
  message: limit(20_000, 'A message is'),
} as const satisfies Record<string, TextLimit>;

/** The limit's message when `value` is longer than it allows, else undefined. Example: `overLimit(body, TEXT_LIMITS.noteBody)`. */
export function overLimit(value: string, l: TextLimit): string | undefined {
  return value.length > l.max ? l.message : undefined;
}
