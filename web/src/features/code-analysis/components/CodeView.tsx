import { useMemo } from 'react';
import { languageOf, tokenize } from '../highlight.js';

/**
 * A code excerpt with line numbers, simple syntax colouring and the lines `from`..`to`
 * highlighted. The text is rendered as React text, never as HTML.
 */
export function CodeView({
  code,
  path,
  firstLine,
  highlight,
}: {
  code: string;
  path: string;
  firstLine: number;
  highlight: { from: number; to: number };
}) {
  const lines = useMemo(() => tokenize(code, languageOf(path)), [code, path]);
  return (
    <pre className="code-view mono" data-testid="finding-code">
      {lines.map((tokens, i) => {
        const n = firstLine + i;
        const isHit = n >= highlight.from && n <= highlight.to;
        return (
          <div key={n} className={`code-line${isHit ? ' code-hit' : ''}`} data-line={n} data-hit={isHit || undefined}>
            <span className="code-ln" aria-hidden="true">
              {n}
            </span>
            <code>
              {tokens.map((t, j) =>
                t.kind === 'text' ? (
                  t.text
                ) : (
                  <span key={j} className={`tok-${t.kind}`}>
                    {t.text}
                  </span>
                ),
              )}
            </code>
          </div>
        );
      })}
    </pre>
  );
}
