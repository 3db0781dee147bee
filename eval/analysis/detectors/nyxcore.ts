/**
 * nyxCore's scanner as a detector: `scanPath(root, { quiet })` from the scanner's door,
 * src/features/code-analysis/scanner/index.ts. Loaded lazily so the eval runs (baseline only)
 * before the scanner lands; the signature below is the contract this adapter is written against.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../cases.js';
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

export type ScanPath = (
  root: string,
  options?: { quiet?: boolean },
) => Promise<{ findings: NyxFinding[]; files: { scanned: number; lines: number } }>;

const scannerEntry = path.join(repoRoot, 'src/features/code-analysis/scanner/index.ts');

let loaded: Promise<ScanPath | string> | undefined;

/** The scanner's `scanPath`, or why it is not there. */
function loadScanPath(): Promise<ScanPath | string> {
  loaded ??= (async () => {
    if (!existsSync(scannerEntry)) return `${path.relative(repoRoot, scannerEntry)} does not exist yet`;
    // A computed specifier: this file type-checks whether or not the scanner has landed.
    const mod = (await import(pathToFileURL(scannerEntry).href)) as { scanPath?: unknown };
    return typeof mod.scanPath === 'function' ? (mod.scanPath as ScanPath) : 'the scanner exports no scanPath';
  })();
  return loaded;
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
    const s = await loadScanPath();
    return typeof s === 'string' ? s : undefined;
  },
  async scan(root: string): Promise<DetectorRun> {
    const scanPath = await loadScanPath();
    if (typeof scanPath === 'string') throw new Error(`nyxCore scanner unavailable: ${scanPath}`);
    const started = performance.now();
    const { findings } = await scanPath(root, { quiet: true });
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
