/**
 * The analyzers a scan uses by default: the ast-grep rule packs (plus a team's own packs),
 * the infrastructure rules, ReDoS (recheck), secrets (secretlint), syntax errors
 * (tree-sitter) and, across files, duplicates (jscpd). Rule-pack problems are returned, not
 * thrown: a broken team rule is an error on the run, and the other rules still run.
 */
import { createRuleAnalyzer } from './ast-grep-analyzer.js';
import { detectDuplicates, duplicateCodeRule, DUPLICATION_VERSION } from './duplication.js';
import { createInfraAnalyzer, loadBuiltinInfraRules } from './infra/analyzer.js';
import { createRedosAnalyzer } from './redos-analyzer.js';
import { loadBuiltinRules, loadRulePack, mergePacks } from './rule-pack.js';
import type { ProjectAnalyzer } from './scan.js';
import { createSecretsAnalyzer } from './secrets-analyzer.js';
import { syntaxErrorRule, syntaxFindings } from './syntax-errors.js';
import { indexFile, INDEX_VERSION } from './symbols.js';
import type { FileAnalyzer, RuleLoadError, RuleMeta } from './types.js';

export interface ScanSetup {
  analyzers: FileAnalyzer[];
  projectAnalyzers: ProjectAnalyzer[];
  ruleErrors: RuleLoadError[];
}

const syntaxAnalyzer: FileAnalyzer = {
  tool: 'tree-sitter',
  version: INDEX_VERSION,
  rulesetHash: syntaxErrorRule.id,
  rules: [syntaxErrorRule],
  supports: (file) => ['typescript', 'tsx', 'javascript', 'python', 'go', 'java'].includes(file.language),
  analyze: async (file) => {
    const index = await indexFile(file);
    return index ? syntaxFindings(index) : [];
  },
};

const duplicatesAnalyzer: ProjectAnalyzer = {
  tool: 'jscpd',
  version: DUPLICATION_VERSION,
  rules: [duplicateCodeRule],
  analyzeAll: (files) => detectDuplicates(files),
};

let builtin: Promise<ScanSetup> | null = null;

/**
 * The built-in setup, built once per process, plus `rulePacks` (a team's YAML rule packs) when given.
 *
 * @example const setup = await builtinScanSetup([{ file: 'team.yml', text }]); await scanPath(dir, setup);
 */
export async function builtinScanSetup(
  rulePacks: ReadonlyArray<{ file: string; text: string }> = [],
): Promise<ScanSetup> {
  if (rulePacks.length === 0) {
    builtin ??= Promise.resolve(makeSetup([]));
    return builtin;
  }
  return makeSetup(rulePacks);
}

function makeSetup(rulePacks: ReadonlyArray<{ file: string; text: string }>): ScanSetup {
  const packs = mergePacks([loadBuiltinRules(), ...rulePacks.map((p) => loadRulePack(p.text, p.file))]);
  const infra = loadBuiltinInfraRules();
  return {
    analyzers: [
      createRuleAnalyzer(packs.rules),
      createInfraAnalyzer(infra.rules),
      createRedosAnalyzer(),
      createSecretsAnalyzer(),
      syntaxAnalyzer,
    ],
    projectAnalyzers: [duplicatesAnalyzer],
    ruleErrors: [...packs.errors, ...infra.errors],
  };
}

/** Every built-in rule by id (for a finding's rule help). */
export async function builtinRuleTable(): Promise<Map<string, RuleMeta>> {
  const setup = await builtinScanSetup();
  return new Map(
    [...setup.analyzers, ...setup.projectAnalyzers].flatMap((a) => a.rules.map((r) => [r.id, r] as const)),
  );
}

/** `ScanOptions` for `scanPath` with the built-in analyzers (and a team's rule packs). */
export async function builtinScanOptions(options: { rulePacks?: ReadonlyArray<{ file: string; text: string }> }) {
  const setup = await builtinScanSetup(options.rulePacks ?? []);
  return { analyzers: setup.analyzers, projectAnalyzers: setup.projectAnalyzers, ruleErrors: setup.ruleErrors };
}
