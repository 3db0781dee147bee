/** Inputs of code analysis (zod), shared by the tRPC router and the REST routes. */
import { z } from 'zod';
import { CATEGORIES, SEVERITIES } from './scanner/types.js';

export const zRepositoryRef = z.object({ repositoryId: z.uuid({ message: 'Repository ids are UUIDs' }) });
export const zAnalysisRunId = z.object({ id: z.uuid({ message: 'Run ids are UUIDs' }) });
export const zRunRef = z.object({ runId: z.uuid({ message: 'Run ids are UUIDs' }) });
export const zListAnalysisRuns = z.object({
  repositoryId: z.uuid({ message: 'Repository ids are UUIDs' }),
  limit: z.number().int().min(1).max(100).default(20),
});

export const findingStatuses = ['open', 'triaged', 'ignored', 'fixed'] as const;
export const ignoreReasons = ['false-positive', 'acceptable-risk', 'used-in-tests', 'wont-fix'] as const;

export const zListFindings = z.object({
  repositoryId: z.uuid({ message: 'Repository ids are UUIDs' }),
  category: z.enum(CATEGORIES).optional(),
  severity: z.enum(SEVERITIES).optional(),
  status: z.enum(findingStatuses).optional(),
  /** A path prefix or exact file. */
  path: z.string().max(1000).optional(),
  ruleId: z.string().max(200).optional(),
  /** Only findings seen in this run (default: the latest completed one, with fixed ones from before). */
  runId: z.uuid().optional(),
  limit: z.number().int().min(1).max(500).default(200),
  offset: z.number().int().min(0).default(0),
});
export type ListFindingsInput = z.infer<typeof zListFindings>;

export const zFindingId = z.object({ id: z.uuid({ message: 'Finding ids are UUIDs' }) });
export const zIgnoreFinding = z.object({
  id: z.uuid({ message: 'Finding ids are UUIDs' }),
  reason: z.enum(ignoreReasons, { message: `One of: ${ignoreReasons.join(', ')}` }),
  note: z.string().trim().max(2000).default(''),
});
export type IgnoreFindingInput = z.infer<typeof zIgnoreFinding>;
