import { describe, expect, it } from 'vitest';
import { enclosingFunction } from './symbols.js';
import type { Language, SourceFile } from './types.js';

const source = (path: string, language: Language, text: string): SourceFile => ({ path, language, text, blobSha: '0' });

describe('enclosingFunction', () => {
  const text = `export class Orders {
  constructor(private readonly db: Db) {}

  async total(customer: string): Promise<number> {
    const rows = await this.db.orders(customer);
    return rows
      .map((r) => r.amount)
      .reduce((sum, amount) => {
        const rounded = Math.round(amount);
        return sum + rounded;
      }, 0);
  }
}

app.get('/orders', async (req, res) => {
  res.json(await orders.total(req.query.customer));
});
`;
  const file = source('src/orders.ts', 'typescript', text);

  it('finds the method around a line, and the innermost multi-line callback inside it', async () => {
    expect(await enclosingFunction(file, 5)).toMatchObject({ name: 'total', startLine: 4, endLine: 12 });
    // A one-line arrow is too small to be useful context: the method around it is returned.
    const method = await enclosingFunction(file, 7);
    expect(method).toMatchObject({ name: 'total', startLine: 4, endLine: 12 });
    expect(method?.text.startsWith('async total(customer: string)')).toBe(true);
    expect(method?.text.endsWith('}, 0);\n  }')).toBe(true);
    expect(await enclosingFunction(file, 9)).toMatchObject({ name: null, startLine: 8, endLine: 11 });
  });

  it('returns an anonymous handler with name null, and null outside every function', async () => {
    expect(await enclosingFunction(file, 16)).toMatchObject({ name: null, startLine: 15, endLine: 17 });
    expect(await enclosingFunction(file, 1)).toBeNull();
    expect(await enclosingFunction(file, 999)).toBeNull();
  });

  it('includes Python decorators with the function', async () => {
    const py = source('a.py', 'python', '@route("/x")\ndef handler(req):\n    return run(req)\n');
    expect(await enclosingFunction(py, 3)).toEqual({
      name: 'handler',
      startLine: 1,
      endLine: 3,
      text: '@route("/x")\ndef handler(req):\n    return run(req)',
    });
  });
});
