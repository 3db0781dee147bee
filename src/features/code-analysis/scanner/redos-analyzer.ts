/**
 * ReDoS (tool `recheck`): regex literals and `new RegExp('literal')` in JS/TS are checked by
 * recheck, which proves super-linear backtracking with an attack string. A vulnerable regex is
 * reported where it is written, and again at every `.test/.exec/.match/.replace/.split/.search`
 * call in the file that feeds it input — that call is where an advisory usually points.
 *
 * Process lifetime: with `RECHECK_BACKEND` unset (auto) recheck uses its native binary through
 * a long-lived agent child process. The agent is unref'd, so it does not keep Node alive, but a
 * CLI should still end with `process.exit()` once its output is flushed.
 */
import { check } from 'recheck';
import type { Diagnostics } from 'recheck';
import type { SgNode } from '@ast-grep/napi';
import { locationOf } from './ast-grep-analyzer.js';
import { EvidenceContext } from './evidence.js';
import { parseAs } from './languages.js';
import type { RuleLanguage } from './rule-pack.js';
import type { FileAnalyzer, Location, RawFinding, RuleMeta } from './types.js';

export const REDOS_ANALYZER_VERSION = '1';
const CHECK_TIMEOUT_MS = 1500;
const MAX_CACHED = 5000;
const INPUT_METHODS = ['test', 'exec', 'match', 'matchAll', 'replace', 'replaceAll', 'split', 'search'];
/** Methods called on the regex (`re.test(input)`); the others take it as an argument (`input.match(re)`). */
const REGEX_METHODS = new Set(['test', 'exec']);

export const REDOS_RULE: RuleMeta = {
  id: 'js/redos',
  tool: 'recheck',
  name: 'Regular expression with catastrophic backtracking',
  category: 'security',
  severity: 'high',
  cwe: ['CWE-1333', 'CWE-400'],
  summary: 'A crafted input makes this regular expression backtrack for seconds or longer (ReDoS).',
  help: [
    'Nested or overlapping quantifiers such as `(a+)+`, `(\\w|\\d)*` or `\\s*x\\s*$` make the regex',
    'engine try exponentially (or polynomially) many ways to match before it fails. One request',
    'with the attack string blocks the event loop for every user.',
    '',
    '**Fix:** remove the ambiguity (`a+` instead of `(a+)+`, one of two overlapping classes),',
    'anchor and bound repetition (`{1,64}`), limit the input length before matching, or use a',
    'linear-time engine (`re2`). The `attack` property shows an input that triggers it.',
  ].join('\n'),
  languages: ['javascript', 'typescript', 'tsx'],
};

/** Results per (source, flags): the same regex appears in many files of a dependency tree. */
const cache = new Map<string, Promise<Diagnostics>>();

function diagnose(source: string, flags: string): Promise<Diagnostics> {
  const key = `${flags}/${source}`;
  let result = cache.get(key);
  if (!result) {
    // Bounded: a scan of a large monorepo must not keep every attack string alive.
    if (cache.size >= MAX_CACHED) cache.clear();
    result = check(source, flags, { timeout: CHECK_TIMEOUT_MS }).catch((error: unknown): Diagnostics => ({
      source,
      flags,
      status: 'unknown',
      error: { kind: 'unexpected', message: error instanceof Error ? error.message : String(error) },
    }));
    cache.set(key, result);
  }
  return result;
}

interface FoundRegex {
  node: SgNode;
  source: string;
  flags: string;
}

/** Backtracking needs repetition: skip regexes without `*`, `+` or `{n,}` without asking recheck. */
const CAN_BACKTRACK = /[*+]|\{\d*,\d*\}/;

/** Decodes the body of a JS string literal (the quotes already removed). */
export function unescapeJsString(body: string): string {
  return body.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\s\S])/g, (_, e: string) => {
    if (e.startsWith('u{')) return String.fromCodePoint(parseInt(e.slice(2, -1), 16));
    if (e.startsWith('u') && e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    if (e.startsWith('x') && e.length === 3) return String.fromCharCode(parseInt(e.slice(1), 16));
    const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v', '0': '\0' };
    if (e === '\n') return '';
    return simple[e] ?? e;
  });
}

