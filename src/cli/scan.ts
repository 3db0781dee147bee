/**
 * `nyxcore scan <path>`: the deterministic part of code analysis, for CI. No server, no
 * database, no LLM: inventory, rule packs, ReDoS, secrets, duplicates, then text / JSON /
 * SARIF, and an exit code the way teams use ESLint or Semgrep — 1 when unsuppressed findings
 * at or above `--fail-on` remain (only new ones with `--baseline`), 2 on a usage error.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  applyBaseline,
  baselineFromSarif,
  builtinScanOptions,
  JsonFileResultCache,
  scanWith,
  SEVERITIES,
  toSarif,
  type Finding,
  type ScanReport,
  type Severity,
} from '../features/code-analysis/index.js';

export const SCAN_HELP = `Usage: nyxcore scan <path> [options]

Scans a directory with nyxCore's deterministic analyzers (no server, no database, no LLM).
Analysed code is only read: never run, never installed.

Options:
  --format <text|json|sarif>  what to print on stdout (default: text)
  --sarif <file>              also write SARIF 2.1.0 to <file>
  --fail-on <severity>        exit 1 when unsuppressed findings at or above it remain:
                              critical, high, medium, low, info, or none (default: high)
  --baseline <file.sarif>     a previous SARIF: only findings not in it count for --fail-on;
                              results are marked new / unchanged / absent
  --rules <file.yml>          add a rule pack (repeatable)
  --exclude <pattern>         gitignore-style pattern to leave out (repeatable)
  --cache <file>              reuse results for unchanged files between runs
  --duplicates                also report duplicated code across files (jscpd; slower)
  --no-progress               no progress bar on a terminal`;

class ScanUsageError extends Error {}

const SEVERITY_RANK = new Map<Severity, number>(SEVERITIES.map((s, i) => [s, i]));

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      sarif: { type: 'string' },
      'fail-on': { type: 'string', default: 'high' },
      baseline: { type: 'string' },
      rules: { type: 'string', multiple: true, default: [] },
      exclude: { type: 'string', multiple: true, default: [] },
      cache: { type: 'string' },
      duplicates: { type: 'boolean', default: false },
      'no-progress': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const format = values.format;
  if (format !== 'text' && format !== 'json' && format !== 'sarif')
    throw new ScanUsageError(`--format: expected text, json or sarif, got "${format}"`);
  const failOn = values['fail-on'];
  if (failOn !== 'none' && !SEVERITY_RANK.has(failOn as Severity))
    throw new ScanUsageError(`--fail-on: expected one of ${SEVERITIES.join(', ')} or none, got "${failOn}"`);
  if (positionals.length > 1) throw new ScanUsageError(`scan takes one path, got ${positionals.length}`);
  return { values, format, failOn: failOn === 'none' ? null : (failOn as Severity), target: positionals[0] };
}

function progress(isEnabled: boolean) {
  if (!isEnabled) return undefined;
  let last = 0;
  return (p: { stage: string; done: number; total: number; path?: string }) => {
    const now = Date.now();
    if (now - last < 80 && p.done < p.total) return;
    last = now;
    const width = 24;
    const filled = p.total ? Math.round((p.done / p.total) * width) : 0;
    const label = p.stage === 'analyzing' ? `${p.done}/${p.total} ${p.path ?? ''}` : p.stage;
    process.stderr.write(
      `\r\x1b[K  scanning [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${label.slice(0, 60)}`,
    );
  };
}

function textReport(report: ScanReport, findings: readonly Finding[], absent: number): string {
  const lines: string[] = [];
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.suppression) continue;
    byFile.set(f.location.path, [...(byFile.get(f.location.path) ?? []), f]);
  }
  for (const [file, list] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(file);
    for (const f of list.sort((a, b) => a.location.startLine - b.location.startLine)) {
      const where = `${f.location.startLine}:${f.location.startColumn}`.padEnd(8);
      const state = f.baselineState === 'new' ? ' [new]' : '';
      lines.push(`  ${where}${f.severity.padEnd(9)}${f.ruleId}  ${f.message} (confidence ${f.confidence})${state}`);
      const first = f.snippet.split('\n')[0]?.trim();
      if (first) lines.push(`          │ ${first.slice(0, 140)}`);
    }
    lines.push('');
  }
  const open = findings.filter((f) => !f.suppression);
  const counts = SEVERITIES.map((s) => [s, open.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  const skipped = new Map<string, number>();
  for (const s of report.files.skipped) skipped.set(s.reason, (skipped.get(s.reason) ?? 0) + 1);
  lines.push(
    `${open.length ? '✖' : '✔'} ${open.length} finding(s)${counts.length ? ` (${counts.join(', ')})` : ''} in ${report.files.scanned} files (${report.files.lines.toLocaleString('en')} lines)` +
      `${findings.length - open.length ? `, ${findings.length - open.length} suppressed` : ''}${absent ? `, ${absent} fixed since the baseline` : ''} · ${(report.durationMs / 1000).toFixed(1)} s`,
  );
  if (skipped.size)
    lines.push(
      `  skipped: ${[...skipped].map(([reason, n]) => `${n} ${reason}`).join(', ')}${report.files.ignored ? `; ${report.files.ignored} ignored by .gitignore/.nyxignore` : ''}`,
    );
  for (const e of report.errors) lines.push(`  ! ${e.path ? `${e.path}: ` : ''}${e.message}`);
  return lines.join('\n');
}

/** Runs the command; returns the exit code. */
export async function runScan(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    process.stderr.write(`nyxcore scan: ${error instanceof Error ? error.message : String(error)}\n${SCAN_HELP}\n`);
    return 2;
  }
  const { values, format, failOn, target } = parsed;
  if (values.help) {
    process.stdout.write(`${SCAN_HELP}\n`);
    return 0;
  }
  try {
    if (!target) throw new ScanUsageError('give the directory to scan: nyxcore scan <path>');
    const root = path.resolve(target);
    const info = await stat(root).catch(() => null);
    if (!info?.isDirectory()) throw new ScanUsageError(`${target}: not a directory`);
    let previous: Array<{ ruleId: string; fingerprint: string }> | null = null;
    if (values.baseline) {
      const text = await readFile(values.baseline, 'utf8').catch(() => {
        throw new ScanUsageError(`--baseline: cannot read ${values.baseline}`);
      });
      try {
        previous = baselineFromSarif(JSON.parse(text));
      } catch (error) {
        throw new ScanUsageError(
          `--baseline: ${values.baseline} is not a SARIF 2.1.0 log (${error instanceof Error ? error.message : ''})`,
        );
      }
    }
    const rulePacks = await Promise.all(
      values.rules.map(async (file) => ({
        file,
        text: await readFile(file, 'utf8').catch(() => {
          throw new ScanUsageError(`--rules: cannot read ${file}`);
        }),
      })),
    );
    const cache = values.cache ? await JsonFileResultCache.open(values.cache) : undefined;
    const options = await builtinScanOptions({ rulePacks });
    const report = await scanWith(root, {
      ...options,
      // Duplicates are code smell, not a CI gate, and cost as much as the rest: on request only.
      projectAnalyzers: values.duplicates ? options.projectAnalyzers : [],
      exclude: values.exclude,
      ...(cache ? { cache } : {}),
      ...(process.stderr.isTTY && !values['no-progress'] ? { onProgress: progress(true) } : {}),
    });
    if (process.stderr.isTTY && !values['no-progress']) process.stderr.write('\r\x1b[K');
    await cache?.save();

    const baseline = previous
      ? applyBaseline(
          report.findings,
          previous.map((p) => ({ ...p })),
        )
      : null;
    const findings: Finding[] = baseline ? baseline.current : report.findings;
    const absent = baseline ? baseline.absent.length : 0;
    const sarif = () =>
      toSarif({ findings, rules: report.rules, tools: report.tools, errors: report.errors, rootUri: `file://${root}` });
    if (values.sarif) await writeFile(values.sarif, `${JSON.stringify(sarif(), null, 2)}\n`);
    if (format === 'sarif') process.stdout.write(`${JSON.stringify(sarif(), null, 2)}\n`);
    else if (format === 'json')
      process.stdout.write(
        `${JSON.stringify({ root, files: report.files, durationMs: report.durationMs, findings, fixedSinceBaseline: absent, errors: report.errors, tools: report.tools }, null, 2)}\n`,
      );
    else process.stdout.write(`${textReport(report, findings, absent)}\n`);

    // A team rule pack that does not load fails the command: CI must not pass on rules that never ran.
    const userPackErrors = options.ruleErrors.filter((e) => values.rules.includes(e.file));
    if (userPackErrors.length) {
      for (const e of userPackErrors) process.stderr.write(`nyxcore scan: ${e.file}: ${e.message}\n`);
      return 2;
    }
    if (failOn === null) return 0;
    const threshold = SEVERITY_RANK.get(failOn) ?? 0;
    const failing = findings.filter(
      (f) => !f.suppression && (SEVERITY_RANK.get(f.severity) ?? 9) <= threshold && f.baselineState !== 'unchanged',
    );
    return failing.length ? 1 : 0;
  } catch (error) {
    if (error instanceof ScanUsageError) {
      process.stderr.write(`nyxcore scan: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
