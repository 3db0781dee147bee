/**
 * The files of a repository for an analysis run: a git source is synced first (when asked)
 * and read from its clone; a local path is read where it is (never written to).
 */
import { eq } from 'drizzle-orm';
import { repositories } from '../../platform/db/schema/index.js';
import { withTenant } from '../../platform/db/tenant.js';
import { NyxError } from '../../platform/errors.js';
import { cloneDirOf, resolveLocalPath } from './paths.js';
import { syncRepository, type RepoDeps } from './service.js';

/** A checkout the run cannot use (sync failed, path gone): `message` is for the user, already sanitized. */
export class RepositoryUnavailableError extends Error {}

export async function checkoutRepository(
  deps: RepoDeps,
  actor: { tenantId: string; userId: string | null },
  repositoryId: string,
  options: { isSyncing: boolean },
): Promise<{ root: string; commit: string | null }> {
  let repo;
  if (options.isSyncing) {
    try {
      repo = await syncRepository(deps, { ...actor, projectPin: null, ip: null }, repositoryId);
    } catch (err) {
      if (err instanceof NyxError) throw new RepositoryUnavailableError(err.message);
      throw err;
    }
    if (repo.status === 'error')
      throw new RepositoryUnavailableError(repo.statusMessage ?? 'The repository could not be synced');
  } else {
    [repo] = await withTenant(deps.database, { tenantId: actor.tenantId, userId: null }, (tx) =>
      tx.select().from(repositories).where(eq(repositories.id, repositoryId)),
    );
    if (!repo) throw new RepositoryUnavailableError('The repository was deleted');
  }
  if (repo.source === 'git')
    return { root: cloneDirOf(deps.env, actor.tenantId, repositoryId), commit: repo.lastSyncedCommit };
  try {
    return { root: await resolveLocalPath(deps.env, repo.path ?? ''), commit: repo.lastSyncedCommit };
  } catch (err) {
    throw new RepositoryUnavailableError(err instanceof Error ? err.message : 'The local path is not available');
  }
}
