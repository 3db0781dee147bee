import { beforeAll, describe, expect, it } from 'vitest';
import { buildRepoMap, estimateTokens, type RepoMap } from './repo-map.js';
import { indexFile, type FileIndex } from './symbols.js';

/** A small app: one utility everybody uses, a config module one file uses, and a page nobody imports. */
const SOURCES: Record<string, string> = {
  'src/util/money.ts': `export function formatMoney(cents: number): string {
  return (cents / 100).toFixed(2);
}

export function roundCents(value: number): number {
  return Math.round(value);
}
`,
  'src/config.ts': `export interface AppConfig {
  currency: string;
}

export function parseConfig(text: string): AppConfig {
  return JSON.parse(text) as AppConfig;
}
`,
  'src/pages/about.ts': `export function renderAbout(): string {
  return '<h1>About</h1>';
}
`,
  'src/boot.ts': `import { parseConfig } from './config.js';
import { formatMoney } from './util/money.js';

export function boot(raw: string): string {
  const config = parseConfig(raw);
  return config.currency + formatMoney(0);
}
`,
  ...Object.fromEntries(
    ['cart', 'invoice', 'checkout', 'refund', 'report'].map((name) => [
      `src/${name}.ts`,
      `import { formatMoney, roundCents } from './util/money.js';

export function ${name}Total(items: number[]): string {
  const sum = items.reduce((a, b) => a + b, 0);
  return formatMoney(roundCents(sum)) + formatMoney(sum);
}
`,
    ]),
  ),
};

let indexes: FileIndex[] = [];
beforeAll(async () => {
  indexes = [];
  for (const [path, text] of Object.entries(SOURCES)) {
    const index = await indexFile({ path, language: 'typescript', text, blobSha: path });
    if (index) indexes.push(index);
  }
});

const position = (map: RepoMap, name: string): number => map.ranked.findIndex((r) => r.name === name);

describe('buildRepoMap', () => {
  it('ranks a heavily referenced utility above a leaf nobody uses', () => {
    const map = buildRepoMap(indexes, { tokenBudget: 2000 });
    expect(map.ranked[0]).toMatchObject({ path: 'src/util/money.ts', name: 'formatMoney', kind: 'function', line: 1 });
    expect(position(map, 'formatMoney')).toBeLessThan(position(map, 'renderAbout'));
    expect(position(map, 'roundCents')).toBeLessThan(position(map, 'renderAbout'));
    expect(map.text.startsWith('src/util/money.ts:\n  1│ export function formatMoney(cents: number): string {\n')).toBe(
      true,
    );
  });

  it('stays within the token budget, cutting the least important definitions', () => {
    const full = buildRepoMap(indexes, { tokenBudget: 10_000 });
    const small = buildRepoMap(indexes, { tokenBudget: 40 });
    expect(small.tokens).toBeLessThanOrEqual(40);
    expect(small.tokens).toBe(estimateTokens(small.text));
    expect(small.text).toContain('formatMoney');
    expect(small.text).not.toContain('renderAbout');
    expect(full.text).toContain('renderAbout');
    expect(buildRepoMap(indexes, { tokenBudget: 0 }).text).toBe('');
  });

  it('leans towards the focus files: what they use moves up', () => {
    const plain = buildRepoMap(indexes, { tokenBudget: 2000 });
    const focused = buildRepoMap(indexes, { tokenBudget: 2000, focusPaths: ['src/boot.ts'] });
    // parseConfig is used by boot.ts only; roundCents by five other files.
    expect(position(plain, 'parseConfig')).toBeGreaterThan(position(plain, 'roundCents'));
    expect(position(focused, 'parseConfig')).toBeLessThan(position(focused, 'roundCents'));
  });

  it('is deterministic: the same map whatever the input order', () => {
    const a = buildRepoMap(indexes, { tokenBudget: 300 });
    const b = buildRepoMap([...indexes].reverse(), { tokenBudget: 300 });
    expect(b).toEqual(a);
  });

  it('ranks 3,000 files quickly (time printed, not asserted)', () => {
    const files: FileIndex[] = Array.from({ length: 3000 }, (_, i) => ({
      path: `src/mod${String(i).padStart(4, '0')}.ts`,
      language: 'typescript',
      hasSyntaxError: false,
      syntaxErrors: [],
      definitions: Array.from({ length: 8 }, (_, d) => ({
        name: `fn${i}_${d}`,
        kind: 'function' as const,
        line: d * 10 + 1,
        endLine: d * 10 + 8,
        exported: d % 2 === 0,
        signature: `export function fn${i}_${d}(input: string): string {`,
      })),
      // Each file uses a few neighbours and a handful of hubs, 40 references in all.
      references: Array.from({ length: 40 }, (_, r) => ({
        name: r < 10 ? `fn${r * 7}_0` : `fn${(i * 31 + r * 17) % 3000}_${r % 8}`,
        line: r + 1,
      })),
      imports: [],
    }));
    const started = performance.now();
    const map = buildRepoMap(files, { tokenBudget: 4096, focusPaths: ['src/mod0042.ts'] });
    const ms = performance.now() - started;
    console.log(`repo map of 3,000 files / 24,000 definitions / 120,000 references: ${ms.toFixed(0)} ms`);
    expect(map.tokens).toBeLessThanOrEqual(4096);
    expect(map.ranked).toHaveLength(24_000);
    expect(map.ranked[0]?.name).toMatch(/^fn(0|7|14|21|28|35|42|49|56|63)_0$/);
  });
});
