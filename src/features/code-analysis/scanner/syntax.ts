/**
 * Tree-sitter for the scanner: one `Parser.init()` per process, each grammar loaded once on first
 * use, and trees freed from WASM memory by `withTree` so callers cannot leak them. The grammars are
 * the prebuilt `.wasm` files of `@vscode/tree-sitter-wasm`; its own bundled runtime is older than
 * `web-tree-sitter` 0.27 and is never imported.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { Language as TsLanguage, Parser, type Node, type Tree } from 'web-tree-sitter';
import type { Language, SourceFile } from './types.js';

export const GRAMMARS = ['typescript', 'tsx', 'javascript', 'python', 'go', 'java'] as const;
export type Grammar = (typeof GRAMMARS)[number];

/** Files longer than this are not parsed (the inventory already skips ~2 MB files; this is the backstop). */
export const MAX_PARSE_CHARS = 1_000_000;
/** A parse that takes longer than this is cancelled: hostile input must not stall a scan. */
const PARSE_TIMEOUT_MS = 5_000;

export interface ParsedFile {
  file: SourceFile;
  grammar: Grammar;
  language: TsLanguage;
  tree: Tree;
  root: Node;
}

/**
 * The grammar for a file, or null when tree-sitter does not cover its language. `.jsx` files use the
 * JavaScript grammar (which parses JSX) even when the inventory labels them `tsx`: type syntax is
 * not valid there, and `<T>(x) => x` must not be read as a generic.
 */
export function grammarFor(file: Pick<SourceFile, 'path' | 'language'>): Grammar | null {
  const grammar = GRAMMAR_BY_LANGUAGE[file.language];
  if (grammar === 'tsx' && /\.jsx$/i.test(file.path)) return 'javascript';
  return grammar;
}

const GRAMMAR_BY_LANGUAGE: Record<Language, Grammar | null> = {
  typescript: 'typescript',
  tsx: 'tsx',
  javascript: 'javascript',
  python: 'python',
  go: 'go',
  java: 'java',
  terraform: null,
  yaml: null,
  dockerfile: null,
  json: null,
  shell: null,
  text: null,
};

let initialised: Promise<void> | undefined;
const languages = new Map<Grammar, Promise<TsLanguage>>();
const parsers = new Map<Grammar, Parser>();

function grammarPath(grammar: Grammar): string {
  const require = createRequire(import.meta.url);
  const packageDir = path.dirname(require.resolve('@vscode/tree-sitter-wasm/package.json'));
  return path.join(packageDir, 'wasm', `tree-sitter-${grammar}.wasm`);
}

/** Loads (once) and returns a grammar. Concurrent callers share the same load. */
export function loadGrammar(grammar: Grammar): Promise<TsLanguage> {
  let loading = languages.get(grammar);
  if (!loading) {
    initialised ??= Parser.init();
    loading = initialised.then(() => TsLanguage.load(grammarPath(grammar)));
    // A failed load is not cached: the next call retries instead of failing forever.
    loading.catch(() => languages.delete(grammar));
    languages.set(grammar, loading);
  }
  return loading;
}

async function parserFor(grammar: Grammar): Promise<{ parser: Parser; language: TsLanguage }> {
  const language = await loadGrammar(grammar);
  let parser = parsers.get(grammar);
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(language);
    parsers.set(grammar, parser);
  }
  return { parser, language };
}

/**
 * Parses a file. Returns null when its language has no grammar, when it is larger than
 * `MAX_PARSE_CHARS` or when parsing timed out. The caller owns the tree and must call
 * `tree.delete()`; prefer `withTree`, which does that.
 */
export async function parseFile(file: SourceFile): Promise<ParsedFile | null> {
  const grammar = grammarFor(file);
  if (!grammar || file.text.length > MAX_PARSE_CHARS) return null;
  const { parser, language } = await parserFor(grammar);
  const deadline = Date.now() + PARSE_TIMEOUT_MS;
  // Parsing is synchronous, so sharing one parser per grammar is safe within this thread.
  const tree = parser.parse(file.text, null, { progressCallback: () => Date.now() > deadline });
  parser.reset();
  if (!tree) return null;
  return { file, grammar, language, tree, root: tree.rootNode };
}

/**
 * Parses a file, runs `fn` on the tree and frees the tree afterwards, also when `fn` throws.
 * Nodes must not escape `fn`: copy out plain values.
 *
 * @example
 * const names = await withTree(file, ({ root }) => root.descendantsOfType('identifier').map((n) => n.text));
 */
export async function withTree<T>(file: SourceFile, fn: (parsed: ParsedFile) => T): Promise<T | null> {
  const parsed = await parseFile(file);
  if (!parsed) return null;
  try {
    return fn(parsed);
  } finally {
    parsed.tree.delete();
  }
}

/** 1-based line and column of a node's start/end (columns in UTF-16 code units, end exclusive). */
export function nodeRegion(node: Node): { startLine: number; startColumn: number; endLine: number; endColumn: number } {
  return {
    startLine: node.startPosition.row + 1,
    startColumn: node.startPosition.column + 1,
    endLine: node.endPosition.row + 1,
    endColumn: node.endPosition.column + 1,
  };
}
