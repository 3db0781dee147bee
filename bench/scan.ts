/**
 * npm run bench:scan — `nyxcore scan` on a large real codebase against raw `ast-grep scan`
 * with the same rules, in the same run.
 *
 * Codebase: date-fns 2.30.0 from npm (5,700+ files: the published ESM, CJS, FP and TypeScript
 * builds), fetched with `npm pack` into .cache/ and only read, never run. Measures
 *   raw:   `ast-grep scan` (native, all cores) over the same rules, exported from nyxCore's packs
 *   same:  nyxCore with the same rules only (inventory, ast-grep packs + evidence, fingerprints)
 *   full:  nyxCore's scan as the CLI runs it (plus ReDoS, secrets, parse check, infrastructure
 *          rules) with an empty cache, in this process and as the CLI end to end; and with
 *          duplicates (what an analysis run adds)
 *   incr:  a re-scan after one file changed, with the cache of the full scan
 * Each is the median of RUNS runs. Targets: nyxCore ≤ 1.5 × raw, incremental ≤ 2 % of full.
 * Flags: --runs N (default 3), --package name@version.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile, appendFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stringify as toYaml } from 'yaml';
import { builtinScanOptions, inventory, MemoryResultCache, scanPath } from '../src/features/code-analysis/index.js';
import { createRuleAnalyzer } from '../src/features/code-analysis/scanner/ast-grep-analyzer.js';
import { loadBuiltinRules } from '../src/features/code-analysis/scanner/rule-pack.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, package: { type: 'string', default: 'date-fns@2.30.0' } },
});
const RUNS = Number(values.runs);
const PACKAGE = values.package;
const root = path.resolve(import.meta.dirname, '..');
const cacheDir = path.join(root, '.cache', 'bench-scan');
const codebase = path.join(cacheDir, PACKAGE.replace('/', '__'));
const require = createRequire(import.meta.url);
const astGrep = path.join(path.dirname(require.resolve('@ast-grep/cli-linux-x64-gnu/package.json')), 'ast-grep');

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function fetchCodebase(): Promise<void> {
  if (existsSync(path.join(codebase, 'package', 'package.json'))) return;
  await mkdir(codebase, { recursive: true });
  const tgz = execFileSync('npm', ['pack', PACKAGE, '--pack-destination', codebase, '--silent'], {
    encoding: 'utf8',
  }).trim();
  execFileSync('tar', ['xzf', path.join(codebase, tgz), '-C', codebase]);
}

/** The same rules as an ast-grep project: one rule file per (rule, language), as the CLI wants. */
async function writeAstGrepProject(dir: string): Promise<number> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.join(dir, 'rules'), { recursive: true });
  const { rules } = loadBuiltinRules();
  const cliLanguage = {
    typescript: 'TypeScript',
    tsx: 'Tsx',
    javascript: 'JavaScript',
    python: 'Python',
    go: 'Go',
    java: 'Java',
  } as const;
  let count = 0;
  for (const rule of rules) {
    for (const language of rule.languages) {
      const doc = {
        id: `${rule.id.replace('/', '-')}-${language}`,
        language: cliLanguage[language],
        severity: 'warning',
        message: rule.summary,
        rule: rule.rule,
        ...(rule.constraints ? { constraints: rule.constraints } : {}),
        ...(rule.utils ? { utils: rule.utils } : {}),
      };
      await writeFile(path.join(dir, 'rules', `${doc.id}.yml`), toYaml(doc));
      count += 1;
    }
  }
  await writeFile(path.join(dir, 'sgconfig.yml'), toYaml({ ruleDirs: ['rules'] }));
  return count;
}

function timeRaw(project: string): { ms: number; rssKb: number; matches: number } {
  const started = performance.now();
  const result = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      '%M',
      astGrep,
      'scan',
      '--config',
      path.join(project, 'sgconfig.yml'),
      '--json=stream',
      path.join(codebase, 'package'),
    ],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    },
  );
  const ms = performance.now() - started;
  if (result.status !== 0 && result.status !== 1) throw new Error(`ast-grep failed: ${result.stderr.slice(0, 500)}`);
  const rssKb = Number(result.stderr.trim().split('\n').at(-1));
  return { ms, rssKb, matches: result.stdout.split('\n').filter(Boolean).length };
}

function timeCli(): { ms: number; rssKb: number } {
  const started = performance.now();
  const result = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      '%M',
      process.execPath,
      path.join(root, 'bin', 'nyxcore.js'),
      'scan',
      path.join(codebase, 'package'),
      '--format',
      'json',
      '--fail-on',
      'none',
      '--no-progress',
    ],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    },
  );
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`nyxcore scan failed: ${result.stderr.slice(0, 500)}`);
  return { ms, rssKb: Number(result.stderr.trim().split('\n').at(-1)) };
}

