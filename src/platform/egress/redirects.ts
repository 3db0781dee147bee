/**
 * Redirect handling for the egress fetch. The transport never follows redirects itself
 * (`redirect: 'manual'`): a redirect to another origin would let an allowed host send
 * nyxCore, with the tenant's API key, anywhere. Same-origin redirects are followed by
 * hand, at most MAX_REDIRECTS times, each hop going through the policy again.
 */
import { EgressError } from './errors.js';

/** One request with redirects off; the policy checks happen inside. */
export type Transport = (url: URL, init: RequestInit) => Promise<Response>;

export const MAX_REDIRECTS = 3;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

async function partsOf(
  input: string | URL | Request,
  init: RequestInit | undefined,
): Promise<{ url: URL; init: RequestInit }> {
  if (typeof input === 'string' || input instanceof URL) return { url: new URL(input), init: { ...init } };
  // A Request's body is a one-shot stream: read it once so a 307/308 can resend it.
  const body = input.body ? await input.arrayBuffer() : undefined;
  return {
    url: new URL(input.url),
    init: { method: input.method, headers: input.headers, signal: input.signal, ...(body ? { body } : {}), ...init },
  };
}

/** The request for the next hop, as fetch would make it (303, and POST after 301/302, become GET without a body). */
function nextInit(init: RequestInit, status: number): RequestInit {
  const method = (init.method ?? 'GET').toUpperCase();
  if ((status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST')) {
    const headers = new Headers(init.headers);
    for (const h of ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'])
      headers.delete(h);
    return { ...init, method: 'GET', body: null, headers };
  }
  if (init.body instanceof ReadableStream)
    throw new EgressError(
      'EGRESS_REDIRECT',
      'the provider redirected a streamed upload, which cannot be resent; refused',
    );
  return init;
}

/** Example: `await sendFollowingRedirects(transport, 'https://llm.example/v1/chat', { method: 'POST', body })`. */
export async function sendFollowingRedirects(
  send: Transport,
  input: string | URL | Request,
  init?: RequestInit,
): Promise<Response> {
  let { url, init: request } = await partsOf(input, init);
  for (let hop = 0; ; hop++) {
    const res = await send(url, { ...request, redirect: 'manual' });
    const location = REDIRECT_STATUSES.has(res.status) ? res.headers.get('location') : null;
    if (location === null) return res;
    await res.body?.cancel().catch(() => undefined);
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new EgressError('EGRESS_REDIRECT', 'the provider redirected to an invalid address; refused');
    }
    if (next.origin !== url.origin)
      throw new EgressError('EGRESS_REDIRECT', 'the provider redirected to another host; refused');
    if (request.redirect === 'error')
      throw new EgressError('EGRESS_REDIRECT', 'the provider answered with a redirect; refused');
    if (hop >= MAX_REDIRECTS)
      throw new EgressError('EGRESS_REDIRECT', `the provider redirected more than ${MAX_REDIRECTS} times; refused`);
    request = nextInit(request, res.status);
    url = next;
  }
}
