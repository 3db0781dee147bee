/**
 * Group commit: one writer per run, at most one write in flight, and everything pushed while
 * it is in flight goes into the next write together. A run's events are serialised by its
 * row lock anyway, so separate transactions for them would only queue on that lock, each
 * paying its own round trips and COMMIT (bench:sse measures the difference); under a burst
 * of streamed text (parallel lanes, a fast model) many deltas share one INSERT and one
 * COMMIT, and at a slow rate every write still holds a single item and leaves at once.
 *
 * A write's failure rejects every item of its batch; later pushes still get their own write.
 * Workflow runs get the same effect from the engine's channel, which the runner drains in
 * batches (workflows/engine.ts).
 *
 * Example: `const w = groupCommit((batch) => store(batch)); await w.push(a)` settles when
 * `a` is written, in a batch with whatever was pushed while the previous write ran.
 */
export interface GroupCommit<T> {
  /** Queues an item; settles once the write that holds it has committed (or failed). */
  push(item: T): Promise<void>;
}

export function groupCommit<T>(write: (batch: T[]) => Promise<void>): GroupCommit<T> {
  let queue: { item: T; settle: (err?: Error) => void }[] = [];
  let isWriting = false;
  const drain = async () => {
    isWriting = true;
    while (queue.length) {
      const batch = queue;
      queue = [];
      try {
        await write(batch.map((p) => p.item));
        for (const p of batch) p.settle();
      } catch (err) {
        const failure = err instanceof Error ? err : new Error('write failed');
        for (const p of batch) p.settle(failure);
      }
    }
    isWriting = false;
  };
  return {
    push(item) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ item, settle: (err) => (err === undefined ? resolve() : reject(err)) });
        if (!isWriting) void drain();
      });
    },
  };
}
