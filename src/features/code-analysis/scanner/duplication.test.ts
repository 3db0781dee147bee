import { Detector, MemoryStore, getDefaultOptions, getModeHandler, type IMapFrame } from '@jscpd/core';
import { Tokenizer } from '@jscpd/tokenizer';
import { describe, expect, it } from 'vitest';
import { detectDuplicates, duplicateCodeRule, isBuildCopy } from './duplication.js';
import type { SourceFile } from './types.js';

const source = (path: string, text: string): SourceFile => ({ path, language: 'typescript', text, blobSha: path });

/** A realistic 10-line block, copied between two files with different code around it. */
const BLOCK = `  const errors: Record<string, string> = {};
  if (!input.email || !input.email.includes('@')) {
    errors.email = 'Enter a valid email address.';
  }
  if (input.password.length < 12) {
    errors.password = 'Use at least 12 characters.';
  }
  if (input.name.trim().length === 0) {
    errors.name = 'Enter your name.';
  }`;

const SIGNUP = `import { createUser } from './users.js';

export async function signup(input: SignupInput): Promise<Result> {
${BLOCK}
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, user: await createUser(input) };
}
`;

const PROFILE = `import { db } from './db.js';
import { audit } from './audit.js';

/** Updates a profile after the same checks as sign-up. */
export async function updateProfile(userId: string, input: ProfileInput): Promise<Result> {
  audit('profile.update', userId);
${BLOCK}
  if (Object.keys(errors).length) return { ok: false, errors };
  await db.update(userId, input);
  return { ok: true };
}
`;

const UNRELATED = `export function slugify(title: string): string {
  return title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();
  constructor(private readonly limit: number) {}
  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }
}
`;

describe('detectDuplicates', () => {
  it('finds a copied 10-line block across two files, located at the later copy', async () => {
    const findings = await detectDuplicates([source('src/signup.ts', SIGNUP), source('src/profile.ts', PROFILE)]);
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    // Files go in by path: src/profile.ts < src/signup.ts, so the signup copy is the later one.
    expect(finding).toMatchObject({
      ruleId: 'code-smell/duplicate-code',
      confidence: 'high',
      location: { path: 'src/signup.ts' },
      related: [{ path: 'src/profile.ts' }],
    });
    const { location, related } = finding ?? { location: undefined, related: undefined };
    // The block is lines 4–13 in signup.ts and 7–16 in profile.ts (jscpd may take a token more on either side).
    expect(location?.startLine).toBeLessThanOrEqual(4);
    expect(location?.endLine).toBeGreaterThanOrEqual(13);
    expect(related?.[0]?.startLine).toBe((location?.startLine ?? 0) + 3);
    expect(finding?.matchedText).toContain(BLOCK.trim());
    const lines = (location?.endLine ?? 0) - (location?.startLine ?? 0) + 1;
    expect(finding?.message).toBe(
      `src/signup.ts:${location?.startLine}–${location?.endLine} duplicates src/profile.ts:${related?.[0]?.startLine}–${related?.[0]?.endLine} (${lines} lines).`,
    );
    // The location is exact: slicing the file by it gives the matched text.
    const fileLines = SIGNUP.split('\n');
    const sliced = [
      fileLines[(location?.startLine ?? 1) - 1]?.slice((location?.startColumn ?? 1) - 1),
      ...fileLines.slice(location?.startLine, (location?.endLine ?? 1) - 1),
      fileLines[(location?.endLine ?? 1) - 1]?.slice(0, (location?.endColumn ?? 1) - 1),
    ].join('\n');
    expect(sliced).toBe(finding?.matchedText);
  });

  it('finds nothing in two different files, and nothing below the thresholds', async () => {
    expect(await detectDuplicates([source('src/a.ts', UNRELATED), source('src/b.ts', SIGNUP)])).toEqual([]);
    expect(
      await detectDuplicates([source('src/signup.ts', SIGNUP), source('src/profile.ts', PROFILE)], { minLines: 20 }),
    ).toEqual([]);
  });

  it('skips non-code languages and files over 300 KB', async () => {
    const yaml = (path: string): SourceFile => ({ ...source(path, SIGNUP), language: 'yaml' });
    expect(await detectDuplicates([yaml('a.yaml'), yaml('b.yaml')])).toEqual([]);
    const huge = SIGNUP + `// ${'x'.repeat(300_000)}\n`;
    expect(await detectDuplicates([source('src/a.ts', huge), source('src/b.ts', SIGNUP)])).toEqual([]);
  });

  it("reports the same clones as jscpd's stock store and MD5 (the faster store and hash change nothing)", async () => {
    const files = [
      source('src/profile.ts', PROFILE),
      source('src/signup.ts', SIGNUP),
      source('src/util.ts', UNRELATED),
      source('src/util-copy.ts', UNRELATED.replace('slugify', 'toSlug')),
      source('src/zz.ts', `${SIGNUP}\n${UNRELATED}`),
    ];
    const ours = (await detectDuplicates(files)).map(
      (f) => `${f.location.path}:${f.location.startLine}-${f.location.endLine}`,
    );
    const stock = new Detector(new Tokenizer(), new MemoryStore<IMapFrame>(), [], {
      ...getDefaultOptions(),
      minTokens: 70,
      minLines: 6,
      maxLines: Number.MAX_SAFE_INTEGER,
      mode: getModeHandler('weak'),
    });
    const expected: string[] = [];
    for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) {
      for (const clone of await stock.detect(file.path, file.text, 'typescript')) {
        const a = clone.duplicationA;
        expected.push(`${a.sourceId}:${a.start.line}-${a.end.line}`);
      }
    }
    expect(ours.length).toBeGreaterThanOrEqual(3);
    expect(ours).toEqual(expected);
  });

  it('describes its rule for users and SARIF', () => {
    expect(duplicateCodeRule).toMatchObject({ id: 'code-smell/duplicate-code', tool: 'jscpd', category: 'code-smell' });
    expect(duplicateCodeRule.severity).toBe('low');
  });
});

describe('build copies', () => {
  it('are not duplicated code: the same module in two build outputs', () => {
    expect(isBuildCopy('lib/parse.js', 'es/parse.js')).toBe(true);
    expect(isBuildCopy('src/parse.ts', 'dist/parse.js')).toBe(true);
    expect(isBuildCopy('src/parse.ts', 'src/format.ts')).toBe(false);
    expect(isBuildCopy('src/a/index.ts', 'src/b/index.ts')).toBe(false);
  });
});
