/**
 * tRPC: `workflows.*` (definitions, templates, validation, run) and `runs.*` (read, cancel,
 * retry, insights). Starting and retrying a run are call procedures: the run is committed
 * first, then handed to the job queue outside any transaction.
 */
import {
  projectMutation,
  publicProcedure,
  requireScopeForCall,
  router,
  tenantQuery,
} from '../../platform/trpc/procedures.js';
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
  list: tenantQuery('workflows:read', zListWorkflows, listWorkflows),
  get: tenantQuery('workflows:read', zWorkflowId, (access, { id }) => getWorkflow(access, id)),
  create: projectMutation('workflows:write', zCreateWorkflow, (access, input) => createWorkflow(access, input)),
  update: projectMutation('workflows:write', zUpdateWorkflow, (access, { id, ...def }) =>
    updateWorkflow(access, id, def),
  ),
  delete: projectMutation('workflows:write', zWorkflowId, (access, { id }) => deleteWorkflow(access, id)),
  clone: projectMutation('workflows:write', zWorkflowId, (access, { id }) => cloneWorkflow(access, id)),
  templates: publicProcedure.query(() => builtInTemplates),
  fromTemplate: projectMutation('workflows:write', zFromTemplate, createFromTemplate),
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
  list: tenantQuery('workflows:read', zListRuns, listRuns),
  get: tenantQuery('workflows:read', zRunId, (access, { id }) => getRun(access, id)),
  insights: tenantQuery('workflows:read', zRunId, (access, { id }) => runInsights(access, id)),
  cancel: projectMutation('workflows:run', zRunId, (access, { id }) => cancelRun(access, id)),
  retry: requireScopeForCall('workflows:run')
    .meta({ pin: 'project' })
    .input(zRetryRun)
    .mutation(({ ctx, input }) => startRetry(ctx.deps, ctx.grant, input)),
});
