/** The code-based route tree. */
import type { QueryClient } from '@tanstack/react-query';
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  redirect,
  type RouteComponent,
} from '@tanstack/react-router';
import type { TRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { NotFoundPanel } from './ui/NotFoundPanel.js';
import { setTenant, type AppRouter } from './lib/trpc.js';
import { safeRedirect } from './lib/storage.js';
import { AuditPage } from './features/audit/pages/AuditPage.js';
import { HomePage, NewWorkspacePage } from './features/workspace/pages/HomePage.js';
import { InvitePage } from './features/auth/pages/InvitePage.js';
import { MembersPage } from './features/members/pages/MembersPage.js';
import { NoteEditorPage } from './features/projects/pages/NoteEditorPage.js';
import { ProjectPage } from './features/projects/pages/ProjectPage.js';
import { ProjectsPage } from './features/projects/pages/ProjectsPage.js';
import { SetupPage } from './features/auth/pages/SetupPage.js';
import { SignInPage } from './features/auth/pages/SignInPage.js';
import { SignUpPage } from './features/auth/pages/SignUpPage.js';
import { TokensPage } from './features/tokens/pages/TokensPage.js';
import { findingsSearch } from './features/code-analysis/state.js';
import { WorkspaceLayout } from './features/workspace/pages/WorkspaceLayout.js';

interface RouterContext {
  queryClient: QueryClient;
  trpc: TRPCOptionsProxy<AppRouter>;
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  notFoundComponent: () => <NotFoundPanel title="Page not found" message="There is nothing at this address." />,
});

const redirectSearch = (s: Record<string, unknown>): { redirect?: string } => {
  const redirect = safeRedirect(s.redirect);
  return redirect ? { redirect } : {};
};

/** Pages outside a workspace make requests without a workspace header. */
const outside = ({ context }: { context: RouterContext }) => setTenant(context.queryClient, null);

/** A page outside any workspace; `validateSearch` types its query string. */
function outsidePage<TPath extends string, TSearch = object>(
  path: TPath,
  component: RouteComponent,
  validateSearch?: (s: Record<string, unknown>) => TSearch,
) {
  return createRoute({ getParentRoute: () => rootRoute, path, beforeLoad: outside, validateSearch, component });
}

const indexRoute = outsidePage('/', HomePage);
const newWorkspaceRoute = outsidePage('/new-workspace', NewWorkspacePage);
const setupRoute = outsidePage('/setup', SetupPage, (s: Record<string, unknown>): { token?: string } =>
  typeof s.token === 'string' ? { token: s.token } : {},
);
const signInRoute = outsidePage('/sign-in', SignInPage, redirectSearch);
const signUpRoute = outsidePage('/sign-up', SignUpPage, redirectSearch);
const inviteRoute = outsidePage('/invite/$token', InvitePage);

const workspaceRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/w/$workspaceId',
  // Signed out (a bookmark, a shared link, an expired session): straight to sign-in and back
  // after, decided before anything renders (a render-time redirect here once looped and froze the tab).
  beforeLoad: async ({ context, params, location }) => {
    setTenant(context.queryClient, params.workspaceId);
    const status = await context.queryClient.ensureQueryData(context.trpc.auth.status.queryOptions());
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- TanStack Router's redirect is thrown by design
    if (!status.user) throw redirect({ to: '/sign-in', search: { redirect: location.href } });
  },
  component: WorkspaceLayout,
});
/** A page inside the workspace layout (`/w/$workspaceId/…`). */
function workspacePage<TPath extends string>(path: TPath, component: RouteComponent) {
  return createRoute({ getParentRoute: () => workspaceRoute, path, component });
}

