/**
 * Rule packs are data: YAML files with a `rules:` list, built in (`scanner/rules/*.yml`) or a
 * team's own. Both load through `loadRulePack`, so a team rule gets the same validation, the
 * same error messages and the same tests as ours.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { NapiConfig } from '@ast-grep/napi';
import { parseAs } from './languages.js';
import { CATEGORIES, CONFIDENCES, SEVERITIES } from './types.js';
import type { Confidence, RuleLoadError, RuleMeta } from './types.js';

/** Languages a rule can target: the ones ast-grep parses for us. */
export const RULE_LANGUAGES = ['typescript', 'tsx', 'javascript', 'python', 'go', 'java'] as const;
export type RuleLanguage = (typeof RULE_LANGUAGES)[number];

/** An ast-grep rule object (`pattern`, `kind`, `any`, `inside`, …), checked by ast-grep itself. */
export type AstGrepRule = Record<string, unknown>;

export interface LoadedRule extends RuleMeta {
  tool: 'nyx-rules';
  languages: RuleLanguage[];
  rule: AstGrepRule;
  constraints?: Record<string, AstGrepRule>;
  utils?: Record<string, AstGrepRule>;
  /** Metavariable (without `$`) holding the argument that reaches the sink; evidence ranking reads it. */
  sink?: string;
  /** Confidence when the rule has no sink to rank. */
  confidence: Confidence;
  /** A file whose text does not match this cannot match the rule: skipped without parsing work. */
  prefilter?: RegExp;
  /** Extra conditions on the sink's evidence; see `zRule`. */
  evidence: {
    isConstructed: boolean;
    hasDynamicTail: boolean;
    minimum: Confidence;
    constructedPattern?: RegExp;
    sanitizer?: RegExp;
  };
  /** Message shown on a finding; defaults to the summary. */
  message?: string;
  /** ast-grep rewrite template, for AutoFix. */
  fix?: string;
  tests: { invalid: string[]; valid: string[] };
  /** The pack file the rule came from. */
  file: string;
}

/** Rust-style `(?i)` prefix (as ast-grep's `regex` takes it) to a JS RegExp. */
function toJsRegex(source: string): RegExp {
  return source.startsWith('(?i)') ? new RegExp(source.slice(4), 'i') : new RegExp(source);
}

function isValidRegex(source: string): boolean {
  try {
    toJsRegex(source);
    return true;
  } catch {
    return false;
  }
}

const zAstGrepRule = z.record(z.string(), z.unknown());

export const zRule = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*\/[a-z0-9][a-z0-9-]*$/, 'must look like `js/command-injection`'),
  name: z.string().min(1),
  category: z.enum(CATEGORIES),
  severity: z.enum(SEVERITIES),
  cwe: z.array(z.string().regex(/^CWE-\d+$/, 'must look like `CWE-78`')).default([]),
  summary: z.string().min(1),
  help: z.string().min(1),
  languages: z.array(z.enum(RULE_LANGUAGES)).min(1),
  rule: zAstGrepRule,
  constraints: z.record(z.string(), zAstGrepRule).optional(),
  utils: z.record(z.string(), zAstGrepRule).optional(),
  sink: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be a metavariable name without `$`, e.g. `CMD`')
    .optional(),
  confidence: z.enum(CONFIDENCES).default('medium'),
  // ast-grep compiles a rule on every findAll; a cheap text test first skips most files.
  prefilter: z
    .string()
    .refine((p) => isValidRegex(p), 'must be a valid regular expression')
    .transform(toJsRegex)
    .optional(),
  // `constructed: true`: report only a value built on the way (concatenation, template, join)
  // or raw request input — a path or SQL text merely passed through is the caller's business.
  evidence: z
    .strictObject({
      constructed: z.boolean().default(false),
      // The built value must match this (e.g. look like SQL), so `cp.exec('ls ' + x)` is no SQL finding.
      constructedPattern: z
        .string()
        .refine((p) => isValidRegex(p), 'must be a valid regular expression')
        .optional(),
      // `dynamicTail: true`: a part after the first must vary (`join(root, name)`, not `join(dir, 'x.json')`).
      dynamicTail: z.boolean().default(false),
      // A value that went through a matching call (`shellescape(…)`, `path.basename(…)`) is no finding.
      sanitizer: z
        .string()
        .refine((p) => isValidRegex(p), 'must be a valid regular expression')
        .optional(),
      minimum: z.enum(CONFIDENCES).default('low'),
    })
    .default({ constructed: false, dynamicTail: false, minimum: 'low' })
    .transform((e) => ({
      isConstructed: e.constructed,
      hasDynamicTail: e.dynamicTail,
      minimum: e.minimum,
      ...(e.constructedPattern ? { constructedPattern: toJsRegex(e.constructedPattern) } : {}),
      ...(e.sanitizer ? { sanitizer: toJsRegex(e.sanitizer) } : {}),
    })),
  message: z.string().min(1).optional(),
  fix: z.string().optional(),
  tests: z.strictObject({
    invalid: z.array(z.string()).min(2, 'needs at least 2 examples'),
    valid: z.array(z.string()).min(2, 'needs at least 2 examples'),
  }),
});

const zPack = z.strictObject({ rules: z.array(z.unknown()) });

