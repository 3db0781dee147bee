import { describe, expect, it } from 'vitest';
import { languageOf, tokenize } from './highlight.js';
import {
  applyAnalysisFrame,
  facetCounts,
  findingsSearch,
  groupFindings,
  initialAnalysis,
  reportDetails,
  stageSteps,
  type AnalysisEvent,
  type AnalysisFrame,
  type LiveAnalysis,
} from './state.js';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s)).toISOString();
const frames = (events: AnalysisEvent[]): AnalysisFrame[] => events.map((e, i) => ({ ...e, seq: i + 1, at: at(i) }));
const play = (fs: AnalysisFrame[], from: LiveAnalysis = initialAnalysis()): LiveAnalysis =>
  fs.reduce(applyAnalysisFrame, from);
const stage = (s: AnalysisEvent & { type: 'stage' }, d: Partial<(typeof s)['data']> = {}) => ({
  ...s,
  data: { ...s.data, ...d },
});
const st = (
  name: 'queued' | 'syncing' | 'indexing' | 'detecting' | 'triaging' | 'documenting',
  note: string | null = null,
) => stage({ type: 'stage', data: { stage: name, filesDone: 0, filesTotal: 3, findings: 0, note } });
const finding = (id: string, severity: string, line: number): AnalysisEvent => ({
  type: 'finding',
  data: {
    id,
    ruleId: 'js/command-injection',
    category: 'security',
    severity,
    confidence: 'high',
    path: 'src/git.ts',
    line,
    message: 'exec with non-literal input',
    baselineState: 'new',
  },
});

const run = frames([
  st('queued'),
  st('syncing'),
  st('indexing', '3 files to analyse, 1 skipped, 0 ignored'),
  st('detecting'),
  { type: 'file', data: { stage: 'detecting', done: 1, total: 3, path: 'src/git.ts', findings: 1 } },
  finding('f1', 'high', 4),
  { type: 'file', data: { stage: 'detecting', done: 3, total: 3, path: 'src/eval.ts', findings: 2 } },
  finding('f2', 'critical', 2),
  st('triaging', 'triage: not run'),
  st('documenting'),
  { type: 'completed', data: { durationMs: 900, filesTotal: 3, findings: 2, new: 2, fixed: 0, skipped: 1 } },
]);

describe('analysis run state', () => {
  it('fills the stage bar, file progress and findings as events arrive, and keeps the stage notes', () => {
    const mid = play(run.slice(0, 5));
    expect(mid.stage).toBe('detecting');
    expect(mid.filesDone).toBe(1);
    expect(mid.currentPath).toBe('src/git.ts');
    expect(stageSteps(mid).map((s) => s.state)).toEqual([
      'done',
      'done',
      'done',
      'current',
      'pending',
      'pending',
      'pending',
    ]);
    const end = play(run);
    expect(end.stage).toBe('completed');
    expect(end.findings.map((f) => f.id)).toEqual(['f1', 'f2']);
    expect(end.notes.map((n) => n.note)).toEqual(['3 files to analyse, 1 skipped, 0 ignored', 'triage: not run']);
    expect(end.summary).toEqual({ durationMs: 900, new: 2, fixed: 0, skipped: 1 });
    expect(end.currentPath).toBeNull();
    expect(stageSteps(end).every((s) => s.state === 'done')).toBe(true);
  });

  it('coming back mid-run continues after the seq it has: replayed or duplicate frames change nothing', () => {
    const first = play(run.slice(0, 6));
    // A reconnect replays from an earlier seq, then continues.
    const again = play(run, first);
    expect(again).toEqual(play(run));
    expect(again.findings).toHaveLength(2);
  });

  it('a failed run marks the stage it stopped at; a cancelled one too', () => {
    const failed = play(
      frames([
        st('queued'),
        st('syncing'),
        { type: 'failed', data: { error: 'clone failed: unknown branch', stage: 'syncing' } },
      ]),
    );
    expect(failed.error).toBe('clone failed: unknown branch');
    expect(stageSteps(failed).map((s) => [s.stage, s.state])).toEqual([
      ['queued', 'done'],
      ['syncing', 'stopped'],
      ['indexing', 'pending'],
      ['detecting', 'pending'],
      ['triaging', 'pending'],
      ['documenting', 'pending'],
      ['failed', 'stopped'],
    ]);
    const cancelled = play(
      frames([st('queued'), st('detecting'), { type: 'cancelled', data: { stage: 'detecting' } }]),
    );
    expect(stageSteps(cancelled).find((s) => s.state === 'stopped')?.stage).toBe('detecting');
    expect(stageSteps(cancelled).at(-1)).toEqual({ stage: 'cancelled', state: 'stopped' });
  });

  it('a finding sent again (changed) replaces the one with its id', () => {
    const s = play(frames([finding('f1', 'high', 4), finding('f1', 'medium', 5)]));
    expect(s.findings).toHaveLength(1);
    expect(s.findings[0]?.severity).toBe('medium');
  });
});

