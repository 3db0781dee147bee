/**
 * The rule-pack analyzer (tool `nyx-rules`): parses a file once, runs every rule for its
 * language on that one tree, and ranks each match by the evidence at its sink argument.
 */
import { createHash } from 'node:crypto';
import type { SgNode } from '@ast-grep/napi';
import { EvidenceContext } from './evidence.js';
import type { Evidence } from './evidence.js';
import { isRuleLanguage, parseAs } from './languages.js';
import { napiConfig } from './rule-pack.js';
import { isTestPath, lowerSeverity } from './test-paths.js';
import type { LoadedRule, RuleLanguage } from './rule-pack.js';
import type { Confidence, FileAnalyzer, Location, RawFinding, RuleMeta, SourceFile } from './types.js';

/** Bump when the analyzer's behaviour changes: it is part of the result cache key. */
export const RULE_ANALYZER_VERSION = '1';

/** `{ startLine, … }` (1-based, end column exclusive) of an ast-grep node. */
export function locationOf(path: string, node: SgNode, message?: string): Location {
  const { start, end } = node.range();
  return {
    path,
    startLine: start.line + 1,
    startColumn: start.column + 1,
    endLine: end.line + 1,
    endColumn: end.column + 1,
    ...(message ? { message } : {}),
  };
}

/** JSON with sorted keys, so the hash does not depend on key order in the YAML. */
export function canonicalJson(value: unknown): string {
  if (value instanceof RegExp) return JSON.stringify(String(value));
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function ruleMeta(rule: LoadedRule): RuleMeta {
  const { id, tool, name, category, severity, cwe, summary, help, languages } = rule;
  return { id, tool, name, category, severity, cwe, summary, help, languages };
}

const CONFIDENCE_RANK: Record<Confidence, number> = { high: 3, medium: 2, low: 1 };

function meetsEvidence(rule: LoadedRule, ranked: Evidence): boolean {
  if (CONFIDENCE_RANK[ranked.confidence] < CONFIDENCE_RANK[rule.evidence.minimum]) return false;
  const { constructedPattern, sanitizer } = rule.evidence;
  if (sanitizer && ranked.flow.some((step) => sanitizer.test(step.node.text()))) return false;
  if (constructedPattern && !constructedPattern.test(ranked.constructedText)) return false;
  const isDirectRequest = ranked.flow[0]?.message.startsWith('request input') ?? false;
  if (rule.evidence.hasDynamicTail && ranked.isConstructed && !ranked.hasDynamicTail && !isDirectRequest) return false;
  if (!rule.evidence.isConstructed || ranked.isConstructed) return true;
  return isDirectRequest;
}

/**
 * Runs rules on one file. Also used by the rule tests, with the language given explicitly.
 * @example runRules(rules, { path: 'a.js', language: 'javascript', text, blobSha: '' })
 */
export function runRules(rules: LoadedRule[], file: SourceFile & { language: RuleLanguage }): RawFinding[] {
  const applicable = rules.filter(
    (r) => r.languages.includes(file.language) && (!r.prefilter || r.prefilter.test(file.text)),
  );
  if (applicable.length === 0) return [];
  const root = parseAs(file.language, file.text).root();
  const evidence = new EvidenceContext(root, file.language);
  const findings: RawFinding[] = [];
  const isTest = isTestPath(file.path);
  for (const rule of applicable) {
    const seen = new Set<string>();
    let matches: SgNode[];
    try {
      matches = root.findAll(napiConfig(rule));
    } catch {
      // Rules are compiled at load time; a failure here is ast-grep's, and must not cost the file.
      continue;
    }
    for (const match of matches) {
      const key = `${match.range().start.index}:${match.range().end.index}`;
      if (seen.has(key)) continue;
      seen.add(key);
      let confidence = rule.confidence;
      let codeFlow: Location[] | undefined;
      const sink = rule.sink ? match.getMatch(rule.sink) : null;
      if (sink) {
        const ranked = evidence.rank(sink);
        if (!ranked || !meetsEvidence(rule, ranked)) continue;
        confidence = ranked.confidence;
        if (ranked.flow.length > 1) codeFlow = ranked.flow.map((s) => locationOf(file.path, s.node, s.message));
      }
      findings.push({
        ruleId: rule.id,
        message: rule.message ?? rule.summary,
        ...(isTest && rule.category === 'security' ? { severity: lowerSeverity(rule.severity) } : {}),
        confidence,
        location: locationOf(file.path, match),
        matchedText: match.text(),
        ...(codeFlow ? { codeFlow } : {}),
      });
    }
  }
  return findings;
}

/**
 * The `nyx-rules` analyzer over loaded rules (built-in plus a team's).
 * @example const analyzer = createRuleAnalyzer(loadBuiltinRules().rules);
 */
export function createRuleAnalyzer(rules: LoadedRule[]): FileAnalyzer {
  const languages = new Set(rules.flatMap((r) => r.languages));
  const rulesetHash = createHash('sha256')
    .update(canonicalJson(rules.map(({ file: _file, ...rest }) => rest)))
    .digest('hex');
  return {
    tool: 'nyx-rules',
    version: RULE_ANALYZER_VERSION,
    rulesetHash,
    rules: rules.map(ruleMeta),
    supports: (file) => isRuleLanguage(file.language) && languages.has(file.language),
    analyze: (file) => {
      const { language } = file;
      if (!isRuleLanguage(language)) return Promise.resolve([]);
      return Promise.resolve(runRules(rules, { ...file, language }));
    },
  };
}
