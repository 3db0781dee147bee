import { auditRouter } from '../features/audit/router.js';
import { authRouter, tokensRouter } from '../features/auth/router.js';
import { llmRouter } from '../features/llm/router.js';
import { insightsRouter, memoryRouter } from '../features/memory/router.js';
import { notesRouter } from '../features/notes/router.js';
import { personasRouter } from '../features/personas/router.js';
import { projectsRouter } from '../features/projects/router.js';
import { invitationsRouter, membersRouter, workspacesRouter } from '../features/tenancy/router.js';
import { discussionsRouter } from '../features/discussions/router.js';
import { runsRouter, workflowsRouter } from '../features/workflows/router.js';
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
});

export type AppRouter = typeof appRouter;
