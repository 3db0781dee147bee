import { Fragment, type ReactNode } from 'react';
import { HIGHLIGHT_END as END, HIGHLIGHT_START as START, unmarked } from '../../../src/shared/excerpt.js';

/** Search highlights arrive as private-use markers around matched terms (never as HTML). */
const strip = unmarked;

/** The text without highlight markers (for titles and labels). */
export const plainText = strip;

/** Renders `text` with each U+E000 … U+E001 span wrapped in <mark>; the text stays plain React text. */
export function Highlighted({ text }: { text: string }) {
  const [head = '', ...rest] = text.split(START);
  const parts: ReactNode[] = [];
  if (head) parts.push(<Fragment key="h">{strip(head)}</Fragment>);
  rest.forEach((chunk, i) => {
    const end = chunk.indexOf(END);
    const matched = strip(end >= 0 ? chunk.slice(0, end) : chunk);
    const after = end >= 0 ? strip(chunk.slice(end + 1)) : '';
    if (matched) parts.push(<mark key={`m${i}`}>{matched}</mark>);
    if (after) parts.push(<Fragment key={`t${i}`}>{after}</Fragment>);
  });
  return <>{parts}</>;
}
