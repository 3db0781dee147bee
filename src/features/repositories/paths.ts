/** Where repositories live on disk, and the local-path rules (NYXCORE_REPO_ROOTS). */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Env } from '../../config/env.js';
import { NyxError } from '../../platform/errors.js';

/** The clone directory of a git repository; both ids are uuids, so the path never leaves `reposDir`. */
export const cloneDirOf = (env: Pick<Env, 'reposDir'>, tenantId: string, repoId: string): string =>
  path.join(env.reposDir, tenantId, repoId);

const pathError = (message: string) => new NyxError('BAD_INPUT', message, { fieldErrors: { path: [message] } });

const isInside = (child: string, root: string) =>
  child === root || child.startsWith(root.endsWith('/') ? root : `${root}/`);

/**
 * Checks a local repository path and returns it with symlinks resolved: absolute, an existing
 * directory, inside one of NYXCORE_REPO_ROOTS (roots resolved too). Server mode refuses local
 * paths while no root is configured; embedded mode then allows any directory.
 * Example: `await resolveLocalPath(env, '/srv/code/app')` → '/srv/code/app'.
 */
export async function resolveLocalPath(
  env: Pick<Env, 'DATABASE_URL' | 'NYXCORE_REPO_ROOTS' | 'reposDir'>,
  requested: string,
): Promise<string> {
  const roots = env.NYXCORE_REPO_ROOTS;
  if (env.DATABASE_URL && roots.length === 0)
    throw pathError('Local paths are off on this server; an admin can allow directories with NYXCORE_REPO_ROOTS');
  if (!path.isAbsolute(requested)) throw pathError('Give an absolute path (starting with /)');
  let real: string;
  try {
    real = await fs.realpath(requested);
  } catch {
    throw pathError('No such directory on the server');
  }
  if (!(await fs.stat(real)).isDirectory()) throw pathError('This is a file, not a directory');
  if (roots.length) {
    const realRoots = await Promise.all(roots.map((r) => fs.realpath(r).catch(() => null)));
    if (!realRoots.some((r) => r !== null && isInside(real, r)))
      throw pathError(
        real === path.resolve(requested)
          ? `Outside the directories this server allows (${roots.join(', ')})`
          : `Resolves (through a symlink) to ${real}, outside the directories this server allows (${roots.join(', ')})`,
      );
  }
  // nyxCore's own clones are not local paths: a "local" repository there would alias another tenant's clone.
  const reposDir = await fs.realpath(env.reposDir).catch((): string => env.reposDir);
  if (isInside(real, reposDir)) throw pathError('That directory holds nyxCore’s own clones');
  return real;
}
