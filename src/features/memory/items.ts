/** CRUD for knowledge entries and insights, plus insight triage (approve, reject, pair). */
import { and, arrayContains, desc, eq, sql, type SQL } from 'drizzle-orm';
import { memoryEntries, workflowInsights } from '../../platform/db/schema/index.js';
import { NyxError, notFound } from '../../platform/errors.js';
import { projectForNewRow } from '../../platform/access/project-pin.js';
import { getProject } from '../projects/index.js';
import type { CreateEntryInput, CreateInsightInput, UpdateEntryInput, UpdateInsightInput } from './schema.js';
import type { Access } from '../../platform/access/tenant-access.js';

// Vectors are large (6 KB, read from out of line): list and get, and every reader that
// needs only the text, take everything else plus whether one exists.
export const entryColumns = {
  id: memoryEntries.id,
  projectId: memoryEntries.projectId,
  title: memoryEntries.title,
  content: memoryEntries.content,
  tags: memoryEntries.tags,
  source: memoryEntries.source,
  embeddingModel: memoryEntries.embeddingModel,
  embeddingError: memoryEntries.embeddingError,
  hasEmbedding: sql<boolean>`${memoryEntries.embedding} is not null`,
  createdAt: memoryEntries.createdAt,
  updatedAt: memoryEntries.updatedAt,
};
export const insightColumns = {
  id: workflowInsights.id,
  projectId: workflowInsights.projectId,
  originRunId: workflowInsights.originRunId,
  originStep: workflowInsights.originStep,
  title: workflowInsights.title,
  detail: workflowInsights.detail,
  suggestion: workflowInsights.suggestion,
  category: workflowInsights.category,
  type: workflowInsights.type,
  severity: workflowInsights.severity,
  status: workflowInsights.status,
  pairedInsightId: workflowInsights.pairedInsightId,
  embeddingModel: workflowInsights.embeddingModel,
  embeddingError: workflowInsights.embeddingError,
  hasEmbedding: sql<boolean>`${workflowInsights.embedding} is not null`,
  createdAt: workflowInsights.createdAt,
  updatedAt: workflowInsights.updatedAt,
};

export async function listEntries(
  access: Pick<Access, 'tx' | 'projectPin'>,
  input: { projectId?: string | undefined; tag?: string | undefined; limit: number },
) {
  const where: SQL[] = [];
  const project = access.projectPin ?? input.projectId;
  if (project) where.push(eq(memoryEntries.projectId, project));
  if (input.tag) where.push(arrayContains(memoryEntries.tags, [input.tag]));
  return access.tx
    .select(entryColumns)
    .from(memoryEntries)
    .where(and(...where))
    .orderBy(desc(memoryEntries.updatedAt))
    .limit(input.limit);
}

export async function getEntry(access: Pick<Access, 'tx' | 'projectPin'>, id: string) {
  const [e] = await access.tx.select(entryColumns).from(memoryEntries).where(eq(memoryEntries.id, id));
  if (!e || (access.projectPin && e.projectId !== access.projectPin)) throw notFound('Memory entry');
  return e;
}

export async function createEntry(access: Access, input: CreateEntryInput) {
  const projectId = projectForNewRow(access, input.projectId, 'projectId', 'memory entries');
  if (projectId) await getProject(access, projectId);
  const [e] = await access.tx
    .insert(memoryEntries)
    .values({
      tenantId: access.tenantId,
      projectId,
      title: input.title,
      content: input.content,
      tags: [...new Set(input.tags)],
      source: input.source,
      createdBy: access.userId,
    })
    .returning({ id: memoryEntries.id });
  if (!e) throw new NyxError('INTERNAL', 'entry insert returned nothing');
  return e.id;
}

/** Updates an entry; if its text changed, the old vector no longer describes it and is cleared. */
export async function updateEntry(access: Access, input: UpdateEntryInput): Promise<{ isTextChanged: boolean }> {
  const current = await getEntry(access, input.id);
  // Moving an entry: a pinned caller may not move it out of its project (null is workspace-wide).
  if (input.projectId !== undefined) projectForNewRow(access, input.projectId, 'projectId', 'memory entries');
  if (input.projectId) await getProject(access, input.projectId);
  const isTextChanged =
    (input.title !== undefined && input.title !== current.title) ||
    (input.content !== undefined && input.content !== current.content) ||
    (input.tags !== undefined && [...new Set(input.tags)].join(',') !== current.tags.join(','));
  await access.tx
    .update(memoryEntries)
    .set({
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.content !== undefined ? { content: input.content } : {}),
      ...(input.tags !== undefined ? { tags: [...new Set(input.tags)] } : {}),
      ...(input.projectId !== undefined ? { projectId: input.projectId } : {}),
      ...(isTextChanged ? { embedding: null, embeddingModel: null, embeddingError: null } : {}),
      updatedAt: sql`now()`,
    })
    .where(eq(memoryEntries.id, input.id));
  return { isTextChanged };
}

