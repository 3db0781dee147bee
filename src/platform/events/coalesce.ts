/**
 * Streamed text coalesced per lane: tokens arrive many times a second, and each stored event
 * costs a transaction, so text is gathered per lane and handed on at most once per
 * `flushMs` (the first token of a quiet period starts the timer). Used by every run kind that
 * streams text (workflow steps, discussion answers).
 *
 * Example: `const c = coalesceText(50, (lane, text) => store(lane, text)); c.add('p1', 'Hel');
 * c.add('p1', 'lo'); c.flush()` hands on `('p1', 'Hello')` once.
 */
export interface TextCoalescer<L> {
  /** Adds text to a lane; it is handed on at the next flush. */
  add(lane: L, text: string): void;
  /** Hands on every lane's gathered text now (in the order the lanes first got text), and stops the timer. */
  flush(): void;
  /** Stops the timer without handing anything on. */
  dispose(): void;
}

export function coalesceText<L>(
  flushMs: number,
  handOn: (lane: L, text: string) => void,
  keyOf: (lane: L) => string = String,
): TextCoalescer<L> {
  const lanes = new Map<string, { lane: L; text: string }>();
  let timer: NodeJS.Timeout | null = null;
  const stop = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  const flush = () => {
    stop();
    const pending = [...lanes.values()];
    lanes.clear();
    for (const p of pending) if (p.text) handOn(p.lane, p.text);
  };
  return {
    add(lane, text) {
      const key = keyOf(lane);
      const cur = lanes.get(key);
      if (cur) cur.text += text;
      else lanes.set(key, { lane, text });
      timer ??= setTimeout(flush, flushMs);
    },
    flush,
    dispose: stop,
  };
}
