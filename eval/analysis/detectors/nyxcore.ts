/**
 * nyxCore's scanner as a detector: `scanPath(root, { quiet })` from the scanner's door,
 * src/features/code-analysis/scanner/index.ts. Loaded lazily so the eval runs (baseline only)
 * before the scanner lands; the signature below is the contract this adapter is written against.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cacheRoot, repoRoot } from '../cases.js';
import type { DetectorResult } from '../metrics.js';
import type { Detector, DetectorRun } from './types.js';

export interface NyxFinding {
  ruleId: string;
  tool: string;
  category: string;
  severity: string;
  confidence: string;
  location: { path: string; startLine: number; endLine: number };
}

/** The scanner's per-file result cache (blob SHA, analyzer version, ruleset hash); optional for this adapter. */
interface ResultCacheFile {
  save(): Promise<void>;
}

export type ScanPath = (
  root: string,
  options?: { quiet?: boolean; cache?: ResultCacheFile },
) => Promise<{ findings: NyxFinding[]; files: { scanned: number; lines: number } }>;

interface ScannerModule {
  scanPath: ScanPath;
  openCache?: (file: string) => Promise<ResultCacheFile>;
}

const scannerEntry = path.join(repoRoot, 'src/features/code-analysis/scanner/index.ts');

let loaded: Promise<ScannerModule | string> | undefined;

/** The scanner's `scanPath` (and its JSON result cache when exported), or why it is not there. */
function loadScanner(): Promise<ScannerModule | string> {
  loaded ??= (async () => {
    if (!existsSync(scannerEntry)) return `${path.relative(repoRoot, scannerEntry)} does not exist yet`;
    // A computed specifier: this file type-checks whether or not the scanner has landed.
    const mod = (await import(pathToFileURL(scannerEntry).href)) as {
      scanPath?: unknown;
      JsonFileResultCache?: { open?: unknown };
    };
    if (typeof mod.scanPath !== 'function') return 'the scanner exports no scanPath';
    const open = mod.JsonFileResultCache?.open;
    return {
      scanPath: mod.scanPath as ScanPath,
      openCache:
        typeof open === 'function'
          ? (file: string) => (open as (f: string) => Promise<ResultCacheFile>).call(mod.JsonFileResultCache, file)
          : undefined,
    };
  })();
  return loaded;
}

/** One cache file per extracted package, so a run with --only does not prune the others' entries. */
function cacheFileFor(root: string): string {
  const spec = path.relative(cacheRoot, root).split(path.sep)[0] ?? 'unknown';
  return path.join(cacheRoot, '_nyx-cache', `${spec}.json`);
}

/** Scanner paths may come back absolute or relative; results use posix paths relative to the package root. */
export function toRelative(root: string, p: string): string {
  const rel = path.isAbsolute(p) ? path.relative(root, p) : p;
  return rel.split(path.sep).join('/').replace(/^\.\//, '');
}

export const nyxcore: Detector = {
  name: 'nyx',
  label: 'nyxCore',
  hasCategory: true,
  async unavailable() {
    const s = await loadScanner();
    return typeof s === 'string' ? s : undefined;
  },
  async scan(root: string): Promise<DetectorRun> {
    const scanner = await loadScanner();
    if (typeof scanner === 'string') throw new Error(`nyxCore scanner unavailable: ${scanner}`);
    const started = performance.now();
    // Warm runs reuse per-file results; a cache is never a source of truth (the scanner re-keys on any change).
    const cache = await scanner.openCache?.(cacheFileFor(root));
    const { findings } = await scanner.scanPath(root, { quiet: true, cache });
    await cache?.save();
    const results: DetectorResult[] = findings.map((f) => ({
      ruleId: f.ruleId,
      path: toRelative(root, f.location.path),
      startLine: f.location.startLine,
      endLine: f.location.endLine,
      category: f.category,
    }));
    return { results, parseErrors: 0, ms: performance.now() - started };
  },
};
