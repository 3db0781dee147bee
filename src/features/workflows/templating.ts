/**
 * Prompt templating: `{{input}}`, `{{steps.<Name>.content|full}}`, `{{memory}}`,
 * `{{project.wisdom}}`, `{{persona.name}}` and, in fan-out steps, `{{item}}`.
 * Unknown or misspelled variables are rejected when a workflow is saved (with position
 * and a suggestion), never rendered empty at run time.
 */
import type { StepType } from './schema.js';

/** A step's output's digest replaces `content` above this many characters. */
export const DIGEST_THRESHOLD = 2_000;

const VARIABLE = /\{\{\s*([^{}]*?)\s*\}\}/g;

export type TemplateRef =
  | { kind: 'input' | 'memory' | 'wisdom' | 'persona' | 'item' }
  | { kind: 'step'; step: string; part: 'content' | 'full' };

export interface TemplateIssue {
  /** Index of the step whose prompt has the problem. */
  step: number;
  /** Field path as the API reports it, e.g. `steps.2.prompt`. */
  field: string;
  line: number;
  column: number;
  offset: number;
  variable: string;
  message: string;
  suggestion: string | null;
}

const FIXED: Record<string, TemplateRef> = {
  input: { kind: 'input' },
  memory: { kind: 'memory' },
  'project.wisdom': { kind: 'wisdom' },
  'persona.name': { kind: 'persona' },
  item: { kind: 'item' },
};

function parseRef(name: string): TemplateRef | null {
  const fixed = FIXED[name];
  if (fixed) return fixed;
  const m = /^steps\.([^.]+)\.(content|full)$/.exec(name);
  return m ? { kind: 'step', step: m[1]!, part: m[2] as 'content' | 'full' } : null;
}

/** Every `{{…}}` in a template with its offset, parsed or not. */
export function scanTemplate(src: string): { name: string; offset: number; ref: TemplateRef | null }[] {
  return [...src.matchAll(VARIABLE)].map((m) => ({ name: m[1]!, offset: m.index, ref: parseRef(m[1]!) }));
}

function position(src: string, offset: number): { line: number; column: number } {
  const before = src.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(
        row[j]! + 1,
        row[j - 1]! + 1,
        prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1),
      );
      prev = cur;
    }
  }
  return row[b.length]!;
}

function closest(name: string, candidates: string[]): string | null {
  let best: { c: string; d: number } | null = null;
  for (const c of candidates) {
    const d = distance(name, c);
    if (!best || d < best.d) best = { c, d };
  }
  return best && best.d <= Math.max(2, Math.floor(name.length / 3)) ? best.c : null;
}

/** The variables a step may use: fixed ones plus `steps.<earlier>.content|full`. */
export function availableVariables(steps: readonly { name: string }[], index: number, type: StepType): string[] {
  const fixed = ['input', 'memory', 'project.wisdom', 'persona.name', ...(type === 'fan_out' ? ['item'] : [])];
  return [...fixed, ...steps.slice(0, index).flatMap((s) => [`steps.${s.name}.content`, `steps.${s.name}.full`])];
}

/** True when some step's prompt uses `{{input}}`: such a workflow cannot run on an empty input. */
export function usesInput(steps: readonly { prompt: string }[]): boolean {
  return steps.some((s) => [...s.prompt.matchAll(VARIABLE)].some((m) => parseRef(m[1]!)?.kind === 'input'));
}

