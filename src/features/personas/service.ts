/** Personas: LLM identities that specialise, and grow with use (XP, level, success rate). */
import { and, asc, desc, eq, ilike, isNull, or, sql, type SQL } from 'drizzle-orm';
import { assertWritable, projectForNewRow } from '../../platform/access/project-pin.js';
import { personas } from '../../platform/db/schema/index.js';
import type { Tx } from '../../platform/db/tenant.js';
import { escapeLike } from '../../platform/db/sql.js';
import { NyxError, notFound } from '../../platform/errors.js';
import { getProject } from '../projects/index.js';
import { builtInPersonas } from './built-ins.js';
import type { CreatePersonaInput, ListPersonasInput, UpdatePersonaInput } from './schema.js';
import { suggestSpecializations, type SpecializationId } from './specialization-extractor.js';
import type { Access } from '../../platform/access/tenant-access.js';

export type Persona = typeof personas.$inferSelect;

/** Adds any missing built-in personas to a workspace; safe to call repeatedly. */
export async function seedBuiltInPersonas(tx: Tx, tenantId: string): Promise<void> {
  await tx
    .insert(personas)
    .values(
      builtInPersonas.map((p) => ({
        tenantId,
        name: p.name,
        description: p.description,
        systemPrompt: p.systemPrompt,
        traits: p.traits,
        specializations: p.specializations,
        category: p.specializations[0] ?? 'general',
        isBuiltIn: true,
        builtInKey: p.key,
      })),
    )
    .onConflictDoNothing({ target: [personas.tenantId, personas.builtInKey] });
}

export async function listPersonas(access: Access, input: ListPersonasInput): Promise<Persona[]> {
  const [hasBuiltIns] = await access.tx
    .select({ id: personas.id })
    .from(personas)
    .where(eq(personas.isBuiltIn, true))
    .limit(1);
  // Workspaces created before personas existed get their built-ins on first look.
  if (!hasBuiltIns) await seedBuiltInPersonas(access.tx, access.tenantId);
  const where: SQL[] = [];
  const project = access.projectPin ?? input.projectId;
  // Workspace-wide personas, plus those of the project asked about.
  where.push(
    project ? (or(isNull(personas.projectId), eq(personas.projectId, project)) as SQL) : isNull(personas.projectId),
  );
  if (input.specialization) where.push(sql`${input.specialization} = any(${personas.specializations})`);
  if (input.query) {
    const like = `%${escapeLike(input.query)}%`;
    where.push(or(ilike(personas.name, like), ilike(personas.description, like)) as SQL);
  }
  return access.tx
    .select()
    .from(personas)
    .where(and(...where))
    .orderBy(desc(personas.isBuiltIn), desc(personas.xp), asc(personas.name));
}

export async function getPersona(access: Pick<Access, 'tx' | 'projectPin'>, id: string): Promise<Persona> {
  const [p] = await access.tx.select().from(personas).where(eq(personas.id, id));
  if (!p || (access.projectPin && p.projectId && p.projectId !== access.projectPin)) throw notFound('Persona');
  return p;
}

function inferred(input: { description?: string; systemPrompt?: string; traits?: string[] }): SpecializationId[] {
  return suggestSpecializations({
    description: input.description ?? '',
    systemPrompt: input.systemPrompt ?? '',
    traits: input.traits ?? [],
  });
}

export async function createPersona(access: Access, input: CreatePersonaInput): Promise<Persona> {
  const projectId = projectForNewRow(access, input.projectId, 'projectId', 'personas');
  if (projectId) await getProject(access, projectId);
  const specializations = input.specializations?.length ? input.specializations : inferred(input);
  const [p] = await access.tx
    .insert(personas)
    .values({
      tenantId: access.tenantId,
      projectId,
      name: input.name,
      description: input.description,
      systemPrompt: input.systemPrompt,
      traits: input.traits,
      specializations,
      category: specializations[0] ?? 'general',
      createdBy: access.userId,
    })
    .returning();
  if (!p) throw new NyxError('INTERNAL', 'persona insert returned nothing');
  return p;
}

