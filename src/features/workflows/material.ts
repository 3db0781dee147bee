/**
 * Material analysis for steps that opt in (`analyzeMaterial: true`): when a run's input is
 * code or infrastructure configuration, it is split into virtual files and the deterministic
 * analyzers of code analysis run over them. Their security findings ground the step's prompt
 * ("Static analysis found: …") and are what the offline model reports, triages and proposes.
 * The material is untrusted text: it is split and pattern-matched, never run.
 */
import {
  builtinRuleTable,
  builtinScanOptions,
  languageOf,
  scanFiles,
  type Finding,
  type RuleMeta,
  type SourceFile,
} from '../code-analysis/index.js';
import type { KnownAnalysis, KnownFinding } from '../../platform/llm/offline-findings.js';

/** One file found in the material: its text, and the input line its first line is on (1-based). */
export interface MaterialFile {
  path: string;
  text: string;
  startLine: number;
}

const FILE_NAME = /^(?:[\w.@-]+\/)*(?:[\w@-][\w.@-]*\.[A-Za-z0-9]{1,10}|Dockerfile(?:\.[\w-]+)?|[\w-]+\.dockerfile)$/;
const isFileName = (name: string) => FILE_NAME.test(name) && !/^\d+(\.\d+)+$/.test(name);

/** `File: src/x.ts`, `// src/x.ts`, `# main.tf`, `-- db.sql`, `**x.ts**`, `` `x.ts`: `` on a line of their own. */
function headerName(line: string): string | null {
  const m =
    /^\s*(?:(?:file|filename|path)\s*:\s*|\/\/\s*|#{1,3}\s+|--\s+)?[`*"']{0,2}([^\s`*"']+?)[`*"']{0,2}\s*:?\s*$/i.exec(
      line,
    );
  const name = m?.[1];
  // A bare word on its own line is a header only with a marker or an extension/Dockerfile name.
  return name && isFileName(name) ? name : null;
}

