import { and, desc, eq, ilike, or, sql } from 'drizzle-orm';
import { projectNotes } from '../../platform/db/schema/index.js';
import { escapeLike } from '../../platform/db/sql.js';
import { notFound } from '../../platform/errors.js';
import type { TenantAccess } from '../../platform/trpc/procedures.js';
import { assertProjectAllowed } from '../../platform/access/project-pin.js';
import { getProject } from '../projects/service.js';
import type { CreateNoteInput, ListNotesInput, UpdateNoteInput } from './schema.js';

type Access = Pick<TenantAccess, 'tx' | 'tenantId' | 'userId' | 'projectPin' | 'ip'>;


/**
 * Lists a project's notes, newest first; with a query, full-text matches (English
 * stemming, title weighted above body) ranked first, plus plain substring matches so a
 * partial word still finds its note.
 */
export async function listNotes(access: Access, input: ListNotesInput) {
  await getProject(access, input.projectId);
  const base = {
    id: projectNotes.id,
    projectId: projectNotes.projectId,
    title: projectNotes.title,
    excerpt: sql<string>`left(${projectNotes.body}, 240)`,
    createdAt: projectNotes.createdAt,
    updatedAt: projectNotes.updatedAt,
  };
  if (!input.query) {
    return access.tx.select(base).from(projectNotes).where(eq(projectNotes.projectId, input.projectId)).orderBy(desc(projectNotes.updatedAt)).limit(500);
  }
  const tsq = sql`websearch_to_tsquery('english', ${input.query})`;
  const like = `%${escapeLike(input.query)}%`;
  return access.tx
    .select({ ...base, rank: sql<number>`ts_rank(${projectNotes.search}, ${tsq})` })
    .from(projectNotes)
    .where(and(eq(projectNotes.projectId, input.projectId), or(sql`${projectNotes.search} @@ ${tsq}`, ilike(projectNotes.title, like), ilike(projectNotes.body, like))))
    .orderBy(desc(sql`ts_rank(${projectNotes.search}, ${tsq})`), desc(projectNotes.updatedAt))
    .limit(200);
}

export async function getNote(access: Access, id: string) {
  const [n] = await access.tx
    .select({ id: projectNotes.id, projectId: projectNotes.projectId, title: projectNotes.title, body: projectNotes.body, createdAt: projectNotes.createdAt, updatedAt: projectNotes.updatedAt, createdBy: projectNotes.createdBy, updatedBy: projectNotes.updatedBy })
    .from(projectNotes)
    .where(eq(projectNotes.id, id));
  if (!n) throw notFound('Note');
  assertProjectAllowed(access, n.projectId);
  return n;
}

export async function createNote(access: Access, input: CreateNoteInput) {
  await getProject(access, input.projectId);
  const [n] = await access.tx
    .insert(projectNotes)
    .values({ tenantId: access.tenantId, projectId: input.projectId, title: input.title, body: input.body, createdBy: access.userId, updatedBy: access.userId })
    .returning({ id: projectNotes.id });
  if (!n) throw notFound('Note');
  return getNote(access, n.id);
}

export async function updateNote(access: Access, input: UpdateNoteInput) {
  await getNote(access, input.id);
  await access.tx
    .update(projectNotes)
    .set({ ...(input.title !== undefined ? { title: input.title } : {}), ...(input.body !== undefined ? { body: input.body } : {}), updatedBy: access.userId, updatedAt: sql`now()` })
    .where(eq(projectNotes.id, input.id));
  return getNote(access, input.id);
}

export async function deleteNote(access: Access, id: string) {
  await getNote(access, id);
  await access.tx.delete(projectNotes).where(eq(projectNotes.id, id));
  return { id };
}
