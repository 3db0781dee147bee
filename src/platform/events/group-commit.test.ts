import { describe, expect, it } from 'vitest';
import { groupCommit } from './group-commit.js';

/** A write that stays in flight until the test lets it finish (or fail). */
function gatedWrites() {
  const batches: number[][] = [];
  const gates: { open: () => void; fail: (err: Error) => void }[] = [];
  const write = (batch: number[]) =>
    new Promise<void>((resolve, reject) => {
      batches.push(batch);
      gates.push({ open: resolve, fail: reject });
    });
  const tick = () => new Promise((r) => setImmediate(r));
  return { batches, gates, write, tick };
}

describe('groupCommit', () => {
  it('writes the first item at once and everything pushed meanwhile in one next write, in order', async () => {
    const { batches, gates, write, tick } = gatedWrites();
    const w = groupCommit(write);
    const settled: number[] = [];
    const pushes = [1, 2, 3, 4].map((n) => w.push(n).then(() => settled.push(n)));
    await tick();
    expect(batches).toEqual([[1]]);
    gates[0]!.open();
    await tick();
    expect(settled).toEqual([1]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
    const late = w.push(5).then(() => settled.push(5));
    gates[1]!.open();
    await tick();
    expect(settled).toEqual([1, 2, 3, 4]);
    expect(batches).toEqual([[1], [2, 3, 4], [5]]);
    gates[2]!.open();
    await Promise.all([...pushes, late]);
    expect(settled).toEqual([1, 2, 3, 4, 5]);
  });

  it('rejects every item of a failed write, and still writes what is pushed after it', async () => {
    const { batches, gates, write, tick } = gatedWrites();
    const w = groupCommit(write);
    const first = w.push(1);
    const second = w.push(2);
    const third = w.push(3);
    await tick();
    gates[0]!.open();
    await tick();
    gates[1]!.fail(new Error('lease lost'));
    await expect(first).resolves.toBeUndefined();
    await expect(second).rejects.toThrow('lease lost');
    await expect(third).rejects.toThrow('lease lost');
    const fourth = w.push(4);
    await tick();
    expect(batches.at(-1)).toEqual([4]);
    gates[2]!.open();
    await expect(fourth).resolves.toBeUndefined();
  });
});
