import { describe, expect, it } from 'vitest';
import { zStep } from './schema.js';
import { builtInTemplates } from './templates.js';
import {
  DIGEST_THRESHOLD,
  referencesSteps,
  renderTemplate,
  splitItems,
  stepContent,
  validateTemplates,
  type StepOutputs,
} from './templating.js';

const long = 'x'.repeat(DIGEST_THRESHOLD + 1);
const ctx = (steps: Record<string, StepOutputs>, item?: string) => ({
  input: 'THE INPUT',
  memory: '- linked insight',
  wisdom: '### wisdom',
  personaName: 'Security Auditor',
  steps: new Map(Object.entries(steps)),
  ...(item !== undefined ? { item } : {}),
});

describe('templating', () => {
  it('renders every variable, with optional spaces inside the braces', () => {
    const out = renderTemplate(
      '{{ input }}|{{memory}}|{{project.wisdom}}|{{persona.name}}|{{steps.A.content}}|{{steps.A.full}}',
      ctx({ A: { full: 'short A', digest: null, isFanOut: false } }),
    );
    expect(out).toBe('THE INPUT|- linked insight|### wisdom|Security Auditor|short A|short A');
  });

  it('content is the digest only above 2,000 characters, and never for a fan-out step', () => {
    expect(stepContent({ full: long, digest: 'DIGEST', isFanOut: false })).toBe('DIGEST');
    expect(stepContent({ full: 'x'.repeat(DIGEST_THRESHOLD), digest: 'DIGEST', isFanOut: false })).toHaveLength(
      DIGEST_THRESHOLD,
    );
    expect(stepContent({ full: long, digest: null, isFanOut: false })).toBe(long);
    expect(stepContent({ full: long, digest: 'DIGEST', isFanOut: true })).toBe(long);
    const out = renderTemplate(
      '{{steps.A.content}} / {{steps.A.full}}',
      ctx({ A: { full: long, digest: 'DIGEST', isFanOut: false } }),
    );
    expect(out).toBe(`DIGEST / ${long}`);
  });

  it('{{item}} renders inside fan-out steps and is rejected elsewhere', () => {
    expect(renderTemplate('Review {{item}}', ctx({}, 'billing'))).toBe('Review billing');
    const issues = validateTemplates([{ name: 'A', type: 'llm', prompt: 'x {{item}}' }]);
    expect(issues.map((i) => i.message)).toEqual(['{{item}} only exists in fan_out steps (A, line 1)']);
  });

  it('reports unknown variables with line, column and a suggestion', () => {
    const [issue, ...rest] = validateTemplates([
      { name: 'Scan', type: 'llm', prompt: 'first line\n  see {{project.wisdon}} here' },
    ]);
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({
      step: 0,
      field: 'steps.0.prompt',
      line: 2,
      column: 7,
      variable: 'project.wisdon',
      suggestion: '{{project.wisdom}}',
    });
    const far = validateTemplates([{ name: 'A', type: 'llm', prompt: '{{completely.different}}' }]);
    expect(far[0]?.suggestion).toBeNull();
    expect(far[0]?.message).toBe('Unknown variable {{completely.different}} (A, line 1)');
  });

  it('only earlier steps may be referenced; names must be unique; fan-out needs an earlier source', () => {
    const issues = validateTemplates([
      { name: 'A', type: 'llm', prompt: '{{steps.A.full}} {{steps.B.content}}' },
      { name: 'B', type: 'fan_out', prompt: '{{item}}', fanOutSource: 'C' },
      { name: 'A', type: 'llm', prompt: '{{steps.B.full}}' },
    ]);
    expect(issues.map((i) => [i.field, i.message])).toEqual([
      ['steps.0.prompt', 'Step "A" cannot use its own output: steps run in order (A, line 1)'],
      ['steps.0.prompt', 'Step "A" cannot use the later step "B": steps run in order (A, line 1)'],
      ['steps.1.prompt', 'Fan-out source "C" is not an earlier step of this workflow'],
      ['steps.2.name', 'Two steps are named "A"; names must be unique'],
    ]);
  });

  it('knows when a prompt references earlier steps (otherwise context is passed automatically)', () => {
    expect(referencesSteps('Use {{steps.Scan.content}}')).toBe(true);
    expect(referencesSteps('Use {{input}} only')).toBe(false);
  });

  it('splits fan-out items from a JSON array (even in a code fence) or from lines', () => {
    expect(splitItems('Here:\n```json\n["auth", "billing"]\n```')).toEqual(['auth', 'billing']);
    expect(splitItems('[{"area":"auth"}]')).toEqual(['{"area":"auth"}']);
    expect(splitItems('- auth\n* billing\n3. search\n\n')).toEqual(['auth', 'billing', 'search']);
    expect(splitItems('[not json\nsecond')).toEqual(['[not json', 'second']);
  });

  it('every built-in template is a valid workflow with only known variables', () => {
    for (const t of builtInTemplates) {
      const steps = t.steps.map((s) => zStep.parse(s));
      expect(validateTemplates(steps), t.id).toEqual([]);
      expect(
        steps.some((s) => s.type === 'review'),
        t.id,
      ).toBe(true);
    }
  });
});
