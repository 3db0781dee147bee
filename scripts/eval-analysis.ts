/**
 * npm run eval:analysis — recall, noise and fix-clearing of nyxCore's scanner on real vulnerable
 * npm packages (eval/analysis/cases.json), next to eslint-plugin-security in the same run.
 *
 *   npm run eval:analysis -- [--offline] [--only <class>] [--detector nyx|eslint]
 *
 * Packages come from `npm pack` into .cache/eval-analysis/ (never installed or run). Prints a
 * Markdown table and the misses; writes eval/analysis/results/latest.json. Exits 1 only when a
 * case's label fails verification. Metrics: eval/analysis/metrics.ts; method: eval/analysis/README.md.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CLASSES, loadCases, packageDir, repoRoot, type EvalCase, type VulnClass } from '../eval/analysis/cases.js';
import { eslintSecurity } from '../eval/analysis/detectors/eslint-security.js';
import { nyxcore } from '../eval/analysis/detectors/nyxcore.js';
import type { Detector, DetectorRun } from '../eval/analysis/detectors/types.js';
import { fetchPackage, listFiles, mapLimit, readText } from '../eval/analysis/fetch.js';
import {
  countLoc,
  hitsFor,
  isCleared,
  isCountedSource,
  locateInFixed,
  summarize,
  type CaseOutcome,
  type DetectorResult,
  type PackageScan,
  type Summary,
} from '../eval/analysis/metrics.js';
import { verifyCase } from '../eval/analysis/verify-cases.js';

const TARGET = { recall: 0.8, perKloc: 5, cleared: 0.8 };

function parseArgs(argv: string[]) {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const only = value('--only');
  const detector = value('--detector');
  if (only !== undefined && !(CLASSES as readonly string[]).includes(only)) {
    throw new Error(`--only takes one of ${CLASSES.join(', ')}`);
  }
  if (detector !== undefined && detector !== 'nyx' && detector !== 'eslint')
    throw new Error('--detector takes nyx or eslint');
  return {
    offline: argv.includes('--offline'),
    only: only as VulnClass | undefined,
    detector,
  };
}

interface Source {
  spec: string;
  dir: string;
  files: string[];
  loc: number;
}

/** The counted source files of an extracted package and their non-blank lines. */
async function inventory(spec: string, dir: string): Promise<Source> {
  const files: string[] = [];
  let loc = 0;
  for (const rel of await listFiles(dir)) {
    if (!isCountedSource(rel)) continue;
    const text = await readFile(path.join(dir, rel), 'utf8');
    if (!isCountedSource(rel, text)) continue;
    files.push(rel);
    loc += countLoc(text);
  }
  return { spec, dir, files, loc };
}

/** A detector that throws on one package loses that package's results, not the run; the error is reported. */
async function scanSafely(
  detector: Detector,
  dir: string,
  files: readonly string[],
  errors: string[],
): Promise<DetectorRun> {
  try {
    return await detector.scan(dir, files);
  } catch (err) {
    errors.push(`${path.relative(repoRoot, dir)}: ${err instanceof Error ? err.message : String(err)}`);
    return { results: [], parseErrors: 0, ms: 0 };
  }
}

const fmt = (x: number | undefined, digits = 2) => (x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(digits));
const mark = (ok: boolean) => (ok ? 'yes' : 'no');

