// One file on purpose (~490 lines): each pattern kind is a short derivation over the same index and inventory; split, they would share every helper.
/**
 * Code patterns derived deterministically from a run's files (their text and tree-sitter
 * index) and its findings: architecture, naming, testing, dependency usage, security
 * practices and anti-patterns, each with evidence at a file:line that exists in the checkout.
 * No LLM: the same checkout gives the same patterns, offline too.
 *
 * Over 400 lines on purpose: the six derivations share the line/import helpers and the
 * evidence check, and read best side by side.
 */
import path from 'node:path';
import type { PatternEvidence, PatternKind } from '../../platform/db/schema/index.js';
import type { FileIndex } from './scanner/symbols.js';

export interface CodeFile {
  path: string;
  language: string;
  lines: string[];
  index: FileIndex | null;
}

export interface OpenFinding {
  ruleId: string;
  path: string;
  line: number;
  message: string;
}

export interface DerivedPattern {
  kind: PatternKind;
  name: string;
  description: string;
  confidence: 'high' | 'medium' | 'low';
  evidence: PatternEvidence[];
}

const CODE_LANGUAGES = new Set(['typescript', 'tsx', 'javascript', 'python', 'go', 'java']);
export const isCode = (f: CodeFile): boolean => CODE_LANGUAGES.has(f.language);

const TEST_FILE =
  /(^|\/)(__tests__|tests?|spec)\/|\.(test|spec)\.[cm]?[jt]sx?$|(^|\/)test_[^/]+\.py$|_test\.(py|go)$|Tests?\.java$/;
export const isTestFile = (p: string): boolean => TEST_FILE.test(p);

/** The first 1-based line of `file` matching `re`, or null. */
export function lineMatching(file: CodeFile, re: RegExp): number | null {
  const i = file.lines.findIndex((l) => re.test(l));
  return i < 0 ? null : i + 1;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The line that imports `spec` (quoted in JS/Go, bare in Python/Java). */
export function importLine(file: CodeFile, spec: string): number | null {
  const quoted = new RegExp(`['"\`]${escapeRe(spec)}['"\`]`);
  const bare = new RegExp(`^\\s*(import|from)\\s+${escapeRe(spec)}\\b`);
  return lineMatching(file, quoted) ?? lineMatching(file, bare);
}

/** The package an import names: `@scope/pkg`, `pkg` from `pkg/sub`, `node:fs` → `node:fs`; null for relative ones. */
export function packageOf(spec: string, language: string): string | null {
  if (spec.startsWith('.') || spec.startsWith('/')) return null;
  if (language === 'python' || language === 'java')
    return spec
      .split('.')
      .slice(0, language === 'java' ? 2 : 1)
      .join('.');
  if (language === 'go') return spec;
  if (spec.startsWith('node:')) return spec;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? spec);
}

type Case = 'kebab' | 'snake' | 'camel' | 'pascal' | 'lower';
function caseOf(name: string): Case | null {
  if (/^[a-z][a-z0-9]*$/.test(name)) return 'lower';
  if (/^[a-z][a-z0-9]*(-[a-z0-9]+)+$/.test(name)) return 'kebab';
  if (/^[a-z][a-z0-9]*(_[a-z0-9]+)+$/.test(name)) return 'snake';
  if (/^[a-z][a-zA-Z0-9]*$/.test(name)) return 'camel';
  if (/^[A-Z][a-zA-Z0-9]*$/.test(name)) return 'pascal';
  return null;
}
const CASE_NAMES: Record<Case, string> = {
  kebab: 'kebab-case',
  snake: 'snake_case',
  camel: 'camelCase',
  pascal: 'PascalCase',
  lower: 'lowercase',
};

const pct = (n: number, total: number) => `${Math.round((100 * n) / Math.max(1, total))} %`;

