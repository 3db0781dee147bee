import { and, desc, eq, ilike, sql, type SQL } from 'drizzle-orm';
import { projects } from '../../platform/db/schema/index.js';
import { escapeLike } from '../../platform/db/sql.js';
import { assertProjectAllowed } from '../../platform/access/project-pin.js';
import { NyxError, notFound } from '../../platform/errors.js';
import type { Access } from '../../platform/access/tenant-access.js';
import { recordAudit } from '../audit/index.js';
import type { CreateProjectInput, UpdateProjectInput } from './schema.js';

const isUniqueViolation = (err: unknown): boolean =>
  typeof err === 'object' &&
  err !== null &&
  ((err as { code?: string }).code === '23505' || (err as { cause?: { code?: string } }).cause?.code === '23505');

function nameTaken(): NyxError {
  return new NyxError('CONFLICT', 'A project with this name already exists', {
    fieldErrors: { name: ['Already used in this workspace'] },
  });
}

export async function listProjects(access: Access, query?: string) {
  const where: SQL[] = [];
  if (access.projectPin) where.push(eq(projects.id, access.projectPin));
  if (query) where.push(ilike(projects.name, `%${escapeLike(query)}%`));
  return access.tx
    .select({
      id: projects.id,
      name: projects.name,
      description: projects.description,
      createdAt: projects.createdAt,
      updatedAt: projects.updatedAt,
      // Spelled out: inside a select list Drizzle renders columns unqualified, which would
      // compare project_notes with itself.
      noteCount: sql<number>`(select count(*)::int from project_notes n where n.project_id = "projects"."id")`,
    })
    .from(projects)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(projects.updatedAt))
    .limit(500);
}

export async function getProject(access: Access, id: string) {
  assertProjectAllowed(access, id);
  const [p] = await access.tx.select().from(projects).where(eq(projects.id, id));
  if (!p) throw notFound('Project');
  return p;
}

export async function createProject(access: Access, input: CreateProjectInput) {
  if (access.projectPin)
    throw new NyxError('FORBIDDEN', 'This API token is pinned to one project and cannot create others');
  try {
    // A savepoint, so a duplicate name leaves the request's transaction usable.
    return await access.tx.transaction(async (sp) => {
      const [p] = await sp
        .insert(projects)
        .values({
          tenantId: access.tenantId,
          name: input.name,
          description: input.description,
          createdBy: access.userId,
        })
        .returning();
      if (!p) throw new NyxError('INTERNAL', 'project insert returned nothing');
      return p;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken();
    throw err;
  }
}

export async function updateProject(access: Access, input: UpdateProjectInput) {
  assertProjectAllowed(access, input.id);
  try {
    return await access.tx.transaction(async (sp) => {
      const [p] = await sp
        .update(projects)
        .set({
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
          updatedAt: sql`now()`,
        })
        .where(eq(projects.id, input.id))
        .returning();
      if (!p) throw notFound('Project');
      return p;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken();
    throw err;
  }
}

export async function deleteProject(access: Access, id: string) {
  assertProjectAllowed(access, id);
  const [p] = await access.tx
    .delete(projects)
    .where(eq(projects.id, id))
    .returning({ id: projects.id, name: projects.name });
  if (!p) throw notFound('Project');
  await recordAudit(access, 'project.deleted', { type: 'project', id }, { name: p.name });
  return { id };
}
