import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { coalesceText } from './coalesce.js';

describe('coalesceText', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('hands each lane its gathered text once per period, in first-text order; flush is immediate, dispose drops the timer', () => {
    const out: [string, string][] = [];
    const c = coalesceText<{ step: number; lane: string | null }>(
      50,
      (l, text) => out.push([`${l.step}:${l.lane ?? '-'}`, text]),
      (l) => `${l.step}:${l.lane ?? ''}`,
    );
    c.add({ step: 1, lane: 'b' }, 'Hel');
    c.add({ step: 1, lane: null }, 'One ');
    c.add({ step: 1, lane: 'b' }, 'lo');
    vi.advanceTimersByTime(49);
    expect(out).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(out).toEqual([
      ['1:b', 'Hello'],
      ['1:-', 'One '],
    ]);
    c.add({ step: 1, lane: null }, 'two');
    c.flush();
    expect(out.at(-1)).toEqual(['1:-', 'two']);
    vi.advanceTimersByTime(100);
    expect(out).toHaveLength(3);
    c.add({ step: 2, lane: null }, 'late');
    c.dispose();
    vi.advanceTimersByTime(100);
    expect(out).toHaveLength(3);
  });
});
