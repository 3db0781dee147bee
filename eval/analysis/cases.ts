/**
 * The labelled set: real advisories against published npm packages, one sink line each.
 * cases.json is the data; this module types it, checks its shape and says where a case's
 * package lives in the cache.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const CLASSES = [
  'command-injection',
  'code-injection',
  'path-traversal',
  'prototype-pollution',
  'redos',
] as const;
export type VulnClass = (typeof CLASSES)[number];

const zVersion = z.string().regex(/^\d+\.\d+\.\d+$/, 'an exact version');

export const zCase = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  class: z.enum(CLASSES),
  package: z.string().min(1),
  vulnerable: zVersion,
  fixed: zVersion,
  advisory: z.object({
    id: z.string().regex(/^(CVE-\d{4}-\d+|GHSA(-[0-9a-z]{4}){3}|npm-advisory-\d+|SNYK-JS-[A-Z0-9-]+)$/),
    summary: z.string(),
  }),
  /** Path inside the tarball, relative to `package/`. */
  file: z.string().min(1),
  /** 1-based line of the sink in the vulnerable version. */
  line: z.number().int().positive(),
  /** The sink line's text as verified, trimmed; compared whitespace-insensitively. */
  sink: z.string().min(1),
  /** True when the fix changed or removed the sink line itself; false when it validated input elsewhere. */
  fixChangedSink: z.boolean(),
  /** Whether the fixed version still ships `file`. */
  fixedHasFile: z.boolean(),
});
export type EvalCase = z.infer<typeof zCase>;

export const casesPath = fileURLToPath(new URL('./cases.json', import.meta.url));
export const repoRoot = path.resolve(path.dirname(casesPath), '../..');
export const cacheRoot = path.join(repoRoot, '.cache/eval-analysis');

/** Loads and shape-checks cases.json; throws with the offending case on a bad entry or a duplicate id. */
export function loadCases(file = casesPath): EvalCase[] {
  const cases = z.array(zCase).parse(JSON.parse(readFileSync(file, 'utf8')));
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.id)) throw new Error(`cases.json: duplicate id ${c.id}`);
    seen.add(c.id);
  }
  return cases;
}

/** `lodash@4.17.15`; a scoped name keeps its scope without the slash so it stays one directory. */
export function packageSpec(name: string, version: string): string {
  return `${name}@${version}`;
}

/** The extracted package root in the cache: `.cache/eval-analysis/<pkg>@<ver>/package`. */
export function packageDir(name: string, version: string, root = cacheRoot): string {
  return path.join(root, packageSpec(name, version).replace('/', '+'), 'package');
}
