import type { Finding, ScanError } from './scan.js';
import type { Location, RuleMeta, Severity, ToolName } from './types.js';

/**
 * SARIF 2.1.0 output: one run per tool, rules with help and CWE tags, `partialFingerprints`
 * (`nyx/v1` and GitHub's `primaryLocationLineHash`), `baselineState` and suppressions — the
 * shape GitHub code scanning ingests. Paths are relative to `%SRCROOT%`.
 */

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: SarifRun[];
}

// The SARIF object model is large; the parts we write are typed where we build them.
type SarifRun = Record<string, unknown> & {
  tool: { driver: { name: string; rules: Array<Record<string, unknown>> } };
  results: SarifResult[];
};
export type SarifResult = Record<string, unknown> & { ruleId: string; partialFingerprints: Record<string, string> };

export interface SarifInput {
  findings: readonly Finding[];
  /** Findings of the baseline that are gone (`baselineState: absent`). */
  absent?: readonly Finding[];
  rules: readonly RuleMeta[];
  tools: ReadonlyArray<{ tool: ToolName; version: string }>;
  errors?: readonly ScanError[];
  /** file:// URI of the scanned root, if it should be recorded. */
  rootUri?: string;
}

const TOOL_INFO: Record<ToolName, { name: string; uri: string }> = {
  'nyx-rules': { name: 'nyxCore rules', uri: 'https://github.com/nyxcore/nyxcore#code-analysis' },
  recheck: { name: 'nyxCore ReDoS (recheck)', uri: 'https://makenowjust-labs.github.io/recheck/' },
  secretlint: { name: 'nyxCore secrets (secretlint)', uri: 'https://github.com/secretlint/secretlint' },
  jscpd: { name: 'nyxCore duplicates (jscpd)', uri: 'https://github.com/kucherenko/jscpd' },
  'tree-sitter': { name: 'nyxCore parser (tree-sitter)', uri: 'https://tree-sitter.github.io/' },
};

export function sarifLevel(severity: Severity): 'error' | 'warning' | 'note' {
  return severity === 'critical' || severity === 'high' ? 'error' : severity === 'medium' ? 'warning' : 'note';
}

/** GitHub orders security alerts by this 0–10 score. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
};

function physical(location: Location, snippet?: string): Record<string, unknown> {
  return {
    physicalLocation: {
      artifactLocation: { uri: encodeURI(location.path), uriBaseId: '%SRCROOT%' },
      region: {
        startLine: location.startLine,
        startColumn: location.startColumn,
        endLine: location.endLine,
        endColumn: location.endColumn,
        ...(snippet !== undefined ? { snippet: { text: snippet } } : {}),
      },
    },
    ...(location.message ? { message: { text: location.message } } : {}),
  };
}

function ruleDescriptor(rule: RuleMeta): Record<string, unknown> {
  const tags = [rule.category, ...rule.cwe.map((cwe) => `external/cwe/${cwe.toLowerCase()}`)];
  return {
    id: rule.id,
    name: rule.name,
    shortDescription: { text: rule.summary },
    fullDescription: { text: rule.summary },
    help: { text: rule.help, markdown: rule.help },
    defaultConfiguration: { level: sarifLevel(rule.severity) },
    properties: {
      tags,
      category: rule.category,
      ...(rule.category === 'security' ? { 'security-severity': SECURITY_SEVERITY[rule.severity] } : {}),
    },
  };
}

function result(finding: Finding, ruleIndex: number): SarifResult {
  return {
    ruleId: finding.ruleId,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    level: sarifLevel(finding.severity),
    message: { text: finding.message },
    locations: [physical(finding.location, finding.snippet)],
    ...(finding.related?.length ? { relatedLocations: finding.related.map((l, id) => ({ id, ...physical(l) })) } : {}),
    ...(finding.codeFlow?.length
      ? { codeFlows: [{ threadFlows: [{ locations: finding.codeFlow.map((l) => ({ location: physical(l) })) }] }] }
      : {}),
    partialFingerprints: { 'nyx/v1': finding.fingerprint, primaryLocationLineHash: finding.lineHash },
    ...(finding.baselineState ? { baselineState: finding.baselineState } : {}),
    ...(finding.suppression
      ? {
          suppressions: [
            { kind: finding.suppression.kind, status: 'accepted', justification: finding.suppression.justification },
          ],
        }
      : {}),
    properties: { confidence: finding.confidence, category: finding.category, ...(finding.properties ?? {}) },
  };
}

/** Builds the SARIF log. Tools without results still get a run (an empty run says "checked, nothing found"). */
export function toSarif(input: SarifInput): SarifLog {
  // Several analyzers may share a tool (ast-grep packs and the infrastructure rules are both nyx-rules): one run each tool.
  const versions = new Map<ToolName, string[]>();
  for (const { tool, version } of input.tools)
    versions.set(tool, [...new Set([...(versions.get(tool) ?? []), version])]);
  const runs: SarifRun[] = [...versions].map(([tool, list]) => {
    const version = list.join('+');
    const rules = input.rules.filter((r) => r.tool === tool);
    const index = new Map(rules.map((r, i) => [r.id, i]));
    const mine = [...input.findings, ...(input.absent ?? [])].filter((f) => f.tool === tool);
    const notifications = (input.errors ?? []).filter(
      (e) => e.tool === tool || (e.tool === undefined && tool === 'nyx-rules'),
    );
    return {
      tool: {
        driver: {
          name: TOOL_INFO[tool].name,
          version,
          informationUri: TOOL_INFO[tool].uri,
          rules: rules.map(ruleDescriptor),
        },
      },
      columnKind: 'utf16CodeUnits',
      ...(input.rootUri
        ? {
            originalUriBaseIds: {
              '%SRCROOT%': { uri: input.rootUri.endsWith('/') ? input.rootUri : `${input.rootUri}/` },
            },
          }
        : {}),
      invocations: [
        {
          executionSuccessful: true,
          toolExecutionNotifications: notifications.map((e) => ({
            level: 'warning',
            message: { text: e.message },
            ...(e.path
              ? {
                  locations: [
                    { physicalLocation: { artifactLocation: { uri: encodeURI(e.path), uriBaseId: '%SRCROOT%' } } },
                  ],
                }
              : {}),
          })),
        },
      ],
      results: mine.map((f) => result(f, index.get(f.ruleId) ?? -1)),
    };
  });
  return { $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs };
}

/** The `(ruleId, nyx/v1)` pairs of a SARIF log, to use it as a baseline (`--baseline`). Throws on a file that is not SARIF 2.1.0. */
export function baselineFromSarif(log: unknown): Array<{ ruleId: string; fingerprint: string }> {
  const doc = log as { version?: unknown; runs?: unknown };
  if (doc.version !== '2.1.0' || !Array.isArray(doc.runs))
    throw new Error('not a SARIF 2.1.0 log (version or runs missing)');
  const out: Array<{ ruleId: string; fingerprint: string }> = [];
  for (const run of doc.runs as Array<{
    results?: Array<{ ruleId?: string; baselineState?: string; partialFingerprints?: Record<string, string> }>;
  }>) {
    for (const r of run.results ?? []) {
      const fingerprint = r.partialFingerprints?.['nyx/v1'];
      if (r.ruleId && fingerprint && r.baselineState !== 'absent') out.push({ ruleId: r.ruleId, fingerprint });
    }
  }
  return out;
}
