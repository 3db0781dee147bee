import { cacheKey, type ResultCache } from './cache.js';
import { lineHashes, nyxHash, withOccurrences } from './fingerprint.js';
import { inventory, type InventoryOptions, type SkippedFile } from './inventory.js';
import { findSuppressions, suppressionFor } from './suppressions.js';
import type {
  Category,
  Confidence,
  FileAnalyzer,
  Location,
  RawFinding,
  RuleLoadError,
  RuleMeta,
  Severity,
  SourceFile,
  ToolName,
} from './types.js';

/**
 * The deterministic scan: analyzers over files, then the parts every finding gets the same
 * way whoever found it — rule metadata, snippet, in-source suppression, `nyx/v1` fingerprint
 * and GitHub's line hash. Used by `nyxcore scan` on a path and by the analysis run in batches.
 */

export type BaselineState = 'new' | 'unchanged' | 'absent';

export interface Suppression {
  kind: 'inSource' | 'external';
  justification: string;
  /** For UI ignores: the reason class and who. */
  reason?: string;
  by?: string;
}

export interface Finding extends RawFinding {
  tool: ToolName;
  ruleName: string;
  category: Category;
  severity: Severity;
  cwe: string[];
  /** `nyx/v1`: `<hash>:<occurrence>` */
  fingerprint: string;
  /** SARIF `primaryLocationLineHash` of the start line. */
  lineHash: string;
  /** The source lines of the location (at most 12). */
  snippet: string;
  suppression?: Suppression;
  baselineState?: BaselineState;
}

export interface ScanError {
  path?: string;
  tool?: ToolName;
  message: string;
}

export interface ScanProgress {
  stage: 'inventory' | 'analyzing' | 'project';
  done: number;
  total: number;
  path?: string;
}

export interface ProjectAnalyzer {
  tool: ToolName;
  version: string;
  rules: RuleMeta[];
  /** Runs over all files at once (e.g. duplicate detection across the repository). */
  analyzeAll(files: SourceFile[]): Promise<RawFinding[]>;
}

export interface ScanOptions extends InventoryOptions {
  analyzers: FileAnalyzer[];
  projectAnalyzers?: ProjectAnalyzer[];
  cache?: ResultCache;
  onProgress?: (progress: ScanProgress) => void;
  /** Problems loading rules, reported with the scan's errors. */
  ruleErrors?: RuleLoadError[];
}

export interface ScanReport {
  files: { scanned: number; lines: number; skipped: SkippedFile[]; ignored: number; cached: number };
  findings: Finding[];
  rules: RuleMeta[];
  tools: Array<{ tool: ToolName; version: string }>;
  errors: ScanError[];
  durationMs: number;
}

const SNIPPET_LINES = 12;

function snippetOf(lines: readonly string[], location: Location): string {
  const end = Math.min(location.endLine, location.startLine + SNIPPET_LINES - 1);
  return lines.slice(location.startLine - 1, end).join('\n');
}

const byPosition = (a: RawFinding, b: RawFinding): number =>
  a.location.startLine - b.location.startLine ||
  a.location.startColumn - b.location.startColumn ||
  a.ruleId.localeCompare(b.ruleId);

/**
 * Turns one file's raw results into findings. Results whose location is not inside the file
 * are dropped (a location must exist byte for byte); `errors` gets a line for each.
 */
export function toFindings(
  file: SourceFile,
  raw: ReadonlyArray<{ tool: ToolName; finding: RawFinding }>,
  rules: ReadonlyMap<string, RuleMeta>,
  errors: ScanError[],
): Finding[] {
  if (raw.length === 0) return [];
  const lines = file.text.split('\n');
  const hashes = lineHashes(file.text);
  const suppressions = findSuppressions(file.text);
  const valid = raw.filter(({ tool, finding }) => {
    const { startLine, endLine } = finding.location;
    const isInside = startLine >= 1 && endLine >= startLine && endLine <= lines.length;
    if (!isInside)
      errors.push({
        path: file.path,
        tool,
        message: `${finding.ruleId}: location ${startLine}-${endLine} is outside the file; result dropped`,
      });
    return isInside && finding.location.path === file.path;
  });
  valid.sort((a, b) => byPosition(a.finding, b.finding));
  return withOccurrences(valid, ({ finding }) => nyxHash(finding.ruleId, file.path, finding.matchedText)).map(
    ({ item: { tool, finding }, fingerprint }) => {
      const rule = rules.get(finding.ruleId);
      const suppression = suppressionFor(suppressions, finding.ruleId, finding.location.startLine);
      return {
        ...finding,
        tool,
        ruleName: rule?.name ?? finding.ruleId,
        category: rule?.category ?? 'code-smell',
        severity: finding.severity ?? rule?.severity ?? 'medium',
        cwe: rule?.cwe ?? [],
        fingerprint,
        lineHash: hashes[finding.location.startLine - 1] ?? '',
        snippet: snippetOf(lines, finding.location),
        ...(suppression
          ? { suppression: { kind: 'inSource' as const, justification: suppression.justification } }
          : {}),
      };
    },
  );
}

