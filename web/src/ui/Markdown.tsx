import { useMemo } from 'react';
import { renderMarkdown } from '../lib/markdown.js';

/** Sanitised Markdown preview. */
export function Markdown({ source, testId }: { source: string; testId?: string }) {
  const html = useMemo(() => renderMarkdown(source), [source]);
  if (!source.trim()) return <p className="muted">Nothing to preview yet.</p>;
  return <div className="markdown" data-testid={testId} dangerouslySetInnerHTML={{ __html: html }} />;
}
