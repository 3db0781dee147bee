/**
 * The system `git`, through simple-git, hardened for URLs and checkouts nobody here controls:
 * a minimal environment (no user or system config, no prompts, no credential helpers), only
 * http(s) transports, no hooks, no redirects, DNS pinned to the addresses the egress policy
 * allowed, and the access token as an `Authorization` header passed through the environment
 * (GIT_CONFIG_COUNT), so it is never in argv (`ps`) and never written to `.git/config`.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import type { GitTokenKind } from '../../shared/repositories.js';

export interface GitAuth {
  kind: GitTokenKind;
  token: string;
}

export interface GitOptions {
  /** PATH to find `git` with (from the env module). */
  binPath: string;
  timeoutMs: number;
  /** A CA bundle for https (GIT_SSL_CAINFO), e.g. a corporate proxy's. */
  caInfo?: string | undefined;
  /** `host:port:address` for curl's resolver, so git connects only where the policy allowed. */
  pin?: string | undefined;
  auth?: GitAuth | undefined;
}

/** The header value a host expects: GitHub and GitLab take Basic auth with a fixed user name, others a Bearer token. */
export function authorizationHeader(auth: GitAuth): string {
  const basic = (user: string) => `Basic ${Buffer.from(`${user}:${auth.token}`).toString('base64')}`;
  if (auth.kind === 'github') return `Authorization: ${basic('x-access-token')}`;
  if (auth.kind === 'gitlab') return `Authorization: ${basic('oauth2')}`;
  return `Authorization: Bearer ${auth.token}`;
}

function gitConfig(opts: GitOptions, extra: [string, string][] = []): [string, string][] {
  return [
    // Only http(s), for the clone and anything it might lead to (submodules, redirects).
    ['protocol.allow', 'never'],
    ['protocol.https.allow', 'always'],
    ['protocol.http.allow', 'always'],
    ['protocol.file.allow', 'never'],
    ['core.hooksPath', '/dev/null'],
    ['core.fsmonitor', 'false'],
    ['credential.helper', ''],
    ['http.followRedirects', 'false'],
    ...(opts.pin ? ([['http.curloptResolve', opts.pin]] as [string, string][]) : []),
    ...(opts.auth ? ([['http.extraHeader', authorizationHeader(opts.auth)]] as [string, string][]) : []),
    ...extra,
  ];
}

/** A simple-git instance in `dir` with the minimal environment and the config above. */
function gitIn(dir: string, opts: GitOptions, signal: AbortSignal, extra: [string, string][] = []): SimpleGit {
  const config = gitConfig(opts, extra);
  const env: Record<string, string> = {
    PATH: opts.binPath,
    HOME: '/nonexistent',
    LANG: 'C',
    LC_ALL: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_COUNT: String(config.length),
    ...(opts.caInfo ? { GIT_SSL_CAINFO: opts.caInfo } : {}),
  };
  config.forEach(([k, v], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = k;
    env[`GIT_CONFIG_VALUE_${i}`] = v;
  });
  // Strict: anything not named here is refused. The keys named are set by nyxCore to the
  // values above, never taken from a user or a repository.
  return simpleGit({
    baseDir: dir,
    abort: signal,
    strict: true,
    allowConfig: config.map(([k]) => k),
    allowEnvironment: Object.keys(env),
  }).env(env);
}

