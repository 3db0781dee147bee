/**
 * Workflow definitions: create (validated templates), list, get, update, clone, delete,
 * and "new from template". Steps are stored in order; saving replaces them as a whole.
 */
import { and, asc, count, desc, eq, inArray, isNull, max, or, sql } from 'drizzle-orm';
import { personas, workflowInsights, workflowRuns, workflowSteps, workflows } from '../../platform/db/schema/index.js';
import { addFieldError, NyxError, throwFieldErrors, type FieldErrors } from '../../platform/errors.js';
import { recordAudit } from '../audit/index.js';
import { assertProjectAllowed, visibleOr404 } from '../../platform/access/project-pin.js';
import { getProject } from '../projects/index.js';
import { zCreateWorkflow, type CreateWorkflowInput, type StepDef, type WorkflowDef } from './schema.js';
import { findTemplate } from './templates.js';
import { validateTemplates } from './templating.js';
import type { Access } from '../../platform/access/tenant-access.js';

type StepRow = typeof workflowSteps.$inferSelect;
type WorkflowRow = typeof workflows.$inferSelect;

const stepFromRow = (s: StepRow): StepDef => ({
  name: s.name,
  type: s.type,
  prompt: s.prompt,
  personaId: s.personaId,
  requiredCategories: s.requiredCategories as StepDef['requiredCategories'],
  provider: s.provider,
  model: s.model,
  compareProviders: s.compareProviders,
  temperature: s.temperature,
  maxTokens: s.maxTokens,
  retries: s.retries,
  timeoutSeconds: s.timeoutSeconds,
  digest: s.digest,
  analyzeMaterial: s.analyzeMaterial,
  fanOutSource: s.fanOutSource,
  concurrency: s.concurrency,
});

/** Rejects what zod cannot see: template variables, persona and project references, review steps without a project. */
async function checkDefinition(access: Access, def: WorkflowDef): Promise<void> {
  const fieldErrors: FieldErrors = {};
  const add = (field: string, message: string) => addFieldError(fieldErrors, field, message);
  for (const issue of validateTemplates(def.steps))
    add(
      issue.field === `steps.${issue.step}.prompt` && issue.variable === ''
        ? `steps.${issue.step}.fanOutSource`
        : issue.field,
      issue.message,
    );
  def.steps.forEach((s, i) => {
    if (s.type !== 'fan_out' && s.fanOutSource) add(`steps.${i}.fanOutSource`, 'Only fan_out steps take a source step');
  });
  if (def.projectId) {
    assertProjectAllowed(access, def.projectId);
    await getProject(access, def.projectId);
  } else {
    if (access.projectPin) add('projectId', 'This API token is pinned to a project: create workflows in that project');
    const review = def.steps.findIndex((s) => s.type === 'review');
    if (review !== -1)
      add(
        'projectId',
        `Step "${def.steps[review]!.name}" proposes insights, which belong to a project: pick a project`,
      );
  }
  const personaIds = [
    ...new Set([...def.steps.flatMap((s) => (s.personaId ? [s.personaId] : [])), ...def.defaultPersonaIds]),
  ];
  if (personaIds.length) {
    const visible = def.projectId
      ? or(isNull(personas.projectId), eq(personas.projectId, def.projectId))
      : isNull(personas.projectId);
    const found = new Set(
      (
        await access.tx
          .select({ id: personas.id })
          .from(personas)
          .where(and(inArray(personas.id, personaIds), visible))
      ).map((p) => p.id),
    );
    def.steps.forEach((s, i) => {
      if (s.personaId && !found.has(s.personaId))
        add(`steps.${i}.personaId`, 'No such persona in this workspace (or it belongs to another project)');
    });
    def.defaultPersonaIds.forEach((id, i) => {
      if (!found.has(id)) add(`defaultPersonaIds.${i}`, 'No such persona in this workspace');
    });
  }
  if (def.memoryInsightIds.length) {
    const found = new Set(
      (
        await access.tx
          .select({ id: workflowInsights.id })
          .from(workflowInsights)
          .where(
            and(
              inArray(workflowInsights.id, def.memoryInsightIds),
              access.projectPin ? eq(workflowInsights.projectId, access.projectPin) : undefined,
            ),
          )
      ).map((r) => r.id),
    );
    def.memoryInsightIds.forEach((id, i) => {
      if (!found.has(id))
        add(
          `memoryInsightIds.${i}`,
          access.projectPin
            ? 'No such insight in the project this API token is pinned to'
            : 'No such insight in this workspace',
        );
    });
  }
  throwFieldErrors('workflow', fieldErrors);
}

async function writeSteps(access: Access, workflowId: string, steps: StepDef[]): Promise<void> {
  await access.tx.delete(workflowSteps).where(eq(workflowSteps.workflowId, workflowId));
  await access.tx
    .insert(workflowSteps)
    .values(steps.map((s, position) => ({ ...s, tenantId: access.tenantId, workflowId, position })));
}

