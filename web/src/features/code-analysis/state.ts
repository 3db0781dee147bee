/**
 * A code-analysis run's live state, built only from its event frames (replayed from seq 0 or
 * continued after the last seq the page already has), so leaving the page and coming back
 * shows the same run where it is. Pure: `applyAnalysisFrame(state, frame)`.
 */
import type { analysisStages } from '../../../../src/shared/frames.js';
import { type AnalysisEvent, type Frame } from '../../../../src/shared/frames.js';
import type { ignoreReasons } from '../../../../src/features/code-analysis/schema.js';
import type { Category, Severity } from '../../../../src/features/code-analysis/scanner/types.js';

export type { AnalysisEvent };
export type AnalysisFrame = Frame<AnalysisEvent>;
export type Stage = (typeof analysisStages)[number];

/** The stages a run passes through in order; it ends in one of `endStages`. */
export const flowStages = ['queued', 'syncing', 'indexing', 'detecting', 'triaging', 'documenting'] as const;
export const endStages = ['completed', 'failed', 'cancelled'] as const;
export type EndStage = (typeof endStages)[number];

export const isEndStage = (s: Stage | null): s is EndStage => (endStages as readonly string[]).includes(s ?? '');

// The server's lists (types only may come from src/ outside src/shared); `satisfies` keeps them in step.
export const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low', 'info'] as const satisfies readonly Severity[];
export const CATEGORIES = [
  'security',
  'bug',
  'performance',
  'error-handling',
  'code-smell',
] as const satisfies readonly Category[];
export const FINDING_STATUSES = ['open', 'triaged', 'ignored', 'fixed'] as const;
export const IGNORE_REASONS = [
  'false-positive',
  'acceptable-risk',
  'used-in-tests',
  'wont-fix',
] as const satisfies readonly IgnoreReason[];
export type IgnoreReason = (typeof ignoreReasons)[number];
export const ignoreReasonLabels: Record<IgnoreReason, string> = {
  'false-positive': 'False positive',
  'acceptable-risk': 'Acceptable risk',
  'used-in-tests': 'Used in tests',
  'wont-fix': "Won't fix",
};
export const severityRank = (s: string): number => {
  const i = (SEVERITY_ORDER as readonly string[]).indexOf(s);
  return i < 0 ? SEVERITY_ORDER.length : i;
};

export interface LiveFinding {
  id: string;
  ruleId: string;
  category: string;
  severity: string;
  confidence: string;
  path: string;
  line: number;
  message: string;
  baselineState: 'new' | 'unchanged';
}

export interface LiveAnalysis {
  /** Highest seq applied; frames at or below it are ignored. */
  lastSeq: number;
  stage: Stage | null;
  /** The last flow stage reached before the end (where a failed or cancelled run stopped). */
  reached: Stage | null;
  filesDone: number;
  filesTotal: number;
  findingsCount: number;
  currentPath: string | null;
  /** Stage notes in arrival order, e.g. the triage note. */
  notes: Array<{ stage: Stage; note: string }>;
  /** Findings as they arrive, one per id (a later event for the same id replaces it). */
  findings: LiveFinding[];
  patterns: Array<{ name: string; kind: string; confidence: string }>;
  docs: Array<{ kind: string; title: string }>;
  summary: { durationMs: number; new: number; fixed: number; skipped: number } | null;
  error: string | null;
  endedAt: string | null;
}

export const initialAnalysis = (): LiveAnalysis => ({
  lastSeq: 0,
  stage: null,
  reached: null,
  filesDone: 0,
  filesTotal: 0,
  findingsCount: 0,
  currentPath: null,
  notes: [],
  findings: [],
  patterns: [],
  docs: [],
  summary: null,
  error: null,
  endedAt: null,
});

