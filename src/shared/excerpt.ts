/**
 * Excerpts of Markdown for lists and search results: the words a reader sees, not the
 * syntax (`# Retries **payments**` reads "Retries payments"), with matched terms marked by
 * the private-use pair U+E000 … U+E001 that the web app renders as <mark> (never HTML).
 * Browser-safe: this module imports nothing.
 */

export const HIGHLIGHT_START = '\uE000';
export const HIGHLIGHT_END = '\uE001';

/** The text without highlight markers. */
export const unmarked = (s: string): string => s.replaceAll(HIGHLIGHT_START, '').replaceAll(HIGHLIGHT_END, '');
/** Whether any term in the text is marked. */
export const hasHighlights = (s: string): boolean => s.includes(HIGHLIGHT_START);

/**
 * Markdown → one line of plain text: headings, emphasis, code marks, links, images, list and
 * quote markers and HTML tags go; their words stay. Identifiers keep their underscores
 * (`snake_case`), and a lone `*` between spaces (a product) stays.
 * Example: `plainMarkdown('# Title\n\n- **bold** [link](http://x)')` → `Title bold link`.
 */
export function plainMarkdown(md: string): string {
  return (
    md
      // Fenced-code markers and their language tag; the code itself is text worth seeing.
      .replace(/^\s*(```|~~~)[^\n]*$/gm, ' ')
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<\/?[a-zA-Z][^>]*>/g, ' ')
      .replace(/^\s{0,3}#{1,6}\s+/gm, '')
      .replace(/^\s{0,3}>\s?/gm, '')
      .replace(/^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?/gm, '')
      .replace(/^\s*(?:-{3,}|\*{3,}|_{3,})\s*$/gm, ' ')
      .replace(/\*\*|__|~~|`+/g, '')
      // Single-character emphasis: only where it hugs a word, so `a * b` and snake_case survive.
      .replace(/(^|[\s(\uE000])[*_](?=[^\s*_])/g, '$1')
      .replace(/(?<=[^\s*_])[*_](?=$|[\s).,;:!?\uE001])/g, '')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/**
 * The passage around the first occurrence of `needle` (case-insensitive), about `width`
 * characters, cut at word boundaries, with "…" where it is cut and the match marked.
 * Without a match: the text's start. Example: `excerptAround('a long text about payments', 'payments', 12)`.
 */
export function excerptAround(text: string, needle: string, width = 220): string {
  const at = needle ? text.toLowerCase().indexOf(needle.toLowerCase()) : -1;
  if (at === -1) return text.length <= width ? text : `${text.slice(0, width).replace(/\s+\S*$/, '')} …`;
  let start = Math.max(0, at - Math.floor((width - needle.length) / 3));
  let end = Math.min(text.length, start + width);
  start = Math.max(0, Math.min(start, end - width));
  if (start > 0) start = text.indexOf(' ', start) + 1 || start;
  if (end < text.length) end = Math.max(at + needle.length, text.lastIndexOf(' ', end));
  const marked = `${text.slice(start, at)}${HIGHLIGHT_START}${text.slice(at, at + needle.length)}${HIGHLIGHT_END}${text.slice(at + needle.length, end)}`;
  return `${start > 0 ? '… ' : ''}${marked}${end < text.length ? ' …' : ''}`;
}
