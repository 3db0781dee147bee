/**
 * Duplicate code through jscpd's in-memory engine (`@jscpd/core` + `@jscpd/tokenizer`; the `jscpd`
 * CLI package needs Node 22). One Detector and one in-memory store see every file: a clone is reported
 * when its second copy is added, so the files go in in path order and "the later copy" is well
 * defined. Unlike the per-file analyzers this one is cross-file, so it runs over the whole file set.
 */
import { Detector, getDefaultOptions, getModeHandler, type IClone, type IMapFrame, type IStore } from '@jscpd/core';
import { Tokenizer, getFormatByFile } from '@jscpd/tokenizer';
import type { Language, Location, RawFinding, RuleMeta, SourceFile } from './types.js';

export const DUPLICATION_VERSION = 'jscpd-4.2.5/2';

/** Larger files are skipped: generated or bundled code, and jscpd's cost grows with them. */
export const MAX_DUPLICATION_CHARS = 300_000;

const CODE_LANGUAGES: readonly Language[] = ['typescript', 'tsx', 'javascript', 'python', 'go', 'java'];

export const duplicateCodeRule: RuleMeta = {
  id: 'code-smell/duplicate-code',
  tool: 'jscpd',
  name: 'Duplicated code',
  category: 'code-smell',
  severity: 'low',
  cwe: ['CWE-1041'],
  summary: 'A block of code is repeated token for token in another place.',
  help: [
    'The same block of code appears in two places. A bug fixed in one copy stays in the other, and',
    'the copies drift apart over time.',
    '',
    '**How to fix:** move the shared logic into one function (or module) and call it from both places.',
    'If the copies are meant to diverge (generated code, fixtures, a deliberate fork), ignore the',
    'finding with a reason, or list the path in `.nyxignore`.',
    '',
    'Detection compares tokens with comments and whitespace removed (jscpd, "weak" mode); by default a',
    'block counts when it is at least 70 tokens and 6 lines long.',
  ].join('\n'),
  languages: [...CODE_LANGUAGES],
};

/**
 * jscpd's MemoryStore, on Maps: the original rejects every miss with a fresh `Error` (a stack trace
 * per token position, a third of the run) and keeps ~one key per token in a plain object. Misses
 * are the common case, so this one rejects with one shared value.
 */
class FrameStore implements IStore<IMapFrame> {
  private readonly spaces = new Map<string, Map<string, IMapFrame>>();
  private current = new Map<string, IMapFrame>();
  namespace(name: string): void {
    let space = this.spaces.get(name);
    if (!space) this.spaces.set(name, (space = new Map<string, IMapFrame>()));
    this.current = space;
  }
  get(key: string): Promise<IMapFrame> {
    const frame = this.current.get(key);
    return frame ? Promise.resolve(frame) : Promise.reject(NOT_FOUND);
  }
  set(key: string, value: IMapFrame): Promise<IMapFrame> {
    this.current.set(key, value);
    return Promise.resolve(value);
  }
  close(): void {
    this.spaces.clear();
  }
}
const NOT_FOUND = new Error('not found');

/**
 * jscpd hashes every window of `minTokens` token hashes (1,400 characters at 70 tokens) with MD5;
 * that was most of the run. Clone detection needs equality, not cryptography: three independent
 * 32-bit multiplicative lanes (96 bits, 24 hex characters; jscpd keeps the first 20) are ~4× faster.
 */
function fastHash(value: string): string {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  let c = 0x2545f491;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
    c = Math.imul(c + code, 0x27d4eb2d) ^ (c >>> 15);
  }
  const hex = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');
  return hex(a) + hex(b ^ (b >>> 13)) + hex(c);
}

export interface DuplicationOptions {
  /** Smallest clone in tokens (default 70). */
  minTokens?: number;
  /** Smallest clone in lines (default 6). */
  minLines?: number;
}

/**
 * Finds blocks repeated across (or within) files: one finding per clone pair, located at the later
 * copy (by path, then position), with the earlier copy as `related`.
 *
 * @example
 * const findings = await detectDuplicates(files, { minTokens: 70, minLines: 6 });
 * // "src/b.ts:12–21 duplicates src/a.ts:3–12 (10 lines)."
 */