/** Runs every supporting analyzer on one file, through the cache. An analyzer that throws is an error on the report, not a failed scan. */
export async function analyzeFile(
  file: SourceFile,
  analyzers: readonly FileAnalyzer[],
  cache: ResultCache | undefined,
  errors: ScanError[],
): Promise<{ raw: Array<{ tool: ToolName; finding: RawFinding }>; isCached: boolean }> {
  const raw: Array<{ tool: ToolName; finding: RawFinding }> = [];
  let isCached = true;
  for (const analyzer of analyzers) {
    if (!analyzer.supports(file)) continue;
    const key = cacheKey(analyzer, file);
    let results = cache ? await cache.get(key) : undefined;
    if (!results) {
      isCached = false;
      try {
        results = await analyzer.analyze(file);
        await cache?.set(key, results);
      } catch (error) {
        errors.push({
          path: file.path,
          tool: analyzer.tool,
          message: error instanceof Error ? error.message : String(error),
        });
        results = [];
      }
    }
    for (const finding of results) raw.push({ tool: analyzer.tool, finding });
  }
  return { raw, isCached };
}

export function ruleTable(options: Pick<ScanOptions, 'analyzers' | 'projectAnalyzers'>): Map<string, RuleMeta> {
  const rules = new Map<string, RuleMeta>();
  for (const analyzer of [...options.analyzers, ...(options.projectAnalyzers ?? [])]) {
    for (const rule of analyzer.rules) rules.set(rule.id, rule);
  }
  return rules;
}

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
const CONFIDENCE_ORDER: Record<Confidence, number> = { high: 0, medium: 1, low: 2 };

/** Most severe first, then most confident, then by place. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    CONFIDENCE_ORDER[a.confidence] - CONFIDENCE_ORDER[b.confidence] ||
    a.location.path.localeCompare(b.location.path) ||
    a.location.startLine - b.location.startLine
  );
}

/** Scans already-read files: what the analysis run calls per batch, and `scanPath` after its inventory. */
export async function scanFiles(
  files: readonly SourceFile[],
  options: ScanOptions,
): Promise<Omit<ScanReport, 'files' | 'durationMs'> & { cached: number }> {
  const rules = ruleTable(options);
  const errors: ScanError[] = (options.ruleErrors ?? []).map((e) => ({
    path: e.file,
    message: `${e.ruleId ? `${e.ruleId}: ` : ''}${e.message}`,
  }));
  const findings: Finding[] = [];
  let cached = 0;
  for (const [index, file] of files.entries()) {
    options.onProgress?.({ stage: 'analyzing', done: index, total: files.length, path: file.path });
    const { raw, isCached } = await analyzeFile(file, options.analyzers, options.cache, errors);
    if (isCached) cached += 1;
    findings.push(...toFindings(file, raw, rules, errors));
  }
  options.onProgress?.({ stage: 'analyzing', done: files.length, total: files.length });
  const byPath = new Map(files.map((f) => [f.path, f]));
  for (const [index, analyzer] of (options.projectAnalyzers ?? []).entries()) {
    options.onProgress?.({ stage: 'project', done: index, total: options.projectAnalyzers?.length ?? 0 });
    try {
      const raw = await analyzer.analyzeAll([...files]);
      const perFile = new Map<string, Array<{ tool: ToolName; finding: RawFinding }>>();
      for (const finding of raw) {
        const list = perFile.get(finding.location.path) ?? [];
        list.push({ tool: analyzer.tool, finding });
        perFile.set(finding.location.path, list);
      }
      for (const [filePath, list] of perFile) {
        const file = byPath.get(filePath);
        if (file) findings.push(...toFindings(file, list, rules, errors));
      }
    } catch (error) {
      errors.push({ tool: analyzer.tool, message: error instanceof Error ? error.message : String(error) });
    }
  }
  const tools = [...options.analyzers, ...(options.projectAnalyzers ?? [])].map((a) => ({
    tool: a.tool,
    version: a.version,
  }));
  return { findings: findings.sort(compareFindings), rules: [...rules.values()], tools, errors, cached };
}

/**
 * Inventories and scans a directory. Needs no database or server.
 *
 * @example const report = await scanPath('/repo', { analyzers: await builtinAnalyzers() });
 */
export async function scanPath(root: string, options: ScanOptions): Promise<ScanReport> {
  const started = performance.now();
  options.onProgress?.({ stage: 'inventory', done: 0, total: 0 });
  const inv = await inventory(root, options);
  const result = await scanFiles(inv.files, options);
  return {
    files: {
      scanned: inv.files.length,
      lines: inv.files.reduce((sum, f) => sum + f.lines, 0),
      skipped: inv.skipped,
      ignored: inv.ignoredCount,
      cached: result.cached,
    },
    findings: result.findings,
    rules: result.rules,
    tools: result.tools,
    errors: result.errors,
    durationMs: Math.round(performance.now() - started),
  };
}

/**
 * Marks each finding `new` or `unchanged` against the fingerprints of a previous run, and
 * returns the previous ones that are gone as `absent`.
 */
export function applyBaseline<T extends BaselineKey, P extends BaselineKey>(
  current: readonly T[],
  previous: readonly P[],
): { current: Array<T & { baselineState: BaselineState }>; absent: Array<P & { baselineState: 'absent' }> } {
  const key = (f: BaselineKey): string => `${f.ruleId}\0${f.fingerprint}`;
  const before = new Set(previous.map(key));
  const now = new Set(current.map(key));
  return {
    current: current.map((f) => ({ ...f, baselineState: before.has(key(f)) ? 'unchanged' : 'new' })),
    absent: previous.filter((f) => !now.has(key(f))).map((f) => ({ ...f, baselineState: 'absent' as const })),
  };
}

type BaselineKey = { ruleId: string; fingerprint: string };