function literalText(node: SgNode): string | null {
  const kind = String(node.kind());
  if (kind === 'string') return unescapeJsString(node.text().slice(1, -1));
  if (kind === 'template_string' && !node.children().some((c) => String(c.kind()) === 'template_substitution')) {
    return node.text().slice(1, -1);
  }
  return null;
}

/** `const SOURCE = '(a+)+'; new RegExp(SOURCE)`: the string a `const` in this file is bound to. */
function constantString(root: SgNode, node: SgNode): string | null {
  if (String(node.kind()) !== 'identifier') return null;
  const name = node.text().replace(/[$]/g, '\\$&');
  const declarator = root.find({
    rule: {
      kind: 'variable_declarator',
      all: [
        { has: { field: 'name', regex: `^${name}$` } },
        { has: { field: 'value', any: [{ kind: 'string' }, { kind: 'template_string' }] } },
      ],
      inside: { kind: 'lexical_declaration', regex: '^const\\b' },
    },
  });
  const value = declarator?.field('value');
  return value ? literalText(value) : null;
}

function findRegexes(root: SgNode): FoundRegex[] {
  const found: FoundRegex[] = [];
  for (const node of root.findAll({ rule: { kind: 'regex' } })) {
    const source = node.field('pattern')?.text() ?? '';
    const flags = node.field('flags')?.text() ?? '';
    found.push({ node, source, flags });
  }
  for (const node of root.findAll({
    rule: { any: [{ pattern: 'new RegExp($S $$$)' }, { pattern: 'RegExp($S $$$)' }] },
  })) {
    const args = node.field('arguments')?.namedChildren() ?? [];
    const source = args[0] ? (literalText(args[0]) ?? constantString(root, args[0])) : null;
    const flags = args[1] ? (literalText(args[1]) ?? constantString(root, args[1])) : '';
    if (source !== null && flags !== null) found.push({ node, source, flags });
  }
  return found;
}

interface CallSite {
  call: SgNode;
  /** The value matched against the regex. */
  input: SgNode | null;
  /** Text of the regex expression at the call (`RE`, `this.re`, `/x/`). */
  regexText: string;
  regexStart: number;
}

function callSites(root: SgNode): CallSite[] {
  const sites: CallSite[] = [];
  const methods = INPUT_METHODS.join('|');
  for (const call of root.findAll({
    rule: {
      kind: 'call_expression',
      has: { field: 'function', kind: 'member_expression', regex: `\\.(${methods})$` },
    },
  })) {
    const callee = call.field('function');
    const object = callee?.field('object');
    const method = callee?.field('property')?.text() ?? '';
    const firstArg = call.field('arguments')?.namedChildren()[0] ?? null;
    if (!object) continue;
    const [regex, input] = REGEX_METHODS.has(method) ? [object, firstArg] : [firstArg, object];
    if (!regex) continue;
    sites.push({ call, input, regexText: regex.text(), regexStart: regex.range().start.index });
  }
  return sites;
}

/** Names the regex is reachable by: `const RE = /x/` → `RE`; `this.re = /x/` → `this.re`; `{ re: /x/ }` → `.re`. */
function bindingsOf(node: SgNode): string[] {
  const parent = node.parent();
  if (!parent) return [];
  const kind = String(parent.kind());
  if (kind === 'variable_declarator') return [parent.field('name')?.text() ?? ''].filter(Boolean);
  if (kind === 'assignment_expression') {
    const left = parent.field('left')?.text() ?? '';
    const property = /\.([\w$]+)$/.exec(left)?.[1];
    return property ? [left, `.${property}`] : [left];
  }
  if (kind === 'pair' || kind === 'public_field_definition' || kind === 'field_definition') {
    const key = (parent.field('key') ?? parent.field('name') ?? parent.field('property'))?.text();
    return key ? [`.${key.replace(/^['"]|['"]$/g, '')}`] : [];
  }
  return [];
}

