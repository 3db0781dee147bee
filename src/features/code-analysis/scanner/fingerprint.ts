import { createHash } from 'node:crypto';

/**
 * Stable identities for findings, so status and ignores survive re-scans.
 *
 * - `nyx/v1`: sha256 of (rule, path, matched text with whitespace collapsed), plus the
 *   occurrence index among identical triples in the file. Moving a block or editing other
 *   lines keeps it; changing the matched code itself gives a new finding, as it should.
 * - `primaryLocationLineHash`: the rolling hash GitHub's codeql-action computes for every
 *   line (100 non-whitespace characters from the line's start, base 37, 64-bit wrap-around),
 *   so GitHub code scanning matches our results across commits the way it matches CodeQL's.
 */

export function normaliseMatchedText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function nyxHash(ruleId: string, path: string, matchedText: string): string {
  return createHash('sha256')
    .update(`${ruleId}\0${path}\0${normaliseMatchedText(matchedText)}`)
    .digest('hex')
    .slice(0, 32);
}

/** Assigns `hash:occurrence` to each item, counting identical hashes in the order given (sort by position first). */
export function withOccurrences<T>(
  items: readonly T[],
  hashOf: (item: T) => string,
): Array<{ item: T; fingerprint: string }> {
  const seen = new Map<string, number>();
  return items.map((item) => {
    const hash = hashOf(item);
    const occurrence = seen.get(hash) ?? 0;
    seen.set(hash, occurrence + 1);
    return { item, fingerprint: `${hash}:${occurrence}` };
  });
}

const BLOCK_SIZE = 100;
const MOD = 37n;
const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const EOF = 65535;
const FIRST_MOD = MOD ** BigInt(BLOCK_SIZE);

const wrap = (value: bigint): bigint => BigInt.asIntN(64, value);

/**
 * `primaryLocationLineHash` for every line of `text`: index 0 is line 1. Same algorithm and
 * output as codeql-action's `fingerprints.ts` (checked against its published test vectors).
 */
export function lineHashes(text: string): string[] {
  const window = new Array<number>(BLOCK_SIZE).fill(0);
  const lineNumbers = new Array<number>(BLOCK_SIZE).fill(-1);
  const hashes: string[] = [];
  const counts = new Map<string, number>();
  let hash = 0n;
  let index = 0;
  let lineNumber = 0;
  let isLineStart = true;
  let wasCR = false;

  const outputHash = (): void => {
    const value = BigInt.asUintN(64, hash).toString(16);
    const count = (counts.get(value) ?? 0) + 1;
    counts.set(value, count);
    hashes[(lineNumbers[index] ?? 0) - 1] = `${value}:${count}`;
    lineNumbers[index] = -1;
  };
  const updateHash = (current: number): void => {
    const begin = window[index] ?? 0;
    window[index] = current;
    hash = wrap(MOD * hash + BigInt(current) - wrap(FIRST_MOD * BigInt(begin)));
    index = (index + 1) % BLOCK_SIZE;
  };
  const processCharacter = (code: number): void => {
    let current = code;
    if (current === SPACE || current === TAB || (wasCR && current === LF)) {
      wasCR = false;
      return;
    }
    if (current === CR) {
      current = LF;
      wasCR = true;
    } else {
      wasCR = false;
    }
    if (lineNumbers[index] !== -1) outputHash();
    if (isLineStart) {
      isLineStart = false;
      lineNumber += 1;
      lineNumbers[index] = lineNumber;
    }
    if (current === LF) isLineStart = true;
    updateHash(current);
  };

  for (let i = 0; i < text.length; i += 1) processCharacter(text.charCodeAt(i));
  processCharacter(EOF);
  for (let i = 0; i < BLOCK_SIZE; i += 1) {
    if (lineNumbers[index] !== -1) outputHash();
    updateHash(0);
  }
  return hashes;
}
