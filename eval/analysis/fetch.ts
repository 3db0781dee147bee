/**
 * Fetches package tarballs with `npm pack` and extracts them with the system `tar` into the
 * cache. The code is only ever read: never installed, required or run (no lifecycle scripts run
 * for `npm pack <spec>` of a registry package; `tar` writes plain files, strips `..` and leading
 * `/`, and the walkers below never follow symlinks).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { cacheRoot, packageDir, packageSpec } from './cases.js';

const run = promisify(execFile);

export type FetchOutcome = { ok: true; dir: string; cached: boolean } | { ok: false; error: string };

/** Returns the extracted `package/` dir, fetching it unless cached. `offline` never touches the network. */
export async function fetchPackage(
  name: string,
  version: string,
  offline: boolean,
  root = cacheRoot,
): Promise<FetchOutcome> {
  const dir = packageDir(name, version, root);
  if (existsSync(dir)) return { ok: true, dir, cached: true };
  if (offline) return { ok: false, error: `${packageSpec(name, version)} is not in the cache (--offline)` };
  const tgzDir = path.join(root, '_tgz');
  await mkdir(tgzDir, { recursive: true });
  try {
    const { stdout } = await run(
      'npm',
      ['pack', packageSpec(name, version), '--pack-destination', tgzDir, '--json', '--silent'],
      {
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const packed = JSON.parse(stdout) as { filename: string }[];
    const filename = packed[0]?.filename;
    if (!filename) throw new Error('npm pack printed no filename');
    // Extract beside the target and rename, so an interrupted run leaves no half-written package.
    const tmp = `${dir}.tmp-${process.pid}`;
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { recursive: true });
    // Most tarballs wrap everything in `package/`, some in another folder (ejs: `ejs-v3.1.6/`).
    await run('tar', [
      'xzf',
      path.join(tgzDir, path.basename(filename)),
      '-C',
      tmp,
      '--strip-components=1',
      '--no-same-owner',
      '--warning=no-unknown-keyword',
    ]);
    await mkdir(path.dirname(dir), { recursive: true });
    await rename(tmp, dir);
    return { ok: true, dir, cached: false };
  } catch (err) {
    return {
      ok: false,
      error: `${packageSpec(name, version)}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
    };
  }
}

/** Maps with at most `limit` calls in flight, keeping the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Every regular file under `dir` (posix paths relative to it); symlinks are not followed. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

export async function readText(dir: string, rel: string): Promise<string | undefined> {
  try {
    return await readFile(path.join(dir, rel), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
