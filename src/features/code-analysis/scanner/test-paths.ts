import type { Severity } from './types.js';

/** Tests, fixtures and examples: reachable by no attacker, and full of fake keys. */
const TEST_PATH = /(^|\/)(tests?|__tests__|spec|fixtures?|examples?|testdata)(\/|$)|\.(test|spec)\.[^/]+$/i;

export function isTestPath(path: string): boolean {
  return TEST_PATH.test(path);
}

const LOWER: Record<Severity, Severity> = { critical: 'high', high: 'medium', medium: 'low', low: 'low', info: 'info' };

/** One level lower, for a security finding in a test file: still reported, ranked below real code. */
export function lowerSeverity(severity: Severity): Severity {
  return LOWER[severity];
}
