/**
 * The one outbound-request policy. Everything nyxCore fetches on a tenant's behalf (LLM
 * and embedding providers today; clones, pull requests and webhooks later) goes through
 * `egress.fetch`:
 * - only http(s), no credentials in the URL;
 * - the destination address is judged at connect time, after DNS (see connector.ts);
 * - redirects to another origin are refused; same-origin ones are followed up to 3 times,
 *   each hop judged again;
 * - connection failures of any kind surface as one message, so a caller cannot tell an
 *   open port from a closed one; the underlying code is logged here, server-side only.
 */
import dns from 'node:dns/promises';
import net from 'node:net';
import { Agent, fetch as undiciFetch, type RequestInit as UndiciRequestInit } from 'undici';
import type { Env } from '../../config/env.js';
import { NyxError } from '../errors.js';
import type { Logger } from '../logger.js';
import { deniedError, guardedConnector, judgeAll } from './connector.js';
import { EgressError, findEgressError } from './errors.js';
import { createPolicy, isNonPublicAddress, type Denial, type EgressPolicy } from './policy.js';
import { sendFollowingRedirects, type Transport } from './redirects.js';

export { EgressError, findEgressError } from './errors.js';
export type { EgressErrorCode } from './errors.js';

export interface Egress {
  /** A policy-enforcing `fetch`. Example: `await egress.fetch('https://api.openai.com/v1/models')`. */
  fetch: typeof fetch;
  /**
   * The same policy around another transport (tests inject one to count requests): the
   * destination is resolved and judged before each request instead of at connect time.
   */
  wrap(transport: typeof fetch): typeof fetch;
  /** For configuration time: resolves the host and throws `NyxError('BAD_INPUT')` saying why it is refused. */
  checkUrl(url: string): Promise<void>;
  /**
   * Like `checkUrl`, returning the allowed addresses, for a client outside this process
   * (git) that must be pinned to them so a second DNS answer cannot take it elsewhere.
   * Example: `const [addr] = await egress.resolveUrl('https://github.com/a/b.git')`.
   */
  resolveUrl(url: string): Promise<string[]>;
  /** Whether an address is not a public one (loopback, private, link-local…): where the policy allows it, it does so as an exception. */
  isLocalAddress(address: string): boolean;
  /** One line for start-up output and docs. */
  describe(): string;
  close(): Promise<void>;
}

export type EgressEnv = Pick<Env, 'DATABASE_URL' | 'PORT' | 'NYXCORE_EGRESS_ALLOW'>;

const portOf = (u: URL) => Number(u.port) || (u.protocol === 'https:' ? 443 : 80);
const bare = (hostname: string) => hostname.replace(/^\[(.*)\]$/, '$1');

/** Why a URL is refused before any address is looked at, or null. */
function schemeProblem(u: URL): string | null {
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    return `${u.protocol} URLs are refused: only http and https are allowed`;
  if (u.username || u.password) return 'URLs with credentials in them are refused';
  return null;
}

/** Everything decidable without DNS: scheme, credentials and, for IP literals, the address. */
function checkSyntax(policy: EgressPolicy, u: URL): void {
  const problem = schemeProblem(u);
  if (problem) throw new EgressError('EGRESS_DENIED', `the egress policy refused this URL: ${problem}`);
  const host = bare(u.hostname);
  const denial = net.isIP(host) ? policy.judge(host, portOf(u), null) : null;
  if (denial) throw deniedError(host, denial);
}

/** Resolves the URL's host; a denial when none of its addresses is allowed (the connector uses only allowed ones). */
async function resolveAndJudge(policy: EgressPolicy, u: URL): Promise<Denial | null> {
  const r = await resolveAllowed(policy, u);
  return 'denial' in r ? r.denial : null;
}

/** The addresses of the URL's host the policy allows, or the denial when there is none. */
async function resolveAllowed(policy: EgressPolicy, u: URL): Promise<{ addresses: string[] } | { denial: Denial }> {
  const host = bare(u.hostname);
  if (net.isIP(host)) {
    const denial = policy.judge(host, portOf(u), null);
    return denial ? { denial } : { addresses: [host] };
  }
  const { allowed, denial } = judgeAll(policy, await dns.lookup(host, { all: true }), portOf(u), host);
  if (allowed.length) return { addresses: allowed.map((a) => a.address) };
  return { denial: denial ?? { reason: 'the name has no address', canAllow: false } };
}

