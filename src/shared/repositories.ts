/**
 * Repository input checks that need no server: the web form runs them before submit and the
 * server's zod schemas run the same ones, so both say the same thing. Browser-safe: this
 * module imports nothing. The server adds what needs the network or the disk (the egress
 * policy on the resolved address, realpath inside NYXCORE_REPO_ROOTS).
 */

export const REPOSITORY_SOURCES = ['git', 'local_path'] as const;
export type RepositorySource = (typeof REPOSITORY_SOURCES)[number];
export const GIT_TOKEN_KINDS = ['github', 'gitlab', 'generic'] as const;
export type GitTokenKind = (typeof GIT_TOKEN_KINDS)[number];
export const REPOSITORY_STATUSES = ['idle', 'syncing', 'ready', 'error'] as const;
export type RepositoryStatus = (typeof REPOSITORY_STATUSES)[number];

export const REPOSITORY_LIMITS = { name: 120, url: 2000, path: 4096, branch: 200, token: 1000 } as const;

// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL_OR_SPACE = /[\s\u0000-\u001f\u007f-\u009f]/;

/**
 * Why a clone URL is refused, or null. Only `http(s)://host/…` with no credentials, options
 * or control characters: `file://`, `ext::`, `ssh://`, scp-style `git@host:path` and
 * `--upload-pack=…` would let a URL run commands or read the server's disk.
 * Example: `gitUrlProblem('file:///etc')` → "Only https:// (or http://) URLs can be cloned".
 */
export function gitUrlProblem(url: string): string | null {
  if (!url) return 'Enter the repository’s clone URL';
  if (url.length > REPOSITORY_LIMITS.url) return `URLs are limited to ${REPOSITORY_LIMITS.url} characters`;
  if (CONTROL_OR_SPACE.test(url)) return 'The URL contains spaces or control characters';
  if (url.startsWith('-')) return 'A URL cannot start with "-"';
  if (!/^https?:\/\//i.test(url)) return 'Only https:// (or http://) URLs can be cloned';
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'This is not a valid URL';
  }
  if (u.username || u.password) return 'Do not put credentials in the URL; give an access token instead';
  if (!u.hostname) return 'The URL has no host';
  if (u.search || u.hash) return 'Clone URLs have no ?query or #fragment';
  return null;
}

/** Why a local path is refused before the server looks at the disk, or null. */
export function localPathProblem(path: string): string | null {
  if (!path) return 'Enter the directory’s absolute path';
  if (path.length > REPOSITORY_LIMITS.path) return `Paths are limited to ${REPOSITORY_LIMITS.path} characters`;
  // eslint-disable-next-line no-control-regex -- see CONTROL_OR_SPACE
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'The path contains control characters';
  if (!path.startsWith('/')) return 'Give an absolute path (starting with /)';
  return null;
}

/**
 * Why a branch name is refused, or null: git's own ref-name rules (`git check-ref-format`),
 * plus no leading "-" so it can never be read as an option.
 */
export function branchProblem(branch: string): string | null {
  if (!branch) return 'Name the branch to analyse';
  if (branch.length > REPOSITORY_LIMITS.branch)
    return `Branch names are limited to ${REPOSITORY_LIMITS.branch} characters`;
  if (!/^[A-Za-z0-9._/+-]+$/.test(branch) || /^[-/.]|\/\.|\.\.|\/\/|[/.]$|\.lock$|\.lock\/|@\{/.test(branch))
    return 'Not a valid branch name';
  return null;
}
