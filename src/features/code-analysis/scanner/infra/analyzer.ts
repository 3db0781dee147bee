import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import {
  CATEGORIES,
  SEVERITIES,
  type FileAnalyzer,
  type Language,
  type RawFinding,
  type RuleLoadError,
  type RuleMeta,
  type SourceFile,
} from '../types.js';

/**
 * Infrastructure-as-code and CI checks: Terraform, Kubernetes manifests, Dockerfiles and
 * GitHub Actions workflows. These formats have no ast-grep grammar here, and their risky
 * settings are one line each (`privileged: true`, `cidr_blocks = ["0.0.0.0/0"]`), so the rules
 * are line patterns — data in `rules.yml`, loaded and validated like the ast-grep packs.
 */

export const INFRA_LANGUAGES = [
  'terraform',
  'yaml',
  'json',
  'dockerfile',
  'shell',
] as const satisfies readonly Language[];
const INFRA_ANALYZER_VERSION = '1';

const zRegex = z.string().refine((source) => {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

const zInfraRule = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*\/[a-z0-9][a-z0-9-]*$/, 'must look like `iac/open-ingress`'),
  name: z.string().min(1),
  category: z.enum(CATEGORIES),
  severity: z.enum(SEVERITIES),
  cwe: z.array(z.string().regex(/^CWE-\d+$/, 'must look like `CWE-284`')).default([]),
  languages: z.array(z.enum(INFRA_LANGUAGES)).min(1),
  where: z.enum(['k8s', 'actions']).optional(),
  pattern: zRegex,
  flags: z.enum(['i', '']).default(''),
  unless: zRegex.optional(),
  fileUnless: zRegex.optional(),
  stageAware: z.boolean().default(false),
  summary: z.string().min(1),
  help: z.string().min(1),
  tests: z.strictObject({ invalid: z.array(z.string()).min(2), valid: z.array(z.string()).min(2) }),
});

export type InfraRule = z.infer<typeof zInfraRule> & { file: string };

export function loadInfraRules(text: string, file: string): { rules: InfraRule[]; errors: RuleLoadError[] } {
  const errors: RuleLoadError[] = [];
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    return {
      rules: [],
      errors: [
        { file, message: `not valid YAML: ${error instanceof Error ? (error.message.split('\n')[0] ?? '') : ''}` },
      ],
    };
  }
  const list = (doc as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(list))
    return { rules: [], errors: [{ file, message: 'a rule pack is a mapping with a `rules:` list' }] };
  const rules: InfraRule[] = [];
  const seen = new Set<string>();
  list.forEach((raw: unknown, index) => {
    const parsed = zInfraRule.safeParse(raw);
    const id = (raw as { id?: unknown } | null)?.id;
    const ruleId = typeof id === 'string' ? id : undefined;
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        errors.push({
          file,
          ...(ruleId ? { ruleId } : {}),
          message: `rule ${ruleId ?? `#${index + 1}`}: field \`${issue.path.join('.') || '(rule)'}\`: ${issue.message}`,
        });
      return;
    }
    if (seen.has(parsed.data.id)) {
      errors.push({ file, ruleId: parsed.data.id, message: `rule ${parsed.data.id}: field \`id\`: duplicate rule id` });
      return;
    }
    seen.add(parsed.data.id);
    rules.push({ ...parsed.data, file });
  });
  return { rules, errors };
}

export function loadBuiltinInfraRules(): { rules: InfraRule[]; errors: RuleLoadError[] } {
  return loadInfraRules(readFileSync(new URL('./rules.yml', import.meta.url), 'utf8'), 'infra/rules.yml');
}

/** Which kind of YAML a file is: a Kubernetes manifest, a GitHub Actions workflow, or other. */
export function yamlKind(file: Pick<SourceFile, 'path' | 'text'>): 'k8s' | 'actions' | 'other' {
  if (/(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(file.path) || /(^|\/)action\.ya?ml$/.test(file.path))
    return 'actions';
  if (/^\s*apiVersion\s*:/m.test(file.text) && /^\s*kind\s*:/m.test(file.text)) return 'k8s';
  return 'other';
}

function applies(rule: InfraRule, file: SourceFile): boolean {
  if (!(rule.languages as readonly string[]).includes(file.language)) return false;
  if (rule.where && file.language === 'yaml') return yamlKind(file) === rule.where;
  return true;
}

function ruleMeta(rule: InfraRule): RuleMeta {
  return {
    id: rule.id,
    tool: 'nyx-rules',
    name: rule.name,
    category: rule.category,
    severity: rule.severity,
    cwe: rule.cwe,
    summary: rule.summary,
    help: rule.help,
    languages: rule.languages,
  };
}

function compile(rule: InfraRule) {
  const flags = rule.flags;
  return {
    rule,
    pattern: new RegExp(rule.pattern, flags),
    unless: rule.unless ? new RegExp(rule.unless, flags) : null,
    fileUnless: rule.fileUnless ? new RegExp(rule.fileUnless, `${flags}m`) : null,
  };
}

/** Runs line rules over one file. Comment-only lines (`#`, `//`) are skipped. */
export function runInfraRules(rules: readonly InfraRule[], file: SourceFile): RawFinding[] {
  const compiled = rules.filter((r) => applies(r, file)).map(compile);
  if (compiled.length === 0) return [];
  const lines = file.text.split('\n');
  const stages = new Set<string>();
  if (file.language === 'dockerfile')
    for (const m of file.text.matchAll(/^\s*FROM\s+\S+\s+AS\s+(\S+)/gim)) if (m[1]) stages.add(m[1].toLowerCase());
  const findings: RawFinding[] = [];
  for (const { rule, pattern, unless, fileUnless } of compiled) {
    if (fileUnless?.test(file.text)) continue;
    lines.forEach((line, index) => {
      if (/^\s*(#|\/\/)/.test(line)) return;
      const match = pattern.exec(line);
      if (!match || unless?.test(line)) return;
      if (rule.stageAware && match[1] && stages.has(match[1].toLowerCase())) return;
      const text = line.replace(/\r$/, '');
      const start = text.length - text.trimStart().length;
      const isSecret = rule.id === 'iac/plaintext-secret';
      findings.push({
        ruleId: rule.id,
        message: rule.summary,
        confidence: 'high',
        // A secret's fingerprint must not be a copy of the secret.
        matchedText: isSecret ? `sha256:${createHash('sha256').update(text.trim()).digest('hex')}` : text.trim(),
        location: {
          path: file.path,
          startLine: index + 1,
          startColumn: start + 1,
          endLine: index + 1,
          endColumn: text.length + 1,
        },
      });
    });
  }
  return findings;
}

/** The infrastructure analyzer over the built-in rules (plus a team's, through the same loader). */
export function createInfraAnalyzer(rules: readonly InfraRule[]): FileAnalyzer {
  const rulesetHash = createHash('sha256')
    .update(JSON.stringify(rules.map(({ file: _file, ...r }) => r)))
    .digest('hex')
    .slice(0, 16);
  return {
    tool: 'nyx-rules',
    version: `infra-${INFRA_ANALYZER_VERSION}`,
    rulesetHash,
    rules: rules.map(ruleMeta),
    supports: (file) => (INFRA_LANGUAGES as readonly string[]).includes(file.language),
    analyze: (file) => Promise.resolve(runInfraRules(rules, file)),
  };
}
