import { describe, expect, it } from 'vitest';
import {
  countLoc,
  hitsFor,
  isCleared,
  isCountedSource,
  isNear,
  lineHasSink,
  locateInFixed,
  summarize,
  type DetectorResult,
} from './metrics.js';

// mime 1.3.6 → 1.4.1 (CVE-2017-16138), lib excerpt as packed: the fix rewrote the regex on the sink line.
const mimeVuln = `Mime.prototype.lookup = function(path, fallback) {
  var ext = path.replace(/.*[\\.\\/\\\\]/, '').toLowerCase();

  return this.types[ext] || fallback || this.default_type;
};`;
const mimeFixed = `Mime.prototype.lookup = function(path, fallback) {
  var ext = path.replace(/^.*[\\.\\/\\\\]/, '').toLowerCase();

  return this.types[ext] || fallback || this.default_type;
};`;

// merge 1.2.0 → 1.2.1 (CVE-2018-16469): the fix added a guard above; the sink line moved down by two.
const mergeVuln = `			for (var key in item) {

				var sitem = clone ? Public.clone(item[key]) : item[key];

				if (recursive) {

					result[key] = merge_recursive(result[key], sitem);`;
const mergeFixed = `			for (var key in item) {

				if (key === '__proto__') continue;

				var sitem = clone ? Public.clone(item[key]) : item[key];

				if (recursive) {

					result[key] = merge_recursive(result[key], sitem);`;

const r = (
  ruleId: string,
  path: string,
  startLine: number,
  endLine = startLine,
  category?: string,
): DetectorResult => ({
  ruleId,
  path,
  startLine,
  endLine,
  category,
});

describe('recall window', () => {
  it('counts a result within ±3 lines of the sink in the same file, and nothing further or elsewhere', () => {
    expect(isNear(r('x', 'index.js', 13), 'index.js', 10)).toBe(true);
    expect(isNear(r('x', 'index.js', 7), 'index.js', 10)).toBe(true);
    expect(isNear(r('x', 'index.js', 14), 'index.js', 10)).toBe(false);
    expect(isNear(r('x', 'index.js', 6), 'index.js', 10)).toBe(false);
    expect(isNear(r('x', 'lib/index.js', 10), 'index.js', 10)).toBe(false);
  });

  it('counts a multi-line result whose span overlaps the window', () => {
    // kill-port's `return sh(` call spans three lines; a finding may start two lines above the sink.
    expect(isNear(r('x', 'index.js', 2, 20), 'index.js', 28)).toBe(false);
    expect(isNear(r('x', 'index.js', 20, 25), 'index.js', 28)).toBe(true);
    const hits = hitsFor([r('a', 'index.js', 26, 30), r('b', 'index.js', 40), r('c', 'other.js', 28)], {
      file: 'index.js',
      line: 28,
    });
    expect(hits.map((h) => h.ruleId)).toEqual(['a']);
  });
});

describe('sink verification', () => {
  it('matches the labelled line ignoring whitespace, and fails on the neighbouring line', () => {
    expect(lineHasSink(mergeVuln, 7, 'result[key] = merge_recursive(result[key],sitem);')).toBe(true);
    expect(lineHasSink(mergeVuln, 6, 'result[key] = merge_recursive(result[key], sitem);')).toBe(false);
    expect(lineHasSink(mergeVuln, 99, 'result[key]')).toBe(false);
  });
});

describe('lines of code', () => {
  it('counts non-blank lines', () => {
    expect(countLoc(mimeVuln)).toBe(4);
    expect(countLoc('\n\n  \n')).toBe(0);
  });

  it('counts .js/.mjs/.cjs/.ts code, not tests, docs, declarations, minified files or node_modules', () => {
    expect(isCountedSource('lib/growl.js')).toBe(true);
    expect(isCountedSource('dist/gitlog.cjs.development.js')).toBe(true);
    expect(isCountedSource('src/index.ts')).toBe(true);
    expect(isCountedSource('index.mjs')).toBe(true);
    expect(isCountedSource('test/index.js')).toBe(false);
    expect(isCountedSource('test.js')).toBe(false);
    expect(isCountedSource('docs/example.js')).toBe(false);
    expect(isCountedSource('node_modules/x/index.js')).toBe(false);
    expect(isCountedSource('dist/index.d.ts')).toBe(false);
    expect(isCountedSource('ejs.min.js')).toBe(false);
    expect(isCountedSource('README.md')).toBe(false);
    // A bundle without `.min.` in its name: one long line.
    expect(isCountedSource('dist/bundle.js', `!function(){${'var a=1;'.repeat(100)}}();\n`)).toBe(false);
    expect(isCountedSource('index.js', mimeVuln)).toBe(true);
  });
});

