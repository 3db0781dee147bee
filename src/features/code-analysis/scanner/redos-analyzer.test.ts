import { describe, expect, it } from 'vitest';
import { createRedosAnalyzer, unescapeJsString } from './redos-analyzer.js';

const analyzer = createRedosAnalyzer();
const analyze = (text: string) => analyzer.analyze({ path: 'src/v.js', language: 'javascript', text, blobSha: '' });

describe('recheck ReDoS analyzer', () => {
  it('reports /^(a+)+$/ with its attack string and the .test(input) call that feeds it', async () => {
    const text = ['const RE = /^(a+)+$/;', 'export function isValid(input) {', '  return RE.test(input);', '}'].join(
      '\n',
    );
    const findings = await analyze(text);
    const regex = findings.find((f) => f.location.startLine === 1);
    const call = findings.find((f) => f.location.startLine === 3);
    expect(regex).toMatchObject({ ruleId: 'js/redos', matchedText: '/^(a+)+$/', confidence: 'high' });
    expect(regex?.properties).toMatchObject({ complexity: 'exponential' });
    expect(String(regex?.properties?.attack)).toContain("'a'");
    expect(regex?.related?.map((l) => l.startLine)).toEqual([3]);
    expect(call).toMatchObject({ ruleId: 'js/redos', matchedText: 'RE.test(input)', confidence: 'high' });
    expect(call?.related?.map((l) => l.startLine)).toEqual([1]);
  });

  it('follows new RegExp("literal") through a property to str.match(...)', async () => {
    const text = [
      'class V {',
      "  constructor() { this.pattern = new RegExp('^(\\\\w+\\\\s?)*$'); }",
      '  check(s) {',
      '    return s.match(this.pattern);',
      '  }',
      '}',
      'module.exports = V;',
    ].join('\n');
    const findings = await analyze(text);
    expect(findings.map((f) => f.location.startLine).sort()).toEqual([2, 4]);
  });

  it('resolves new RegExp(CONST) when the const is a string in the same file', async () => {
    const text = "const SOURCE = '^(a|aa)+$';\nconst re = new RegExp(SOURCE);\nexport const ok = (s) => re.test(s);";
    const findings = await analyze(text);
    expect(findings.map((f) => f.location.startLine).sort()).toEqual([2, 3]);
  });

  it('does not report a safe regex, nor a call with constant input', async () => {
    expect(await analyze('const RE = /^[a-z0-9_-]{3,16}$/;\nexport const ok = (s) => RE.test(s);')).toEqual([]);
    const findings = await analyze("const RE = /^(a+)+$/;\nRE.test('aaaa');");
    expect(findings.map((f) => f.location.startLine)).toEqual([1]);
  });

  it('decodes string literals the way JavaScript does', () => {
    expect(unescapeJsString(String.raw`^\\d+\u0041\x42\n`)).toBe('^\\d+AB\n');
  });
});
