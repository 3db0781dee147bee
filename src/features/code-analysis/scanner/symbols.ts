/**
 * The per-file symbol index: definitions, references, imports and syntax errors, from tree-sitter
 * queries. A `FileIndex` is plain data (JSON-safe), so the scan can cache it per (blob SHA,
 * `INDEX_VERSION`); the repo map is built from these.
 */
import { Query, type Language as TsLanguage, type Node } from 'web-tree-sitter';
import { GRAMMAR_QUERIES } from './symbol-queries.js';
import { nodeRegion, withTree, type Grammar, type ParsedFile } from './syntax.js';

export { enclosingFunction, type EnclosingFunction } from './enclosing-function.js';
import type { Language, Region, SourceFile } from './types.js';

/** Bump when the index's output changes, so cached indexes are rebuilt. */
export const INDEX_VERSION = 'index/1';

export const DEFINITION_KINDS = [
  'function',
  'method',
  'class',
  'interface',
  'type',
  'variable',
  'constant',
  'enum',
  'module',
] as const;
export type DefinitionKind = (typeof DEFINITION_KINDS)[number];

export interface Definition {
  name: string;
  kind: DefinitionKind;
  /** The line of the name (after decorators/annotations), 1-based. */
  line: number;
  endLine: number;
  exported: boolean;
  /** The name's line, trimmed, at most 160 characters. */
  signature: string;
}

export interface Reference {
  name: string;
  line: number;
}

/** A syntax error: the ERROR or MISSING node's region, what tree-sitter expected, and the first line of its text. */
export interface SyntaxErrorRegion extends Region {
  message: string;
  /** Text at the start of the region, on its first line (at most 120 characters); empty for a missing token. */
  text: string;
}

export interface FileIndex {
  path: string;
  language: Language;
  hasSyntaxError: boolean;
  /** The first few errors (at most `MAX_SYNTAX_ERRORS`), in document order. */
  syntaxErrors: SyntaxErrorRegion[];
  definitions: Definition[];
  /** Identifiers used outside definition names, one entry per name and line. */
  references: Reference[];
  /** Module specifiers as written (`./util`, `node:fs`, `os.path`, `java.util.List`). */
  imports: string[];
}

export const MAX_SYNTAX_ERRORS = 5;
const MAX_SIGNATURE = 160;
const MAX_ERROR_TEXT = 120;
/** Python's receiver names are identifiers but carry no meaning across files. */
const IGNORED_REFERENCES = new Set(['self', 'cls']);

interface CompiledQueries {
  definitions: Query;
  references: Query;
  imports: Query;
  functionTypes: ReadonlySet<string>;
}
const compiled = new Map<Grammar, CompiledQueries>();

function queriesFor(grammar: Grammar, language: TsLanguage): CompiledQueries {
  let queries = compiled.get(grammar);
  if (!queries) {
    const source = GRAMMAR_QUERIES[grammar];
    queries = {
      definitions: new Query(language, source.definitions),
      references: new Query(language, source.references),
      imports: new Query(language, source.imports),
      functionTypes: source.functionTypes,
    };
    compiled.set(grammar, queries);
  }
  return queries;
}

/**
 * Indexes one file; null when tree-sitter does not cover its language (or it is too large to parse).
 *
 * @example
 * const index = await indexFile({ path: 'src/a.ts', language: 'typescript', text, blobSha });
 * index?.definitions.filter((d) => d.exported).map((d) => d.name);
 */
export async function indexFile(file: SourceFile): Promise<FileIndex | null> {
  return withTree(file, (parsed) => {
    const queries = queriesFor(parsed.grammar, parsed.language);
    const lines = file.text.split('\n');
    const { definitions, nameStarts } = collectDefinitions(parsed, queries, lines);
    const syntaxErrors = parsed.root.hasError ? collectSyntaxErrors(parsed.root) : [];
    return {
      path: file.path,
      language: file.language,
      hasSyntaxError: syntaxErrors.length > 0,
      syntaxErrors,
      definitions,
      references: collectReferences(parsed, queries, nameStarts),
      imports: collectImports(parsed, queries),
    };
  });
}