describe('findings view helpers', () => {
  const items = [
    { id: 'a', severity: 'low', path: 'b.ts', ruleId: 'r2', startLine: 1 },
    { id: 'b', severity: 'critical', path: 'a.ts', ruleId: 'r1', startLine: 9 },
    { id: 'c', severity: 'high', path: 'b.ts', ruleId: 'r1', startLine: 3 },
  ];
  it('groups by rule or file, most severe group first', () => {
    expect(groupFindings(items, 'none')[0]?.items.map((f) => f.id)).toEqual(['b', 'c', 'a']);
    expect(groupFindings(items, 'rule').map((g) => [g.key, g.items.map((f) => f.id)])).toEqual([
      ['r1', ['b', 'c']],
      ['r2', ['a']],
    ]);
    expect(groupFindings(items, 'file').map((g) => g.key)).toEqual(['a.ts', 'b.ts']);
  });
  it('counts facets per value, zero counts included', () => {
    const facets = [
      { category: 'security', severity: 'high', status: 'open', n: 2 },
      { category: 'bug', severity: 'high', status: 'ignored', n: 1 },
    ];
    expect(facetCounts(facets, 'severity', ['critical', 'high'])).toEqual([
      { value: 'critical', n: 0 },
      { value: 'high', n: 3 },
    ]);
  });
  it('reads skipped files and analyzer errors from the free-form report', () => {
    const d = reportDetails({
      skipped: [{ path: 'dist/app.min.js', reason: 'minified', detail: 'long lines' }],
      skippedCount: 4,
      errors: [{ path: 'src/bad.ts', message: 'does not parse' }, 'junk'],
      projectErrors: [{ tool: 'jscpd', message: 'crashed' }],
    });
    expect(d.skippedCount).toBe(4);
    expect(d.skipped[0]?.reason).toBe('minified');
    expect(d.errors).toEqual([
      { where: 'src/bad.ts', message: 'does not parse' },
      { where: 'jscpd', message: 'crashed' },
    ]);
  });
});

describe('syntax colouring', () => {
  it('finds keywords, strings and comments per language, carrying block comments across lines', () => {
    const [line] = tokenize("export function f(b) { exec('git log ' + b); } // run", 'js');
    expect(line?.filter((t) => t.kind === 'keyword').map((t) => t.text)).toEqual(['export', 'function']);
    expect(line?.find((t) => t.kind === 'string')?.text).toBe("'git log '");
    expect(line?.at(-1)).toEqual({ kind: 'comment', text: '// run' });
    const lines = tokenize('/* a\n b */ const x = 1', 'js');
    expect(lines[0]).toEqual([{ kind: 'comment', text: '/* a' }]);
    expect(lines[1]?.[0]).toEqual({ kind: 'comment', text: ' b */' });
    expect(lines[1]?.some((t) => t.kind === 'keyword' && t.text === 'const')).toBe(true);
    expect(tokenize('def f(x): # eval', 'py')[0]?.map((t) => t.kind)).toEqual(['keyword', 'text', 'comment']);
    expect(languageOf('cmd/main.go')).toBe('go');
    // The tokens add up to the line: nothing dropped, nothing added.
    const src = 'const s = "a\\"b"; return `x${y}`;';
    expect(
      tokenize(src, 'js')[0]
        ?.map((t) => t.text)
        .join(''),
    ).toBe(src);
  });
});

describe('findings filters in the address', () => {
  it('keeps known values and drops the rest', () => {
    expect(
      findingsSearch({ severity: 'high', category: 'nope', status: 'ignored', path: 'src/', group: 'file', page: '3' }),
    ).toEqual({ severity: 'high', status: 'ignored', path: 'src/', group: 'file', page: 3 });
    expect(findingsSearch({ page: 0, rule: '  ', severity: 42 })).toEqual({});
  });
});
