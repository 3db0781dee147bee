/**
 * tRPC: `workflows.*` (definitions, templates, validation, run) and `runs.*` (read, cancel,
 * retry, insights). Starting and retrying a run are call procedures: the run is committed
 * first, then handed to the job queue outside any transaction.
 */
import { publicProcedure, requireScope, requireScopeForCall, router } from '../../platform/trpc/procedures.js';
import {
  zCreateWorkflow,
  zFromTemplate,
  zListRuns,
  zListWorkflows,
  zRetryRun,
  zRunId,
  zStartRun,
  zUpdateWorkflow,
  zValidateWorkflow,
  zWorkflowId,
} from './schema.js';
import { cancelRun, getRun, listRuns, runInsights, startRetry, startRun } from './runs.js';
import {
  cloneWorkflow,
  createFromTemplate,
  createWorkflow,
  deleteWorkflow,
  getWorkflow,
  listWorkflows,
  updateWorkflow,
} from './service.js';
import { builtInTemplates } from './templates.js';
import { availableVariables, validateTemplates } from './templating.js';

export const workflowsRouter = router({
  list: requireScope('workflows:read')
    .input(zListWorkflows)
    .query(({ ctx, input }) => listWorkflows(ctx.access, input)),
  get: requireScope('workflows:read')
    .input(zWorkflowId)
    .query(({ ctx, input }) => getWorkflow(ctx.access, input.id)),
  create: requireScope('workflows:write')
    .meta({ pin: 'project' })
    .input(zCreateWorkflow)
    .mutation(({ ctx, input }) => createWorkflow(ctx.access, input)),
  update: requireScope('workflows:write')
    .meta({ pin: 'project' })
    .input(zUpdateWorkflow)
    .mutation(({ ctx, input: { id, ...def } }) => updateWorkflow(ctx.access, id, def)),
  delete: requireScope('workflows:write')
    .meta({ pin: 'project' })
    .input(zWorkflowId)
    .mutation(({ ctx, input }) => deleteWorkflow(ctx.access, input.id)),
  clone: requireScope('workflows:write')
    .meta({ pin: 'project' })
    .input(zWorkflowId)
    .mutation(({ ctx, input }) => cloneWorkflow(ctx.access, input.id)),
  templates: publicProcedure.query(() => builtInTemplates),
  fromTemplate: requireScope('workflows:write')
    .meta({ pin: 'project' })
    .input(zFromTemplate)
    .mutation(({ ctx, input }) => createFromTemplate(ctx.access, input)),
  /** Live checking in the builder: issues with positions and suggestions, and each step's variables (for autocomplete). */
  validate: publicProcedure.input(zValidateWorkflow).query(({ input }) => ({
    issues: validateTemplates(input.steps),
    variables: input.steps.map((s, i) => availableVariables(input.steps, i, s.type)),
  })),
  run: requireScopeForCall('workflows:run')
    .meta({ pin: 'project' })
    .input(zStartRun)
    .mutation(({ ctx, input }) => startRun(ctx.deps, ctx.grant, input)),
});

export const runsRouter = router({
  list: requireScope('workflows:read')
    .input(zListRuns)
    .query(({ ctx, input }) => listRuns(ctx.access, input)),
  get: requireScope('workflows:read')
    .input(zRunId)
    .query(({ ctx, input }) => getRun(ctx.access, input.id)),
  insights: requireScope('workflows:read')
    .input(zRunId)
    .query(({ ctx, input }) => runInsights(ctx.access, input.id)),
  cancel: requireScope('workflows:run')
    .meta({ pin: 'project' })
    .input(zRunId)
    .mutation(({ ctx, input }) => cancelRun(ctx.access, input.id)),
  retry: requireScopeForCall('workflows:run')
    .meta({ pin: 'project' })
    .input(zRetryRun)
    .mutation(({ ctx, input }) => startRetry(ctx.deps, ctx.grant, input)),
});
