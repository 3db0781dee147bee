import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../config/env.js';
import { NyxError } from '../../platform/errors.js';
import { gitFixture, makeWorkTree, startGitHttpServer, type GitHttpServer } from '../../testing/git-http-server.js';
import {
  dbKinds,
  newUser,
  startTestServer,
  trpcError,
  withTestServer,
  type TestServer,
} from '../../testing/harness.js';
import { explainGitFailure, syncClone } from './git.js';
import { resolveLocalPath } from './paths.js';

const tmp = (prefix: string) => fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `nyx-${prefix}-`)));
const basic = (user: string, token: string) => `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;
const TOKEN = 'ghp_test0000000000000000000000000000abcd';

describe.each(dbKinds)('repositories on %s', (kind) => {
  let server: TestServer;
  let git: GitHttpServer;
  let reposDir: string;
  let work: string;

  beforeAll(async () => {
    reposDir = tmp('clones');
    work = tmp('work');
    server = await startTestServer(kind, { NYXCORE_REPOS_DIR: reposDir, NYXCORE_GIT_TIMEOUT_MS: '20000' });
    git = await startGitHttpServer({ authorization: basic('x-access-token', TOKEN) });
  });
  afterAll(async () => {
    await git.close();
    await server.close();
    fs.rmSync(reposDir, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('connects, lists, renames and deletes a local-path repository, audited, and reads its HEAD without writing to it', async () => {
    const a = await newUser(server);
    const t = a.client.trpc;
    const p = await t.projects.create.mutate({ name: 'Apollo' });
    const dir = path.join(work, 'local-crud');
    const head = makeWorkTree(dir, [{ 'src/a.ts': 'export const a = 1;\n' }]);
    const before = gitFixture(dir, ['status', '--porcelain', '--ignored']);

    const r = await t.repositories.create.mutate({ projectId: p.id, name: 'app', source: 'local_path', path: dir });
    expect(r).toMatchObject({ name: 'app', source: 'local_path', path: dir, status: 'idle', lastSyncedCommit: null });
    const dup = await trpcError(() =>
      t.repositories.create.mutate({ projectId: p.id, name: 'APP', source: 'local_path', path: dir }),
    );
    expect(dup.httpStatus).toBe(409);
    expect(dup.fieldErrors?.name).toBeDefined();

    const synced = await t.repositories.sync.mutate({ id: r.id });
    expect(synced).toMatchObject({ status: 'ready', lastSyncedCommit: head, statusMessage: null });
    expect(synced.lastSyncedAt).toBeInstanceOf(Date);
    const next = makeWorkTree(dir, [{ 'src/b.ts': 'export const b = 2;\n' }]);
    expect((await t.repositories.sync.mutate({ id: r.id })).lastSyncedCommit).toBe(next);
    expect(gitFixture(dir, ['status', '--porcelain', '--ignored'])).toBe(before);

    const plain = tmp('plain');
    const r2 = await t.repositories.create.mutate({
      projectId: p.id,
      name: 'plain',
      source: 'local_path',
      path: plain,
    });
    expect(await t.repositories.sync.mutate({ id: r2.id })).toMatchObject({
      status: 'ready',
      lastSyncedCommit: null,
      statusMessage: expect.stringMatching(/Not a git repository/) as unknown,
    });
    expect(fs.readdirSync(plain)).toEqual([]);

    expect((await t.repositories.list.query({ projectId: p.id })).map((x) => x.name).sort()).toEqual(['app', 'plain']);
    expect(await t.repositories.update.mutate({ id: r.id, name: 'app-renamed' })).toMatchObject({
      name: 'app-renamed',
      lastSyncedCommit: next,
    });
    expect((await trpcError(() => t.repositories.update.mutate({ id: r2.id, name: 'App-Renamed' }))).httpStatus).toBe(
      409,
    );
    await t.repositories.delete.mutate({ id: r.id });
    expect((await trpcError(() => t.repositories.get.query({ id: r.id }))).httpStatus).toBe(404);
    expect(fs.existsSync(path.join(dir, 'src/a.ts'))).toBe(true);
    const audit = (await t.audit.list.query({ limit: 20 })).items.map((i) => i.action);
    expect(audit).toEqual(
      expect.arrayContaining(['repository.created', 'repository.synced', 'repository.updated', 'repository.deleted']),
    );
  });

  it('refuses unsafe URLs, paths and branches with a field error, never a 500', async () => {
    const a = await newUser(server);
    const t = a.client.trpc;
    const p = await t.projects.create.mutate({ name: 'Bad input' });
    const gitRepo = (url: string, extra: Record<string, unknown> = {}) =>
      trpcError(() =>
        t.repositories.create.mutate({ projectId: p.id, name: 'x', source: 'git', url, ...extra } as never),
      );
    const cases: [string, RegExp][] = [
      ['file:///etc', /https/],
      ['ext::sh -c touch% /tmp/pwned', /spaces|https/],
      ['ssh://git@example.com/a/b.git', /https/],
      ['git@github.com:a/b.git', /https/],
      ['--upload-pack=touch /tmp/pwned', /spaces|"-"/],
      ['-uhttps://example.com/a.git', /"-"/],
      ['https://user:secret@example.com/a.git', /credentials/],
      ['https://example.com/a.git\n--upload-pack=x', /control/],
      ['https://169.254.169.254/latest.git', /link-local/],
      ['http://93.184.216.34/a.git', /https:\/\/ for a public host/],
    ];
    for (const [url, message] of cases) {
      const err = await gitRepo(url);
      expect(err.httpStatus, url).toBe(400);
      expect(err.fieldErrors?.url?.[0], url).toMatch(message);
    }
    expect((await gitRepo(git.urlOf('x'), { defaultBranch: '--orphan' })).fieldErrors?.defaultBranch).toBeDefined();
    expect((await gitRepo(git.urlOf('x'), { defaultBranch: 'a..b' })).fieldErrors?.defaultBranch).toBeDefined();
    const local = (p2: string) =>
      trpcError(() => t.repositories.create.mutate({ projectId: p.id, name: 'y', source: 'local_path', path: p2 }));
    expect((await local('relative/dir')).fieldErrors?.path?.[0]).toMatch(/absolute/);
    expect((await local('/definitely/not/here')).fieldErrors?.path?.[0]).toMatch(/No such directory/);
    const file = path.join(work, 'a-file');
    fs.writeFileSync(file, 'x');
    expect((await local(file)).fieldErrors?.path?.[0]).toMatch(/not a directory/);
    expect((await local(reposDir)).fieldErrors?.path?.[0]).toMatch(/nyxCore’s own clones/);
    expect((await t.repositories.list.query({ projectId: p.id })).length).toBe(0);
  });

  it('clones over smart HTTP with the token as a header that never reaches .git/config, fetches later commits, and deletes the clone', async () => {
    const a = await newUser(server);
    const t = a.client.trpc;
    const p = await t.projects.create.mutate({ name: 'Cloned' });
    const first = git.addRepo('demo', [{ 'README.md': '# demo\n' }, { 'src/index.ts': 'export {};\n' }], 'main', {
      'escape.txt': '/etc/passwd',
    });
    const r = await t.repositories.create.mutate({
      projectId: p.id,
      name: 'demo',
      source: 'git',
      url: git.urlOf('demo'),
      token: TOKEN,
      tokenKind: 'github',
    });
    expect(r.credential).toEqual({ kind: 'github', hint: '…abcd' });
    const synced = await t.repositories.sync.mutate({ id: r.id });
    expect(synced).toMatchObject({ status: 'ready', lastSyncedCommit: first, statusMessage: null });
    const clone = path.join(reposDir, a.tenantId, r.id);
    expect(fs.readFileSync(path.join(clone, 'src/index.ts'), 'utf8')).toBe('export {};\n');
    expect(git.authorizations).toContain(basic('x-access-token', TOKEN));
    const config = fs.readFileSync(path.join(clone, '.git/config'), 'utf8');
    expect(config).not.toContain(TOKEN);
    expect(config).not.toContain(Buffer.from(`x-access-token:${TOKEN}`).toString('base64'));
    expect(config.toLowerCase()).not.toMatch(/extraheader|authorization/);
    expect(fs.readdirSync(path.dirname(clone))).toEqual([r.id]);
    // A symlink in the repository is a plain file in nyxCore's checkout.
    expect(fs.lstatSync(path.join(clone, 'escape.txt')).isSymbolicLink()).toBe(false);
    expect(fs.readFileSync(path.join(clone, 'escape.txt'), 'utf8')).toBe('/etc/passwd');

    // The API and the database never show the token.
    const shown = JSON.stringify([
      await t.repositories.get.query({ id: r.id }),
      await t.repositories.list.query({ projectId: p.id }),
    ]);
    expect(shown).not.toContain(TOKEN);
    const [stored] = await server.database.raw<{ credential_secret: string }>(
      'select credential_secret from repositories where id = $1',
      [r.id],
    );
    expect(stored?.credential_secret).toMatch(/^nyx1\./);
    expect(stored?.credential_secret).not.toContain(TOKEN);

    // A later commit arrives by fetch into the same directory.
    const work2 = path.join(work, 'demo-push');
    const bare = git.barePath('demo');
    gitFixture(work, ['clone', '-q', bare, work2]);
    fs.writeFileSync(path.join(work2, 'CHANGELOG.md'), 'v2\n');
    gitFixture(work2, ['add', '-A']);
    gitFixture(work2, ['commit', '-q', '-m', 'v2']);
    gitFixture(work2, ['push', '-q', 'origin', 'main']);
    const second = gitFixture(work2, ['rev-parse', 'HEAD']);
    expect((await t.repositories.sync.mutate({ id: r.id })).lastSyncedCommit).toBe(second);
    expect(fs.readFileSync(path.join(clone, 'CHANGELOG.md'), 'utf8')).toBe('v2\n');

    // A host name (not an IP literal) clones too: git is pinned to the addresses the policy judged.
    const byName = await t.repositories.create.mutate({
      projectId: p.id,
      name: 'by-name',
      source: 'git',
      url: git.urlOf('demo').replace('127.0.0.1', 'localhost'),
      token: TOKEN,
      tokenKind: 'github',
    });
    expect(await t.repositories.sync.mutate({ id: byName.id })).toMatchObject({
      status: 'ready',
      lastSyncedCommit: second,
    });

    await t.repositories.delete.mutate({ id: r.id });
    expect(fs.existsSync(clone)).toBe(false);
  });

  it('a wrong token or an unknown branch ends in status error with a clean message and no half-written clone', async () => {
    const a = await newUser(server);
    const t = a.client.trpc;
    const p = await t.projects.create.mutate({ name: 'Failing' });
    git.addRepo('locked', [{ 'a.txt': 'a\n' }]);
    const wrong = 'glpat-wrongwrongwrong9999';
    const r = await t.repositories.create.mutate({
      projectId: p.id,
      name: 'locked',
      source: 'git',
      url: git.urlOf('locked'),
      token: wrong,
      tokenKind: 'gitlab',
    });
    const failed = await t.repositories.sync.mutate({ id: r.id });
    expect(failed.status).toBe('error');
    expect(failed.statusMessage).toMatch(/^Authentication failed/);
    expect(failed.statusMessage).not.toContain(wrong);
    expect(failed.statusMessage).not.toMatch(/Cloning into|fatal:/);
    expect(fs.existsSync(path.join(reposDir, a.tenantId))).toBe(true);
    expect(fs.readdirSync(path.join(reposDir, a.tenantId))).toEqual([]);

    // The right token, the wrong branch.
    const fixed = await t.repositories.update.mutate({
      id: r.id,
      token: TOKEN,
      tokenKind: 'github',
      defaultBranch: 'nope',
    });
    expect(fixed).toMatchObject({ status: 'idle', credential: { kind: 'github', hint: '…abcd' } });
    const noBranch = await t.repositories.sync.mutate({ id: r.id });
    expect(noBranch).toMatchObject({
      status: 'error',
      statusMessage: 'Branch "nope" does not exist in the repository',
    });
    expect(fs.readdirSync(path.join(reposDir, a.tenantId))).toEqual([]);
    await t.repositories.update.mutate({ id: r.id, defaultBranch: 'main' });
    expect((await t.repositories.sync.mutate({ id: r.id })).status).toBe('ready');

    // No token at all, and a repository that does not exist.
    await t.repositories.update.mutate({ id: r.id, token: null });
    const anon = await t.repositories.sync.mutate({ id: r.id });
    expect(anon.status).toBe('error');
    expect(anon.statusMessage).toMatch(/^Authentication failed/);
    // The last good commit is kept while the repository is in error.
    expect(anon.lastSyncedCommit).toMatch(/^[0-9a-f]{40}$/);
  });

  it('another workspace gets NOT_FOUND on every procedure; a viewer cannot connect', async () => {
    const a = await newUser(server);
    const b = await newUser(server);
    const p = await a.client.trpc.projects.create.mutate({ name: 'Private' });
    const r = await a.client.trpc.repositories.create.mutate({
      projectId: p.id,
      name: 'secret',
      source: 'local_path',
      path: work,
    });
    const tb = b.client.trpc;
    const calls = [
      () => tb.repositories.get.query({ id: r.id }),
      () => tb.repositories.list.query({ projectId: p.id }),
      () => tb.repositories.update.mutate({ id: r.id, name: 'mine' }),
      () => tb.repositories.sync.mutate({ id: r.id }),
      () => tb.repositories.delete.mutate({ id: r.id }),
      () => tb.repositories.create.mutate({ projectId: p.id, name: 'planted', source: 'local_path', path: work }),
    ];
    for (const c of calls) expect((await trpcError(c)).httpStatus).toBe(404);
    expect(await a.client.trpc.repositories.get.query({ id: r.id })).toMatchObject({ name: 'secret', status: 'idle' });

    const viewer = await newUser(server, { workspace: null });
    const inv = await a.client.trpc.invitations.create.mutate({ role: 'viewer' });
    await viewer.client.trpc.invitations.accept.mutate({ token: inv.token });
    viewer.client.tenantId = a.tenantId;
    expect((await viewer.client.trpc.repositories.list.query({ projectId: p.id })).length).toBe(1);
    const denied = await trpcError(() => viewer.client.trpc.repositories.sync.mutate({ id: r.id }));
    expect(denied.httpStatus).toBe(403);
  });

  it('NYXCORE_REPO_ROOTS confines local paths, symlinks resolved', async () => {
    const root = tmp('root');
    const inside = path.join(root, 'app');
    fs.mkdirSync(inside);
    const outside = tmp('outside');
    fs.symlinkSync(outside, path.join(root, 'escape'));
    fs.symlinkSync(inside, path.join(outside, 'into-root'));
    await withTestServer(
      kind,
      { NYXCORE_REPO_ROOTS: `${root},/nonexistent-root`, NYXCORE_REPOS_DIR: reposDir },
      async (s) => {
        const a = await newUser(s);
        const t = a.client.trpc;
        const p = await t.projects.create.mutate({ name: 'Rooted' });
        const create = (dir: string) =>
          t.repositories.create.mutate({ projectId: p.id, name: path.basename(dir), source: 'local_path', path: dir });
        expect((await create(inside)).path).toBe(inside);
        expect((await trpcError(() => create(outside))).fieldErrors?.path?.[0]).toMatch(/Outside the directories/);
        const escaped = await trpcError(() => create(path.join(root, 'escape')));
        expect(escaped.fieldErrors?.path?.[0]).toMatch(/through a symlink.*outside/);
        expect((await trpcError(() => create(path.join(root, 'app', '..', '..')))).fieldErrors?.path).toBeDefined();
        // A symlink from outside into the root is stored as the real directory inside it.
        const viaLink = await t.repositories.update.mutate({
          id: (await t.repositories.list.query({ projectId: p.id }))[0]?.id ?? '',
          path: path.join(outside, 'into-root'),
        });
        expect(viaLink.path).toBe(inside);
      },
    );
  });
});

describe('git that hangs', () => {
  it('is stopped at the timeout with a clear message and leaves no directory behind', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const dir = tmp('hang');
    try {
      const err = await syncClone(`http://127.0.0.1:${port}/slow.git`, 'main', path.join(dir, 'repo'), {
        binPath: loadEnv({}).PATH,
        timeoutMs: 1500,
      }).catch((e: unknown) => e);
      expect(explainGitFailure(err, { timeoutMs: 1500, secrets: [] })).toBe(
        'git did not finish within 2 s and was stopped',
      );
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('failure messages never carry the token or a URL', () => {
    const token = 'ghp_s3cr3t';
    const raw = new Error(
      `fatal: something odd at https://x-access-token:${token}@example.com/a.git (Authorization: Bearer ${token})`,
    );
    const message = explainGitFailure(raw, { timeoutMs: 1000, secrets: [token] });
    expect(message).toMatch(/^git failed: /);
    expect(message).not.toContain(token);
    expect(message).not.toContain('example.com');
  });
});

describe('local paths in server mode', () => {
  it('are refused while NYXCORE_REPO_ROOTS is unset, allowed inside it when set', async () => {
    const dir = tmp('server');
    const server = loadEnv({ DATABASE_URL: 'postgres://db.example/nyx' });
    const err = await resolveLocalPath(server, dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NyxError);
    expect((err as NyxError).fieldErrors?.path?.[0]).toMatch(/off on this server.*NYXCORE_REPO_ROOTS/);
    const rooted = loadEnv({ DATABASE_URL: 'postgres://db.example/nyx', NYXCORE_REPO_ROOTS: path.dirname(dir) });
    expect(await resolveLocalPath(rooted, dir)).toBe(dir);
    expect(() => loadEnv({ NYXCORE_REPO_ROOTS: 'relative/dir' })).toThrow(/not an absolute directory/);
  });
});