export async function deleteEntry(access: Access, id: string) {
  await getEntry(access, id);
  await access.tx.delete(memoryEntries).where(eq(memoryEntries.id, id));
  return { id };
}

export async function listInsights(
  access: Pick<Access, 'tx' | 'projectPin'>,
  input: {
    projectId?: string | undefined;
    status?: string | undefined;
    type?: string | undefined;
    severity?: string | undefined;
    originRunId?: string | undefined;
    limit: number;
  },
) {
  const where: SQL[] = [];
  if (input.originRunId) where.push(eq(workflowInsights.originRunId, input.originRunId));
  const project = access.projectPin ?? input.projectId;
  if (project) where.push(eq(workflowInsights.projectId, project));
  if (input.status) where.push(eq(workflowInsights.status, input.status as 'proposed'));
  if (input.type) where.push(eq(workflowInsights.type, input.type as 'pattern'));
  if (input.severity) where.push(eq(workflowInsights.severity, input.severity as 'low'));
  return access.tx
    .select(insightColumns)
    .from(workflowInsights)
    .where(and(...where))
    .orderBy(
      sql`case ${workflowInsights.severity} when 'blocker' then 0 when 'high' then 1 when 'medium' then 2 else 3 end`,
      desc(workflowInsights.createdAt),
    )
    .limit(input.limit);
}

export async function getInsight(access: Pick<Access, 'tx' | 'projectPin'>, id: string) {
  const [i] = await access.tx.select(insightColumns).from(workflowInsights).where(eq(workflowInsights.id, id));
  if (!i || (access.projectPin && i.projectId !== access.projectPin)) throw notFound('Insight');
  return i;
}

export async function createInsight(
  access: Access,
  input: CreateInsightInput,
  origin: { runId?: string; step?: string } = {},
) {
  await getProject(access, input.projectId);
  const [i] = await access.tx
    .insert(workflowInsights)
    .values({
      tenantId: access.tenantId,
      ...input,
      originRunId: origin.runId ?? null,
      originStep: origin.step ?? null,
      createdBy: access.userId,
    })
    .returning({ id: workflowInsights.id });
  if (!i) throw new NyxError('INTERNAL', 'insight insert returned nothing');
  return i.id;
}

export async function updateInsight(access: Access, input: UpdateInsightInput): Promise<{ isTextChanged: boolean }> {
  const current = await getInsight(access, input.id);
  const textFields = ['title', 'detail', 'suggestion', 'category', 'type', 'severity'] as const;
  const isTextChanged = textFields.some((f) => input[f] !== undefined && input[f] !== current[f]);
  const { id, ...changes } = input;
  await access.tx
    .update(workflowInsights)
    .set({
      ...changes,
      ...(isTextChanged ? { embedding: null, embeddingModel: null, embeddingError: null } : {}),
      updatedAt: sql`now()`,
    })
    .where(eq(workflowInsights.id, id));
  return { isTextChanged };
}

export async function setInsightStatus(access: Access, id: string, status: 'approved' | 'rejected' | 'proposed') {
  await getInsight(access, id);
  await access.tx
    .update(workflowInsights)
    .set({ status, updatedAt: sql`now()` })
    .where(eq(workflowInsights.id, id));
  return getInsight(access, id);
}

/**
 * Pairs a pain point with the solution that answers it (both directions), or unpairs
 * (`pairedWith: null`). Earlier partners of either side are released.
 */
export async function pairInsights(access: Access, id: string, pairedWith: string | null) {
  const a = await getInsight(access, id);
  const release = async (x: string | null) => {
    if (x) await access.tx.update(workflowInsights).set({ pairedInsightId: null }).where(eq(workflowInsights.id, x));
  };
  if (pairedWith === null) {
    await release(a.pairedInsightId);
    await access.tx.update(workflowInsights).set({ pairedInsightId: null }).where(eq(workflowInsights.id, id));
    return getInsight(access, id);
  }
  if (pairedWith === id)
    throw new NyxError('BAD_INPUT', 'An insight cannot be paired with itself', {
      fieldErrors: { pairedWith: ['Pick another insight'] },
    });
  const b = await getInsight(access, pairedWith);
  if (a.projectId !== b.projectId)
    throw new NyxError('BAD_INPUT', 'Paired insights must belong to the same project', {
      fieldErrors: { pairedWith: ['Different project'] },
    });
  const kinds = new Set([a.type, b.type]);
  if (!(kinds.has('pain_point') && kinds.has('solution'))) {
    throw new NyxError('BAD_INPUT', 'Pair a pain point with a solution', {
      fieldErrors: { pairedWith: [`Cannot pair ${a.type} with ${b.type}`] },
    });
  }
  await release(a.pairedInsightId);
  await release(b.pairedInsightId);
  await access.tx.update(workflowInsights).set({ pairedInsightId: b.id }).where(eq(workflowInsights.id, a.id));
  await access.tx.update(workflowInsights).set({ pairedInsightId: a.id }).where(eq(workflowInsights.id, b.id));
  return getInsight(access, id);
}