/** A file in the middle of the codebase to edit for the incremental run (Node 20's recursive readdir can hang: the inventory lists it). */
async function middleCodeFile(dir: string): Promise<string> {
  const { files } = await inventory(dir);
  const code = files.filter((f) => f.path.endsWith('.js'));
  const file = code[Math.floor(code.length / 2)];
  if (!file) throw new Error('no .js file in the codebase');
  return path.join(dir, file.path);
}

async function main(): Promise<void> {
  await fetchCodebase();
  const target = path.join(codebase, 'package');
  const project = path.join(cacheDir, 'ast-grep-project');
  const ruleFiles = await writeAstGrepProject(project);
  const options = await builtinScanOptions({});
  // The CLI's default: every file analyzer, duplicates only with --duplicates.
  const cliOptions = { ...options, projectAnalyzers: [] };
  // Exactly what the raw tool runs: the ast-grep rule packs (plus inventory, evidence, fingerprints).
  const sameRules = { analyzers: [createRuleAnalyzer(loadBuiltinRules().rules)], projectAnalyzers: [] };

  // Warm-up: loads grammars, the recheck agent and the OS page cache for both tools.
  timeRaw(project);
  const warm = await scanPath(target, cliOptions);
  console.log(
    `${PACKAGE}: ${warm.files.scanned} files scanned (${warm.files.lines.toLocaleString('en')} lines), ${warm.files.skipped.length} skipped, ${warm.findings.length} findings; ${ruleFiles} ast-grep rule files`,
  );

  const raw: number[] = [];
  const same: number[] = [];
  const full: number[] = [];
  const withDuplicates: number[] = [];
  const cli: number[] = [];
  const incremental: number[] = [];
  let rawRss = 0;
  let cliRss = 0;
  let rawMatches = 0;
  const changed = await middleCodeFile(target);
  for (let i = 0; i < RUNS; i += 1) {
    console.error(`run ${i + 1}/${RUNS}: raw ast-grep…`);
    const r = timeRaw(project);
    raw.push(r.ms);
    rawRss = Math.max(rawRss, r.rssKb);
    rawMatches = r.matches;

    console.error(`run ${i + 1}/${RUNS}: nyxCore, same rules, then the CLI default…`);
    let started = performance.now();
    await scanPath(target, sameRules);
    same.push(performance.now() - started);

    const cache = new MemoryResultCache();
    started = performance.now();
    await scanPath(target, { ...cliOptions, cache });
    full.push(performance.now() - started);

    console.error(`run ${i + 1}/${RUNS}: nyxCore with duplicates…`);
    started = performance.now();
    await scanPath(target, options);
    withDuplicates.push(performance.now() - started);

    console.error(`run ${i + 1}/${RUNS}: incremental re-scan…`);
    await appendFile(changed, `\n// bench edit ${i}\n`);
    started = performance.now();
    const again = await scanPath(target, { ...cliOptions, cache });
    incremental.push(performance.now() - started);
    if (again.files.scanned - again.files.cached !== 1)
      throw new Error(`incremental re-scan analysed ${again.files.scanned - again.files.cached} files, expected 1`);

    console.error(`run ${i + 1}/${RUNS}: the CLI end to end…`);
    const c = timeCli();
    cli.push(c.ms);
    cliRss = Math.max(cliRss, c.rssKb);
  }
  const rawMs = median(raw);
  const fullMs = median(full);
  const row = (name: string, ms: number, extra: string) =>
    console.log(`| ${name.padEnd(38)} | ${ms.toFixed(0).padStart(7)} ms | ${extra}`);
  console.log(`\n| run (median of ${RUNS}) | time | vs raw / notes`);
  console.log('|---|---|---');
  row(
    'raw ast-grep scan (same rules)',
    rawMs,
    `1.00 (${rawMatches} raw matches, peak RSS ${(rawRss / 1024).toFixed(0)} MB)`,
  );
  row(
    'nyxCore, same rules only, in process',
    median(same),
    `${(median(same) / rawMs).toFixed(2)} × raw (target ≤ 1.5)`,
  );
  row(
    'nyxCore scan (CLI default), in process',
    fullMs,
    `${(fullMs / rawMs).toFixed(2)} × raw; adds ReDoS, secrets, parse check, infrastructure rules`,
  );
  row(
    'nyxCore + duplicates (analysis run)',
    median(withDuplicates),
    `${(median(withDuplicates) / rawMs).toFixed(2)} × raw; peak RSS of this process ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  );
  row(
    'nyxcore scan CLI end to end',
    median(cli),
    `${(median(cli) / rawMs).toFixed(2)} × raw, peak RSS ${(cliRss / 1024).toFixed(0)} MB`,
  );
  row(
    'incremental re-scan, one file changed',
    median(incremental),
    `${((median(incremental) / fullMs) * 100).toFixed(2)} % of full (target ≤ 2 %)`,
  );
}

await main();
process.exit(0);
