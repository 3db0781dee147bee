/**
 * The project pin: an API token may be pinned to one project. A pinned caller reads its
 * project's rows and the workspace-wide rows every project uses (built-in personas, say),
 * but writes only inside its project. Workspace-wide mutations refuse pinned callers
 * outright: the tRPC tenant procedures do that for every mutation not declared
 * `meta({ pin: 'project' })`, so a new mutation is closed to pinned tokens by default.
 */
import { NyxError, notFound } from '../errors.js';

export interface PinnedAccess {
  /** Set when an API token is pinned to one project. */
  projectPin: string | null;
}

/** The error a pinned caller gets for anything outside its project. */
export function pinnedElsewhere(detail = 'This API token is pinned to another project'): NyxError {
  return new NyxError('FORBIDDEN', detail);
}

/**
 * A pinned caller may touch only its own project. Another project of the same workspace is
 * FORBIDDEN (the caller can see it exists by other means, so 404 would lie).
 */
export function assertProjectAllowed(access: PinnedAccess, projectId: string): void {
  if (access.projectPin && access.projectPin !== projectId) throw pinnedElsewhere();
}

/**
 * The project a pinned caller must give when it creates a row: its pin, named in `field`.
 * Unpinned callers get back what they asked for. Example:
 * `projectId: projectForNewRow(access, input.projectId, 'projectId', 'personas')`.
 */
export function projectForNewRow(
  access: PinnedAccess,
  requested: string | null | undefined,
  field: string,
  what: string,
): string | null {
  if (!access.projectPin) return requested ?? null;
  if (requested === access.projectPin) return requested;
  throw new NyxError('FORBIDDEN', `This API token is pinned to a project: create ${what} in that project`, {
    fieldErrors: {
      [field]: [
        requested ? 'This API token is pinned to another project' : 'Required: this API token is pinned to a project',
      ],
    },
  });
}

/**
 * A row of a project-scoped table as the caller may see it: missing, or outside the
 * project an API token is pinned to, is the same 404. Example: `visibleOr404(row, access, 'Run')`.
 */
export function visibleOr404<T extends { projectId: string | null }>(
  row: T | undefined,
  access: PinnedAccess,
  what: string,
): T {
  if (!row || (access.projectPin && row.projectId !== access.projectPin)) throw notFound(what);
  return row;
}

/**
 * For rows a pinned caller may read but not change (workspace-wide ones, `projectId` null):
 * writing needs the row to be in the pinned project. Example: `assertWritable(persona, access, 'persona')`.
 */
export function assertWritable(row: { projectId: string | null }, access: PinnedAccess, what: string): void {
  if (access.projectPin && row.projectId !== access.projectPin) {
    throw new NyxError('FORBIDDEN', `This API token is pinned to a project and cannot change a workspace-wide ${what}`);
  }
}
