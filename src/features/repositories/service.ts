/**
 * Repositories of a project: a git URL nyxCore clones into its repos directory, or a local
 * directory it only reads. Checks that touch the network or the disk (DNS through the egress
 * policy, realpath inside NYXCORE_REPO_ROOTS) run outside the request's transaction; so
 * does git.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import { and, desc, eq, lt, ne, or, sql } from 'drizzle-orm';
import type { Env } from '../../config/env.js';
import { projectForNewRow, visibleOr404 } from '../../platform/access/project-pin.js';
import type { Access, TenantGrant } from '../../platform/access/tenant-access.js';
import { withGrant } from '../../platform/access/tenant-access.js';
import { withTenant } from '../../platform/db/tenant.js';
import type { Database } from '../../platform/db/client.js';
import { repositories } from '../../platform/db/schema/index.js';
import type { Egress } from '../../platform/egress/egress.js';
import { NyxError, notFound } from '../../platform/errors.js';
import type { Vault } from '../../platform/llm/vault.js';
import type { Logger } from '../../platform/logger.js';
import { recordAudit } from '../audit/index.js';
import { getProject } from '../projects/index.js';
import { explainGitFailure, localHead, syncClone, type GitOptions } from './git.js';
import { cloneDirOf, resolveLocalPath } from './paths.js';
import type { CreateRepositoryInput, UpdateRepositoryInput } from './schema.js';

export interface RepoDeps {
  env: Pick<
    Env,
    'DATABASE_URL' | 'NYXCORE_REPO_ROOTS' | 'reposDir' | 'PATH' | 'GIT_SSL_CAINFO' | 'NYXCORE_GIT_TIMEOUT_MS'
  >;
  egress: Pick<Egress, 'resolveUrl' | 'isLocalAddress'>;
  vault: Vault;
  database: Database;
  log: Logger;
}

type Row = typeof repositories.$inferSelect;

/** What the API shows: never the token, only its kind and last four characters. */
export function toView(r: Row) {
  return {
    id: r.id,
    projectId: r.projectId,
    name: r.name,
    source: r.source,
    url: r.url,
    path: r.path,
    defaultBranch: r.defaultBranch,
    credential:
      r.credentialKind && r.credentialLast4 ? { kind: r.credentialKind, hint: `…${r.credentialLast4}` } : null,
    lastSyncedCommit: r.lastSyncedCommit,
    lastSyncedAt: r.lastSyncedAt,
    status: r.status,
    statusMessage: r.statusMessage,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}
export type RepositoryView = ReturnType<typeof toView>;

/** Who syncs: a member in a request, or an analysis run acting for the user who started it (who may be gone). */
export type SyncActor = Omit<Access, 'tx'>;
const withActor = <T>(deps: Pick<RepoDeps, 'database'>, actor: SyncActor, fn: (access: Access) => Promise<T>) =>
  withTenant(deps.database, { tenantId: actor.tenantId, userId: actor.userId }, (tx) => fn({ ...actor, tx }));

/** The vault binds each token to its row: a ciphertext copied to another repository does not decrypt. */
const credentialContext = (tenantId: string, repoId: string) => `repositories/${tenantId}/${repoId}`;

const fieldError = (field: string, message: string) =>
  new NyxError('BAD_INPUT', message, { fieldErrors: { [field]: [message] } });

const isUniqueViolation = (err: unknown): boolean =>
  typeof err === 'object' &&
  err !== null &&
  ((err as { code?: string }).code === '23505' || (err as { cause?: { code?: string } }).cause?.code === '23505');

const nameTaken = () =>
  new NyxError('CONFLICT', 'A repository with this name already exists in the project', {
    fieldErrors: { name: ['Already used in this project'] },
  });

/**
 * Checks a clone URL against the egress policy on its resolved addresses and returns the
 * curl resolve entry that pins git to them. Plain http only to addresses that are not public (loopback in embedded
 * mode, or ranges an admin allowed with NYXCORE_EGRESS_ALLOW): a token never crosses the
 * internet in clear text.
 */
export async function checkGitUrl(deps: Pick<RepoDeps, 'egress'>, url: string): Promise<{ pin: string | undefined }> {
  let addresses: string[];
  try {
    addresses = await deps.egress.resolveUrl(url);
  } catch (err) {
    if (err instanceof NyxError && err.code === 'BAD_INPUT') throw fieldError('url', err.userMessage);
    throw err;
  }
  const u = new URL(url);
  if (u.protocol === 'http:' && !addresses.every((a) => deps.egress.isLocalAddress(a)))
    throw fieldError(
      'url',
      'Use https:// for a public host (http:// is allowed only on local networks the egress policy allows)',
    );
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  // An IP literal needs no pin; a name is pinned to the addresses that were judged (curl tries them in order).
  if (addresses.length === 0 || addresses.includes(host)) return { pin: undefined };
  const port = Number(u.port) || (u.protocol === 'https:' ? 443 : 80);
  return { pin: `${u.hostname}:${port}:${addresses.map((a) => (a.includes(':') ? `[${a}]` : a)).join(',')}` };
}

async function loadRow(access: Pick<Access, 'tx' | 'projectPin'>, id: string): Promise<Row> {
  const [row] = await access.tx.select().from(repositories).where(eq(repositories.id, id));
  return visibleOr404(row, access, 'Repository');
}

export async function listRepositories(access: Access, input: { projectId: string }): Promise<RepositoryView[]> {
  await getProject(access, input.projectId);
  const rows = await access.tx
    .select()
    .from(repositories)
    .where(eq(repositories.projectId, input.projectId))
    .orderBy(desc(repositories.updatedAt))
    .limit(500);
  return rows.map(toView);
}

export async function getRepository(access: Access, id: string): Promise<RepositoryView> {
  return toView(await loadRow(access, id));
}

/** Validates the input's URL or path (network and disk, no transaction) and connects the repository. */
export async function createRepository(
  deps: RepoDeps,
  grant: TenantGrant,
  input: CreateRepositoryInput,
): Promise<RepositoryView> {
  projectForNewRow(grant, input.projectId, 'projectId', 'repositories');
  const location =
    input.source === 'git'
      ? { url: input.url ?? '', path: null }
      : { url: null, path: await resolveLocalPath(deps.env, input.path ?? '') };
  if (location.url) await checkGitUrl(deps, location.url);
  const id = randomUUID();
  return withGrant(deps, grant, async (access) => {
    await getProject(access, input.projectId);
    try {
      const [row] = await access.tx.transaction((sp) =>
        sp
          .insert(repositories)
          .values({
            id,
            tenantId: access.tenantId,
            projectId: input.projectId,
            name: input.name,
            source: input.source,
            ...location,
            defaultBranch: input.defaultBranch,
            ...(input.token
              ? {
                  credentialKind: input.tokenKind,
                  credentialSecret: deps.vault.encrypt(input.token, credentialContext(access.tenantId, id)),
                  credentialLast4: input.token.slice(-4),
                }
              : {}),
            createdBy: access.userId,
          })
          .returning(),
      );
      if (!row) throw new NyxError('INTERNAL', 'repository insert returned nothing');
      await recordAudit(
        access,
        'repository.created',
        { type: 'repository', id },
        { name: row.name, source: row.source },
      );
      return toView(row);
    } catch (err) {
      if (isUniqueViolation(err)) throw nameTaken();
      throw err;
    }
  });
}

export async function updateRepository(
  deps: RepoDeps,
  grant: TenantGrant,
  input: UpdateRepositoryInput,
): Promise<RepositoryView> {
  const current = await withGrant(deps, grant, (access) => loadRow(access, input.id));
  if (input.url !== undefined && current.source !== 'git')
    throw fieldError('url', 'This repository is a local path; connect a new repository for a git URL');
  if (input.path !== undefined && current.source !== 'local_path')
    throw fieldError('path', 'This repository is cloned from a URL; connect a new repository for a local path');
  if (input.token && current.source !== 'git') throw fieldError('token', 'A local path needs no token');
  if (input.url !== undefined) await checkGitUrl(deps, input.url);
  const path = input.path !== undefined ? await resolveLocalPath(deps.env, input.path) : undefined;
  const isMoved =
    (input.url !== undefined && input.url !== current.url) ||
    (input.defaultBranch !== undefined && input.defaultBranch !== current.defaultBranch) ||
    (path !== undefined && path !== current.path);
  const view = await withGrant(deps, grant, async (access) => {
    try {
      const [row] = await access.tx.transaction((sp) =>
        sp
          .update(repositories)
          .set({
            ...(input.name !== undefined ? { name: input.name } : {}),
            ...(input.url !== undefined ? { url: input.url } : {}),
            ...(path !== undefined ? { path } : {}),
            ...(input.defaultBranch !== undefined ? { defaultBranch: input.defaultBranch } : {}),
            ...(input.token === null ? { credentialKind: null, credentialSecret: null, credentialLast4: null } : {}),
            ...(input.token
              ? {
                  credentialKind: input.tokenKind ?? current.credentialKind ?? 'generic',
                  credentialSecret: deps.vault.encrypt(input.token, credentialContext(access.tenantId, input.id)),
                  credentialLast4: input.token.slice(-4),
                }
              : input.tokenKind && current.credentialSecret
                ? { credentialKind: input.tokenKind }
                : {}),
            // Pointing elsewhere makes the last sync's result stale.
            ...(isMoved
              ? { status: 'idle' as const, statusMessage: null, lastSyncedCommit: null, lastSyncedAt: null }
              : {}),
            updatedAt: sql`now()`,
          })
          .where(eq(repositories.id, input.id))
          .returning(),
      );
      if (!row) throw notFound('Repository');
      await recordAudit(
        access,
        'repository.updated',
        { type: 'repository', id: row.id },
        {
          name: row.name,
          fields: Object.keys(input).filter((k) => k !== 'id' && k !== 'token'),
          ...(input.token !== undefined ? { token: input.token === null ? 'removed' : 'replaced' } : {}),
        },
      );
      return toView(row);
    } catch (err) {
      if (isUniqueViolation(err)) throw nameTaken();
      throw err;
    }
  });
  if (isMoved && current.source === 'git') await removeCloneDir(deps, grant.tenantId, input.id);
  return view;
}

async function removeCloneDir(deps: Pick<RepoDeps, 'env' | 'log'>, tenantId: string, id: string): Promise<void> {
  try {
    await fs.rm(cloneDirOf(deps.env, tenantId, id), { recursive: true, force: true });
  } catch (err) {
    deps.log.error({ err, repositoryId: id }, 'could not remove a repository clone directory');
  }
}

/** Deletes the row (audited), then the clone directory; a local path is never touched. */
export async function deleteRepository(deps: RepoDeps, grant: TenantGrant, id: string): Promise<{ id: string }> {
  const row = await withGrant(deps, grant, async (access) => {
    const r = await loadRow(access, id);
    await access.tx.delete(repositories).where(eq(repositories.id, id));
    await recordAudit(access, 'repository.deleted', { type: 'repository', id }, { name: r.name, source: r.source });
    return r;
  });
  if (row.source === 'git') await removeCloneDir(deps, grant.tenantId, id);
  return { id };
}

/** Turns a thrown sync failure into a message that is safe to store and show. */
function syncFailureMessage(err: unknown, row: Row, deps: RepoDeps, token: string | null): string {
  if (err instanceof NyxError && err.code === 'BAD_INPUT') return err.userMessage;
  return explainGitFailure(err, {
    branch: row.defaultBranch,
    host: row.url ? new URL(row.url).host : undefined,
    timeoutMs: deps.env.NYXCORE_GIT_TIMEOUT_MS,
    secrets: token ? [token, Buffer.from(token).toString('base64')] : [],
  });
}

/**
 * Brings the repository up to date: a git source is cloned or fetched (the URL is checked
 * against the egress policy again, since DNS may have changed), a local path is re-checked
 * and its HEAD read. The outcome is stored as status `ready` or `error` with a clean message;
 * a sync already running (within the git timeout) is a CONFLICT.
 */
export async function syncRepository(deps: RepoDeps, grant: SyncActor, id: string): Promise<RepositoryView> {
  const staleBefore = new Date(Date.now() - deps.env.NYXCORE_GIT_TIMEOUT_MS - 60_000);
  const row = await withActor(deps, grant, async (access) => {
    await loadRow(access, id);
    const [claimed] = await access.tx
      .update(repositories)
      .set({ status: 'syncing', statusMessage: null, updatedAt: sql`now()` })
      .where(
        and(eq(repositories.id, id), or(ne(repositories.status, 'syncing'), lt(repositories.updatedAt, staleBefore))),
      )
      .returning();
    if (!claimed) throw new NyxError('CONFLICT', 'This repository is already syncing');
    return claimed;
  });
  let token: string | null = null;
  let outcome: { status: 'ready' | 'error'; commit: string | null; message: string | null };
  try {
    const opts: GitOptions = {
      binPath: deps.env.PATH,
      timeoutMs: deps.env.NYXCORE_GIT_TIMEOUT_MS,
      caInfo: deps.env.GIT_SSL_CAINFO,
    };
    if (row.source === 'git') {
      const url = row.url ?? '';
      const { pin } = await checkGitUrl(deps, url);
      token = row.credentialSecret
        ? deps.vault.decrypt(row.credentialSecret, credentialContext(row.tenantId, row.id))
        : null;
      const auth = token && row.credentialKind ? { kind: row.credentialKind, token } : undefined;
      const commit = await syncClone(url, row.defaultBranch, cloneDirOf(deps.env, row.tenantId, row.id), {
        ...opts,
        pin,
        auth,
      });
      outcome = { status: 'ready', commit, message: null };
    } else {
      const dir = await resolveLocalPath(deps.env, row.path ?? '');
      const head = await localHead(dir, opts);
      outcome = { status: 'ready', commit: head.commit, message: head.note };
    }
  } catch (err) {
    const message = syncFailureMessage(err, row, deps, token);
    // The raw error may carry git's stderr (URLs, server text): logged without it.
    deps.log.warn({ repositoryId: id, reason: message }, 'repository sync failed');
    outcome = { status: 'error', commit: row.lastSyncedCommit, message };
  }
  return withActor(deps, grant, async (access) => {
    const [done] = await access.tx
      .update(repositories)
      .set({
        status: outcome.status,
        statusMessage: outcome.message,
        ...(outcome.status === 'ready' ? { lastSyncedCommit: outcome.commit, lastSyncedAt: sql`now()` } : {}),
        updatedAt: sql`now()`,
      })
      .where(eq(repositories.id, id))
      .returning();
    // Deleted while syncing: nothing to record, and nothing to keep on disk.
    if (!done) {
      if (row.source === 'git') await removeCloneDir(deps, row.tenantId, id);
      throw notFound('Repository');
    }
    await recordAudit(
      access,
      'repository.synced',
      { type: 'repository', id },
      {
        name: done.name,
        status: done.status,
        commit: done.lastSyncedCommit,
      },
    );
    return toView(done);
  });
}
