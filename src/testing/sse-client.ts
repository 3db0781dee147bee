/** A minimal SSE reader for tests and benchmarks: parses `id`/`event`/`data` frames from a fetch body. */
export interface SseFrame {
  id: number | null;
  event: string;
  data: { seq: number; type: string; at: string; data: Record<string, unknown> } | null;
}

/** Yields frames until the server closes the stream (or the reader is cancelled). Comments are skipped. */
export async function* sseFrames(res: Response): AsyncGenerator<SseFrame> {
  if (!res.body) return;
  const decoder = new TextDecoder();
  let buffer = '';
  const reader: ReadableStreamDefaultReader<Uint8Array> = res.body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let id: number | null = null;
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('id: ')) id = Number(line.slice(4));
          else if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (!data.length) continue;
        yield { id, event, data: JSON.parse(data.join('\n')) as SseFrame['data'] };
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** Reads a stream to its end (or until `stopAfter` frames), returning the frames. */
export async function readFrames(res: Response, stopAfter = Infinity): Promise<SseFrame[]> {
  const frames: SseFrame[] = [];
  for await (const f of sseFrames(res)) {
    frames.push(f);
    if (frames.length >= stopAfter) break;
  }
  return frames;
}

/** Reads a live stream until the frame matching `pred` (inclusive), then lets go of it. */
export async function readUntil(res: Response, pred: (f: SseFrame) => boolean): Promise<SseFrame[]> {
  const seen: SseFrame[] = [];
  for await (const f of sseFrames(res)) {
    seen.push(f);
    if (pred(f)) break;
  }
  return seen;
}
