import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation, useNavigate } from '@tanstack/react-router';
import { can } from '../lib/access.js';
import { useTRPC } from '../lib/trpc.js';
import { Menu } from './Menu.js';
import { useToast } from './Toasts.js';
import { useWorkspace } from './WorkspaceContext.js';

/** Top bar: workspace switcher, section nav, user menu. */
export function WorkspaceHeader({ userName, userEmail }: { userName: string; userEmail: string }) {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const toast = useToast();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const workspaces = useQuery(trpc.workspaces.list.queryOptions());
  const afterSignOut = async () => {
    queryClient.clear();
    await navigate({ to: '/sign-in' });
  };
  const signOut = useMutation(trpc.auth.signOut.mutationOptions({ onSuccess: afterSignOut }));
  const signOutAll = useMutation(
    trpc.auth.signOutEverywhere.mutationOptions({
      onSuccess: async (r) => {
        toast.success(`Signed out of ${r.ended} session${r.ended === 1 ? '' : 's'}`);
        await afterSignOut();
      },
    }),
  );
  const pathname = useLocation({ select: (l) => l.pathname });
  const base = `/w/${ws.id}`;
  const isProjects = pathname === base || pathname === `${base}/` || pathname.startsWith(`${base}/projects`);
  // Run pages belong to the Workflows section too.
  const isWorkflows = pathname.startsWith(`${base}/workflows`) || pathname.startsWith(`${base}/runs/`);
  const params = { workspaceId: ws.id };
  const navLink = { className: 'nav-link', activeProps: { className: 'nav-link active' } };
  return (
    <header className="topbar">
      <div className="topbar-left">
        <Link to="/w/$workspaceId" params={params} className="brand">
          <span className="logo" aria-hidden="true">
            ◆
          </span>
          nyxCore
        </Link>
        <Menu
          testId="workspace-switcher"
          label={
            <span className="switcher-label">
              <span data-testid="current-workspace">{ws.name}</span>
              <span className="role-tag">{ws.role}</span>
            </span>
          }
        >
          <p className="menu-heading">Workspaces</p>
          {(workspaces.data ?? []).map((w) => (
            <Link key={w.id} to="/w/$workspaceId" params={{ workspaceId: w.id }} className={`menu-item${w.id === ws.id ? ' current' : ''}`}>
              <span>{w.name}</span>
              <span className="muted small">{w.role}</span>
            </Link>
          ))}
          <hr />
          <Link to="/new-workspace" className="menu-item">
            New workspace…
          </Link>
        </Menu>
        <nav className="nav" aria-label="Workspace">
          <Link to="/w/$workspaceId" params={params} className={`nav-link${isProjects ? ' active' : ''}`} activeOptions={{ exact: true }} aria-current={isProjects ? 'page' : undefined}>
            Projects
          </Link>
          {can(ws, 'personas:read') ? (
            <Link to="/w/$workspaceId/personas" params={params} {...navLink}>
              Personas
            </Link>
          ) : null}
          {can(ws, 'memory:read') ? (
            <Link to="/w/$workspaceId/memory" params={params} {...navLink}>
              Memory
            </Link>
          ) : null}
          {can(ws, 'workflows:read') ? (
            <Link to="/w/$workspaceId/workflows" params={params} className={`nav-link${isWorkflows ? ' active' : ''}`} aria-current={isWorkflows ? 'page' : undefined}>
              Workflows
            </Link>
          ) : null}
          {can(ws, 'discussions:read') ? (
            <Link to="/w/$workspaceId/discussions" params={params} {...navLink}>
              Discussions
            </Link>
          ) : null}
          <Link to="/w/$workspaceId/members" params={params} {...navLink}>
            Members
          </Link>
          <Link to="/w/$workspaceId/tokens" params={params} {...navLink}>
            API tokens
          </Link>
          {can(ws, 'llm:use') ? (
            <Link to="/w/$workspaceId/llm" params={params} {...navLink}>
              LLM
            </Link>
          ) : null}
          {can(ws, 'usage:read') ? (
            <Link to="/w/$workspaceId/usage" params={params} {...navLink}>
              Usage
            </Link>
          ) : null}
          {can(ws, 'audit:read') ? (
            <Link to="/w/$workspaceId/audit" params={params} {...navLink}>
              Audit log
            </Link>
          ) : null}
        </nav>
      </div>
      <Menu
        align="right"
        testId="user-menu"
        label={
          <span className="avatar" aria-label={`Account: ${userName}`}>
            {userName.slice(0, 1).toUpperCase()}
          </span>
        }
      >
        <div className="menu-user">
          <strong>{userName}</strong>
          <span className="muted small">{userEmail}</span>
        </div>
        <hr />
        <button type="button" className="menu-item" onClick={() => signOut.mutate()}>
          Sign out
        </button>
        <button type="button" className="menu-item" onClick={() => signOutAll.mutate()}>
          Sign out everywhere
        </button>
      </Menu>
    </header>
  );
}