function fieldOf(issue: z.core.$ZodIssue): string {
  return issue.path.length > 0 ? issue.path.map(String).join('.') : '(rule)';
}

/**
 * Parses and validates one rule pack. A broken rule becomes an error naming the file, the rule
 * and the field; the other rules still load.
 * @example loadRulePack(readFileSync('team.yml', 'utf8'), 'team.yml').rules.map((r) => r.id)
 */
export function loadRulePack(text: string, file: string): { rules: LoadedRule[]; errors: RuleLoadError[] } {
  const errors: RuleLoadError[] = [];
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { rules: [], errors: [{ file, message: `not valid YAML: ${reason}` }] };
  }
  const pack = zPack.safeParse(doc);
  if (!pack.success) {
    return { rules: [], errors: [{ file, message: 'a rule pack is a mapping with a `rules:` list' }] };
  }
  const rules: LoadedRule[] = [];
  const seen = new Set<string>();
  pack.data.rules.forEach((raw, index) => {
    const rawId = typeof raw === 'object' && raw !== null && 'id' in raw ? raw.id : undefined;
    const ruleId = typeof rawId === 'string' ? rawId : undefined;
    const parsed = zRule.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        errors.push({
          file,
          ...(ruleId ? { ruleId } : {}),
          message: `rule ${ruleId ?? `#${index + 1}`}: field \`${fieldOf(issue)}\`: ${issue.message}`,
        });
      }
      return;
    }
    const r = parsed.data;
    if (seen.has(r.id)) {
      errors.push({ file, ruleId: r.id, message: `rule ${r.id}: field \`id\`: duplicate rule id` });
      return;
    }
    seen.add(r.id);
    const loaded: LoadedRule = { ...r, tool: 'nyx-rules', file };
    const problem = compileProblem(loaded);
    if (problem) {
      errors.push({ file, ruleId: r.id, message: `rule ${r.id}: field \`rule\`: ${problem}` });
      return;
    }
    rules.push(loaded);
  });
  return { rules, errors };
}

function plainConfig(rule: LoadedRule): NapiConfig {
  return {
    rule: rule.rule,
    ...(rule.constraints ? { constraints: rule.constraints } : {}),
    ...(rule.utils ? { utils: rule.utils } : {}),
  };
}

/**
 * ast-grep compiles a rule on every `findAll`, and Unicode-aware regexes (`\b`, `\w`, `(?i)`)
 * dominate that: about 20 ms per file for the JS rules. ASCII mode (`(?-u)`) halves it; code
 * identifiers and keywords are ASCII. Patterns that need Unicode (negated classes) keep it.
 */
function asciiRegexes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asciiRegexes);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      if (k !== 'regex' || typeof v !== 'string') return [k, asciiRegexes(v)];
      return [k, v.startsWith('(?i)') ? `(?i-u)${v.slice(4)}` : `(?-u)${v}`];
    }),
  );
}

function compiles(config: NapiConfig, languages: RuleLanguage[]): string | undefined {
  for (const language of languages) {
    try {
      parseAs(language, '').root().findAll(config);
    } catch (error) {
      return `ast-grep rejects it for ${language}: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return undefined;
}

const configs = new WeakMap<LoadedRule, NapiConfig>();

/** The rule as `@ast-grep/napi` takes it (ASCII regexes where they compile). */
export function napiConfig(rule: LoadedRule): NapiConfig {
  let config = configs.get(rule);
  if (!config) {
    const plain = plainConfig(rule);
    const ascii = asciiRegexes(plain) as NapiConfig;
    config = compiles(ascii, rule.languages) === undefined ? ascii : plain;
    configs.set(rule, config);
  }
  return config;
}

/** ast-grep checks the rule object when it is first used: do that now, on an empty file per language. */
function compileProblem(rule: LoadedRule): string | undefined {
  return compiles(plainConfig(rule), rule.languages);
}

/** Where the built-in packs live: beside this module in src/ and (copied by `build:server`) in dist/. */
export const BUILTIN_RULES_DIR = fileURLToPath(new URL('./rules/', import.meta.url));

/**
 * Loads every built-in pack. Ids must be unique across packs too, so a later duplicate is an error.
 * @example const { rules, errors } = loadBuiltinRules();
 */
export function loadBuiltinRules(dir: string = BUILTIN_RULES_DIR): { rules: LoadedRule[]; errors: RuleLoadError[] } {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .sort();
  return mergePacks(files.map((f) => loadRulePack(readFileSync(path.join(dir, f), 'utf8'), `rules/${f}`)));
}

/** Combines packs (built-in first, then a team's), reporting ids defined twice. */
export function mergePacks(packs: { rules: LoadedRule[]; errors: RuleLoadError[] }[]): {
  rules: LoadedRule[];
  errors: RuleLoadError[];
} {
  const rules: LoadedRule[] = [];
  const errors: RuleLoadError[] = [];
  const byId = new Map<string, LoadedRule>();
  for (const pack of packs) {
    errors.push(...pack.errors);
    for (const rule of pack.rules) {
      const first = byId.get(rule.id);
      if (first) {
        errors.push({
          file: rule.file,
          ruleId: rule.id,
          message: `rule ${rule.id}: field \`id\`: duplicate rule id (already defined in ${first.file})`,
        });
        continue;
      }
      byId.set(rule.id, rule);
      rules.push(rule);
    }
  }
  return { rules, errors };
}