export async function detectDuplicates(files: SourceFile[], options: DuplicationOptions = {}): Promise<RawFinding[]> {
  const detector = new Detector(new Tokenizer(), new FrameStore(), [], {
    ...getDefaultOptions(),
    hashFunction: fastHash,
    minTokens: options.minTokens ?? 70,
    minLines: options.minLines ?? 6,
    // A clone longer than jscpd's default 1,000 lines (a copied file) is still a clone.
    maxLines: Number.MAX_SAFE_INTEGER,
    // "weak" drops comments too: shared licence headers are not duplicated code.
    mode: getModeHandler('weak'),
    silent: true,
  });
  const byPath = new Map<string, SourceFile>();
  const order = new Map<string, number>();
  const candidates = files
    .filter((f) => CODE_LANGUAGES.includes(f.language) && f.text.length <= MAX_DUPLICATION_CHARS)
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const findings: RawFinding[] = [];
  for (const file of candidates) {
    const format = getFormatByFile(file.path) ?? file.language;
    if (byPath.has(file.path)) continue;
    byPath.set(file.path, file);
    order.set(file.path, order.size);
    for (const clone of await detector.detect(file.path, file.text, format)) {
      const finding = toFinding(clone, byPath, order);
      if (finding) findings.push(finding);
    }
  }
  return findings;
}

type Copy = IClone['duplicationA'];

const BUILD_DIR = /(^|\/)(dist|build|lib|es|esm|cjs|umd|out|min|bundles?|fesm\d*|esm\d*)\//;
const basename = (p: string): string => p.slice(p.lastIndexOf('/') + 1).replace(/\.(min\.)?(m|c)?[jt]sx?$/, '');

/**
 * Two copies of one module in different build outputs (`lib/x.js` and `es/x.js`, `src/x.ts` and
 * `dist/x.js`) are how packages ship, not duplicated code anyone should refactor.
 */
export function isBuildCopy(a: string, b: string): boolean {
  return basename(a) === basename(b) && (BUILD_DIR.test(a) || BUILD_DIR.test(b));
}

function toFinding(clone: IClone, byPath: Map<string, SourceFile>, order: Map<string, number>): RawFinding | null {
  if (isBuildCopy(clone.duplicationA.sourceId, clone.duplicationB.sourceId)) return null;
  const rank = (copy: Copy): [number, number] => [order.get(copy.sourceId) ?? 0, copy.range[0]];
  const [a, b] = [rank(clone.duplicationA), rank(clone.duplicationB)];
  const isALater = a[0] > b[0] || (a[0] === b[0] && a[1] >= b[1]);
  const later = isALater ? clone.duplicationA : clone.duplicationB;
  const earlier = isALater ? clone.duplicationB : clone.duplicationA;
  const laterFile = byPath.get(later.sourceId);
  const earlierFile = byPath.get(earlier.sourceId);
  if (!laterFile || !earlierFile) return null;
  const location = locate(laterFile, later.range);
  const related = locate(earlierFile, earlier.range);
  const lines = location.endLine - location.startLine + 1;
  const place = (l: Location): string => `${l.path}:${l.startLine}–${l.endLine}`;
  return {
    ruleId: duplicateCodeRule.id,
    message: `${place(location)} duplicates ${place(related)} (${lines} lines).`,
    confidence: 'high',
    location,
    related: [{ ...related, message: 'The other copy.' }],
    matchedText: laterFile.text.slice(later.range[0], later.range[1]),
    properties: { lines, duplicateOf: place(related) },
  };
}

/** A region from jscpd's character range (its line/column fields are token positions, not exact ends). */
function locate(file: SourceFile, [start, end]: [number, number]): Location {
  const from = position(file.text, start);
  const to = position(file.text, end);
  return {
    path: file.path,
    startLine: from.line,
    startColumn: from.column,
    endLine: to.line,
    endColumn: to.column,
  };
}

function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
