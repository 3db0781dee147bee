import { auditRouter } from '../features/audit/index.js';
import { authRouter, tokensRouter } from '../features/auth/index.js';
import { llmRouter } from '../features/llm/index.js';
import { insightsRouter, memoryRouter } from '../features/memory/index.js';
import { notesRouter } from '../features/notes/index.js';
import { personasRouter } from '../features/personas/index.js';
import { projectsRouter } from '../features/projects/index.js';
import { repositoriesRouter } from '../features/repositories/index.js';
import { analysisRouter, findingsRouter } from '../features/code-analysis/index.js';
import { invitationsRouter, membersRouter, workspacesRouter } from '../features/tenancy/index.js';
import { discussionsRouter } from '../features/discussions/index.js';
import { runsRouter, workflowsRouter } from '../features/workflows/index.js';
import { router } from '../platform/trpc/procedures.js';

export const appRouter = router({
  auth: authRouter,
  workspaces: workspacesRouter,
  members: membersRouter,
  invitations: invitationsRouter,
  tokens: tokensRouter,
  audit: auditRouter,
  projects: projectsRouter,
  notes: notesRouter,
  llm: llmRouter,
  personas: personasRouter,
  memory: memoryRouter,
  insights: insightsRouter,
  workflows: workflowsRouter,
  runs: runsRouter,
  discussions: discussionsRouter,
  repositories: repositoriesRouter,
  analysis: analysisRouter,
  findings: findingsRouter,
});

export type AppRouter = typeof appRouter;