/** The name in a fence's info string: ```` ```ts title="x.ts" ````, ```` ```hcl main.tf ````, ```` ```main.tf ````. */
function fenceName(info: string): string | null {
  const titled = /(?:title|file|filename|name)\s*=\s*["']?([^"'\s]+)/i.exec(info)?.[1];
  if (titled) return titled;
  const named = info
    .trim()
    .split(/\s+/)
    .find((w) => isFileName(w.replace(/^\{|\}$/g, '')));
  return named ?? null;
}

const FENCE_LANGS: Record<string, string> = {
  ts: 'ts',
  typescript: 'ts',
  tsx: 'tsx',
  js: 'js',
  javascript: 'js',
  jsx: 'jsx',
  py: 'py',
  python: 'py',
  go: 'go',
  golang: 'go',
  java: 'java',
  hcl: 'tf',
  terraform: 'tf',
  tf: 'tf',
  yaml: 'yaml',
  yml: 'yaml',
  json: 'json',
  sh: 'sh',
  bash: 'sh',
  shell: 'sh',
};

/**
 * A file name for an unnamed snippet, from what it looks like, or null when it does not look
 * like code or configuration (prose stays prose).
 */
export function guessFileName(text: string, fenceLang = ''): string | null {
  if (/^\s*(resource|module|provider|variable|data|terraform|output|locals)\s+("[^"\n]*"\s*)*\{/m.test(text))
    return 'main.tf';
  if (/^on\s*:/m.test(text) && /^jobs\s*:/m.test(text)) return '.github/workflows/ci.yml';
  if (/^\s*apiVersion\s*:\s*\S+/m.test(text) && /^\s*kind\s*:\s*\S+/m.test(text)) return 'manifest.yaml';
  if (/^\s*FROM\s+\S+/im.test(text) && /^\s*(RUN|CMD|COPY|ADD|ENTRYPOINT|USER|WORKDIR|EXPOSE|ENV)\s/m.test(text))
    return 'Dockerfile';
  if (/^package\s+\w+\s*$/m.test(text) && /^func\s/m.test(text)) return 'main.go';
  if (/^import\s+java\.|\b(public|private|protected)\s+(static\s+)?(final\s+)?(class|interface|void)\s/m.test(text))
    return 'Main.java';
  if (/^\s*(def\s+\w+\s*\(.*\)\s*(->\s*[^:]+)?:|from\s+[\w.]+\s+import\s+\w|import\s+\w+(\.\w+)*\s*$)/m.test(text))
    return 'main.py';
  const isJs =
    /\b(const|let|var)\s+[\w{[][^=\n]*=|\bfunction\s*\w*\s*\(|\brequire\(\s*['"]|^\s*import\s+[^\n]*\s+from\s+['"]|module\.exports|=>\s*[{(]/m.test(
      text,
    );
  if (isJs)
    return /:\s*(string|number|boolean|unknown)\b|\binterface\s+\w+\s*\{|\bimport\s+type\b/.test(text)
      ? 'main.ts'
      : 'main.js';
  const ext = FENCE_LANGS[fenceLang.toLowerCase()];
  if (ext === 'yaml') return 'config.yaml';
  return ext ? `snippet.${ext}` : null;
}

/** GitHub Actions rules apply to workflow files: a pasted `ci.yml` with `on:` and `jobs:` is one. */
function placed(path: string, text: string): string {
  const isWorkflow = /\.ya?ml$/.test(path) && /^on\s*:/m.test(text) && /^jobs\s*:/m.test(text);
  return isWorkflow && !path.startsWith('.github/workflows/')
    ? `.github/workflows/${path.split('/').pop() ?? path}`
    : path;
}

/**
 * Splits material into the files it contains: fenced blocks (named in the info string, or by
 * a header line just above), sections under "File: path" / "// path" / "# path" headers, or
 * one unnamed snippet that looks like code. Empty when the material is not code or config.
 *
 * @example splitMaterial('```hcl main.tf\nresource "x" "y" {}\n```') → [{ path: 'main.tf', text: 'resource "x" "y" {}', startLine: 2 }]
 */
export function splitMaterial(input: string): MaterialFile[] {
  const lines = input.replace(/\r\n?/g, '\n').split('\n');
  const fenced = fencedFiles(lines);
  const files = fenced.length ? fenced : headedFiles(lines);
  if (!files.length) {
    const text = input.trim();
    const name = guessFileName(text);
    if (name) {
      const first = lines.findIndex((l) => l.trim());
      files.push({ path: name, text: lines.slice(first).join('\n').trimEnd(), startLine: first + 1 });
    }
  }
  const seen = new Map<string, number>();
  return files
    .filter((f) => f.text.trim())
    .map((f) => {
      const path = placed(f.path.replace(/^\.?\//, ''), f.text);
      // Two snippets with one name stay two files.
      const n = (seen.get(path) ?? 0) + 1;
      seen.set(path, n);
      return { ...f, path: n === 1 ? path : path.replace(/(\.[^./]+)?$/, `-${n}$1`) };
    });
}

function fencedFiles(lines: string[]): MaterialFile[] {
  const files: MaterialFile[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*(`{3,}|~{3,})\s*([^`]*)$/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    const info = open[2]!.trim();
    let end = i + 1;
    while (end < lines.length && !lines[end]!.trim().startsWith(fence)) end++;
    const text = lines.slice(i + 1, end).join('\n');
    const lang = info.split(/\s+/)[0] ?? '';
    const above = [...lines.slice(Math.max(0, i - 2), i)].reverse().find((l) => l.trim());
    const name = fenceName(info) ?? (above ? headerName(above) : null) ?? guessFileName(text, lang);
    if (name) files.push({ path: name, text, startLine: i + 2 });
    i = end;
  }
  return files;
}

function headedFiles(lines: string[]): MaterialFile[] {
  const files: MaterialFile[] = [];
  let current: { path: string; start: number } | null = null;
  const close = (end: number) => {
    if (current)
      files.push({
        path: current.path,
        text: lines.slice(current.start, end).join('\n').trimEnd(),
        startLine: current.start + 1,
      });
  };
  for (const [i, line] of lines.entries()) {
    // A header needs a marker ("File:", "//", "#") or to be a bare file name with an extension.
    if (
      !/^\s*(file|filename|path)\s*:|^\s*\/\/\s*\S+\s*$|^\s*#{1,3}\s+\S+\s*$|^\s*[`*]{0,2}[\w./@-]+[`*]{0,2}\s*:?\s*$/i.test(
        line,
      )
    )
      continue;
    const name = headerName(line);
    if (!name) continue;
    const hasMarker = /^\s*(file|filename|path)\s*:|^\s*\/\/|^\s*#/i.test(line);
    // A bare `foo.bar` line could be code; a bare name counts only with an extension analyzers know.
    if (!hasMarker && languageOf(name) === 'text') continue;
    close(i);
    current = { path: name, start: i + 1 };
  }
  close(lines.length);
  return files;
}

const SEVERITY: Record<Finding['severity'], KnownFinding['severity']> = {
  critical: 'blocker',
  high: 'high',
  medium: 'medium',
  low: 'low',
  info: 'low',
};

/** The rule's help as one paragraph (markdown line breaks folded). */
const oneParagraph = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();

/** The fix part of a rule's help (after its "**Fix:**" when it has one), as one paragraph. */
function fixOf(help: string): string {
  const at = help.search(/\*\*Fix:\*\*/);
  const fix = oneParagraph(at === -1 ? help : help.slice(at).replace(/^\*\*Fix:\*\*\s*/, ''));
  return fix.charAt(0).toUpperCase() + fix.slice(1);
}

export interface MaterialAnalysis extends KnownAnalysis {
  /** Each file with where it sits in the input. */
  placed: readonly MaterialFile[];
}

/**
 * Runs the built-in analyzers over the files in `input`; null when the input is not code or
 * configuration. Only security findings are kept: they are what a review of pasted material
 * is about (syntax errors in a snippet, duplicates between snippets are noise here).
 */
export async function analyzeMaterial(input: string): Promise<MaterialAnalysis | null> {
  const files = splitMaterial(input);
  if (!files.length) return null;
  const sources: SourceFile[] = files.map((f) => ({
    path: f.path,
    language: languageOf(f.path),
    text: f.text,
    blobSha: '',
  }));
  const [options, rules] = await Promise.all([builtinScanOptions({}), builtinRuleTable()]);
  const report = await scanFiles(sources, { ...options, projectAnalyzers: [] });
  const startOf = new Map(files.map((f) => [f.path, f.startLine]));
  const findings = report.findings
    .filter((f) => f.category === 'security' && !f.suppression)
    .map((f) => ({
      ...knownFinding(f, rules.get(f.ruleId)),
      inputLine: (startOf.get(f.location.path) ?? 1) + f.location.startLine - 1,
    }));
  return { files: files.map((f) => f.path), findings, placed: files };
}

function knownFinding(f: Finding, rule: RuleMeta | undefined): KnownFinding {
  const line = f.snippet.split('\n')[0]?.trim() ?? '';
  return {
    title: f.ruleName,
    ruleId: f.ruleId,
    severity: SEVERITY[f.severity],
    confidence: f.confidence,
    category: f.category,
    location: `${f.location.path}:${f.location.startLine}`,
    evidence: (line || f.matchedText.trim()).slice(0, 240),
    why: oneParagraph(rule?.summary ?? f.message),
    fix: fixOf(rule?.help ?? f.message),
    cwe: f.cwe,
  };
}

const MAX_PROMPT_FINDINGS = 40;

/** What a prompt says about the analysis: one line per finding, for the model to confirm or dismiss. */
export function staticFindingsPrompt(analysis: MaterialAnalysis): string {
  if (!analysis.findings.length)
    return `Static analysis found: nothing in ${analysis.files.join(', ')} that its rules cover. Review the material on its own merits.`;
  // Most severe first (the scanner's order); a long list is cut so the prompt stays readable.
  const shown = analysis.findings.slice(0, MAX_PROMPT_FINDINGS);
  const more = analysis.findings.length - shown.length;
  const lines = shown.map(
    (f) =>
      `- ${f.location} — ${f.ruleId} (${f.severity}${f.cwe.length ? `, ${f.cwe.join(', ')}` : ''}): \`${f.evidence.replaceAll('`', "'")}\``,
  );
  return [
    `Static analysis found: ${analysis.findings.length} issue(s) in ${analysis.files.join(', ')}, from deterministic rules.`,
    'Cite each by file:line in your findings, or say why it is a false positive:',
    ...lines,
    ...(more > 0 ? [`- … and ${more} more of lower or equal severity.`] : []),
  ].join('\n');
}
