/**
 * A git server for tests that speaks git's real smart-HTTP protocol: a tiny node HTTP server
 * that runs `git http-backend` as a CGI over bare repositories in a temp dir, optionally
 * requiring an `Authorization` header. It records every header it saw so tests can check
 * what a client sent.
 */
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

export interface GitHttpServer {
  /** `http://127.0.0.1:<port>/<name>.git` for a repository made with `addRepo`. */
  urlOf(name: string): string;
  /** The Authorization headers received, in order (undefined when a request had none). */
  authorizations: (string | undefined)[];
  /** The bare repository's directory (tests push to it). */
  barePath(name: string): string;
  /** Creates a bare repository `<name>.git` with one commit per `{ file: content }` map, on `branch`; returns the last commit. */
  addRepo(name: string, commits: Record<string, string>[], branch?: string, symlinks?: Record<string, string>): string;
  close(): Promise<void>;
}

const GIT_ENV = {
  PATH: '/usr/local/bin:/usr/bin:/bin',
  HOME: '/nonexistent',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

/** Runs git for the fixture (not the code under test). */
export function gitFixture(cwd: string, args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    env: {
      ...GIT_ENV,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.test',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.test',
    },
    encoding: 'utf8',
  }).trim();
}

/** A work tree at `dir` (created) with one commit per file map on `branch`; returns the last commit. */
export function makeWorkTree(
  dir: string,
  commits: Record<string, string>[],
  branch = 'main',
  symlinks: Record<string, string> = {},
): string {
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(path.join(dir, '.git'))) gitFixture(dir, ['init', '-q', '-b', branch]);
  for (const [name, target] of Object.entries(symlinks)) fs.symlinkSync(target, path.join(dir, name));
  for (const [i, files] of commits.entries()) {
    for (const [name, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), content);
    }
    gitFixture(dir, ['add', '-A']);
    gitFixture(dir, ['commit', '-q', '-m', `commit ${i + 1}`]);
  }
  return gitFixture(dir, ['rev-parse', 'HEAD']);
}

/** Example: `const git = await startGitHttpServer({ token: 'Bearer s3cret' })`. */
export async function startGitHttpServer(opts: { authorization?: string } = {}): Promise<GitHttpServer> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nyx-git-http-'));
  const authorizations: (string | undefined)[] = [];
  const server = http.createServer((req, res) => {
    authorizations.push(req.headers.authorization);
    if (opts.authorization && req.headers.authorization !== opts.authorization) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="test"' }).end('unauthorized');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const cgi = spawn('git', ['http-backend'], {
      env: {
        ...GIT_ENV,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        HTTP_GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        REMOTE_ADDR: '127.0.0.1',
      },
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let isBody = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (isBody) return void res.write(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      isBody = true;
      let status = 200;
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const i = line.indexOf(':');
        const name = line.slice(0, i).trim();
        const value = line.slice(i + 1).trim();
        if (name.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
        else res.setHeader(name, value);
      }
      res.writeHead(status);
      res.write(head.subarray(end + 4));
    });
    cgi.on('close', () => res.end());
    cgi.on('error', () => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    urlOf: (name) => `http://127.0.0.1:${port}/${name}.git`,
    authorizations,
    barePath: (name) => path.join(root, `${name}.git`),
    addRepo(name, commits, branch = 'main', symlinks = {}) {
      const work = path.join(root, `${name}.work`);
      const head = makeWorkTree(work, commits, branch, symlinks);
      gitFixture(root, ['clone', '-q', '--bare', work, `${name}.git`]);
      return head;
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
