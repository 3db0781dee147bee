import { describe, expect, it } from 'vitest';
import { createInput, draftProblems, emptyDraft, statusBadge, suggestedName } from './state.js';

describe('repository connect form', () => {
  it('names the repository after its URL or path unless named', () => {
    expect(suggestedName({ source: 'git', url: 'https://github.com/acme/api.git', path: '' })).toBe('api');
    expect(suggestedName({ source: 'local_path', url: '', path: '/srv/code/web/' })).toBe('web');
    const draft = {
      ...emptyDraft(),
      url: 'https://gitlab.com/acme/tools.git',
      token: ' glpat-1 ',
      tokenKind: 'gitlab' as const,
    };
    expect(createInput(draft, 'p')).toEqual({
      projectId: 'p',
      name: 'tools',
      defaultBranch: 'main',
      source: 'git',
      url: 'https://gitlab.com/acme/tools.git',
      token: 'glpat-1',
      tokenKind: 'gitlab',
    });
    expect(createInput({ ...draft, token: '' }, 'p')).not.toHaveProperty('token');
    expect(createInput({ ...draft, source: 'local_path', path: '/srv/x', name: 'X' }, 'p')).toEqual({
      projectId: 'p',
      name: 'X',
      defaultBranch: 'main',
      source: 'local_path',
      path: '/srv/x',
    });
  });

  it('finds the server’s field errors before submit', () => {
    expect(draftProblems({ ...emptyDraft(), url: 'file:///etc/passwd' })).toEqual({
      url: 'Only https:// (or http://) URLs can be cloned',
    });
    expect(draftProblems({ ...emptyDraft(), url: 'https://u:p@github.com/a/b.git' }).url).toMatch(/credentials/);
    expect(draftProblems({ ...emptyDraft(), source: 'local_path', path: 'code/app' })).toEqual({
      path: 'Give an absolute path (starting with /)',
    });
    expect(draftProblems({ ...emptyDraft(), url: 'https://github.com/a/b.git', defaultBranch: '-x' })).toEqual({
      defaultBranch: 'Not a valid branch name',
    });
    expect(draftProblems({ ...emptyDraft(), url: 'https://github.com/a/b.git' })).toEqual({});
    expect(draftProblems(emptyDraft())).toMatchObject({ name: 'Name the repository' });
  });

  it('labels every status', () => {
    expect(statusBadge('ready').className).toContain('badge-ok');
    expect(statusBadge('error').className).toContain('badge-error');
    expect(statusBadge('idle').label).toBe('not synced');
  });
});
