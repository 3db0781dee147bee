/**
 * Findings the caller already knows about the material (a deterministic analysis of it, say)
 * and how the offline model reports them: under a findings heading with rule, severity,
 * file:line, evidence, why and fix; tiered under "Fix now / Next / Later"; as the top actions
 * and the overall rating of a summary; one proposed insight each. The offline model never
 * invents a finding, so these are the only ones it can name besides the lines it flags.
 */

export interface KnownFinding {
  /** The rule's name, e.g. "Ingress open to the whole internet". */
  title: string;
  ruleId: string;
  severity: 'blocker' | 'high' | 'medium' | 'low';
  confidence: 'high' | 'medium' | 'low';
  category: string;
  /** `file:line`, e.g. `main.tf:9`. */
  location: string;
  /** Where that line is in the material as given, when it was split into files. */
  inputLine?: number;
  /** The offending line, trimmed. */
  evidence: string;
  /** Why it matters (the rule's summary). */
  why: string;
  /** How to fix it (the rule's help, one paragraph). */
  fix: string;
  cwe: readonly string[];
}

/** What the caller analysed: which files, and what it found there. */
export interface KnownAnalysis {
  files: readonly string[];
  findings: readonly KnownFinding[];
}

const SEVERITY_RANK = { blocker: 0, high: 1, medium: 2, low: 3 } as const;
const CONFIDENCE_RANK = { high: 0, medium: 1, low: 2 } as const;

/** Most severe first, then most confident; the caller's order otherwise. */
export function rankedFindings(findings: readonly KnownFinding[]): KnownFinding[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      CONFIDENCE_RANK[a.confidence] - CONFIDENCE_RANK[b.confidence],
  );
}

const code = (text: string) => `\`${text.replaceAll('`', "'")}\``;
const cweOf = (f: KnownFinding) => (f.cwe.length ? f.cwe.join(', ') : 'no CWE');

/** A line of material (or an earlier answer) that states one of these findings: not to be quoted again. */
export function isCoveredBy(line: string, findings: readonly KnownFinding[]): boolean {
  const text = line.trim();
  return findings.some(
    (f) =>
      (f.evidence.length >= 4 && text.includes(f.evidence)) ||
      f.evidence === text ||
      text.includes(f.why) ||
      text.includes(f.fix.slice(0, 60)) ||
      new RegExp(`${f.location.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?!\\d)`).test(text),
  );
}

/** The full entry, for a scan's findings section. */
function detailed(f: KnownFinding, n: number): string {
  return [
    `${n}. **${f.title}** — ${code(f.location)} · ${f.severity} · ${cweOf(f)} · rule ${code(f.ruleId)} (confidence ${f.confidence})${f.inputLine ? ` · line ${f.inputLine} of the input` : ''}`,
    `   - Evidence: ${code(f.evidence)}`,
    `   - Why it matters: ${f.why}`,
    `   - Fix: ${f.fix}`,
  ].join('\n');
}

/** The short entry, for triage and summary sections. */
const brief = (f: KnownFinding) => `- **${f.title}** at ${code(f.location)} (${f.severity}): ${f.fix}`;

const MAX_DETAILED = 30;

type Tier = 'now' | 'next' | 'later' | 'discarded';
function tierOf(heading: string): Tier | null {
  if (/fix now|immediate|urgent|critical|blocker/i.test(heading)) return 'now';
  if (/^\s*next\b|soon|schedule/i.test(heading)) return 'next';
  if (/later|hardening|defen[cs]e in depth/i.test(heading)) return 'later';
  if (/discard|false positive|dismiss/i.test(heading)) return 'discarded';
  return null;
}
const tierFor = (f: KnownFinding): Tier => (f.severity === 'medium' ? 'next' : f.severity === 'low' ? 'later' : 'now');

/**
 * The lines for `heading` from the known analysis, or null when the heading is not one these
 * findings answer (the extractive answer then fills it). `headings` is every requested
 * heading: tiers are used only when the instructions ask for them.
 */
export function knownSection(heading: string, headings: readonly string[], analysis: KnownAnalysis): string[] | null {
  const ranked = rankedFindings(analysis.findings);
  const hasTiers = headings.some((h) => tierOf(h) !== null && tierOf(h) !== 'discarded');
  const tier = tierOf(heading);
  if (hasTiers && tier) {
    if (tier === 'discarded')
      return ['- None: every finding above comes from a deterministic rule that matched the quoted line.'];
    const inTier = ranked.filter((f) => tierFor(f) === tier);
    return inTier.length ? inTier.map(brief) : [`- No finding belongs under “${heading}”.`];
  }
  if (/posture|overall|rating/i.test(heading)) return [`- ${posture(ranked, analysis.files)}`];
  if (/not assessed|limit|scope|out of scope/i.test(heading))
    return [
      `- Static analysis read ${analysis.files.join(', ')} with its rules only; it does not see how they are deployed, the IAM and network around them, dependency versions or runtime behaviour.`,
    ];
  if (/action|recommend|next step/i.test(heading) && ranked.length)
    return ranked.slice(0, 3).map((f, i) => `${i + 1}. ${f.fix} (${f.title}, ${f.location}).`);
  if (/finding|risk|issue|vulnerab|problem|concern|weakness|threat/i.test(heading)) {
    if (!ranked.length) return [`- Static analysis of ${analysis.files.join(', ')} found no issues its rules cover.`];
    const more = ranked.length - MAX_DETAILED;
    return [
      ...ranked.slice(0, MAX_DETAILED).map((f, i) => detailed(f, i + 1)),
      ...(more > 0 ? [`- … and ${more} more of lower or equal severity.`] : []),
    ];
  }
  return null;
}

function posture(ranked: readonly KnownFinding[], files: readonly string[]): string {
  const top = ranked[0];
  if (!top) return `Overall rating: low. Static analysis of ${files.join(', ')} found no issues its rules cover.`;
  const counts = (['blocker', 'high', 'medium', 'low'] as const)
    .map((s) => [s, ranked.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  const rating = top.severity === 'blocker' ? 'critical' : top.severity === 'high' ? 'high' : 'moderate';
  return `Overall rating: ${rating}. Static analysis of ${files.length} file(s) found ${ranked.length} issue(s) (${counts}); the most severe is "${top.title}" at ${top.location}.`;
}

/** One proposed insight per finding, most severe first. */
export function knownInsights(
  analysis: KnownAnalysis,
): Record<'title' | 'detail' | 'suggestion' | 'category' | 'type' | 'severity', string>[] {
  return rankedFindings(analysis.findings).map((f) => ({
    title: `${f.title} (${f.location})`,
    detail: `${f.location}: ${code(f.evidence)}. ${f.why} ${cweOf(f)}; rule ${f.ruleId}, confidence ${f.confidence}.`,
    suggestion: f.fix,
    category: f.category,
    type: 'pain_point',
    severity: f.severity,
  }));
}