export function applyAnalysisFrame(state: LiveAnalysis, frame: AnalysisFrame): LiveAnalysis {
  if (frame.seq <= state.lastSeq) return state;
  const next: LiveAnalysis = { ...state, lastSeq: frame.seq };
  const e = frame as AnalysisEvent;
  switch (e.type) {
    case 'stage': {
      const d = e.data;
      return {
        ...next,
        stage: d.stage,
        reached: isEndStage(d.stage) ? state.reached : d.stage,
        filesDone: d.filesDone,
        filesTotal: d.filesTotal,
        findingsCount: d.findings,
        notes: d.note ? [...state.notes, { stage: d.stage, note: d.note }] : state.notes,
        // A new stage has no current file until its first progress event.
        currentPath: d.stage === state.stage ? state.currentPath : null,
      };
    }
    case 'file':
      return {
        ...next,
        stage: state.stage ?? e.data.stage,
        filesDone: e.data.done,
        filesTotal: e.data.total,
        findingsCount: Math.max(state.findingsCount, e.data.findings),
        currentPath: e.data.path,
      };
    case 'finding': {
      const f = e.data;
      const at = state.findings.findIndex((x) => x.id === f.id);
      const findings = at < 0 ? [...state.findings, f] : state.findings.map((x, i) => (i === at ? f : x));
      return { ...next, findings };
    }
    case 'pattern':
      return { ...next, patterns: [...state.patterns, e.data] };
    case 'doc':
      return { ...next, docs: [...state.docs, e.data] };
    case 'completed':
      return {
        ...next,
        stage: 'completed',
        filesDone: e.data.filesTotal,
        filesTotal: e.data.filesTotal,
        findingsCount: e.data.findings,
        currentPath: null,
        endedAt: frame.at,
        summary: { durationMs: e.data.durationMs, new: e.data.new, fixed: e.data.fixed, skipped: e.data.skipped },
      };
    case 'failed':
      return {
        ...next,
        stage: 'failed',
        reached: isEndStage(e.data.stage) ? state.reached : e.data.stage,
        error: e.data.error,
        currentPath: null,
        endedAt: frame.at,
      };
    case 'cancelled':
      return {
        ...next,
        stage: 'cancelled',
        reached: isEndStage(e.data.stage) ? state.reached : e.data.stage,
        currentPath: null,
        endedAt: frame.at,
      };
  }
  return next;
}

export type StepState = 'done' | 'current' | 'pending' | 'stopped';

/**
 * The stage bar: each flow stage done, current or pending, and the end pill. A failed or
 * cancelled run marks the stage it stopped at `stopped`.
 */
export function stageSteps(state: Pick<LiveAnalysis, 'stage' | 'reached'>): Array<{ stage: Stage; state: StepState }> {
  const { stage, reached } = state;
  const end = isEndStage(stage) ? stage : null;
  const upTo = end === 'completed' ? flowStages.length : flowStages.indexOf((reached ?? stage ?? 'queued') as never);
  const flow = flowStages.map((s, i): { stage: Stage; state: StepState } => {
    if (i < upTo) return { stage: s, state: 'done' };
    if (i === upTo) return { stage: s, state: end ? 'stopped' : 'current' };
    return { stage: s, state: 'pending' };
  });
  const last: { stage: Stage; state: StepState } = end
    ? { stage: end, state: end === 'completed' ? 'done' : 'stopped' }
    : { stage: 'completed', state: 'pending' };
  return [...flow, last];
}

/** Findings most severe first, then by path and line. */
export function sortFindings<T extends { severity: string; path: string; line?: number; startLine?: number }>(
  items: readonly T[],
): T[] {
  return [...items].sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      a.path.localeCompare(b.path) ||
      (a.line ?? a.startLine ?? 0) - (b.line ?? b.startLine ?? 0),
  );
}

export type Grouping = 'none' | 'rule' | 'file';

/** Groups findings by rule or file, keeping each group sorted and the groups ordered by their worst severity. */
export function groupFindings<T extends { severity: string; path: string; ruleId: string; startLine?: number }>(
  items: readonly T[],
  by: Grouping,
): Array<{ key: string; items: T[] }> {
  const sorted = sortFindings(items);
  if (by === 'none') return [{ key: '', items: sorted }];
  const groups = new Map<string, T[]>();
  for (const f of sorted) {
    const key = by === 'rule' ? f.ruleId : f.path;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups.entries()]
    .map(([key, list]) => ({ key, items: list }))
    .sort(
      (a, b) => severityRank(a.items[0]!.severity) - severityRank(b.items[0]!.severity) || a.key.localeCompare(b.key),
    );
}