export async function createWorkflow(
  access: Access,
  def: WorkflowDef,
  templateId: string | null = null,
): Promise<{ id: string }> {
  await checkDefinition(access, def);
  const { steps, ...fields } = def;
  const [w] = await access.tx
    .insert(workflows)
    .values({ ...fields, tenantId: access.tenantId, templateId, createdBy: access.userId })
    .returning({ id: workflows.id });
  if (!w) throw new NyxError('INTERNAL', 'workflow insert returned nothing');
  await writeSteps(access, w.id, steps);
  return w;
}

async function loadWorkflow(access: Pick<Access, 'tx' | 'projectPin'>, id: string): Promise<WorkflowRow> {
  const [w] = await access.tx.select().from(workflows).where(eq(workflows.id, id));
  return visibleOr404(w, access, 'Workflow');
}

export async function getWorkflow(access: Pick<Access, 'tx' | 'projectPin'>, id: string) {
  const w = await loadWorkflow(access, id);
  const steps = await access.tx
    .select()
    .from(workflowSteps)
    .where(eq(workflowSteps.workflowId, id))
    .orderBy(asc(workflowSteps.position));
  return { ...w, steps: steps.map(stepFromRow) };
}

/** The workflow as the engine runs it (what a run snapshots). */
export async function workflowDefinition(
  access: Pick<Access, 'tx' | 'projectPin'>,
  id: string,
): Promise<{ row: WorkflowRow; def: WorkflowDef }> {
  const w = await getWorkflow(access, id);
  const { id: _id, tenantId: _t, templateId: _tpl, createdBy: _c, createdAt: _ca, updatedAt: _u, ...def } = w;
  return { row: w, def };
}

export async function listWorkflows(
  access: Pick<Access, 'tx' | 'projectPin'>,
  input: { projectId?: string | undefined },
) {
  const projectId = access.projectPin ?? input.projectId;
  const lastRun = access.tx
    .select({
      workflowId: workflowRuns.workflowId,
      lastRunAt: max(workflowRuns.createdAt).as('last_run_at'),
      runCount: count().as('run_count'),
    })
    .from(workflowRuns)
    .groupBy(workflowRuns.workflowId)
    .as('last_run');
  const stepCount = access.tx
    .select({ workflowId: workflowSteps.workflowId, n: count().as('n') })
    .from(workflowSteps)
    .groupBy(workflowSteps.workflowId)
    .as('step_count');
  return access.tx
    .select({
      id: workflows.id,
      name: workflows.name,
      description: workflows.description,
      projectId: workflows.projectId,
      templateId: workflows.templateId,
      updatedAt: workflows.updatedAt,
      stepCount: sql<number>`coalesce(${stepCount.n}, 0)::int`,
      runCount: sql<number>`coalesce(${lastRun.runCount}, 0)::int`,
      lastRunAt: lastRun.lastRunAt,
    })
    .from(workflows)
    .leftJoin(stepCount, eq(stepCount.workflowId, workflows.id))
    .leftJoin(lastRun, eq(lastRun.workflowId, workflows.id))
    .where(projectId ? eq(workflows.projectId, projectId) : undefined)
    .orderBy(desc(workflows.updatedAt))
    .limit(500);
}

export async function updateWorkflow(access: Access, id: string, def: WorkflowDef): Promise<{ id: string }> {
  await loadWorkflow(access, id);
  await checkDefinition(access, def);
  const { steps, ...fields } = def;
  await access.tx
    .update(workflows)
    .set({ ...fields, updatedAt: new Date() })
    .where(eq(workflows.id, id));
  await writeSteps(access, id, steps);
  return { id };
}

export async function deleteWorkflow(access: Access, id: string): Promise<{ id: string }> {
  const w = await loadWorkflow(access, id);
  await access.tx.delete(workflows).where(eq(workflows.id, id));
  await recordAudit(access, 'workflow.deleted', { type: 'workflow', id }, { name: w.name });
  return { id };
}

/** A copy with the same steps in the same order, named "… (copy)". */
export async function cloneWorkflow(access: Access, id: string): Promise<{ id: string }> {
  const { row, def } = await workflowDefinition(access, id);
  return createWorkflow(access, { ...def, name: `${def.name} (copy)`.slice(0, 120) }, row.templateId);
}

export async function createFromTemplate(
  access: Access,
  input: { templateId: string; projectId: string | null; name?: string | undefined },
): Promise<{ id: string }> {
  const template = findTemplate(input.templateId);
  if (!template)
    throw new NyxError('BAD_INPUT', `No template "${input.templateId}"`, {
      fieldErrors: { templateId: ['Pick one of the built-in templates'] },
    });
  const def = zCreateWorkflow.parse({
    name: input.name ?? template.name,
    description: template.summary,
    projectId: input.projectId,
    steps: template.steps,
  } satisfies CreateWorkflowInput);
  return createWorkflow(access, def, template.id);
}
