import { and, desc, eq, ilike, or, sql } from 'drizzle-orm';
import { projectNotes } from '../../platform/db/schema/index.js';
import { escapeLike } from '../../platform/db/sql.js';
import { notFound } from '../../platform/errors.js';
import type { Access } from '../../platform/access/tenant-access.js';
import { assertProjectAllowed } from '../../platform/access/project-pin.js';
import { getProject } from '../projects/index.js';
import { excerptAround, HIGHLIGHT_END, HIGHLIGHT_START, plainMarkdown, unmarked } from '../../shared/excerpt.js';
import type { CreateNoteInput, ListNotesInput, UpdateNoteInput } from './schema.js';

/** Characters of a note read to build its excerpt (the start, or the passage around a match). */
const EXCERPT_SOURCE_CHARS = 800;
const EXCERPT_CHARS = 220;

/** The excerpt a list shows: the note's words (no Markdown syntax), around the match when searching, matches marked. */
function noteExcerpt(
  r: { head: string; headline: string | null; window: string | null; windowStart: number; bodyChars: number },
  query: string | undefined,
): string {
  const head = plainMarkdown(r.head);
  if (!query) return excerptAround(head, '', EXCERPT_CHARS);
  if (r.headline?.includes(HIGHLIGHT_START)) {
    // A full-text match: ts_headline's passage (stemmed words marked), cut marks added.
    const passage = plainMarkdown(r.headline);
    const isAtStart = head.startsWith(unmarked(passage).slice(0, 24));
    return `${isAtStart ? '' : '… '}${passage}${r.bodyChars > EXCERPT_SOURCE_CHARS || !isAtStart ? ' …' : ''}`;
  }
  // A substring match (part of a word): the passage around it.
  const passage = excerptAround(plainMarkdown(r.window ?? r.head), query, EXCERPT_CHARS);
  return r.windowStart > 1 && !passage.startsWith('… ') ? `… ${passage}` : passage;
}

/**
 * Lists a project's notes, newest first; with a query, full-text matches (English
 * stemming, title weighted above body) ranked first, plus plain substring matches so a
 * partial word still finds its note. Each note comes with a plain-text excerpt: its start,
 * or with a query the passage around the match, matched words marked (U+E000 … U+E001).
 */
export async function listNotes(access: Access, input: ListNotesInput) {
  await getProject(access, input.projectId);
  const base = {
    id: projectNotes.id,
    projectId: projectNotes.projectId,
    title: projectNotes.title,
    head: sql<string>`left(${projectNotes.body}, ${EXCERPT_SOURCE_CHARS})`,
    bodyChars: sql<number>`char_length(${projectNotes.body})`,
    createdAt: projectNotes.createdAt,
    updatedAt: projectNotes.updatedAt,
  };
  const shape = <
    R extends {
      head: string;
      bodyChars: number;
      headline?: string | null;
      window?: string | null;
      windowStart?: number;
    },
  >(
    rows: R[],
  ) =>
    rows.map(({ head, bodyChars, headline, window, windowStart, ...n }) => ({
      ...n,
      excerpt: noteExcerpt(
        { head, bodyChars, headline: headline ?? null, window: window ?? null, windowStart: windowStart ?? 1 },
        input.query,
      ),
    }));
  if (!input.query) {
    return shape(
      await access.tx
        .select(base)
        .from(projectNotes)
        .where(eq(projectNotes.projectId, input.projectId))
        .orderBy(desc(projectNotes.updatedAt))
        .limit(500),
    );
  }
  const tsq = sql`websearch_to_tsquery('english', ${input.query})`;
  const like = `%${escapeLike(input.query)}%`;
  const at = sql`strpos(lower(${projectNotes.body}), lower(${input.query}))`;
  const windowStart = sql<number>`greatest(1, ${at} - ${EXCERPT_SOURCE_CHARS / 4})::int`;
  const rows = await access.tx
    .select({
      ...base,
      rank: sql<number>`ts_rank(${projectNotes.search}, ${tsq})`,
      headline: sql<
        string | null
      >`case when ${projectNotes.search} @@ ${tsq} then ts_headline('english', left(${projectNotes.body}, 50000), ${tsq}, ${`StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_END}, MaxFragments=1, MaxWords=32, MinWords=14`}) end`,
      window: sql<string>`substr(${projectNotes.body}, ${windowStart}, ${EXCERPT_SOURCE_CHARS})`,
      windowStart,
    })
    .from(projectNotes)
    .where(
      and(
        eq(projectNotes.projectId, input.projectId),
        or(sql`${projectNotes.search} @@ ${tsq}`, ilike(projectNotes.title, like), ilike(projectNotes.body, like)),
      ),
    )
    .orderBy(desc(sql`ts_rank(${projectNotes.search}, ${tsq})`), desc(projectNotes.updatedAt))
    .limit(200);
  return shape(rows);
}

export async function getNote(access: Access, id: string) {
  const [n] = await access.tx
    .select({
      id: projectNotes.id,
      projectId: projectNotes.projectId,
      title: projectNotes.title,
      body: projectNotes.body,
      createdAt: projectNotes.createdAt,
      updatedAt: projectNotes.updatedAt,
      createdBy: projectNotes.createdBy,
      updatedBy: projectNotes.updatedBy,
    })
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
    .values({
      tenantId: access.tenantId,
      projectId: input.projectId,
      title: input.title,
      body: input.body,
      createdBy: access.userId,
      updatedBy: access.userId,
    })
    .returning({ id: projectNotes.id });
  if (!n) throw notFound('Note');
  return getNote(access, n.id);
}

export async function updateNote(access: Access, input: UpdateNoteInput) {
  await getNote(access, input.id);
  await access.tx
    .update(projectNotes)
    .set({
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.body !== undefined ? { body: input.body } : {}),
      updatedBy: access.userId,
      updatedAt: sql`now()`,
    })
    .where(eq(projectNotes.id, input.id));
  return getNote(access, input.id);
}

export async function deleteNote(access: Access, id: string) {
  await getNote(access, id);
  await access.tx.delete(projectNotes).where(eq(projectNotes.id, id));
  return { id };
}
