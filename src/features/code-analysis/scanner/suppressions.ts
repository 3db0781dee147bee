/**
 * In-source suppressions: `// nyx-ignore: <rule> <reason>` (or `#`, `/*`, `--` comments) on
 * the finding's line or the line above. `<rule>` is a rule id, a prefix ending in `/*`
 * (`js/*`), or `*` for every rule. The reason is kept as the SARIF suppression's justification.
 */

export interface InSourceSuppression {
  line: number;
  rule: string;
  justification: string;
}

const DIRECTIVE = /(?:\/\/|\/\*|#|--)\s*nyx-ignore:?\s+([\w.*/-]+)(?:\s+(.*?))?\s*(?:\*\/)?\s*$/;

export function findSuppressions(text: string): InSourceSuppression[] {
  if (!text.includes('nyx-ignore')) return [];
  const found: InSourceSuppression[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (!line.includes('nyx-ignore')) return;
    const match = DIRECTIVE.exec(line);
    if (!match?.[1]) return;
    found.push({ line: index + 1, rule: match[1], justification: (match[2] ?? '').trim() || 'suppressed in source' });
  });
  return found;
}

function covers(pattern: string, ruleId: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('/*')) return ruleId.startsWith(pattern.slice(0, -1));
  return pattern === ruleId;
}

/** The suppression that applies to a finding of `ruleId` starting at `line`, if any. */
export function suppressionFor(
  suppressions: readonly InSourceSuppression[],
  ruleId: string,
  line: number,
): InSourceSuppression | undefined {
  return suppressions.find((s) => (s.line === line || s.line === line - 1) && covers(s.rule, ruleId));
}
