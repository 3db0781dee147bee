import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { readFrames } from '../../testing/sse-client.js';
import type { EventListener } from './hub.js';
import { sseResponse } from './sse.js';
import type { StoredEvent } from './store.js';

const ev = (seq: number, type = 'step.delta'): StoredEvent => ({
  seq,
  type,
  data: { n: seq },
  at: new Date(0).toISOString(),
});

describe('sseResponse (web stream path)', () => {
  it('pages through the backfill, merges live events that overlap it, and closes after the terminal event', async () => {
    const log = createLogger('silent');
    const stored = Array.from({ length: 10 }, (_, i) => ev(i + 1));
    let listener: EventListener | null = null;
    const calls: number[] = [];
    const res = sseResponse({
      signal: new AbortController().signal,
      after: 2,
      pageSize: 3,
      subscribe: (l) => {
        listener = l;
        return () => (listener = null);
      },
      backfill: (after) => {
        calls.push(after);
        // While the backfill is read, live events arrive (one overlapping what it returns).
        if (after === 5) listener?.([ev(9), ev(10), ev(11, 'run.completed')]);
        return Promise.resolve(stored.filter((e) => e.seq > after).slice(0, 3));
      },
      isTerminal: (t) => t === 'run.completed',
      log,
    });
    const frames = await readFrames(res);
    expect(frames.map((f) => f.id)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(calls).toEqual([2, 5, 8]); // the third page is short: the log is read to its end
    expect(frames.at(-1)?.event).toBe('run.completed');
    expect(listener).toBeNull();
  });
});
