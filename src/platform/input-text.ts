/**
 * Text that PostgreSQL cannot store: a NUL character (text columns reject 0x00) or a lone
 * UTF-16 surrogate (not encodable as UTF-8; JSONB rejects its escape). Such input is refused
 * once, at the boundary (every tRPC procedure, every REST/SSE route), with the field named,
 * instead of reaching a query and failing as a 500 deep inside.
 */
import { fieldName, NyxError } from './errors.js';

const MAX_DEPTH = 64;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export interface TextProblem {
  /** Dotted path of the field (`steps.2.prompt`); a list element is reported as its list. */
  field: string;
  message: string;
}

function problemOf(s: string): string | null {
  if (s.includes('\u0000')) return 'Contains a NUL character (\\u0000), which cannot be stored';
  if (LONE_SURROGATE.test(s)) return 'Contains an unpaired UTF-16 surrogate (malformed text)';
  return null;
}

/** The first string (value or object key) in `value` that cannot be stored, or null. */
export function findTextProblem(
  value: unknown,
  fallback = 'input',
  path: (string | number)[] = [],
  depth = 0,
): TextProblem | null {
  if (typeof value === 'string') {
    const message = problemOf(value);
    return message ? { field: fieldName(path, fallback), message } : null;
  }
  if (value === null || typeof value !== 'object') return null;
  if (depth > MAX_DEPTH)
    return { field: fieldName(path, fallback), message: `Nested more than ${MAX_DEPTH} levels deep` };
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  for (const [key, child] of entries) {
    if (typeof key === 'string') {
      const message = problemOf(key);
      if (message)
        return {
          field: fieldName(path, fallback),
          message: `A key ${message.charAt(0).toLowerCase()}${message.slice(1)}`,
        };
    }
    const found = findTextProblem(child, fallback, [...path, key], depth + 1);
    if (found) return found;
  }
  return null;
}

/** Throws BAD_INPUT naming the field when `value` holds text that cannot be stored. Example: `assertStorableText(query, 'query parameter')`. */
export function assertStorableText(value: unknown, fallback = 'input'): void {
  const problem = findTextProblem(value, fallback);
  if (problem)
    throw new NyxError('BAD_INPUT', `Invalid input: ${problem.field} (${problem.message})`, {
      fieldErrors: { [problem.field]: [problem.message] },
    });
}