function usesRegex(site: CallSite, regex: FoundRegex, bindings: string[]): boolean {
  if (site.regexStart === regex.node.range().start.index) return true;
  return bindings.some((b) => (b.startsWith('.') ? site.regexText.endsWith(b) : site.regexText === b));
}

function describe(d: Diagnostics & { status: 'vulnerable' }): Record<string, string | number | boolean> {
  const props: Record<string, string | number | boolean> = {
    complexity: d.complexity.type,
    complexitySummary: d.complexity.summary,
    attack: d.attack.pattern,
    attackLength: d.attack.string.length,
    checker: d.checker,
  };
  if (d.complexity.type === 'polynomial') props.degree = d.complexity.degree;
  return props;
}

export async function analyzeRedos(path: string, language: RuleLanguage, text: string): Promise<RawFinding[]> {
  const root = parseAs(language, text).root();
  const regexes = findRegexes(root).filter((r) => CAN_BACKTRACK.test(r.source));
  if (regexes.length === 0) return [];
  const verdicts = await Promise.all(regexes.map((r) => diagnose(r.source, r.flags)));
  const sites = callSites(root);
  const evidence = new EvidenceContext(root, language);
  const findings: RawFinding[] = [];
  regexes.forEach((regex, i) => {
    const verdict = verdicts[i];
    if (verdict?.status !== 'vulnerable') return;
    const properties = describe(verdict);
    const severity = verdict.complexity.type === 'exponential' ? 'high' : 'medium';
    const regexLocation = locationOf(path, regex.node, 'the vulnerable regular expression');
    const bindings = bindingsOf(regex.node);
    const feeding = sites.filter((s) => usesRegex(s, regex, bindings));
    const siteFindings: RawFinding[] = [];
    for (const site of feeding) {
      // A constant input (`RE.test('abc')`) cannot be chosen by an attacker.
      const ranked = site.input ? evidence.rank(site.input) : null;
      if (site.input && !ranked) continue;
      const at = locationOf(path, site.call, 'input reaches the regular expression here');
      siteFindings.push({
        ruleId: REDOS_RULE.id,
        message: `Input reaches a regular expression with ${verdict.complexity.summary} backtracking (defined at line ${regexLocation.startLine}).`,
        severity,
        confidence: ranked?.confidence ?? 'medium',
        location: at,
        matchedText: site.call.text(),
        related: [regexLocation],
        properties,
      });
    }
    const related: Location[] = siteFindings.map((f) => f.location);
    findings.push({
      ruleId: REDOS_RULE.id,
      message: `Regular expression with ${verdict.complexity.summary} backtracking: a crafted input can block the process.`,
      severity,
      confidence: 'high',
      location: locationOf(path, regex.node),
      matchedText: regex.node.text(),
      ...(related.length > 0 ? { related } : {}),
      properties,
    });
    // The regex finding already covers a call on the same line (`/x+x+/.test(s)`).
    findings.push(...siteFindings.filter((f) => f.location.startLine !== regexLocation.startLine));
  });
  return findings;
}

/**
 * The `recheck` analyzer.
 * @example const findings = await createRedosAnalyzer().analyze(file);
 */
export function createRedosAnalyzer(): FileAnalyzer {
  return {
    tool: 'recheck',
    version: REDOS_ANALYZER_VERSION,
    rulesetHash: `recheck-4.5.0/timeout-${CHECK_TIMEOUT_MS}`,
    rules: [REDOS_RULE],
    supports: (file) => file.language === 'javascript' || file.language === 'typescript' || file.language === 'tsx',
    analyze: (file) => {
      const { language } = file;
      if (language !== 'javascript' && language !== 'typescript' && language !== 'tsx') return Promise.resolve([]);
      return analyzeRedos(file.path, language, file.text);
    },
  };
}