/** Save-time check of every step's prompt. Example: `validateTemplates([{ name: 'A', type: 'llm', prompt: '{{inptu}}' }])` → one issue suggesting `{{input}}`. */
export function validateTemplates(
  steps: readonly { name: string; type: StepType; prompt: string; fanOutSource?: string | null }[],
): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  steps.forEach((step, index) => {
    const allowed = availableVariables(steps, index, step.type);
    const later = new Set(steps.slice(index).map((s) => s.name));
    const issue = (offset: number, variable: string, message: string, suggestion: string | null) =>
      issues.push({
        step: index,
        field: `steps.${index}.prompt`,
        ...position(step.prompt, offset),
        offset,
        variable,
        message,
        suggestion,
      });
    for (const v of scanTemplate(step.prompt)) {
      if (v.ref && allowed.includes(v.name)) continue;
      const at = `${step.name}, line ${position(step.prompt, v.offset).line}`;
      if (v.ref?.kind === 'item') {
        issue(v.offset, v.name, `{{item}} only exists in fan_out steps (${at})`, null);
      } else if (v.ref?.kind === 'step' && later.has(v.ref.step)) {
        const what = v.ref.step === step.name ? 'its own output' : `the later step "${v.ref.step}"`;
        issue(v.offset, v.name, `Step "${step.name}" cannot use ${what}: steps run in order (${at})`, null);
      } else {
        const suggestion = closest(v.name, allowed);
        issue(
          v.offset,
          v.name,
          `Unknown variable {{${v.name}}} (${at})${suggestion ? `; did you mean {{${suggestion}}}?` : ''}`,
          suggestion ? `{{${suggestion}}}` : null,
        );
      }
    }
    if (step.type === 'fan_out') {
      const earlier = steps.slice(0, index).map((s) => s.name);
      if (!step.fanOutSource)
        issue(
          0,
          '',
          `Fan-out step "${step.name}" needs a source step whose output lists the items`,
          earlier.at(-1) ?? null,
        );
      else if (!earlier.includes(step.fanOutSource)) {
        const suggestion = closest(step.fanOutSource, earlier);
        issue(
          0,
          step.fanOutSource,
          `Fan-out source "${step.fanOutSource}" is not an earlier step of this workflow`,
          suggestion,
        );
      }
    }
  });
  const seen = new Set<string>();
  steps.forEach((s, index) => {
    if (seen.has(s.name))
      issues.push({
        step: index,
        field: `steps.${index}.name`,
        line: 1,
        column: 1,
        offset: 0,
        variable: '',
        message: `Two steps are named "${s.name}"; names must be unique`,
        suggestion: null,
      });
    seen.add(s.name);
  });
  return issues;
}

/** True when the prompt names an earlier step; otherwise the previous output is passed as context automatically. */
export const referencesSteps = (prompt: string): boolean => scanTemplate(prompt).some((v) => v.ref?.kind === 'step');

export interface StepOutputs {
  full: string;
  digest: string | null;
  isFanOut: boolean;
}

export interface RenderContext {
  input: string;
  memory: string;
  wisdom: string;
  personaName: string;
  item?: string;
  steps: ReadonlyMap<string, StepOutputs>;
  /** Receives each substituted value that is the user's material (not the persona's name). */
  material?: string[];
}

/** `content`: the digest when the output is long and has one — never for a fan-out step's items. */
export function stepContent(out: StepOutputs): string {
  return !out.isFanOut && out.digest && out.full.length > DIGEST_THRESHOLD ? out.digest : out.full;
}

/** Renders a validated template. Throws on a variable validation would have rejected. */
export function renderTemplate(src: string, ctx: RenderContext): string {
  const keep = (value: string) => {
    if (value.trim()) ctx.material?.push(value);
    return value;
  };
  return src.replace(VARIABLE, (_, name: string) => {
    const ref = parseRef(name);
    if (!ref) throw new Error(`unknown template variable {{${name}}}`);
    switch (ref.kind) {
      case 'input':
        return keep(ctx.input);
      case 'memory':
        return keep(ctx.memory);
      case 'wisdom':
        return keep(ctx.wisdom);
      case 'persona':
        return ctx.personaName;
      case 'item':
        if (ctx.item === undefined) throw new Error('{{item}} outside a fan-out step');
        return keep(ctx.item);
      case 'step': {
        const out = ctx.steps.get(ref.step);
        if (!out) throw new Error(`step "${ref.step}" has no output yet`);
        return keep(ref.part === 'full' ? out.full : stepContent(out));
      }
    }
  });
}

/**
 * Items for a fan-out step: a JSON array (anywhere in the output, e.g. inside a code
 * fence) of strings or objects, else one item per non-empty line (list markers stripped).
 */
export function splitItems(output: string, max = 50): string[] {
  const start = output.indexOf('[');
  const end = output.lastIndexOf(']');
  if (start !== -1 && end > start) {
    try {
      const parsed: unknown = JSON.parse(output.slice(start, end + 1));
      if (Array.isArray(parsed) && parsed.length) {
        return parsed
          .map((x) => (typeof x === 'string' ? x : JSON.stringify(x)))
          .filter((s) => s.trim())
          .slice(0, max);
      }
    } catch {
      // not JSON: fall through to lines
    }
  }
  return output
    .split('\n')
    .map((l) => l.replace(/^\s*(?:[-*•]|\d+[.)])\s+/, '').trim())
    .filter((l) => l && !l.startsWith('```'))
    .slice(0, max);
}
