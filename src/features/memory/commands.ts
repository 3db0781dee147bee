/**
 * The memory writes that span transactions: commit the row, embed it outside any
 * transaction (a provider call waits on the network), then read it back. The row is saved —
 * and visible as "missing its embedding" — even when the embedding provider fails; a text
 * change clears the old vector in the same commit, so a stale vector never outlives its text.
 */
import { withGrant, type Access, type TenantGrant } from '../../platform/access/tenant-access.js';
import type { LlmDeps } from '../../platform/llm/service.js';
import { getProject } from '../projects/index.js';
import { embedRows, type MemoryKind } from './embedding.js';
import { createEntry, createInsight, getEntry, getInsight, updateEntry, updateInsight } from './items.js';
import type { CreateEntryInput, CreateInsightInput, UpdateEntryInput, UpdateInsightInput } from './schema.js';
import { composeProjectWisdom } from './wisdom.js';

async function writeThenEmbed<R>(
  deps: LlmDeps,
  grant: TenantGrant,
  kind: MemoryKind,
  write: (access: Access) => Promise<{ id: string; isTextChanged: boolean }>,
  read: (access: Access, id: string) => Promise<R>,
): Promise<R> {
  const { id, isTextChanged } = await withGrant(deps, grant, write);
  if (isTextChanged) await embedRows(deps, grant, kind, [id]);
  return withGrant(deps, grant, (access) => read(access, id));
}

export const createEntryEmbedded = (deps: LlmDeps, grant: TenantGrant, input: CreateEntryInput) =>
  writeThenEmbed(
    deps,
    grant,
    'entry',
    async (a) => ({ id: await createEntry(a, input), isTextChanged: true }),
    getEntry,
  );

export const updateEntryEmbedded = (deps: LlmDeps, grant: TenantGrant, input: UpdateEntryInput) =>
  writeThenEmbed(deps, grant, 'entry', async (a) => ({ id: input.id, ...(await updateEntry(a, input)) }), getEntry);

export const createInsightEmbedded = (deps: LlmDeps, grant: TenantGrant, input: CreateInsightInput) =>
  writeThenEmbed(
    deps,
    grant,
    'insight',
    async (a) => ({ id: await createInsight(a, input), isTextChanged: true }),
    getInsight,
  );

export const updateInsightEmbedded = (deps: LlmDeps, grant: TenantGrant, input: UpdateInsightInput) =>
  writeThenEmbed(
    deps,
    grant,
    'insight',
    async (a) => ({ id: input.id, ...(await updateInsight(a, input)) }),
    getInsight,
  );

/** A project's wisdom, once the caller may see the project (404 otherwise, as for the project itself). */
export async function projectWisdom(
  deps: LlmDeps,
  grant: TenantGrant,
  input: { projectId: string; budgetChars: number; query?: string | undefined },
) {
  await withGrant(deps, grant, (access) => getProject(access, input.projectId));
  return composeProjectWisdom(deps, grant, input);
}
