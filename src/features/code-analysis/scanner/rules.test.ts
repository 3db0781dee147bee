import { describe, expect, it } from 'vitest';
import { createRuleAnalyzer, runRules } from './ast-grep-analyzer.js';
import { loadBuiltinRules } from './rule-pack.js';
import type { LoadedRule, RuleLanguage } from './rule-pack.js';
import type { RawFinding } from './types.js';

const { rules, errors } = loadBuiltinRules();

function scan(text: string, language: RuleLanguage = 'javascript', only?: string): RawFinding[] {
  const selected = only ? rules.filter((r) => r.id === only) : rules;
  return runRules(selected, { path: 'src/mod.js', language, text, blobSha: '' });
}

describe('built-in rule packs', () => {
  it('load without errors', () => {
    expect(errors).toEqual([]);
    expect(rules.length).toBeGreaterThan(25);
  });

  // Generated from each rule's own `tests:`, so a new rule is tested by adding it to a pack.
  for (const rule of rules) {
    describe(rule.id, () => {
      for (const language of rule.languages) {
        rule.tests.invalid.forEach((code, i) => {
          it(`[${language}] finds invalid example ${i + 1}`, () => {
            const found = runRules([rule], { path: 't', language, text: code, blobSha: '' });
            expect(found.map((f) => f.ruleId)).toContain(rule.id);
          });
        });
        rule.tests.valid.forEach((code, i) => {
          it(`[${language}] ignores valid example ${i + 1}`, () => {
            expect(runRules([rule], { path: 't', language, text: code, blobSha: '' })).toEqual([]);
          });
        });
      }
    });
  }
});

describe('realistic vulnerable modules', () => {
  it('command injection in an exported function building exec("git " + arg)', () => {
    const text = [
      "'use strict';",
      "var cp = require('child_process');",
      '',
      'function quote(s) { return s; }',
      '',
      'module.exports = function checkout(branch, cb) {',
      "  var args = ['checkout', quote(branch)];",
      "  cp.exec('git ' + args.join(' '), cb);",
      '};',
    ].join('\n');
    const found = scan(text).filter((f) => f.ruleId === 'js/command-injection');
    expect(found).toHaveLength(1);
    expect(found[0]?.location.startLine).toBe(8);
    expect(found[0]?.confidence).toBe('high');
    expect(found[0]?.codeFlow?.[0]?.startLine).toBe(6);
  });

  it('prototype pollution at the dynamic assignment inside a hand-written recursive merge', () => {
    const text = [
      'function isObject(o) { return o && typeof o === "object"; }',
      'function merge(target, source) {',
      '  for (var key in source) {',
      '    if (isObject(source[key])) {',
      '      if (!target[key]) target[key] = {};',
      '      merge(target[key], source[key]);',
      '    } else {',
      '      target[key] = source[key];',
      '    }',
      '  }',
      '  return target;',
      '}',
      'exports.merge = merge;',
    ].join('\n');
    const found = scan(text).filter((f) => f.ruleId === 'js/prototype-pollution');
    expect(found.map((f) => f.location.startLine)).toEqual([5, 8]);
    expect(found.every((f) => f.confidence === 'high')).toBe(true);
  });

  it('path traversal in fs.readFile(path.join(base, req.params.file))', () => {
    const text = [
      "import fs from 'node:fs';",
      "import path from 'node:path';",
      "const base = path.join(__dirname, 'files');",
      "app.get('/files/:file', (req, res) => {",
      '  fs.readFile(path.join(base, req.params.file), (err, data) => res.send(data));',
      '});',
    ].join('\n');
    const found = scan(text, 'typescript').filter((f) => f.ruleId === 'js/path-traversal');
    expect(found).toHaveLength(1);
    expect(found[0]?.location.startLine).toBe(5);
    expect(found[0]?.confidence).toBe('high');
  });

  it('prototype pollution in a set-by-path loop, at the assignment', () => {
    const text = [
      'module.exports = function set(target, path, value) {',
      "  var keys = path.split('.');",
      '  var current = target;',
      '  for (var i = 0; i < keys.length - 1; i++) {',
      '    if (!current[keys[i]]) current[keys[i]] = {};',
      '    current = current[keys[i]];',
      '  }',
      '  current[keys[i]] = value;',
      '};',
    ].join('\n');
    const found = scan(text).filter((f) => f.ruleId === 'js/prototype-pollution-path');
    expect(found.map((f) => f.location.startLine)).toEqual([5, 8]);
    expect(found.every((f) => f.confidence === 'high')).toBe(true);
  });

  it('code injection through new Function with a concatenated body', () => {
    const text = [
      'exports.compile = function (expr) {',
      "  return new Function('obj', 'with (obj) { return ' + expr + '; }');",
      '};',
    ].join('\n');
    const found = scan(text).filter((f) => f.ruleId === 'js/code-injection');
    expect(found).toHaveLength(1);
    expect(found[0]?.location.startLine).toBe(2);
    expect(found[0]?.confidence).toBe('high');
  });
});

