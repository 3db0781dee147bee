/** The deterministic scanner: no database, no server. `nyxcore scan` and the analysis run both use it. */
export { builtinRuleTable, builtinScanOptions, builtinScanSetup, type ScanSetup } from './builtin.js';
export { JsonFileResultCache, MemoryResultCache, type ResultCache } from './cache.js';
export { inventory, languageOf, type Inventory, type InventoryFile, type SkippedFile } from './inventory.js';
export {
  applyBaseline,
  scanFiles,
  scanPath as scanWith,
  type Finding,
  type ScanOptions,
  type ScanReport,
} from './scan.js';
export { baselineFromSarif, toSarif, type SarifLog } from './sarif.js';
export {
  CATEGORIES,
  SEVERITIES,
  type Category,
  type RawFinding,
  type RuleMeta,
  type Severity,
  type SourceFile,
} from './types.js';

import { builtinScanOptions } from './builtin.js';
import { scanPath as scanWith, type ScanOptions, type ScanReport } from './scan.js';

/**
 * Scans a directory with the built-in analyzers unless `options.analyzers` says otherwise.
 *
 * @example const { findings } = await scanPath('/repo');
 */
export async function scanPath(
  root: string,
  options: Partial<ScanOptions> & { quiet?: boolean } = {},
): Promise<ScanReport> {
  const defaults = options.analyzers
    ? { analyzers: options.analyzers, projectAnalyzers: options.projectAnalyzers ?? [] }
    : await builtinScanOptions({});
  return scanWith(root, {
    ...defaults,
    ...options,
    analyzers: defaults.analyzers,
    projectAnalyzers: options.projectAnalyzers ?? defaults.projectAnalyzers,
  });
}
