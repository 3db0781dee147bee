/**
 * Pure metric functions for the analysis eval: the ±3-line recall window, lines of code,
 * where a sink went in the fixed version, and the per-detector summary. No I/O here, so the
 * unit test feeds them real text.
 */
import type { EvalCase, VulnClass } from './cases.js';

/** A detector's result, reduced to what the metrics need. `path` is posix, relative to the package root. */
export interface DetectorResult {
  ruleId: string;
  path: string;
  startLine: number;
  endLine: number;
  /** nyxCore's category; the baseline has none. */
  category?: string;
}

export const WINDOW = 3;

/** Whitespace-insensitive form of a line, the way sinks are compared. */
export const squash = (s: string): string => s.replace(/\s+/g, '');

/** True when the result's line span overlaps `line ± window` in the same file. */
export function isNear(result: DetectorResult, file: string, line: number, window = WINDOW): boolean {
  return result.path === file && result.startLine <= line + window && result.endLine >= line - window;
}

/** The results that hit a case: in its file, within the window of its labelled line. */
export function hitsFor(results: readonly DetectorResult[], c: Pick<EvalCase, 'file' | 'line'>): DetectorResult[] {
  return results.filter((r) => isNear(r, c.file, c.line));
}

/** Whether `text` on 1-based `line` contains the sink (whitespace-insensitive). */
export function lineHasSink(text: string, line: number, sink: string): boolean {
  const at = text.split(/\r?\n/)[line - 1];
  return at !== undefined && squash(sink) !== '' && squash(at).includes(squash(sink));
}

const SOURCE_EXT = /\.(?:js|mjs|cjs|ts)$/;
const SKIPPED_DIR = /(?:^|\/)(?:node_modules|test|tests|__tests__|spec|docs?|examples?)\//;

/**
 * Whether a file counts as code for lines-of-code (and is linted by the baseline):
 * .js/.mjs/.cjs/.ts, not a declaration file, not minified, not under test/, docs/, examples/ or
 * node_modules/. `text` is needed to spot minified bundles that lack `.min.` in their name.
 */
export function isCountedSource(relPath: string, text?: string): boolean {
  if (!SOURCE_EXT.test(relPath) || relPath.endsWith('.d.ts') || /\.min\.[cm]?js$/.test(relPath)) return false;
  if (SKIPPED_DIR.test(relPath) || /(?:^|\/)(?:test|spec)\.[cm]?[jt]s$/.test(relPath)) return false;
  if (text !== undefined) {
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    const chars = lines.reduce((n, l) => n + l.length, 0);
    // A minified bundle: few, very long lines.
    if (lines.length > 0 && chars / lines.length > 300) return false;
  }
  return true;
}

/** Non-blank lines. */
export function countLoc(text: string): number {
  let n = 0;
  for (const l of text.split('\n')) if (l.trim() !== '') n++;
  return n;
}

/** Where the vulnerable sink is in the fixed file: the same line, or the region the fix rewrote. */
export type FixedLocation =
  { kind: 'same'; line: number } | { kind: 'region'; start: number; end: number } | { kind: 'file-gone' };

/**
 * Finds the sink in the fixed version. If its text survived, the line where it is now (the
 * occurrence nearest the old line). Otherwise the region between the nearest unchanged lines
 * around it: the closest line above and below the sink that occurs exactly once in each version.
 */