export async function updatePersona(access: Access, input: UpdatePersonaInput): Promise<Persona> {
  const current = await getPersona(access, input.id);
  assertWritable(current, access, 'persona');
  const next = {
    name: input.name ?? current.name,
    description: input.description ?? current.description,
    systemPrompt: input.systemPrompt ?? current.systemPrompt,
    traits: input.traits ?? current.traits,
  };
  // An explicit empty list means "infer again from the new text".
  const specializations =
    input.specializations === undefined
      ? current.specializations
      : input.specializations.length
        ? input.specializations
        : inferred(next);
  const [p] = await access.tx
    .update(personas)
    .set({ ...next, specializations, category: specializations[0] ?? 'general', updatedAt: sql`now()` })
    .where(eq(personas.id, input.id))
    .returning();
  if (!p) throw notFound('Persona');
  return p;
}

export async function deletePersona(access: Access, id: string): Promise<{ id: string }> {
  const p = await getPersona(access, id);
  assertWritable(p, access, 'persona');
  if (p.isBuiltIn) throw new NyxError('FORBIDDEN', 'Built-in personas can be edited but not deleted');
  await access.tx.delete(personas).where(eq(personas.id, id));
  return { id };
}

/**
 * Records one use of a persona atomically in SQL (+10 XP, usage and step counters), so
 * concurrent uses never lose an increment. Level follows from XP (a generated column).
 */
export async function recordPersonaUse(
  tx: Tx,
  id: string,
  isSuccess: boolean,
): Promise<{ xp: number; level: number } | null> {
  const [row] = await tx
    .update(personas)
    .set({
      xp: sql`${personas.xp} + 10`,
      usageCount: sql`${personas.usageCount} + 1`,
      stepsTotal: sql`${personas.stepsTotal} + 1`,
      stepsCompleted: sql`${personas.stepsCompleted} + ${isSuccess ? 1 : 0}`,
    })
    .where(eq(personas.id, id))
    .returning({ xp: personas.xp, level: personas.level });
  return row ?? null;
}

export const successRate = (p: Pick<Persona, 'stepsCompleted' | 'stepsTotal'>): number | null =>
  p.stepsTotal ? p.stepsCompleted / p.stepsTotal : null;

/**
 * The best persona for a step that needs `required` categories:
 * score(p) = Σ_{c ∈ required} [c ∈ p.specializations] · w_c (weights default 1.0),
 * ties broken by how early the required categories come in the persona's own list (its
 * primary specialization first), then level, success rate and name. Null when nobody scores above 0.
 */
export function matchPersona<
  P extends Pick<Persona, 'specializations' | 'level' | 'stepsCompleted' | 'stepsTotal' | 'name'>,
>(
  candidates: readonly P[],
  required: readonly SpecializationId[],
  weights: Partial<Record<SpecializationId, number>> = {},
): { persona: P; score: number } | null {
  let best: { persona: P; score: number; rank: number } | null = null;
  for (const p of candidates) {
    const score = required.reduce((acc, c) => acc + (p.specializations.includes(c) ? (weights[c] ?? 1) : 0), 0);
    if (score <= 0) continue;
    const rank = required.reduce(
      (acc, c) => acc + (p.specializations.includes(c) ? p.specializations.indexOf(c) : p.specializations.length),
      0,
    );
    if (!best || compare({ persona: p, score, rank }, best) < 0) best = { persona: p, score, rank };
  }
  return best && { persona: best.persona, score: best.score };
}

function compare<P extends Pick<Persona, 'specializations' | 'level' | 'stepsCompleted' | 'stepsTotal' | 'name'>>(
  a: { persona: P; score: number; rank: number },
  b: { persona: P; score: number; rank: number },
): number {
  return (
    b.score - a.score ||
    a.rank - b.rank ||
    b.persona.level - a.persona.level ||
    (successRate(b.persona) ?? -1) - (successRate(a.persona) ?? -1) ||
    a.persona.name.localeCompare(b.persona.name)
  );
}