async function withTimeout<T>(timeoutMs: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    return await fn(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}

/** Thrown for a git failure; `message` is safe to show (no token, no stderr dump). */
export class GitError extends Error {
  override readonly name = 'GitError';
}

/**
 * A short, sanitized reason for a failed git command. git's stderr can echo the URL and, with
 * some servers, headers: it is reduced to a known cause, or to its first `fatal:` line with
 * every secret removed.
 */
export function explainGitFailure(
  err: unknown,
  ctx: { branch?: string; host?: string; timeoutMs: number; secrets: string[] },
): string {
  const raw = err instanceof Error ? err.message : String(err);
  const isAbort =
    (err as { name?: string } | null)?.name === 'AbortError' || /abort/i.test(raw) || /killed|SIGTERM/.test(raw);
  if (isAbort) return `git did not finish within ${Math.round(ctx.timeoutMs / 1000)} s and was stopped`;
  if (
    /Authentication failed|could not read (Username|Password)|terminal prompts disabled|returned error: 40[13]|HTTP 40[13]/i.test(
      raw,
    )
  )
    return 'Authentication failed: check the access token and that it can read this repository';
  if (/Remote branch .* not found|couldn't find remote ref|not found in upstream/i.test(raw))
    return `Branch "${ctx.branch ?? ''}" does not exist in the repository`;
  if (/returned error: 404|repository '.*' not found|HTTP 404/i.test(raw))
    return 'Repository not found at this URL (or the token cannot see it)';
  if (
    /Could not resolve host|Failed to connect|Connection refused|Couldn't connect|Connection timed out|Operation timed out|SSL|TLS|certificate/i.test(
      raw,
    )
  )
    return `Could not reach ${ctx.host ?? 'the git server'}`;
  if (/redirect/i.test(raw)) return 'The git server answered with a redirect, which nyxCore does not follow';
  if (/not a git repository/i.test(raw)) return 'Not a git repository';
  if (/unable to access|returned error: 5\d\d/i.test(raw))
    return `The git server ${ctx.host ?? ''} answered with an error`.replace('  ', ' ');
  const fatal = /fatal: ([^\n]*)/.exec(raw)?.[1] ?? 'git failed';
  let safe = fatal;
  for (const s of ctx.secrets) if (s) safe = safe.split(s).join('***');
  safe = safe.replace(/(authorization:\s*)[^\s'"]+(\s+[^\s'"]+)?/gi, '$1***').replace(/https?:\/\/\S+/g, '<url>');
  return `git failed: ${safe.slice(0, 200)}`;
}

/**
 * A clone's symlinks are checked out as small files holding the link's target: nothing
 * nyxCore reads in its own checkouts can lead out of them (the index still records them as
 * links, mode 120000).
 */
const CHECKOUT_CONFIG: [string, string][] = [['core.symlinks', 'false']];

const HEAD_RE = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * Brings `dest` to the tip of `branch` at `url`: the first time a shallow single-branch clone
 * into a temporary sibling directory, renamed into place only when complete (so a failure
 * never leaves half a clone); later a fetch of that branch and a hard reset. Returns the commit.
 */
export async function syncClone(url: string, branch: string, dest: string, opts: GitOptions): Promise<string> {
  await fs.mkdir(path.dirname(dest), { recursive: true, mode: 0o700 });
  const exists = await fs
    .stat(path.join(dest, '.git'))
    .then(() => true)
    .catch(() => false);
  return withTimeout(opts.timeoutMs, async (signal) => {
    if (exists) {
      const git = gitIn(dest, opts, signal, CHECKOUT_CONFIG);
      // The URL is given on every fetch (not read from .git/config): an update of the URL takes effect.
      await git.raw([
        'fetch',
        '--depth',
        '1',
        '--no-tags',
        '--',
        url,
        `+refs/heads/${branch}:refs/remotes/origin/${branch}`,
      ]);
      await git.raw(['checkout', '--force', '-B', branch, `refs/remotes/origin/${branch}`]);
      await git.raw(['reset', '--hard', `refs/remotes/origin/${branch}`]);
    } else {
      const tmp = `${dest}.tmp-${randomBytes(6).toString('hex')}`;
      try {
        await gitIn(path.dirname(dest), opts, signal, CHECKOUT_CONFIG).raw([
          'clone',
          '--depth',
          '1',
          '--single-branch',
          '--branch',
          branch,
          '--no-tags',
          '--',
          url,
          tmp,
        ]);
        await fs.rename(tmp, dest);
      } finally {
        await fs.rm(tmp, { recursive: true, force: true });
      }
    }
    const head = (await gitIn(dest, opts, signal).raw(['rev-parse', 'HEAD'])).trim();
    if (!HEAD_RE.test(head)) throw new GitError('git reported no commit for the branch');
    return head;
  });
}

/**
 * The commit checked out in a local directory, read-only; null when it is not the top of a
 * git work tree or has no commit yet.
 */
export async function localHead(
  dir: string,
  opts: GitOptions,
): Promise<{ commit: string | null; note: string | null }> {
  return withTimeout(opts.timeoutMs, async (signal) => {
    // safe.directory: a checkout owned by another user is still read (read-only commands only).
    const git = gitIn(dir, opts, signal, [['safe.directory', dir]]);
    let top: string;
    try {
      top = (await git.raw(['rev-parse', '--show-toplevel'])).trim();
    } catch {
      return { commit: null, note: 'Not a git repository: files are read as they are' };
    }
    if (path.resolve(top) !== dir)
      return { commit: null, note: 'Not the top of a git repository: files are read as they are' };
    try {
      const head = (await git.raw(['rev-parse', '--verify', '--quiet', 'HEAD'])).trim();
      return HEAD_RE.test(head)
        ? { commit: head, note: null }
        : { commit: null, note: 'The repository has no commit yet' };
    } catch {
      return { commit: null, note: 'The repository has no commit yet' };
    }
  });
}
