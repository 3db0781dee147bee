import { describe, expect, it } from 'vitest';
import { indexFile } from './symbols.js';
import { loadGrammar, parseFile, withTree } from './syntax.js';
import type { Language, SourceFile } from './types.js';

const source = (path: string, language: Language, text: string): SourceFile => ({ path, language, text, blobSha: '0' });

describe('grammars', () => {
  it('loads each grammar once per process (time of load + first parse printed)', async () => {
    const times: string[] = [];
    for (const grammar of ['typescript', 'tsx', 'javascript', 'python', 'go', 'java'] as const) {
      const started = performance.now();
      const first = await loadGrammar(grammar);
      await withTree(source(`a.${grammar}`, grammar, 'x'), () => null);
      times.push(`${grammar} ${(performance.now() - started).toFixed(0)} ms`);
      expect(await loadGrammar(grammar)).toBe(first);
    }
    console.log(`grammar load + first parse (Parser.init included in the first): ${times.join(', ')}`);
  });

  it('returns null for languages tree-sitter does not cover', async () => {
    expect(await indexFile(source('main.tf', 'terraform', 'resource "x" "y" {}'))).toBeNull();
    expect(await parseFile(source('a.yaml', 'yaml', 'a: 1'))).toBeNull();
  });

  it('frees the tree after withTree, also when the callback throws', async () => {
    const file = source('a.ts', 'typescript', 'const a = 1;');
    let deletions = 0;
    const track = ({ tree }: { tree: { delete(): void } }): void => {
      const free = tree.delete.bind(tree);
      tree.delete = () => {
        deletions++;
        free();
      };
    };
    await expect(
      withTree(file, (parsed) => {
        track(parsed);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(deletions).toBe(1);
    expect(await withTree(file, (parsed) => (track(parsed), parsed.root.type))).toBe('program');
    expect(deletions).toBe(2);
  });
});
