/**
 * "This file does not parse" as a note on the run: the scan goes on, but the user should know that
 * findings in a file with syntax errors may be incomplete (tree-sitter recovers, and rules see a
 * tree with ERROR nodes in it).
 */
import { MAX_SYNTAX_ERRORS, type FileIndex } from './symbols.js';
import type { Location, RawFinding, RuleMeta } from './types.js';

export const syntaxErrorRule: RuleMeta = {
  id: 'parse/syntax-error',
  tool: 'tree-sitter',
  name: 'File does not parse',
  category: 'bug',
  severity: 'info',
  cwe: [],
  summary: 'The file has a syntax error; analysis of it may be incomplete.',
  help: [
    'tree-sitter could not parse part of this file. The scan continues: the parser recovers around the',
    'error, but rules may miss code near it, and the index (definitions, references) may lack symbols.',
    '',
    '**How to fix:** fix the syntax error at the reported line. If the file is not meant to be valid',
    'source (a template, a fixture with deliberate errors, a newer syntax than the grammar knows), add',
    'its path to `.nyxignore` or ignore the finding with a reason.',
  ].join('\n'),
  languages: ['typescript', 'tsx', 'javascript', 'python', 'go', 'java'],
};

/**
 * One finding per file that does not parse, at its first syntax error; the other errors are `related`.
 *
 * @example
 * const index = await indexFile(file);
 * if (index) findings.push(...syntaxFindings(index));
 */
export function syntaxFindings(index: FileIndex): RawFinding[] {
  const [first, ...rest] = index.syntaxErrors;
  if (!index.hasSyntaxError || !first) return [];
  // The location covers exactly `text` (the error's first line), so the snippet matches it byte for byte.
  const at = (e: typeof first, message?: string): Location => ({
    path: index.path,
    startLine: e.startLine,
    startColumn: e.startColumn,
    endLine: e.startLine,
    endColumn: e.startColumn + e.text.length,
    ...(message ? { message } : {}),
  });
  const more = rest.length
    ? ` (and ${rest.length} more${rest.length + 1 >= MAX_SYNTAX_ERRORS ? ', maybe others' : ''})`
    : '';
  return [
    {
      ruleId: syntaxErrorRule.id,
      message: `This file does not parse: ${first.message} at line ${first.startLine}, column ${first.startColumn}${more}. Findings for it may be incomplete.`,
      confidence: 'high',
      location: at(first),
      related: rest.map((e) => at(e, `Also: ${e.message}.`)),
      matchedText: first.text,
      properties: { errors: index.syntaxErrors.length },
    },
  ];
}