export interface Facet {
  category: string;
  severity: string;
  status: string;
  n: number;
}

/** Counts per value of one facet dimension, in a fixed order of `values` (zero counts kept). */
export function facetCounts(
  facets: readonly Facet[],
  dim: 'category' | 'severity' | 'status',
  values: readonly string[],
): Array<{ value: string; n: number }> {
  const counts = new Map<string, number>();
  for (const f of facets) counts.set(f[dim], (counts.get(f[dim]) ?? 0) + f.n);
  const extra = [...counts.keys()].filter((k) => !values.includes(k));
  return [...values, ...extra].map((value) => ({ value, n: counts.get(value) ?? 0 }));
}

/** What the run report says about skipped files and analyzer errors (the report is free-form JSON). */
export function reportDetails(report: Record<string, unknown>) {
  const arr = (v: unknown): Array<Record<string, unknown>> =>
    Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : [];
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  const skipped = arr(report.skipped).map((s) => ({ path: str(s.path), reason: str(s.reason), detail: str(s.detail) }));
  const errors = [...arr(report.errors), ...arr(report.projectErrors)].map((e) => ({
    where: str(e.path) || str(e.tool),
    message: str(e.message),
  }));
  const ruleErrors = arr(report.ruleErrors).map((e) => ({
    where: str(e.file) || str(e.path) || str(e.ruleId),
    message: str(e.message),
  }));
  const skippedCount = typeof report.skippedCount === 'number' ? report.skippedCount : skipped.length;
  return { skipped, skippedCount, errors: [...errors, ...ruleErrors], triage: str(report.triage) };
}

export interface ShownLocation {
  path: string;
  startLine: number;
  message: string;
}

/** Related locations or a code flow from a finding's stored JSON. */
export function locationsOf(value: unknown): ShownLocation[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((v: unknown) => {
    if (typeof v !== 'object' || v === null) return [];
    const l = v as Record<string, unknown>;
    if (typeof l.path !== 'string' || typeof l.startLine !== 'number') return [];
    return [{ path: l.path, startLine: l.startLine, message: typeof l.message === 'string' ? l.message : '' }];
  });
}

/** The LLM's triage verdict from a finding's stored JSON, or null when it was not triaged. */
export function triageOf(
  value: unknown,
): { verdict: string; reason: string; score: number | null; model: string } | null {
  if (typeof value !== 'object' || value === null) return null;
  const t = value as Record<string, unknown>;
  if (typeof t.verdict !== 'string') return null;
  return {
    verdict: t.verdict,
    reason: typeof t.reason === 'string' ? t.reason : '',
    score: typeof t.score === 'number' ? t.score : null,
    model: typeof t.model === 'string' ? t.model : '',
  };
}

/** The findings table's filters, kept in the address so that coming back from a finding keeps them. */
export interface FindingsSearch {
  severity?: (typeof SEVERITY_ORDER)[number];
  category?: (typeof CATEGORIES)[number];
  status?: (typeof FINDING_STATUSES)[number];
  path?: string;
  rule?: string;
  group?: 'rule' | 'file';
  page?: number;
}

const oneOf = <T extends string>(values: readonly T[], v: unknown): T | undefined =>
  typeof v === 'string' && (values as readonly string[]).includes(v) ? (v as T) : undefined;

/** Reads the findings filters from a query string; unknown or malformed values are dropped. */
export function findingsSearch(s: Record<string, unknown>): FindingsSearch {
  const out: FindingsSearch = {};
  const severity = oneOf(SEVERITY_ORDER, s.severity);
  const category = oneOf(CATEGORIES, s.category);
  const status = oneOf(FINDING_STATUSES, s.status);
  const group = oneOf(['rule', 'file'] as const, s.group);
  if (severity) out.severity = severity;
  if (category) out.category = category;
  if (status) out.status = status;
  if (group) out.group = group;
  if (typeof s.path === 'string' && s.path.trim()) out.path = s.path.slice(0, 1000);
  if (typeof s.rule === 'string' && s.rule.trim()) out.rule = s.rule.slice(0, 200);
  const page = typeof s.page === 'number' ? s.page : Number(s.page);
  if (Number.isInteger(page) && page > 1) out.page = page;
  return out;
}
