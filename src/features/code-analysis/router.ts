/**
 * tRPC: `analysis.*` (start, get, list, cancel, patterns, docs) and `findings.*` (list, get, ignore, unignore).
 * Starting is a call procedure: the run is committed first, then handed to the job queue.
 */
import { projectMutation, requireScopeForCall, router, tenantQuery } from '../../platform/trpc/procedures.js';
import { listRunDocs, listRunPatterns } from './documenting.js';
import { builtinRuleTable } from './scanner/builtin.js';
import { getFinding, ignoreFinding, listFindings, unignoreFinding } from './findings.js';
import { cancelAnalysis, getAnalysisRun, listAnalysisRuns, startAnalysis } from './runs.js';
import {
  zAnalysisRunId,
  zFindingId,
  zIgnoreFinding,
  zListAnalysisRuns,
  zListFindings,
  zRepositoryRef,
  zRunRef,
} from './schema.js';

export const analysisRouter = router({
  start: requireScopeForCall('analysis:run')
    .meta({ pin: 'project' })
    .input(zRepositoryRef)
    .mutation(({ ctx, input }) => startAnalysis(ctx.deps, ctx.grant, input)),
  get: tenantQuery('analysis:read', zAnalysisRunId, (access, { id }) => getAnalysisRun(access, id)),
  list: tenantQuery('analysis:read', zListAnalysisRuns, listAnalysisRuns),
  cancel: projectMutation('analysis:run', zAnalysisRunId, (access, { id }) => cancelAnalysis(access, id)),
  patterns: tenantQuery('analysis:read', zRunRef, (access, { runId }) => listRunPatterns(access, runId)),
  docs: tenantQuery('analysis:read', zRunRef, (access, { runId }) => listRunDocs(access, runId)),
});

export const findingsRouter = router({
  list: tenantQuery('analysis:read', zListFindings, listFindings),
  get: tenantQuery('analysis:read', zFindingId, async (access, { id }) =>
    getFinding(access, id, await builtinRuleTable()),
  ),
  ignore: projectMutation('analysis:write', zIgnoreFinding, ignoreFinding),
  unignore: projectMutation('analysis:write', zFindingId, (access, { id }) => unignoreFinding(access, id)),
});
