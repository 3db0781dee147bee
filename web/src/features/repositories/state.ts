/**
 * The connect form's pure logic: which fields a draft shows, what it sends, and the errors the
 * browser can find before a round trip (the same checks the server runs, from src/shared).
 */
import {
  branchProblem,
  gitUrlProblem,
  localPathProblem,
  type GitTokenKind,
  type RepositorySource,
  type RepositoryStatus,
} from '../../../../src/shared/repositories.js';

export interface RepositoryDraft {
  name: string;
  source: RepositorySource;
  url: string;
  path: string;
  defaultBranch: string;
  token: string;
  tokenKind: GitTokenKind;
}

export const emptyDraft = (): RepositoryDraft => ({
  name: '',
  source: 'git',
  url: '',
  path: '',
  defaultBranch: 'main',
  token: '',
  tokenKind: 'github',
});

/** The name a URL or path suggests: `https://github.com/acme/api.git` → `api`. */
export function suggestedName(draft: Pick<RepositoryDraft, 'source' | 'url' | 'path'>): string {
  const raw = draft.source === 'git' ? draft.url : draft.path;
  const last = raw.trim().replace(/\/+$/, '').split('/').pop() ?? '';
  return last.replace(/\.git$/, '');
}

/** Field errors found in the browser, by the server's field names; empty when the draft can be sent. */
export function draftProblems(draft: RepositoryDraft): Record<string, string> {
  const out: Record<string, string> = {};
  const name = draft.name.trim() || suggestedName(draft);
  if (!name) out.name = 'Name the repository';
  const location =
    draft.source === 'git' ? ['url', gitUrlProblem(draft.url.trim())] : ['path', localPathProblem(draft.path.trim())];
  if (location[1]) out[location[0] as string] = location[1];
  const branch = branchProblem(draft.defaultBranch.trim());
  if (branch) out.defaultBranch = branch;
  return out;
}

/** The `repositories.create` input for a draft (the name defaults to the URL's or path's last part). */
export function createInput(draft: RepositoryDraft, projectId: string) {
  const base = {
    projectId,
    name: draft.name.trim() || suggestedName(draft),
    defaultBranch: draft.defaultBranch.trim(),
  };
  if (draft.source === 'local_path') return { ...base, source: 'local_path' as const, path: draft.path.trim() };
  return {
    ...base,
    source: 'git' as const,
    url: draft.url.trim(),
    ...(draft.token.trim() ? { token: draft.token.trim(), tokenKind: draft.tokenKind } : {}),
  };
}

/** The badge a status shows, and its words. */
export function statusBadge(status: RepositoryStatus): { className: string; label: string } {
  switch (status) {
    case 'ready':
      return { className: 'badge badge-ok', label: 'ready' };
    case 'error':
      return { className: 'badge badge-error', label: 'error' };
    case 'syncing':
      return { className: 'badge badge-pending', label: 'syncing…' };
    default:
      return { className: 'badge', label: 'not synced' };
  }
}

/** A commit as people read it: the first 12 hex digits. */
export const shortCommit = (commit: string | null): string => (commit ? commit.slice(0, 12) : '—');
