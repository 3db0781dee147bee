/**
 * Re-checks every label against the packed code, so a wrong label fails loudly:
 * - the vulnerable file exists and its `line` contains `sink` (whitespace-insensitive);
 * - `fixedHasFile` matches the fixed tarball;
 * - a sink the fix did not touch (`fixChangedSink: false`) is still in the fixed file.
 * A changed sink whose text still occurs in the fixed file is only a warning (the same text can
 * legitimately appear elsewhere in the file).
 *
 *   npx tsx eval/analysis/verify-cases.ts [--offline]
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadCases, packageDir, type EvalCase } from './cases.js';
import { fetchPackage, mapLimit, readText } from './fetch.js';
import { lineHasSink, squash } from './metrics.js';

export interface Verdict {
  caseId: string;
  errors: string[];
  warnings: string[];
}

/** Checks one case against already extracted packages (no network). */
export async function verifyCase(c: EvalCase, root?: string): Promise<Verdict> {
  const errors: string[] = [];
  const warnings: string[] = [];
  const where = `${c.package}@${c.vulnerable}/${c.file}:${c.line}`;
  const vuln = await readText(packageDir(c.package, c.vulnerable, root), c.file);
  if (vuln === undefined) errors.push(`${where}: file not in the vulnerable tarball`);
  else if (!lineHasSink(vuln, c.line, c.sink)) {
    const actual = vuln.split(/\r?\n/)[c.line - 1]?.trim() ?? '(past the end of the file)';
    errors.push(`${where}: line does not contain the sink\n    expected: ${c.sink}\n    actual:   ${actual}`);
  }
  const fixed = await readText(packageDir(c.package, c.fixed, root), c.file);
  if ((fixed !== undefined) !== c.fixedHasFile) {
    errors.push(
      `${c.package}@${c.fixed}/${c.file}: fixedHasFile is ${c.fixedHasFile} but the file is ${fixed === undefined ? 'absent' : 'present'}`,
    );
  }
  if (fixed !== undefined) {
    const present = fixed.split(/\r?\n/).some((l) => squash(l).includes(squash(c.sink)));
    if (!c.fixChangedSink && !present)
      errors.push(`${c.id}: fixChangedSink is false but the sink is gone from the fixed file`);
    if (c.fixChangedSink && present)
      warnings.push(`${c.id}: fixChangedSink is true but the sink text still occurs in the fixed file`);
  }
  return { caseId: c.id, errors, warnings };
}

/** Fetches (unless offline) and verifies all cases; unavailable packages are errors too. */
export async function verifyAll(cases: readonly EvalCase[], offline: boolean): Promise<Verdict[]> {
  const specs = [
    ...new Map(
      cases.flatMap(
        (c) =>
          [
            [`${c.package}@${c.vulnerable}`, [c.package, c.vulnerable]],
            [`${c.package}@${c.fixed}`, [c.package, c.fixed]],
          ] as const,
      ),
    ).values(),
  ];
  const fetched = await mapLimit(specs, 6, ([name, version]) => fetchPackage(name, version, offline));
  const missing = fetched.flatMap((f) => (f.ok ? [] : [f.error]));
  const verdicts = await Promise.all(cases.map((c) => verifyCase(c)));
  if (missing.length > 0) verdicts.push({ caseId: '(fetch)', errors: missing, warnings: [] });
  return verdicts;
}

async function main() {
  const cases = loadCases();
  const verdicts = await verifyAll(cases, process.argv.includes('--offline'));
  for (const v of verdicts) {
    for (const e of v.errors) console.error(`FAIL ${e}`);
    for (const w of v.warnings) console.warn(`warn ${w}`);
  }
  const failed = verdicts.filter((v) => v.errors.length > 0).length;
  console.log(`${cases.length} cases, ${failed} failing verification`);
  process.exitCode = failed > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