export function locateInFixed(vulnText: string, sinkLine: number, sink: string, fixedText?: string): FixedLocation {
  if (fixedText === undefined) return { kind: 'file-gone' };
  const vuln = vulnText.split(/\r?\n/).map(squash);
  const fixed = fixedText.split(/\r?\n/).map(squash);
  const target = squash(sink);
  const same = fixed.flatMap((l, i) => (l === target || (target !== '' && l.includes(target)) ? [i + 1] : []));
  if (same.length > 0) {
    const nearest = same.reduce((a, b) => (Math.abs(b - sinkLine) < Math.abs(a - sinkLine) ? b : a));
    return { kind: 'same', line: nearest };
  }
  const countIn = (lines: string[]) => {
    const m = new Map<string, number>();
    for (const l of lines) m.set(l, (m.get(l) ?? 0) + 1);
    return m;
  };
  const vCount = countIn(vuln);
  const fCount = countIn(fixed);
  const anchor = (from: number, step: 1 | -1): number | undefined => {
    for (let i = from; i >= 0 && i < vuln.length; i += step) {
      const l = vuln[i] ?? '';
      // Short lines (`}`, `});`) are not distinctive enough to anchor on.
      if (l.length >= 8 && vCount.get(l) === 1 && fCount.get(l) === 1) return fixed.indexOf(l) + 1;
    }
    return undefined;
  };
  const above = anchor(sinkLine - 2, -1);
  const below = anchor(sinkLine, 1);
  return { kind: 'region', start: above ?? 1, end: below ?? fixed.length };
}

/** Cleared: no result of the rules that hit the case remains where the sink is in the fixed version. */
export function isCleared(
  loc: FixedLocation,
  file: string,
  hitRules: ReadonlySet<string>,
  fixedResults: readonly DetectorResult[],
): boolean {
  if (loc.kind === 'file-gone') return true;
  const start = (loc.kind === 'same' ? loc.line : loc.start) - WINDOW;
  const end = (loc.kind === 'same' ? loc.line : loc.end) + WINDOW;
  return !fixedResults.some(
    (r) => r.path === file && hitRules.has(r.ruleId) && r.startLine <= end && r.endLine >= start,
  );
}

export interface CaseOutcome {
  caseId: string;
  class: VulnClass;
  hit: boolean;
  hitRules: string[];
  /** Only for hit cases whose fix changed the sink; undefined otherwise. */
  cleared?: boolean;
}

export interface PackageScan {
  spec: string;
  classes: VulnClass[];
  loc: number;
  results: DetectorResult[];
}

export interface Summary {
  cases: number;
  hits: number;
  recall: number;
  results: number;
  loc: number;
  perKloc: number;
  securityPerKloc?: number;
  clearedOf: number;
  cleared: number;
  clearedShare: number;
  topRule?: { ruleId: string; share: number };
  hitRules: Record<string, number>;
}

const ratio = (a: number, b: number) => (b === 0 ? Number.NaN : a / b);

/** Recall, noise and cleared share over a set of case outcomes and the vulnerable packages they come from. */
export function summarize(
  outcomes: readonly CaseOutcome[],
  scans: readonly PackageScan[],
  withCategory: boolean,
): Summary {
  const hits = outcomes.filter((o) => o.hit);
  const results = scans.flatMap((s) => s.results);
  const loc = scans.reduce((n, s) => n + s.loc, 0);
  const byRule = new Map<string, number>();
  for (const r of results) byRule.set(r.ruleId, (byRule.get(r.ruleId) ?? 0) + 1);
  const top = [...byRule.entries()].sort((a, b) => b[1] - a[1])[0];
  const hitRules: Record<string, number> = {};
  for (const o of hits) for (const r of o.hitRules) hitRules[r] = (hitRules[r] ?? 0) + 1;
  const judged = hits.filter((o) => o.cleared !== undefined);
  const cleared = judged.filter((o) => o.cleared === true).length;
  return {
    cases: outcomes.length,
    hits: hits.length,
    recall: ratio(hits.length, outcomes.length),
    results: results.length,
    loc,
    perKloc: ratio(results.length * 1000, loc),
    securityPerKloc: withCategory
      ? ratio(results.filter((r) => r.category === 'security').length * 1000, loc)
      : undefined,
    clearedOf: judged.length,
    cleared,
    clearedShare: ratio(cleared, judged.length),
    topRule: top ? { ruleId: top[0], share: top[1] / results.length } : undefined,
    hitRules,
  };
}
