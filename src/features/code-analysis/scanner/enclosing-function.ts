/**
 * The function around a line, for the LLM triage's context (the finding's code, whole, with its
 * name). Exported through `symbols.ts`.
 */
import type { Node } from 'web-tree-sitter';
import { GRAMMAR_QUERIES } from './symbol-queries.js';
import { withTree } from './syntax.js';
import type { SourceFile } from './types.js';

export interface EnclosingFunction {
  name: string | null;
  startLine: number;
  endLine: number;
  text: string;
}

/**
 * The innermost function or method containing a 1-based line, with its full text (for the LLM
 * triage's context). A one-line anonymous function (`xs.map((x) => x.id)`) is skipped in favour of
 * the function around it; a multi-line anonymous one (an Express handler) is returned with
 * `name: null`. Null when the line is outside every function or the language is not covered.
 */
export async function enclosingFunction(file: SourceFile, line: number): Promise<EnclosingFunction | null> {
  const result = await withTree(file, (parsed) => {
    const lineText = file.text.split('\n')[line - 1];
    if (lineText === undefined || line < 1) return null;
    const row = line - 1;
    const functionTypes = [...GRAMMAR_QUERIES[parsed.grammar].functionTypes];
    const containing = parsed.root
      .descendantsOfType(functionTypes, { row, column: 0 }, { row, column: lineText.length })
      .filter((n) => n.startPosition.row <= row && n.endPosition.row >= row)
      // Innermost first: the smallest span; nested nodes start later when spans tie.
      .sort((a, b) => a.endIndex - a.startIndex - (b.endIndex - b.startIndex) || b.startIndex - a.startIndex);
    const found = containing.find((n) => functionName(n) !== null || n.startPosition.row !== n.endPosition.row);
    const oneLiner = containing[0] ?? null;
    const candidate = found ?? oneLiner;
    if (!candidate) return null;
    // Python decorators belong to the function a reader sees.
    const outer = candidate.parent?.type === 'decorated_definition' ? candidate.parent : candidate;
    return {
      name: functionName(candidate),
      startLine: outer.startPosition.row + 1,
      endLine: outer.endPosition.row + 1,
      text: outer.text,
    };
  });
  return result ?? null;
}

function functionName(fn: Node): string | null {
  const own = fn.childForFieldName('name');
  if (own) return own.text;
  const parent = fn.parent;
  if (!parent) return null;
  switch (parent.type) {
    case 'variable_declarator':
    case 'public_field_definition':
      return parent.childForFieldName('name')?.text ?? null;
    case 'field_definition':
      return parent.childForFieldName('property')?.text ?? null;
    case 'pair':
      return parent.childForFieldName('key')?.text ?? null;
    case 'assignment_expression': {
      const left = parent.childForFieldName('left');
      return (left?.type === 'member_expression' ? left.childForFieldName('property') : left)?.text ?? null;
    }
    default:
      return null;
  }
}