describe('evidence ranking', () => {
  const rule = rules.find((r) => r.id === 'js/command-injection') as LoadedRule;
  const rank = (text: string) =>
    runRules([rule], { path: 'a.js', language: 'javascript', text, blobSha: '' }).map((f) => f.confidence);

  it('rates a parameter of an exported function high', () => {
    expect(rank("const cp = require('child_process'); export function run(x) { cp.exec('ls ' + x); }")).toEqual([
      'high',
    ]);
    expect(
      rank("const cp = require('child_process'); class G { run(x) { cp.exec(`git ${x}`); } } module.exports = G;"),
    ).toEqual(['high']);
    expect(
      rank("const cp = require('child_process'); module.exports = { run: function (x) { cp.exec('ls ' + x); } };"),
    ).toEqual(['high']);
  });

  it('rates request input high wherever it is', () => {
    expect(
      rank(
        "const cp = require('child_process'); app.post('/', (req, res) => { const c = req.body.cmd; cp.exec(c); });",
      ),
    ).toEqual(['high']);
  });

  it('drops a constant argument', () => {
    expect(rank("const cp = require('child_process'); export function run() { cp.exec('ls ' + '-la'); }")).toEqual([]);
    expect(
      rank("const cp = require('child_process'); const CMD = 'git status'; export function run() { cp.exec(CMD); }"),
    ).toEqual([]);
    expect(rank("const cp = require('child_process'); export function run() { const c = `ls`; cp.exec(c); }")).toEqual(
      [],
    );
  });

  it('rates a parameter of a local, unexported function medium', () => {
    expect(rank("const cp = require('child_process'); function run(x) { const c = 'ls ' + x; cp.exec(c); }")).toEqual([
      'medium',
    ]);
  });

  it('follows values pushed into an array', () => {
    expect(
      rank(
        "const cp = require('child_process'); module.exports = (msg) => { const args = ['notify']; args.push(msg); cp.exec(args.join(' ')); };",
      ),
    ).toEqual(['high']);
  });

  it('rates an untraced value low', () => {
    expect(rank("const cp = require('child_process'); function run() { cp.exec(readCommand()); }")).toEqual(['low']);
  });

  it('ranks Python, Go and Java by their own export conventions', () => {
    const confidences = (language: RuleLanguage, id: string, text: string) =>
      scan(text, language, id).map((f) => f.confidence);
    const py =
      'import os\ndef run(name):\n    os.system("ls " + name)\ndef _hidden(name):\n    os.system("ls " + name)\n';
    expect(confidences('python', 'py/command-injection', py)).toEqual(['high', 'medium']);
    const go =
      'package p\nimport "os/exec"\nfunc Run(n string) { exec.Command("sh", "-c", "ls "+n).Run() }\nfunc run(n string) { exec.Command("sh", "-c", "ls "+n).Run() }\n';
    expect(confidences('go', 'go/command-injection', go)).toEqual(['high', 'medium']);
    const java =
      'class A { public void a(String f) throws Exception { Runtime.getRuntime().exec("ls " + f); } private void b(String f) throws Exception { Runtime.getRuntime().exec("ls " + f); } }';
    expect(confidences('java', 'java/command-injection', java)).toEqual(['high', 'medium']);
  });

  it('puts the trace source → sink into codeFlow', () => {
    const [finding] = runRules([rule], {
      path: 'a.js',
      language: 'javascript',
      text: "const cp = require('child_process');\nexport function run(x) {\n  const c = 'ls ' + x;\n  cp.exec(c);\n}",
      blobSha: '',
    });
    expect(finding?.codeFlow?.map((l) => l.startLine)).toEqual([2, 3, 4]);
  });
});

describe('createRuleAnalyzer', () => {
  it('supports the rule languages, hashes the ruleset and reports 1-based, end-exclusive locations', async () => {
    const analyzer = createRuleAnalyzer(rules);
    expect(analyzer.tool).toBe('nyx-rules');
    expect(analyzer.rulesetHash).toMatch(/^[0-9a-f]{64}$/);
    expect(createRuleAnalyzer(rules.slice(1)).rulesetHash).not.toBe(analyzer.rulesetHash);
    expect(analyzer.supports({ path: 'a.py', language: 'python', text: '', blobSha: '' })).toBe(true);
    expect(analyzer.supports({ path: 'a.md', language: 'text', text: '', blobSha: '' })).toBe(false);
    const [finding] = await analyzer.analyze({
      path: 'x.ts',
      language: 'typescript',
      text: 'export const f = (s: string) => eval(s);',
      blobSha: '',
    });
    expect(finding?.location).toMatchObject({ startLine: 1, startColumn: 33, endLine: 1, endColumn: 40 });
    expect(finding?.matchedText).toBe('eval(s)');
  });

  it('takes tens of milliseconds for a few hundred lines with every rule', async () => {
    const analyzer = createRuleAnalyzer(rules);
    const chunk = [
      "const cp = require('child_process');",
      'export function run(x, cb) {',
      "  const c = 'ls ' + x;",
      '  cp.exec(c, cb);',
      '  for (const k in x) { if (k) { x[k] = merge(x[k], x); } }',
      '  try { JSON.parse(x); } catch (e) {}',
      '  return fs.readFileSync(path.join(__dirname, x));',
      '}',
    ].join('\n');
    const text = Array.from({ length: 40 }, (_, i) => chunk.replace('run', `run${i}`)).join('\n');
    await analyzer.analyze({ path: 'w.js', language: 'javascript', text, blobSha: '' });
    const start = performance.now();
    const found = await analyzer.analyze({ path: 'big.js', language: 'javascript', text, blobSha: '' });
    const ms = performance.now() - start;
    expect(found.length).toBeGreaterThan(40);
    // Generous bound for a shared CI machine; locally this is ~20–40 ms.
    expect(ms).toBeLessThan(1000);
  });
});