/** The dominant case among names (single lowercase words fit any convention and are not counted). */
function dominantCase(names: string[]): { style: Case; share: number; counted: number } | null {
  const counts = new Map<Case, number>();
  for (const n of names) {
    const c = caseOf(n);
    if (c && c !== 'lower') counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  const counted = [...counts.values()].reduce((s, n) => s + n, 0);
  const [best] = [...counts].sort((a, b) => b[1] - a[1]);
  return best && counted ? { style: best[0], share: best[1] / counted, counted } : null;
}

const confidenceOf = (share: number, n: number): DerivedPattern['confidence'] =>
  share >= 0.8 && n >= 5 ? 'high' : share >= 0.6 && n >= 2 ? 'medium' : 'low';

function architecture(files: CodeFile[], manifest: Manifest | null): DerivedPattern[] {
  const code = files.filter(isCode);
  const out: DerivedPattern[] = [];
  if (code.length === 0) return out;
  const source = code.filter((f) => !isTestFile(f.path));
  const underSrc = source.filter((f) => /^(src|lib|app|internal|pkg|cmd)\//.test(f.path));
  const folders = new Map<string, CodeFile[]>();
  for (const f of source) {
    const parts = f.path.split('/');
    const key =
      parts.length > 2 && /^(src|lib|app|internal|pkg)$/.test(parts[0]!) ? `${parts[0]}/${parts[1]}` : parts[0]!;
    if (parts.length > 1) folders.set(key, [...(folders.get(key) ?? []), f]);
  }
  const ranked = [...folders].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
  if (ranked.length) {
    const share = underSrc.length / Math.max(1, source.length);
    out.push({
      kind: 'architecture',
      name: `Source organised in folders: ${ranked
        .slice(0, 6)
        .map(([d]) => `${d}/`)
        .join(', ')}`,
      description: `${source.length} source file(s) in ${folders.size} folder(s); ${pct(underSrc.length, source.length)} under a source root (src/, lib/, app/, internal/, pkg/, cmd/).`,
      confidence: confidenceOf(Math.max(share, 0.6), source.length),
      evidence: ranked.slice(0, 4).map(([d, list]) => ({
        path: list[0]!.path,
        line: firstDefinitionLine(list[0]!),
        note: `${d}/ holds ${list.length} source file(s)`,
      })),
    });
  }
  const LAYERS =
    /^(routes?|controllers?|handlers?|api|services?|models?|db|database|repositor(y|ies)|middlewares?|views?|components?|domain|infra(structure)?)$/;
  const layers = ranked.filter(([d]) => LAYERS.test(d.split('/').at(-1)!));
  if (layers.length >= 2)
    out.push({
      kind: 'architecture',
      name: `Layered by responsibility: ${layers.map(([d]) => d.split('/').at(-1)).join(' / ')}`,
      description: 'Code is split into folders named after layers (routing, services, data access, …).',
      confidence: layers.length >= 3 ? 'high' : 'medium',
      evidence: layers.slice(0, 5).map(([d, list]) => ({
        path: list[0]!.path,
        line: firstDefinitionLine(list[0]!),
        note: `${d}/ layer`,
      })),
    });
  const entries = entryPoints(files, manifest);
  if (entries.length)
    out.push({
      kind: 'architecture',
      name: `Entry point${entries.length > 1 ? 's' : ''}: ${entries.map((e) => e.path).join(', ')}`,
      description: 'Where the program starts: the manifest names it, or the file starts a server or a main function.',
      confidence: entries.some((e) => e.isDeclared) ? 'high' : 'medium',
      evidence: entries.map((e) => ({ path: e.evidencePath, line: e.line, note: e.note })),
    });
  return out;
}

function firstDefinitionLine(f: CodeFile): number {
  return f.index?.definitions[0]?.line ?? Math.max(1, f.lines.findIndex((l) => l.trim() !== '') + 1);
}

export interface Manifest {
  kind: 'package.json' | 'pyproject.toml' | 'go.mod' | 'pom.xml';
  file: CodeFile;
  name: string | null;
  description: string | null;
  main: string | null;
  scripts: Record<string, string>;
  dependencies: string[];
}

interface Entry {
  path: string;
  evidencePath: string;
  line: number;
  note: string;
  isDeclared: boolean;
}

const ENTRY_NAMES =
  /(^|\/)(index|main|server|app|cli)\.[cm]?[jt]sx?$|(^|\/)(main|__main__|app|manage)\.py$|(^|\/)main\.go$|(^|\/)(Main|Application)\.java$/;
const STARTS =
  /\.listen\(|http\.ListenAndServe|func main\(\)|if __name__ == ['"]__main__['"]|public static void main|uvicorn\.run|app\.run\(/;

export function entryPoints(files: CodeFile[], manifest: Manifest | null): Entry[] {
  const out: Entry[] = [];
  const byPath = new Map(files.map((f) => [f.path, f]));
  if (manifest?.kind === 'package.json' && manifest.main) {
    const main = manifest.main.replace(/^\.\//, '');
    const line = lineMatching(manifest.file, /"(main|bin)"\s*:/);
    const candidates = [main, main.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts')];
    const target = candidates.find((c) => byPath.has(c));
    if (line)
      out.push({
        path: target ?? main,
        evidencePath: manifest.file.path,
        line,
        note: 'declared in package.json',
        isDeclared: true,
      });
  }
  for (const f of files.filter(isCode)) {
    if (isTestFile(f.path) || out.some((e) => e.path === f.path)) continue;
    const start = lineMatching(f, STARTS);
    if (start || (ENTRY_NAMES.test(f.path) && f.path.split('/').length <= 2)) {
      out.push({
        path: f.path,
        evidencePath: f.path,
        line: start ?? firstDefinitionLine(f),
        note: start ? `starts here: ${f.lines[start - 1]!.trim().slice(0, 80)}` : 'conventional entry file name',
        isDeclared: false,
      });
    }
  }
  return out.slice(0, 5);
}

function naming(files: CodeFile[]): DerivedPattern[] {
  const out: DerivedPattern[] = [];
  const code = files.filter(isCode);
  const stems = code.map((f) => ({
    f,
    stem: path.posix
      .basename(f.path)
      .replace(/\.[^.]+$/, '')
      .replace(/\.(test|spec|d)$/, ''),
  }));
  const fileCase = dominantCase(stems.map((s) => s.stem));
  if (fileCase) {
    const examples = stems.filter((s) => caseOf(s.stem) === fileCase.style).slice(0, 3);
    out.push({
      kind: 'naming',
      name: `File names in ${CASE_NAMES[fileCase.style]}`,
      description: `${pct(fileCase.share * fileCase.counted, fileCase.counted)} of ${fileCase.counted} multi-word file names are ${CASE_NAMES[fileCase.style]}.`,
      confidence: confidenceOf(fileCase.share, fileCase.counted),
      evidence: examples.map(({ f }) => ({ path: f.path, line: 1, note: `file name ${path.posix.basename(f.path)}` })),
    });
  }
  const defs = code.flatMap((f) => (f.index?.definitions ?? []).map((d) => ({ f, d })));
  for (const [label, kinds] of [
    ['Functions', ['function', 'method']],
    ['Classes and types', ['class', 'interface', 'type', 'enum']],
  ] as const) {
    const list = defs.filter(({ d }) => (kinds as readonly string[]).includes(d.kind) && d.name !== 'constructor');
    const style = dominantCase(list.map(({ d }) => d.name));
    if (!style) continue;
    const examples = list.filter(({ d }) => caseOf(d.name) === style.style).slice(0, 3);
    out.push({
      kind: 'naming',
      name: `${label} named in ${CASE_NAMES[style.style]}`,
      description: `${pct(style.share * style.counted, style.counted)} of ${style.counted} multi-word ${label.toLowerCase()} names are ${CASE_NAMES[style.style]}.`,
      confidence: confidenceOf(style.share, style.counted),
      evidence: examples.map(({ f, d }) => ({ path: f.path, line: d.line, note: `${d.kind} ${d.name}` })),
    });
  }
  return out;
}

const FRAMEWORKS: Array<{ name: string; specs: RegExp; command: string }> = [
  { name: 'Vitest', specs: /^vitest(\/|$)/, command: 'npx vitest run' },
  { name: 'Jest', specs: /^(@jest\/globals|jest)$/, command: 'npx jest' },
  { name: 'Mocha', specs: /^(mocha|chai)$/, command: 'npx mocha' },
  { name: 'node:test', specs: /^node:test$/, command: 'node --test' },
  { name: 'pytest', specs: /^pytest$/, command: 'pytest' },
  { name: 'unittest', specs: /^unittest$/, command: 'python -m unittest' },
  { name: 'go test', specs: /^testing$/, command: 'go test ./...' },
  { name: 'JUnit', specs: /^org\.junit/, command: 'mvn test' },
];

export interface TestingFacts {
  framework: { name: string; command: string } | null;
  testFiles: CodeFile[];
  sourceFiles: CodeFile[];
}

export function testingFacts(files: CodeFile[]): TestingFacts {
  const code = files.filter(isCode);
  const testFiles = code.filter((f) => isTestFile(f.path));
  const counts = new Map<string, number>();
  for (const f of testFiles)
    for (const spec of f.index?.imports ?? []) {
      const fw = FRAMEWORKS.find((x) => x.specs.test(spec));
      if (fw) counts.set(fw.name, (counts.get(fw.name) ?? 0) + 1);
    }
  const [top] = [...counts].sort((a, b) => b[1] - a[1]);
  const fw = top ? FRAMEWORKS.find((x) => x.name === top[0])! : null;
  return {
    framework: fw ? { name: fw.name, command: fw.command } : null,
    testFiles,
    sourceFiles: code.filter((f) => !isTestFile(f.path)),
  };
}

function testing(files: CodeFile[]): DerivedPattern[] {
  const facts = testingFacts(files);
  if (facts.testFiles.length === 0) return [];
  const fw = FRAMEWORKS.find((x) => x.name === facts.framework?.name);
  const evidence: PatternEvidence[] = facts.testFiles.slice(0, 4).map((f) => {
    const spec = fw ? f.index?.imports.find((s) => fw.specs.test(s)) : undefined;
    const line =
      (spec ? importLine(f, spec) : null) ??
      lineMatching(f, /\b(describe|it|test)\s*\(|def test_|func Test|@Test/) ??
      1;
    return { path: f.path, line, note: spec ? `imports ${spec}` : 'test file' };
  });
  const ratio = facts.testFiles.length / Math.max(1, facts.sourceFiles.length);
  return [
    {
      kind: 'testing',
      name: `Tests with ${facts.framework?.name ?? 'an unrecognised framework'} (${facts.testFiles.length} test file(s), ${ratio.toFixed(2)} per source file)`,
      description: `${facts.testFiles.length} test file(s) for ${facts.sourceFiles.length} source file(s)${facts.framework ? `; run them with \`${facts.framework.command}\`` : ''}.`,
      confidence: facts.framework ? (facts.testFiles.length >= 3 ? 'high' : 'medium') : 'low',
      evidence,
    },
  ];
}

/** Packages by how many files import them, with the first file:line that does. */
export function dependencyUse(files: CodeFile[]): Array<{ name: string; files: number; path: string; line: number }> {
  const use = new Map<string, { files: Set<string>; path: string; line: number }>();
  for (const f of files.filter(isCode))
    for (const spec of new Set(f.index?.imports ?? [])) {
      const name = packageOf(spec, f.language);
      if (!name) continue;
      const line = importLine(f, spec);
      if (!line) continue;
      const entry = use.get(name) ?? { files: new Set<string>(), path: f.path, line };
      entry.files.add(f.path);
      use.set(name, entry);
    }
  return [...use]
    .map(([name, u]) => ({ name, files: u.files.size, path: u.path, line: u.line }))
    .sort((a, b) => b.files - a.files || a.name.localeCompare(b.name));
}

/** Node's built-in modules say little about a codebase's choices. */
const isStandardLibrary = (name: string) => name.startsWith('node:');

function dependencies(files: CodeFile[]): DerivedPattern[] {
  const top = dependencyUse(files)
    .filter((d) => !isStandardLibrary(d.name))
    .slice(0, 8);
  if (top.length === 0) return [];
  return [
    {
      kind: 'dependency',
      name: `Most used modules: ${top
        .slice(0, 5)
        .map((d) => d.name)
        .join(', ')}`,
      description: top.map((d) => `${d.name} (${d.files} file(s))`).join(', '),
      confidence: (top[0]?.files ?? 0) >= 3 ? 'high' : 'medium',
      evidence: top.map((d) => ({ path: d.path, line: d.line, note: `imports ${d.name}` })),
    },
  ];
}

const SECURITY: Array<{ name: string; modules: RegExp; usage?: RegExp; description: string }> = [
  {
    name: 'HTTP security headers with helmet',
    modules: /^helmet$/,
    usage: /helmet\(/,
    description: 'helmet sets security headers on responses.',
  },
  {
    name: 'Input validation with schemas',
    modules: /^(zod|joi|yup|ajv|class-validator|valibot|superstruct|pydantic|marshmallow|cerberus)$/,
    usage: /\.(safeParse|parse|validate|validateAsync)\(|BaseModel\)/,
    description: 'Inputs are checked against declared schemas before use.',
  },
  {
    name: 'CSRF protection',
    modules: /^(csurf|csrf|lusca|@fastify\/csrf-protection|csrf-csrf|flask_wtf)$/,
    description: 'Requests carry CSRF tokens.',
  },
  {
    name: 'Rate limiting',
    modules: /^(express-rate-limit|rate-limiter-flexible|@fastify\/rate-limit|slowapi)$/,
    description: 'Endpoints are rate-limited.',
  },
  {
    name: 'Password hashing',
    modules: /^(bcrypt|bcryptjs|argon2|@node-rs\/argon2|passlib|golang\.org\/x\/crypto\/bcrypt)$/,
    description: 'Passwords are hashed with a slow hash.',
  },
  {
    name: 'CORS configured explicitly',
    modules: /^(cors|@fastify\/cors|flask_cors)$/,
    usage: /cors\(/,
    description: 'Cross-origin access is configured by a middleware.',
  },
];
const PARAMETERISED = /(?:^|[^\w])(?:query|execute|raw|sql)\(\s*['"`][^'"`]*(\$\d|\?|%s|:\w+)[^'"`]*['"`]\s*,/;

function security(files: CodeFile[]): DerivedPattern[] {
  const out: DerivedPattern[] = [];
  const code = files.filter(isCode);
  for (const s of SECURITY) {
    const evidence: PatternEvidence[] = [];
    const names = new Set<string>();
    for (const f of code) {
      const spec = (f.index?.imports ?? []).find((i) => s.modules.test(packageOf(i, f.language) ?? ''));
      if (!spec) continue;
      names.add(packageOf(spec, f.language)!);
      const line = importLine(f, spec);
      if (line && evidence.length < 4) evidence.push({ path: f.path, line, note: `imports ${spec}` });
      const used = s.usage ? lineMatching(f, s.usage) : null;
      if (used && evidence.length < 6)
        evidence.push({ path: f.path, line: used, note: f.lines[used - 1]!.trim().slice(0, 100) });
    }
    if (evidence.length)
      out.push({
        kind: 'security-practice',
        name: `${s.name} (${[...names].join(', ')})`,
        description: s.description,
        confidence: evidence.length >= 2 ? 'high' : 'medium',
        evidence,
      });
  }
  const params: PatternEvidence[] = [];
  for (const f of code)
    f.lines.forEach((l, i) => {
      if (params.length < 5 && PARAMETERISED.test(l))
        params.push({ path: f.path, line: i + 1, note: l.trim().slice(0, 100) });
    });
  if (params.length)
    out.push({
      kind: 'security-practice',
      name: 'Parameterised SQL queries',
      description: 'Queries pass values as parameters instead of concatenating them into the SQL text.',
      confidence: params.length >= 2 ? 'high' : 'medium',
      evidence: params,
    });
  return out;
}

function antiPatterns(found: OpenFinding[]): DerivedPattern[] {
  const out: DerivedPattern[] = [];
  const group = (key: (f: OpenFinding) => string) => {
    const m = new Map<string, OpenFinding[]>();
    for (const f of found) m.set(key(f), [...(m.get(key(f)) ?? []), f]);
    return [...m].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
  };
  const [rule] = group((f) => f.ruleId);
  if (rule)
    out.push({
      kind: 'anti-pattern',
      name: `Recurring ${rule[0]} (${rule[1].length} open finding(s))`,
      description: `The rule with the most open findings in this run: ${rule[1][0]!.message}`,
      confidence: rule[1].length >= 3 ? 'high' : 'medium',
      evidence: rule[1].slice(0, 5).map((f) => ({ path: f.path, line: f.line, note: f.message.slice(0, 120) })),
    });
  const hot = group((f) => f.path).filter(([, list]) => list.length >= 2);
  if (hot.length)
    out.push({
      kind: 'anti-pattern',
      name: `Finding hotspots: ${hot
        .slice(0, 3)
        .map(([p, l]) => `${p} (${l.length})`)
        .join(', ')}`,
      description: 'Files with the most open findings: the first candidates for review or refactoring.',
      confidence: (hot[0]?.[1].length ?? 0) >= 3 ? 'high' : 'medium',
      evidence: hot.slice(0, 3).map(([p, list]) => ({
        path: p,
        line: list[0]!.line,
        note: `${list.length} open finding(s), e.g. ${list[0]!.ruleId}`,
      })),
    });
  return out;
}

/** Every pattern the run shows, evidence checked against the files (a line that is not there is dropped, so is a pattern left without any). */
export function derivePatterns(files: CodeFile[], manifest: Manifest | null, found: OpenFinding[]): DerivedPattern[] {
  const lineCount = new Map(files.map((f) => [f.path, f.lines.length]));
  return [
    ...architecture(files, manifest),
    ...naming(files),
    ...testing(files),
    ...dependencies(files),
    ...security(files),
    ...antiPatterns(found),
  ]
    .map((p) => ({
      ...p,
      evidence: p.evidence.filter((e) => e.line >= 1 && e.line <= (lineCount.get(e.path) ?? 0)),
    }))
    .filter((p) => p.evidence.length > 0);
}
