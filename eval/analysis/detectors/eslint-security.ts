/**
 * The baseline: eslint-plugin-security's recommended rules through ESLint 9's flat config, one
 * `lintText` per counted file. CommonJS files lint as scripts, files with import/export as modules
 * and .ts through the typescript-eslint parser; a file that does not parse is counted, not fatal.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ESLint, type Linter } from 'eslint';
import security from 'eslint-plugin-security';
import tseslint from 'typescript-eslint';
import type { DetectorResult } from '../metrics.js';
import type { Detector, DetectorRun } from './types.js';

/** `module` when the file has top-level import/export syntax, else `script` (CommonJS). */
export function guessSourceType(relPath: string, text: string): 'module' | 'script' {
  if (relPath.endsWith('.mjs') || relPath.endsWith('.ts')) return 'module';
  if (relPath.endsWith('.cjs')) return 'script';
  return /^\s*(?:import\s*[\w{*'"]|export\s+(?:default|const|let|var|function|class|async|\{|\*))/m.test(text)
    ? 'module'
    : 'script';
}

let engines: Record<'module' | 'script' | 'ts', ESLint> | undefined;

function getEngines() {
  const make = (languageOptions: Linter.LanguageOptions, files: string[]) =>
    new ESLint({
      overrideConfigFile: true,
      overrideConfig: [
        { ...security.configs.recommended, files },
        { files, languageOptions },
      ],
    });
  engines ??= {
    module: make({ ecmaVersion: 'latest', sourceType: 'module' }, ['**/*.js', '**/*.mjs']),
    script: make({ ecmaVersion: 'latest', sourceType: 'script' }, ['**/*.js', '**/*.cjs']),
    ts: make({ ecmaVersion: 'latest', sourceType: 'module', parser: tseslint.parser }, ['**/*.ts']),
  };
  return engines;
}

export const eslintSecurity: Detector = {
  name: 'eslint',
  label: 'eslint-plugin-security',
  hasCategory: false,
  unavailable: () => Promise.resolve(undefined),
  async scan(root: string, files: readonly string[]): Promise<DetectorRun> {
    const started = performance.now();
    const eng = getEngines();
    const results: DetectorResult[] = [];
    let parseErrors = 0;
    for (const rel of files) {
      const text = await readFile(path.join(root, rel), 'utf8');
      const kind = rel.endsWith('.ts') ? 'ts' : guessSourceType(rel, text);
      // A virtual path under the working directory: ESLint ignores files outside its base path.
      const [res] = await eng[kind].lintText(text, { filePath: path.join(process.cwd(), 'eval-virtual', rel) });
      for (const m of res?.messages ?? []) {
        if (m.fatal) {
          parseErrors++;
          continue;
        }
        if (!m.ruleId) continue;
        results.push({ ruleId: m.ruleId, path: rel, startLine: m.line, endLine: m.endLine ?? m.line });
      }
    }
    return { results, parseErrors, ms: performance.now() - started };
  },
};