const errnoOf = (err: unknown): string => {
  for (
    let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0;
    e && i < 5;
    e = e.cause as typeof e, i++
  ) {
    if (typeof e.code === 'string') return e.code;
  }
  return err instanceof Error ? err.name : 'unknown';
};

const isAbort = (err: unknown) => err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');

/** Transport errors become EgressErrors; aborts (timeouts, cancellation) pass through untouched. */
function guardErrors(log: Logger, send: Transport): Transport {
  return async (url, init) => {
    try {
      return await send(url, init);
    } catch (err) {
      if (isAbort(err) || init.signal?.aborted) throw err;
      const egress = findEgressError(err);
      if (egress) throw egress;
      log.warn({ host: url.host, code: errnoOf(err) }, 'outbound request could not connect');
      throw new EgressError('EGRESS_UNREACHABLE', `could not connect to ${url.host}`);
    }
  };
}

function policyFetch(
  policy: EgressPolicy,
  log: Logger,
  send: Transport,
  preflight?: (u: URL) => Promise<void>,
): typeof fetch {
  const guarded = guardErrors(log, async (url, init) => {
    checkSyntax(policy, url);
    await preflight?.(url);
    return send(url, init);
  });
  return (input: string | URL | Request, init?: RequestInit) => sendFollowingRedirects(guarded, input, init);
}

function userMessage(denial: Denial, u: URL): string {
  const hint = denial.canAllow ? `; allow it with NYXCORE_EGRESS_ALLOW=${bare(u.hostname)}` : '';
  return `This address is not allowed by the egress policy: ${denial.reason}${hint}`;
}

async function checkUrlWith(policy: EgressPolicy, url: string): Promise<string[]> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new NyxError('BAD_INPUT', 'Enter an http(s) URL');
  }
  const problem = schemeProblem(u);
  if (problem) throw new NyxError('BAD_INPUT', `This address is not allowed by the egress policy: ${problem}`);
  let r: Awaited<ReturnType<typeof resolveAllowed>>;
  try {
    r = await resolveAllowed(policy, u);
  } catch {
    throw new NyxError('BAD_INPUT', `Could not resolve ${u.hostname}; check the address`);
  }
  if ('denial' in r) throw new NyxError('BAD_INPUT', userMessage(r.denial, u));
  return r.addresses;
}

/** undici's FormData class is not Node's global one, so a global FormData is encoded (boundary and all) by the global Response first. */
async function portableBody(init: RequestInit): Promise<RequestInit> {
  if (!(init.body instanceof FormData)) return init;
  const encoded = new Response(init.body);
  const headers = new Headers(init.headers);
  headers.set('content-type', encoded.headers.get('content-type') ?? 'multipart/form-data');
  return { ...init, headers, body: await encoded.arrayBuffer() };
}

/** undici's own fetch through the guarded Agent (the global fetch is another undici build, whose dispatcher API differs). */
function undiciTransport(agent: Agent): Transport {
  return async (url, init) => {
    // undici's fetch types and the global ones describe the same shapes with different classes.
    const options: unknown = { ...(await portableBody(init)), dispatcher: agent };
    const res: unknown = await undiciFetch(url, options as UndiciRequestInit);
    return res as Response;
  };
}

/** Example: `const egress = createEgress(env, log); await egress.checkUrl(baseUrl); egress.fetch(baseUrl)`. */
export function createEgress(env: EgressEnv, log: Logger): Egress {
  const policy = createPolicy(env);
  const agent = new Agent({ connect: guardedConnector(policy) });
  const viaAgent = undiciTransport(agent);
  const preflight = async (u: URL) => {
    const denial = await resolveAndJudge(policy, u).catch(() => null);
    if (denial) throw deniedError(bare(u.hostname), denial);
  };
  return {
    fetch: policyFetch(policy, log, viaAgent),
    wrap: (transport) => policyFetch(policy, log, (url, init) => transport(url, init), preflight),
    checkUrl: async (url) => void (await checkUrlWith(policy, url)),
    resolveUrl: (url) => checkUrlWith(policy, url),
    isLocalAddress: (address) => isNonPublicAddress(address),
    describe: () => policy.describe(),
    close: () => agent.close(),
  };
}