function collectDefinitions(
  parsed: ParsedFile,
  queries: CompiledQueries,
  lines: string[],
): { definitions: Definition[]; nameStarts: Set<number> } {
  const definitions: Definition[] = [];
  const nameStarts = new Set<number>();
  const exportedNames = parsed.grammar === 'python' || parsed.grammar === 'go' ? null : exportListNames(parsed.root);
  for (const match of queries.definitions.matches(parsed.root)) {
    const def = match.captures.find((c) => c.name === 'def')?.node;
    const name = match.captures.find((c) => c.name === 'name')?.node;
    if (!def || !name || nameStarts.has(name.startIndex)) continue;
    if (isLocal(def, queries.functionTypes)) continue;
    const kind = kindOf(parsed.grammar, def, name.text);
    if (!kind) continue;
    nameStarts.add(name.startIndex);
    const line = name.startPosition.row + 1;
    definitions.push({
      name: name.text,
      kind,
      line,
      endLine: def.endPosition.row + 1,
      exported: isExported(parsed.grammar, def, name.text, exportedNames),
      signature: truncate((lines[line - 1] ?? '').trim(), MAX_SIGNATURE),
    });
  }
  if (parsed.grammar === 'javascript') definitions.push(...commonJsExports(parsed.root, lines, nameStarts));
  definitions.sort((a, b) => a.line - b.line || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { definitions, nameStarts };
}

function isLocal(def: Node, functionTypes: ReadonlySet<string>): boolean {
  for (let n = def.parent; n; n = n.parent) if (functionTypes.has(n.type)) return true;
  return false;
}

const KIND_BY_TYPE: Record<string, DefinitionKind> = {
  function_declaration: 'function',
  generator_function_declaration: 'function',
  function_signature: 'function',
  method_definition: 'method',
  abstract_method_signature: 'method',
  public_field_definition: 'method',
  field_definition: 'method',
  method_declaration: 'method',
  constructor_declaration: 'method',
  class_declaration: 'class',
  abstract_class_declaration: 'class',
  record_declaration: 'class',
  class_definition: 'class',
  interface_declaration: 'interface',
  annotation_type_declaration: 'interface',
  type_alias_declaration: 'type',
  type_alias: 'type',
  enum_declaration: 'enum',
  internal_module: 'module',
};

function kindOf(grammar: Grammar, def: Node, name: string): DefinitionKind | null {
  switch (def.type) {
    case 'variable_declarator': {
      if (grammar === 'java') return null;
      // Only module-level variables are part of a file's interface.
      const declaration = def.parent;
      const holder = declaration?.parent?.type === 'export_statement' ? declaration.parent : declaration;
      const scope = holder?.parent;
      const isModuleLevel = scope?.type === 'program' || scope?.parent?.type === 'internal_module';
      if (!isModuleLevel) return null;
      const value = def.childForFieldName('value')?.type ?? '';
      if (['arrow_function', 'function_expression', 'function', 'generator_function'].includes(value)) {
        return 'function';
      }
      if (value === 'class') return 'class';
      return declaration?.firstChild?.type === 'const' ? 'constant' : 'variable';
    }
    case 'function_definition':
      return enclosingClass(def) ? 'method' : 'function';
    case 'assignment':
      return /^[A-Z][A-Z0-9_]*$/.test(name) ? 'constant' : 'variable';
    case 'type_spec': {
      const type = def.childForFieldName('type')?.type;
      return type === 'interface_type' ? 'interface' : 'type';
    }
    case 'const_spec':
      return 'constant';
    case 'var_spec':
      return 'variable';
    case 'field_declaration': {
      // Java fields are state, not interface, except constants.
      const modifiers = modifierWords(def);
      return (modifiers.has('static') && modifiers.has('final')) || inJavaInterface(def) ? 'constant' : null;
    }
    default:
      return KIND_BY_TYPE[def.type] ?? null;
  }
}

/** The Python class a function is directly defined in (through a decorator), if any. */
function enclosingClass(def: Node): Node | null {
  let n = def.parent;
  if (n?.type === 'decorated_definition') n = n.parent;
  return n?.type === 'block' && n.parent?.type === 'class_definition' ? n.parent : null;
}

function modifierWords(def: Node): Set<string> {
  const modifiers = def.namedChildren.find((c) => c.type === 'modifiers');
  return new Set(modifiers ? modifiers.children.filter((c) => !c.isNamed).map((c) => c.type) : []);
}

function inJavaInterface(def: Node): boolean {
  return def.parent?.type === 'interface_body';
}

/** Names exported by `export { a, b as c }` (TS/JS) — a later clause can export an earlier definition. */
function exportListNames(root: Node): Set<string> {
  const names = new Set<string>();
  for (const statement of root.namedChildren) {
    if (statement.type !== 'export_statement' || statement.childForFieldName('source')) continue;
    const clause = statement.namedChildren.find((c) => c.type === 'export_clause');
    for (const specifier of clause?.namedChildren ?? []) {
      const name = specifier.childForFieldName('name');
      if (name) names.add(name.text);
    }
    // `export default foo;`
    const value = statement.childForFieldName('value');
    if (value?.type === 'identifier') names.add(value.text);
  }
  return names;
}

function isExported(grammar: Grammar, def: Node, name: string, exportedNames: Set<string> | null): boolean {
  switch (grammar) {
    case 'python': {
      if (name.startsWith('_')) return false;
      const owner = enclosingClass(def);
      return owner ? !(owner.childForFieldName('name')?.text ?? '_').startsWith('_') : true;
    }
    case 'go':
      return /^\p{Lu}/u.test(name);
    case 'java': {
      if (modifierWords(def).has('public')) return true;
      // Interface members are implicitly public: as visible as the interface.
      const owner = inJavaInterface(def) ? def.parent?.parent : null;
      return owner ? isExported(grammar, owner, owner.childForFieldName('name')?.text ?? '', null) : false;
    }
    default:
      return isExportedJs(def, name, exportedNames);
  }
}

function isExportedJs(def: Node, name: string, exportedNames: Set<string> | null): boolean {
  if (def.type === 'variable_declarator') {
    const declaration = def.parent;
    return declaration?.parent?.type === 'export_statement' || (exportedNames?.has(name) ?? false);
  }
  const member = ['method_definition', 'abstract_method_signature', 'public_field_definition', 'field_definition'];
  if (member.includes(def.type)) {
    if (name.startsWith('#')) return false;
    const accessibility = def.namedChildren.find((c) => c.type === 'accessibility_modifier')?.text;
    if (accessibility === 'private' || accessibility === 'protected') return false;
    const owner = def.parent?.parent;
    return owner ? isExportedJs(owner, owner.childForFieldName('name')?.text ?? '', exportedNames) : false;
  }
  return def.parent?.type === 'export_statement' || (exportedNames?.has(name) ?? false);
}

/** `exports.x = function () {}` and `module.exports = { a, b }` in CommonJS files. */
function commonJsExports(root: Node, lines: string[], nameStarts: Set<number>): Definition[] {
  const found: Definition[] = [];
  for (const statement of root.namedChildren) {
    const assignment = statement.type === 'expression_statement' ? statement.firstNamedChild : null;
    if (assignment?.type !== 'assignment_expression') continue;
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (left?.type !== 'member_expression' || !right) continue;
    const object = left.childForFieldName('object')?.text;
    const property = left.childForFieldName('property');
    if (!property || (object !== 'exports' && object !== 'module.exports')) continue;
    if (!['function_expression', 'arrow_function', 'class'].includes(right.type)) continue;
    nameStarts.add(property.startIndex);
    const line = property.startPosition.row + 1;
    found.push({
      name: property.text,
      kind: right.type === 'class' ? 'class' : 'function',
      line,
      endLine: assignment.endPosition.row + 1,
      exported: true,
      signature: truncate((lines[line - 1] ?? '').trim(), MAX_SIGNATURE),
    });
  }
  return found;
}

function collectReferences(parsed: ParsedFile, queries: CompiledQueries, nameStarts: Set<number>): Reference[] {
  const seen = new Set<string>();
  const references: Reference[] = [];
  for (const capture of queries.references.captures(parsed.root)) {
    const node = capture.node;
    if (nameStarts.has(node.startIndex)) continue;
    const name = node.text;
    if (IGNORED_REFERENCES.has(name)) continue;
    const line = node.startPosition.row + 1;
    const key = `${line}:${name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    references.push({ name, line });
  }
  references.sort((a, b) => a.line - b.line || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return references;
}

function collectImports(parsed: ParsedFile, queries: CompiledQueries): string[] {
  const imports = new Set<string>();
  for (const capture of queries.imports.captures(parsed.root)) {
    if (capture.name !== 'import') continue;
    const specifier = importSpecifier(parsed.grammar, capture.node.text);
    if (specifier) imports.add(specifier);
  }
  return [...imports];
}

function importSpecifier(grammar: Grammar, text: string): string {
  if (grammar === 'go') return text.replace(/^["`]|["`]$/g, '');
  if (grammar === 'java') {
    return text
      .replace(/^import\s+(static\s+)?/, '')
      .replace(/\s*;\s*$/, '')
      .replace(/\s+/g, '');
  }
  return text;
}

function collectSyntaxErrors(root: Node): SyntaxErrorRegion[] {
  const errors: SyntaxErrorRegion[] = [];
  const visit = (node: Node): void => {
    if (errors.length >= MAX_SYNTAX_ERRORS) return;
    if (node.isMissing) {
      errors.push({ ...nodeRegion(node), message: `missing "${node.type}"`, text: '' });
      return;
    }
    if (isKnownGrammarGap(node)) return;
    const errorChildren = node.isError ? [] : node.children.filter((c) => c.hasError || c.isMissing);
    for (const child of errorChildren) visit(child);
    // An ERROR node, or one whose error sits in a hidden token (tree-sitter does not list those as children).
    if (node.isError || errorChildren.length === 0) {
      const text = truncate(node.text.split('\n')[0] ?? '', MAX_ERROR_TEXT, '');
      const what = node.isError ? 'unexpected' : `syntax error in ${node.type.replaceAll('_', ' ')} at`;
      errors.push({
        ...nodeRegion(node),
        message: text.trim() ? `${what} "${text.trim()}"` : `${what} end of input`,
        text,
      });
    }
  };
  visit(root);
  return errors;
}

/**
 * Errors tree-sitter reports on code that TypeScript and Babel accept: a bare `&` in JSX text
 * ("Providers & budget") is an ERROR in the tsx/javascript grammars.
 */
function isKnownGrammarGap(node: Node): boolean {
  return node.isError && node.parent?.type === 'jsx_element' && node.firstChild?.type === '&';
}

function truncate(text: string, max: number, ellipsis = '…'): string {
  return text.length <= max ? text : text.slice(0, max - ellipsis.length) + ellipsis;
}