function row(label: string, cls: string, s: Summary, hasCategory: boolean): string {
  const top = s.topRule ? `${s.topRule.ruleId} (${Math.round(s.topRule.share * 100)} %)` : '-';
  return `| ${label} | ${cls} | ${s.hits}/${s.cases} | ${fmt(s.recall)} | ${s.results} | ${fmt(s.loc / 1000, 1)} | ${fmt(s.perKloc)} | ${hasCategory ? fmt(s.securityPerKloc) : '-'} | ${s.cleared}/${s.clearedOf} ${fmt(s.clearedShare)} | ${top} |`;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const all = loadCases();
  const cases = args.only ? all.filter((c) => c.class === args.only) : all;

  // Fetch every vulnerable and fixed version once, six at a time.
  const specs = new Map<string, [string, string]>();
  for (const c of cases) {
    specs.set(`${c.package}@${c.vulnerable}`, [c.package, c.vulnerable]);
    specs.set(`${c.package}@${c.fixed}`, [c.package, c.fixed]);
  }
  const fetched = await mapLimit([...specs.entries()], 6, async ([spec, [name, version]]) => ({
    spec,
    outcome: await fetchPackage(name, version, args.offline),
  }));
  const unavailable = new Map(fetched.flatMap((f) => (f.outcome.ok ? [] : [[f.spec, f.outcome.error] as const])));
  const fetchedNow = fetched.filter((f) => f.outcome.ok && !f.outcome.cached).length;

  // A wrong label fails the run; a package that could not be fetched only drops its cases.
  const usable: EvalCase[] = [];
  const dropped: { id: string; reason: string }[] = [];
  let labelFailures = 0;
  for (const c of cases) {
    const missing = unavailable.get(`${c.package}@${c.vulnerable}`) ?? unavailable.get(`${c.package}@${c.fixed}`);
    if (missing) {
      dropped.push({ id: c.id, reason: missing });
      continue;
    }
    const v = await verifyCase(c);
    for (const w of v.warnings) console.warn(`warn ${w}`);
    if (v.errors.length > 0) {
      labelFailures++;
      for (const e of v.errors) console.error(`LABEL FAIL ${e}`);
      dropped.push({ id: c.id, reason: 'label failed verification' });
      continue;
    }
    usable.push(c);
  }

  const vulnSources = new Map<string, Source>();
  for (const c of usable) {
    const spec = `${c.package}@${c.vulnerable}`;
    if (!vulnSources.has(spec)) vulnSources.set(spec, await inventory(spec, packageDir(c.package, c.vulnerable)));
  }
  const uncounted = usable.filter((c) => !vulnSources.get(`${c.package}@${c.vulnerable}`)?.files.includes(c.file));
  for (const c of uncounted) console.warn(`warn ${c.id}: ${c.file} is not a counted source file (test/minified/docs?)`);

  const detectors: Detector[] = [nyxcore, eslintSecurity].filter((d) => !args.detector || d.name === args.detector);
  const report: Record<string, unknown>[] = [];
  const tableRows: string[] = [];
  const missLines: string[] = [];
  const notes: string[] = [];
  for (const detector of detectors) {
    const why = await detector.unavailable();
    if (why) {
      notes.push(`${detector.label}: not run (${why}).`);
      report.push({ detector: detector.name, available: false, reason: why });
      continue;
    }
    const detStarted = performance.now();
    let parseErrors = 0;
    const scanErrors: string[] = [];
    const scans = new Map<string, PackageScan>();
    for (const src of vulnSources.values()) {
      const runResult = await scanSafely(detector, src.dir, src.files, scanErrors);
      parseErrors += runResult.parseErrors;
      const counted = new Set(src.files);
      const classes = [
        ...new Set(usable.filter((c) => `${c.package}@${c.vulnerable}` === src.spec).map((c) => c.class)),
      ];
      // Noise is measured over the same counted files for both detectors.
      scans.set(src.spec, {
        spec: src.spec,
        classes,
        loc: src.loc,
        results: runResult.results.filter((r) => counted.has(r.path)),
      });
    }
    const fixedScans = new Map<string, DetectorResult[]>();
    const outcomes: (CaseOutcome & { case: EvalCase })[] = [];
    for (const c of usable) {
      const results = scans.get(`${c.package}@${c.vulnerable}`)?.results ?? [];
      const hits = hitsFor(results, c);
      const hitRules = [...new Set(hits.map((h) => h.ruleId))].sort();
      let cleared: boolean | undefined;
      if (hits.length > 0 && c.fixChangedSink) {
        const fixedDir = packageDir(c.package, c.fixed);
        const key = `${c.package}@${c.fixed}/${c.file}`;
        if (!fixedScans.has(key)) {
          // The baseline lints only the case's file; nyxCore scans the package as it would a repository.
          const fixedText = await readText(fixedDir, c.file);
          const runResult =
            fixedText === undefined ? { results: [] } : await scanSafely(detector, fixedDir, [c.file], scanErrors);
          fixedScans.set(key, runResult.results);
        }
        const vulnText = (await readText(packageDir(c.package, c.vulnerable), c.file)) ?? '';
        const loc = locateInFixed(vulnText, c.line, c.sink, await readText(fixedDir, c.file));
        cleared = isCleared(loc, c.file, new Set(hitRules), fixedScans.get(key) ?? []);
      }
      outcomes.push({ caseId: c.id, class: c.class, hit: hits.length > 0, hitRules, cleared, case: c });
    }

    const scanList = [...scans.values()];
    const overall = summarize(outcomes, scanList, detector.hasCategory);
    const perClass = Object.fromEntries(
      CLASSES.filter((k) => outcomes.some((o) => o.class === k)).map((k) => [
        k,
        summarize(
          outcomes.filter((o) => o.class === k),
          scanList.filter((s) => s.classes.includes(k)),
          detector.hasCategory,
        ),
      ]),
    );
    tableRows.push(row(detector.label, '**all**', overall, detector.hasCategory));
    for (const [k, s] of Object.entries(perClass)) tableRows.push(row('', k, s, detector.hasCategory));

    const misses = outcomes.filter((o) => !o.hit);
    missLines.push(`\n### ${detector.label}: ${misses.length} missed\n`);
    for (const o of misses) {
      missLines.push(
        `- ${o.class} · ${o.case.package}@${o.case.vulnerable} \`${o.case.file}:${o.case.line}\` — \`${o.case.sink.slice(0, 110)}\``,
      );
    }
    const notCleared = outcomes.filter((o) => o.cleared === false);
    if (notCleared.length > 0) {
      missLines.push(
        `\n${detector.label}: still reported in the fixed version: ${notCleared.map((o) => o.caseId).join(', ')}`,
      );
    }
    report.push({
      detector: detector.name,
      available: true,
      seconds: (performance.now() - detStarted) / 1000,
      parseErrors,
      scanErrors,
      overall,
      perClass,
      cases: outcomes.map(({ case: c, ...o }) => ({
        ...o,
        package: c.package,
        vulnerable: c.vulnerable,
        file: c.file,
        line: c.line,
      })),
    });
    for (const e of scanErrors) console.error(`${detector.label}: scan failed: ${e}`);
    console.error(
      `${detector.label}: ${((performance.now() - detStarted) / 1000).toFixed(1)} s, ${parseErrors} files did not parse, ${scanErrors.length} scans failed`,
    );
  }

  const totalLoc = [...vulnSources.values()].reduce((n, s) => n + s.loc, 0);
  console.log(
    `# Analysis eval — ${usable.length} cases, ${vulnSources.size} vulnerable packages, ${(totalLoc / 1000).toFixed(1)} kLOC`,
  );
  console.log(
    `\nTargets: recall ≥ ${TARGET.recall} at ≤ ${TARGET.perKloc} results/kLOC; cleared in the fixed version ≥ ${TARGET.cleared} (of hit cases whose fix changed the sink line). Hit = a result within ±3 lines of the labelled sink.\n`,
  );
  for (const n of notes) console.log(`${n}\n`);
  if (tableRows.length > 0) {
    console.log(
      '| detector | class | hit | recall | results | kLOC | results/kLOC | security/kLOC | cleared | top rule (share of all results) |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    for (const r of tableRows) console.log(r);
    for (const d of report) {
      const overall = d.overall as Summary | undefined;
      if (!overall) continue;
      const meets = overall.recall >= TARGET.recall && overall.perKloc <= TARGET.perKloc;
      console.log(
        `\n${String(d.detector)}: recall ≥ ${TARGET.recall} at ≤ ${TARGET.perKloc}/kLOC: ${mark(meets)}; cleared ≥ ${TARGET.cleared}: ${mark(overall.clearedShare >= TARGET.cleared)}. Hits by rule: ${
          Object.entries(overall.hitRules)
            .sort((a, b) => b[1] - a[1])
            .map(([r, n]) => `${r} ${n}`)
            .join(', ') || 'none'
        }`,
      );
    }
  }
  console.log(missLines.join('\n'));
  if (dropped.length > 0) console.log(`\nDropped: ${dropped.map((d) => `${d.id} (${d.reason})`).join('; ')}`);

  const out = path.join(repoRoot, 'eval/analysis/results/latest.json');
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(
    out,
    JSON.stringify(
      {
        generatedAt: new Date().toISOString(),
        args,
        targets: TARGET,
        cases: usable.length,
        dropped,
        packages: [...vulnSources.values()].map((s) => ({ spec: s.spec, files: s.files.length, loc: s.loc })),
        detectors: report,
        fetchedNow,
        seconds: (performance.now() - started) / 1000,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(
    `\nJSON: ${path.relative(process.cwd(), out)} · ${((performance.now() - started) / 1000).toFixed(1)} s (${fetchedNow} packages fetched now)`,
  );
  process.exitCode = labelFailures > 0 ? 1 : 0;
}

await main();
