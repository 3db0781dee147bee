/**
 * The scanner's shared vocabulary. The scanner is the deterministic part of code analysis: it
 * needs no database and no server (`nyxcore scan` runs it on a path), and every analyzer plugs
 * into it through `FileAnalyzer`. Analysed code is untrusted input: analyzers read text, they
 * never run it, never install its dependencies and never follow its symlinks.
 */

/** Languages the scanner knows. `tsx` is TypeScript with JSX (and .jsx files). */
export const LANGUAGES = [
  'typescript',
  'tsx',
  'javascript',
  'python',
  'go',
  'java',
  'terraform',
  'yaml',
  'dockerfile',
  'json',
  'shell',
  'text',
] as const;
export type Language = (typeof LANGUAGES)[number];

export const CATEGORIES = ['security', 'bug', 'performance', 'error-handling', 'code-smell'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Ordered from most to least severe; SARIF levels: critical/high → error, medium → warning, low/info → note. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CONFIDENCES = ['high', 'medium', 'low'] as const;
export type Confidence = (typeof CONFIDENCES)[number];

/** One file handed to analyzers: posix path relative to the scan root, full text, git blob SHA. */
export interface SourceFile {
  path: string;
  language: Language;
  text: string;
  blobSha: string;
}

/** A region of a file. Lines and columns are 1-based; columns count UTF-16 code units, end column exclusive. */
export interface Region {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export interface Location extends Region {
  path: string;
  /** Why this location matters when it is not the primary one ("input enters here"). */
  message?: string;
}

/** What an analyzer reports. The scanner adds fingerprints, suppressions and the snippet. */
export interface RawFinding {
  ruleId: string;
  message: string;
  /** Overrides the rule's severity (e.g. a hard-coded credential in a test fixture is lower). */
  severity?: Severity;
  confidence: Confidence;
  location: Location;
  /** The matched source text; normalised, it is part of the `nyx/v1` fingerprint. */
  matchedText: string;
  /** Other places that belong to this result (e.g. the `.test()` call that feeds a ReDoS regex). */
  related?: Location[];
  /** Source → sink steps where the analyzer traced them (SARIF codeFlows). */
  codeFlow?: Location[];
  /** Analyzer-specific facts shown to users and in SARIF `properties` (e.g. a ReDoS attack string). */
  properties?: Record<string, string | number | boolean>;
}

/** A rule as users and SARIF see it. Rule ids are globally unique, e.g. `js/command-injection`. */
export interface RuleMeta {
  id: string;
  /** The tool that implements the rule: one SARIF run per tool. */
  tool: ToolName;
  name: string;
  category: Category;
  severity: Severity;
  cwe: string[];
  /** One-line description. */
  summary: string;
  /** Markdown: why it matters, how to fix, examples. */
  help: string;
  languages: Language[];
}

export const TOOLS = ['nyx-rules', 'recheck', 'secretlint', 'jscpd', 'tree-sitter'] as const;
export type ToolName = (typeof TOOLS)[number];

/**
 * A per-file analyzer. Its results are cached per (blob SHA, `version`, `rulesetHash`), so
 * `analyze` must depend only on the file's text, path and language: change `version` when the
 * code changes, `rulesetHash` when the rules do.
 */
export interface FileAnalyzer {
  tool: ToolName;
  version: string;
  rulesetHash: string;
  rules: RuleMeta[];
  supports(file: SourceFile): boolean;
  analyze(file: SourceFile): Promise<RawFinding[]>;
}

/** A rule file (or one rule in it) that could not be loaded: reported on the run, never fatal. */
export interface RuleLoadError {
  file: string;
  ruleId?: string;
  message: string;
}
