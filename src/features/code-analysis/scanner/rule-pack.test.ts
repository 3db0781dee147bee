import { describe, expect, it } from 'vitest';
import { loadRulePack, mergePacks } from './rule-pack.js';

const good = (id: string, extra = '') => `
  - id: ${id}
    name: Eval
    category: security
    severity: high
    cwe: [CWE-95]
    summary: eval
    help: Do not.
    languages: [javascript]
    sink: CODE
    rule: { pattern: eval($CODE) }${extra}
    tests:
      invalid: ["eval(a)", "eval(b)"]
      valid: ["x()", "y()"]
`;

describe('loadRulePack', () => {
  it('loads a valid team rule with defaults', () => {
    const { rules, errors } = loadRulePack(`rules:${good('team/no-eval')}`, 'team.yml');
    expect(errors).toEqual([]);
    expect(rules[0]).toMatchObject({ id: 'team/no-eval', tool: 'nyx-rules', confidence: 'medium', file: 'team.yml' });
  });

  it('rejects a prefilter that is not a valid regular expression', () => {
    const { errors } = loadRulePack(`rules:${good('team/a', "\n    prefilter: '(eval'")}`, 'team.yml');
    expect(errors[0]?.message).toContain('`prefilter`');
  });

  it('reports bad YAML with the file name', () => {
    const { rules, errors } = loadRulePack('rules: [\n  - id: x', 'broken.yml');
    expect(rules).toEqual([]);
    expect(errors[0]?.file).toBe('broken.yml');
    expect(errors[0]?.message).toMatch(/not valid YAML/);
  });

  it('names the rule and the field of an unknown category and keeps the other rules', () => {
    const text = `rules:${good('team/a').replace('category: security', 'category: styling')}${good('team/b')}`;
    const { rules, errors } = loadRulePack(text, 'team.yml');
    expect(rules.map((r) => r.id)).toEqual(['team/b']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'team.yml', ruleId: 'team/a' });
    expect(errors[0]?.message).toContain('`category`');
  });

  it('names a missing field', () => {
    const { errors } = loadRulePack(`rules:${good('team/a').replace('    summary: eval\n', '')}`, 'team.yml');
    expect(errors[0]?.message).toContain('`summary`');
  });

  it('rejects a rule with too few tests, naming the field', () => {
    const { errors } = loadRulePack(`rules:${good('team/a').replace('"eval(a)", ', '')}`, 'team.yml');
    expect(errors[0]?.message).toContain('`tests.invalid`');
  });

  it('rejects an ast-grep rule that ast-grep does not accept', () => {
    const { errors } = loadRulePack(
      `rules:${good('team/a').replace('pattern: eval($CODE)', 'kind: no_such_kind')}`,
      't.yml',
    );
    expect(errors[0]?.message).toContain('`rule`');
  });

  it('reports duplicate ids, within a pack and across packs', () => {
    const one = loadRulePack(`rules:${good('team/a')}${good('team/a')}`, 'team.yml');
    expect(one.rules).toHaveLength(1);
    expect(one.errors[0]?.message).toContain('duplicate rule id');
    const merged = mergePacks([one, loadRulePack(`rules:${good('team/a')}`, 'other.yml')]);
    expect(merged.rules).toHaveLength(1);
    expect(merged.errors.map((e) => e.file)).toEqual(['team.yml', 'other.yml']);
  });
});