const projectsRoute = workspacePage('/', ProjectsPage);
const projectRoute = workspacePage('/projects/$projectId', ProjectPage);
const noteRoute = workspacePage('/projects/$projectId/notes/$noteId', NoteEditorPage);
const membersRoute = workspacePage('/members', MembersPage);
const tokensRoute = workspacePage('/tokens', TokensPage);
const auditRoute = workspacePage('/audit', AuditPage);
// Personas and LLM pages load on first visit (their own chunks keep the main bundle small).
const personasRoute = workspacePage(
  '/personas',
  lazyRouteComponent(() => import('./features/personas/pages/PersonasPage.js'), 'PersonasPage'),
);
const personaRoute = workspacePage(
  '/personas/$personaId',
  lazyRouteComponent(() => import('./features/personas/pages/PersonaEditorPage.js'), 'PersonaEditorPage'),
);
const llmRoute = workspacePage(
  '/llm',
  lazyRouteComponent(() => import('./features/llm/pages/LlmSettingsPage.js'), 'LlmSettingsPage'),
);
const modelsRoute = workspacePage(
  '/llm/models',
  lazyRouteComponent(() => import('./features/llm/pages/ModelCatalogPage.js'), 'ModelCatalogPage'),
);
const usageRoute = workspacePage(
  '/usage',
  lazyRouteComponent(() => import('./features/usage/pages/UsagePage.js'), 'UsagePage'),
);
// Memory: search, knowledge entries, insight triage and settings, each in its own chunk.
const memoryRoute = workspacePage(
  '/memory',
  lazyRouteComponent(() => import('./features/memory/pages/MemorySearchPage.js'), 'MemorySearchPage'),
);
const memoryEntriesRoute = workspacePage(
  '/memory/entries',
  lazyRouteComponent(() => import('./features/memory/pages/MemoryEntriesPage.js'), 'MemoryEntriesPage'),
);
const memoryEntryRoute = workspacePage(
  '/memory/entries/$entryId',
  lazyRouteComponent(() => import('./features/memory/pages/MemoryEntryPage.js'), 'MemoryEntryPage'),
);
const insightsRoute = workspacePage(
  '/memory/insights',
  lazyRouteComponent(() => import('./features/memory/pages/InsightsPage.js'), 'InsightsPage'),
);
const insightRoute = workspacePage(
  '/memory/insights/$insightId',
  lazyRouteComponent(() => import('./features/memory/pages/InsightPage.js'), 'InsightPage'),
);
const memorySettingsRoute = workspacePage(
  '/memory/settings',
  lazyRouteComponent(() => import('./features/memory/pages/MemorySettingsPage.js'), 'MemorySettingsPage'),
);

// Workflows: list, builder (`new` creates one) and the live run page.
const workflowsRoute = workspacePage(
  '/workflows',
  lazyRouteComponent(() => import('./features/workflows/pages/WorkflowsPage.js'), 'WorkflowsPage'),
);
const workflowRoute = workspacePage(
  '/workflows/$workflowId',
  lazyRouteComponent(() => import('./features/workflows/pages/WorkflowEditorPage.js'), 'WorkflowEditorPage'),
);
const runRoute = workspacePage(
  '/runs/$runId',
  lazyRouteComponent(() => import('./features/runs/pages/RunPage.js'), 'RunPage'),
);
// Repositories of a project (code analysis).
const repositoriesRoute = workspacePage(
  '/projects/$projectId/repositories',
  lazyRouteComponent(() => import('./features/repositories/pages/RepositoriesPage.js'), 'RepositoriesPage'),
);
// Code analysis of a repository: the live run page, the findings table and one finding.
const analysisRunRoute = workspacePage(
  '/projects/$projectId/repositories/$repositoryId/analysis/$runId',
  lazyRouteComponent(() => import('./features/code-analysis/pages/AnalysisRunPage.js'), 'AnalysisRunPage'),
);
const findingsRoute = createRoute({
  getParentRoute: () => workspaceRoute,
  path: '/projects/$projectId/repositories/$repositoryId/findings',
  validateSearch: findingsSearch,
  component: lazyRouteComponent(() => import('./features/code-analysis/pages/FindingsPage.js'), 'FindingsPage'),
});
const findingRoute = workspacePage(
  '/projects/$projectId/repositories/$repositoryId/findings/$findingId',
  lazyRouteComponent(() => import('./features/code-analysis/pages/FindingPage.js'), 'FindingPage'),
);
// Discussions: the list (with "New discussion") and the live chat.
const discussionsRoute = workspacePage(
  '/discussions',
  lazyRouteComponent(() => import('./features/discussions/pages/DiscussionsPage.js'), 'DiscussionsPage'),
);
const discussionRoute = workspacePage(
  '/discussions/$discussionId',
  lazyRouteComponent(() => import('./features/discussions/pages/DiscussionPage.js'), 'DiscussionPage'),
);

const routeTree = rootRoute.addChildren([
  indexRoute,
  newWorkspaceRoute,
  setupRoute,
  signInRoute,
  signUpRoute,
  inviteRoute,
  workspaceRoute.addChildren([
    projectsRoute,
    projectRoute,
    noteRoute,
    repositoriesRoute,
    analysisRunRoute,
    findingsRoute,
    findingRoute,
    membersRoute,
    tokensRoute,
    auditRoute,
    personasRoute,
    personaRoute,
    llmRoute,
    modelsRoute,
    usageRoute,
    memoryRoute,
    memoryEntriesRoute,
    memoryEntryRoute,
    insightsRoute,
    insightRoute,
    memorySettingsRoute,
    workflowsRoute,
    workflowRoute,
    runRoute,
    discussionsRoute,
    discussionRoute,
  ]),
]);

export function makeRouter(queryClient: QueryClient, trpc: TRPCOptionsProxy<AppRouter>) {
  return createRouter({ routeTree, context: { queryClient, trpc }, defaultPreload: false, scrollRestoration: true });
}

export type AppRouterInstance = ReturnType<typeof makeRouter>;

declare module '@tanstack/react-router' {
  interface Register {
    router: AppRouterInstance;
  }
}
