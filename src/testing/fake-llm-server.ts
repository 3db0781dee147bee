/**
 * A local HTTP server that speaks the wire formats of OpenAI chat completions, Anthropic
 * messages and Google generateContent, including their streaming framings and error
 * bodies. Tests script what each provider does next (`script.openai.push(…)`); it
 * records every request it receives. OpenAI's `/embeddings` answers with 1536-dimension
 * vectors (computed by the offline embedder, so tests are deterministic). No SDK is mocked: the real providers' clients talk
 * real HTTP to it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { offlineEmbed } from '../platform/llm/embeddings.js';

export type Behaviour =
  | {
      kind: 'ok';
      text?: string;
      tokensIn?: number;
      tokensOut?: number;
      /** Streams: pause between chunks, like a real model. */ chunkDelayMs?: number;
    }
  | { kind: 'status'; status: number; retryAfter?: string; message?: string }
  | { kind: 'hang' }
  | { kind: 'malformed' }
  | { kind: 'break-mid-stream'; text: string };

export type FakeProvider = 'openai' | 'anthropic' | 'google';

export interface RecordedRequest {
  provider: FakeProvider;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  isStream: boolean;
}

export interface FakeLlmServer {
  url: string;
  script: Record<FakeProvider, Behaviour[]>;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

function lastUserText(provider: FakeProvider, body: Record<string, unknown>): string {
  if (provider === 'google') {
    const contents = (body.contents as { role: string; parts: { text?: string }[] }[] | undefined) ?? [];
    return (
      contents
        .filter((c) => c.role === 'user')
        .at(-1)
        ?.parts.map((p) => p.text ?? '')
        .join('') ?? ''
    );
  }
  const messages = (body.messages as { role: string; content: unknown }[] | undefined) ?? [];
  const last = messages.filter((m) => m.role === 'user').at(-1)?.content;
  if (typeof last === 'string') return last;
  return Array.isArray(last) ? (last as { text?: string }[]).map((p) => p.text ?? '').join('') : '';
}

const chunksOf = (text: string) => text.match(/.{1,4}/gs) ?? [text];

function errorBody(provider: FakeProvider, status: number, message: string): string {
  if (provider === 'anthropic') {
    const type =
      status === 429
        ? 'rate_limit_error'
        : status === 529
          ? 'overloaded_error'
          : status >= 500
            ? 'api_error'
            : 'invalid_request_error';
    return JSON.stringify({ type: 'error', error: { type, message } });
  }
  if (provider === 'google')
    return JSON.stringify({
      error: { code: status, message, status: status === 429 ? 'RESOURCE_EXHAUSTED' : 'INTERNAL' },
    });
  return JSON.stringify({
    error: { message, type: status === 429 ? 'rate_limit_exceeded' : 'server_error', code: null },
  });
}

/** Answers with the scripted HTTP status, in the provider's own error shape. */
function sendStatus(res: http.ServerResponse, provider: FakeProvider, b: Extract<Behaviour, { kind: 'status' }>): void {
  res.writeHead(b.status, {
    'content-type': 'application/json',
    ...(b.retryAfter ? { 'retry-after': b.retryAfter } : {}),
  });
  res.end(errorBody(provider, b.status, b.message ?? `fake ${b.status}`));
}

function okBody(provider: FakeProvider, model: string, text: string, tokensIn: number, tokensOut: number): string {
  if (provider === 'anthropic') {
    return JSON.stringify({
      id: 'msg_fake',
      type: 'message',
      role: 'assistant',
      model,
      content: [{ type: 'text', text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: tokensIn, output_tokens: tokensOut },
    });
  }
  if (provider === 'google') {
    return JSON.stringify({
      candidates: [{ content: { parts: [{ text }], role: 'model' }, finishReason: 'STOP', index: 0 }],
      usageMetadata: {
        promptTokenCount: tokensIn,
        candidatesTokenCount: tokensOut,
        totalTokenCount: tokensIn + tokensOut,
      },
    });
  }
  return JSON.stringify({
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { prompt_tokens: tokensIn, completion_tokens: tokensOut, total_tokens: tokensIn + tokensOut },
  });
}

/** SSE frames for a streamed answer; `breakAfter` stops after that many text chunks (a dropped connection). */
function streamFrames(
  provider: FakeProvider,
  model: string,
  text: string,
  tokensIn: number,
  tokensOut: number,
  breakAfter?: number,
): string[] {
  const parts = chunksOf(text).slice(0, breakAfter);
  const sse = (data: unknown, event?: string) => `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;
  if (provider === 'anthropic') {
    const frames = [
      sse(
        {
          type: 'message_start',
          message: {
            id: 'msg_fake',
            type: 'message',
            role: 'assistant',
            model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: tokensIn, output_tokens: 1 },
          },
        },
        'message_start',
      ),
      sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'),
      ...parts.map((p) =>
        sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: p } }, 'content_block_delta'),
      ),
    ];
    if (breakAfter !== undefined) return frames;
    return [
      ...frames,
      sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
      sse(
        {
          type: 'message_delta',
          delta: { stop_reason: 'end_turn', stop_sequence: null },
          usage: { output_tokens: tokensOut },
        },
        'message_delta',
      ),
      sse({ type: 'message_stop' }, 'message_stop'),
    ];
  }
  if (provider === 'google') {
    const frames = parts.map((p) =>
      sse({ candidates: [{ content: { parts: [{ text: p }], role: 'model' }, index: 0 }] }),
    );
    if (breakAfter !== undefined) return frames;
    return [
      ...frames,
      sse({
        candidates: [{ content: { parts: [{ text: '' }], role: 'model' }, finishReason: 'STOP', index: 0 }],
        usageMetadata: {
          promptTokenCount: tokensIn,
          candidatesTokenCount: tokensOut,
          totalTokenCount: tokensIn + tokensOut,
        },
      }),
    ];
  }
  const chunk = (delta: Record<string, unknown>, finish: string | null) =>
    sse({
      id: 'chatcmpl-fake',
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
  const frames = [chunk({ role: 'assistant', content: '' }, null), ...parts.map((p) => chunk({ content: p }, null))];
  if (breakAfter !== undefined) return frames;
  return [
    ...frames,
    chunk({}, 'stop'),
    sse({
      id: 'chatcmpl-fake',
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model,
      choices: [],
      usage: { prompt_tokens: tokensIn, completion_tokens: tokensOut, total_tokens: tokensIn + tokensOut },
    }),
    'data: [DONE]\n\n',
  ];
}

function providerOf(path: string): FakeProvider | null {
  if (path.startsWith('/openai/')) return 'openai';
  if (path.startsWith('/anthropic/')) return 'anthropic';
  if (path.startsWith('/google/')) return 'google';
  return null;
}

/**
 * Starts the server. Base URLs to configure: `${url}/openai/v1`, `${url}/anthropic/v1`,
 * `${url}/google/v1beta`. With an empty script a provider answers "echo: <last user message>".
 */
export async function startFakeLlmServer(): Promise<FakeLlmServer> {
  const script: Record<FakeProvider, Behaviour[]> = { openai: [], anthropic: [], google: [] };
  const requests: RecordedRequest[] = [];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (raw += d));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const provider = providerOf(url.pathname);
      if (!provider) {
        res.writeHead(404).end();
        return;
      }
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      if (url.pathname.endsWith('/embeddings')) {
        requests.push({ provider, path: url.pathname, headers: req.headers, body, isStream: false });
        const b = script[provider].shift() ?? { kind: 'ok' };
        if (b.kind === 'status') {
          sendStatus(res, provider, b);
          return;
        }
        const inputs = (Array.isArray(body.input) ? body.input : [body.input]) as string[];
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            object: 'list',
            data: inputs.map((text, index) => ({
              object: 'embedding',
              index,
              embedding: offlineEmbed(`remote ${text}`),
            })),
            model: body.model,
            usage: { prompt_tokens: inputs.join(' ').length, total_tokens: inputs.join(' ').length },
          }),
        );
        return;
      }
      const isStream = provider === 'google' ? url.pathname.includes(':streamGenerateContent') : body.stream === true;
      requests.push({ provider, path: url.pathname, headers: req.headers, body, isStream });
      const model =
        provider === 'google'
          ? (/models\/([^:]+)/.exec(url.pathname)?.[1] ?? 'unknown')
          : typeof body.model === 'string'
            ? body.model
            : 'unknown';
      const b = script[provider].shift() ?? { kind: 'ok' };
      if (b.kind === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      if (b.kind === 'status') {
        sendStatus(res, provider, b);
        return;
      }
      if (b.kind === 'malformed') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(isStream ? 'data: {not json\n\n' : '{"this is": "not what you expected"');
        return;
      }
      const text = b.kind === 'break-mid-stream' ? b.text : (b.text ?? `echo: ${lastUserText(provider, body)}`);
      const tokensIn = b.kind === 'ok' ? (b.tokensIn ?? 12) : 12;
      const tokensOut = b.kind === 'ok' ? (b.tokensOut ?? 5) : 5;
      if (!isStream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(okBody(provider, model, text, tokensIn, tokensOut));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const frames = streamFrames(
        provider,
        model,
        text,
        tokensIn,
        tokensOut,
        b.kind === 'break-mid-stream' ? 2 : undefined,
      );
      if (b.kind === 'break-mid-stream') {
        // Let the partial answer reach the client, then drop the connection.
        res.write(frames.join(''), () => setTimeout(() => res.destroy(), 30));
        return;
      }
      const delayMs = b.kind === 'ok' ? (b.chunkDelayMs ?? 0) : 0;
      if (!delayMs) {
        for (const f of frames) res.write(f);
        res.end();
        return;
      }
      let i = 0;
      const timer = setInterval(() => {
        const f = frames[i++];
        if (f === undefined || res.destroyed) {
          clearInterval(timer);
          res.end();
          return;
        }
        res.write(f);
      }, delayMs);
      res.on('close', () => clearInterval(timer));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    script,
    requests,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