describe('where the sink is in the fixed version', () => {
  it('finds an unchanged sink at its new line', () => {
    expect(locateInFixed(mergeVuln, 7, 'result[key] = merge_recursive(result[key], sitem);', mergeFixed)).toEqual({
      kind: 'same',
      line: 9,
    });
  });

  it('bounds a rewritten sink by the nearest unchanged lines around it', () => {
    const sink = "var ext = path.replace(/.*[\\.\\/\\\\]/, '').toLowerCase();";
    expect(lineHasSink(mimeVuln, 2, sink)).toBe(true);
    expect(locateInFixed(mimeVuln, 2, sink, mimeFixed)).toEqual({ kind: 'region', start: 1, end: 4 });
  });

  it('reports a file the fix removed', () => {
    expect(locateInFixed(mimeVuln, 2, 'x', undefined)).toEqual({ kind: 'file-gone' });
  });
});

describe('cleared in the fixed version', () => {
  const rules = new Set(['security/detect-unsafe-regex']);
  it('is cleared when no result of the hitting rule remains near the sink', () => {
    const loc = locateInFixed(mimeVuln, 2, "var ext = path.replace(/.*[\\.\\/\\\\]/, '').toLowerCase();", mimeFixed);
    const fixed = [
      r('security/detect-object-injection', 'mime.js', 4),
      r('security/detect-unsafe-regex', 'mime.js', 40),
    ];
    expect(isCleared(loc, 'mime.js', rules, fixed)).toBe(true);
  });

  it('is not cleared when the same rule still fires where the sink is now', () => {
    const loc = { kind: 'same', line: 9 } as const;
    expect(isCleared(loc, 'merge.js', rules, [r('security/detect-unsafe-regex', 'merge.js', 11)])).toBe(false);
    expect(isCleared(loc, 'merge.js', rules, [r('security/detect-unsafe-regex', 'merge.js', 13)])).toBe(true);
    expect(isCleared(loc, 'merge.js', rules, [r('security/detect-unsafe-regex', 'other.js', 9)])).toBe(true);
    expect(isCleared({ kind: 'file-gone' }, 'merge.js', rules, [])).toBe(true);
  });
});

describe('summary', () => {
  it('computes recall, results per kLOC, security share, cleared share and the top rule', () => {
    const s = summarize(
      [
        { caseId: 'a', class: 'redos', hit: true, hitRules: ['r1'], cleared: true },
        { caseId: 'b', class: 'redos', hit: true, hitRules: ['r1', 'r2'], cleared: false },
        { caseId: 'c', class: 'redos', hit: true, hitRules: ['r2'] },
        { caseId: 'd', class: 'redos', hit: false, hitRules: [] },
      ],
      [
        {
          spec: 'p@1.0.0',
          classes: ['redos'],
          loc: 2000,
          results: [
            r('r1', 'a.js', 1, 1, 'security'),
            r('r1', 'a.js', 2, 2, 'bug'),
            r('r1', 'a.js', 3),
            r('r2', 'a.js', 4),
          ],
        },
      ],
      true,
    );
    expect(s.recall).toBe(0.75);
    expect(s.perKloc).toBe(2);
    expect(s.securityPerKloc).toBe(0.5);
    expect(s.clearedOf).toBe(2);
    expect(s.clearedShare).toBe(0.5);
    expect(s.topRule).toEqual({ ruleId: 'r1', share: 0.75 });
    expect(s.hitRules).toEqual({ r1: 2, r2: 2 });
  });
});
