/** The code-based route tree. */
import type { QueryClient } from '@tanstack/react-query';
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  redirect,
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

const indexRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  beforeLoad: outside,
  component: HomePage,
});
const newWorkspaceRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/new-workspace',
  beforeLoad: outside,
  component: NewWorkspacePage,
});
const setupRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/setup',
  beforeLoad: outside,
  validateSearch: (s: Record<string, unknown>): { token?: string } =>
    typeof s.token === 'string' ? { token: s.token } : {},
  component: SetupPage,
});
const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  beforeLoad: outside,
  validateSearch: redirectSearch,
  component: SignInPage,
});
const signUpRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-up',
  beforeLoad: outside,
  validateSearch: redirectSearch,
  component: SignUpPage,
});
const inviteRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/invite/$token',
  beforeLoad: outside,
  component: InvitePage,
});

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
const projectsRoute = createRoute({ getParentRoute: () => workspaceRoute, path: '/', component: ProjectsPage });
const projectRoute = createRoute({
  getParentRoute: () => workspaceRoute,
  path: '/projects/$projectId',
  component: ProjectPage,
});
const noteRoute = createRoute({
  getParentRoute: () => workspaceRoute,
  path: '/projects/$projectId/notes/$noteId',
  component: NoteEditorPage,
});
const membersRoute = createRoute({ getParentRoute: () => workspaceRoute, path: '/members', component: MembersPage });
const tokensRoute = createRoute({ getParentRoute: () => workspaceRoute, path: '/tokens', component: TokensPage });
const auditRoute = createRoute({ getParentRoute: () => workspaceRoute, path: '/audit', component: AuditPage });
// Personas and LLM pages load on first visit (their own chunks keep the main bundle small).
const personasRoute = createRoute({
  getParentRoute: () => workspaceRoute,
  path: '/personas',
  component: lazyRouteComponent(() => import('./features/personas/pages/PersonasPage.js'), 'PersonasPage'),
});
const personaRoute = createRoute({
  getParentRoute: () => workspaceRoute,
  path: '/personas/$personaId',
  component: lazyRouteComponent(() => import('./features/personas/pages/PersonaEditorPage.js'), 'PersonaEditorPage'),
});
const llmRoute = createRoute({
  getParentRoute: () => workspaceRoute,
  path: '/llm',
  component: lazyRouteComponent(() => import('./features/llm/pages/LlmSettingsPage.js'), 'LlmSettingsPage'),
});
const modelsRoute = createRoute({
  getParentRoute: () => workspaceRoute,
  path: '/llm/models',
  component: lazyRouteComponent(() => import('./features/llm/pages/ModelCatalogPage.js'), 'ModelCatalogPage'),
});
const usageRoute = createRoute({
  getParentRoute: () => workspaceRoute,
  path: '/usage',
  component: lazyRouteComponent(() => import('./features/usage/pages/UsagePage.js'), 'UsagePage'),
});
// Memory: search, knowledge entries, insight triage and settings, each in its own chunk.
const memoryRoute = createRoute({
  getParentRoute: () => workspaceRoute,
  path: '/memory',
  component: lazyRouteComponent(() => import('./features/memory/pages/MemorySearchPage.js'), 'MemorySearchPage'),
});
const memoryEntriesRoute = createRoute({
  getParentRoute: () => workspaceRoute,
  path: '/memory/entries',
  component: lazyRouteComponent(() => import('./features/memory/pages/MemoryEntriesPage.js'), 'MemoryEntriesPage'),
});
const memoryEntryRoute = createRoute({
  getParentRoute: () => workspaceRoute,
  path: '/memory/entries/$entryId',
  component: lazyRouteComponent(() => import('./features/memory/pages/MemoryEntryPage.js'), 'MemoryEntryPage'),
});
const insightsRoute = createRoute({
  getParentRoute: () => workspaceRoute,
  path: '/memory/insights',
  component: lazyRouteComponent(() => import('./features/memory/pages/InsightsPage.js'), 'InsightsPage'),
});
const insightRoute = createRoute({
  getParentRoute: () => workspaceRoute,
  path: '/memory/insights/$insightId',
  component: lazyRouteComponent(() => import('./features/memory/pages/InsightPage.js'), 'InsightPage'),
});
const memorySettingsRoute = createRoute({
  getParentRoute: () => workspaceRoute,
  path: '/memory/settings',
  component: lazyRouteComponent(() => import('./features/memory/pages/MemorySettingsPage.js'), 'MemorySettingsPage'),
});

// Workflows: list, builder (`new` creates one) and the live run page.
const workflowsRoute = createRoute({
  getParentRoute: () => workspaceRoute,
  path: '/workflows',
  component: lazyRouteComponent(() => import('./features/workflows/pages/WorkflowsPage.js'), 'WorkflowsPage'),
});
const workflowRoute = createRoute({
  getParentRoute: () => workspaceRoute,
  path: '/workflows/$workflowId',
  component: lazyRouteComponent(() => import('./features/workflows/pages/WorkflowEditorPage.js'), 'WorkflowEditorPage'),
});
const runRoute = createRoute({
  getParentRoute: () => workspaceRoute,
  path: '/runs/$runId',
  component: lazyRouteComponent(() => import('./features/runs/pages/RunPage.js'), 'RunPage'),
});
// Discussions: the list (with "New discussion") and the live chat.
const discussionsRoute = createRoute({
  getParentRoute: () => workspaceRoute,
  path: '/discussions',
  component: lazyRouteComponent(() => import('./features/discussions/pages/DiscussionsPage.js'), 'DiscussionsPage'),
});
const discussionRoute = createRoute({
  getParentRoute: () => workspaceRoute,
  path: '/discussions/$discussionId',
  component: lazyRouteComponent(() => import('./features/discussions/pages/DiscussionPage.js'), 'DiscussionPage'),
});

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
