import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useTRPC } from '../../../lib/trpc.js';
import { Menu } from '../../../ui/Menu.js';
import { ThemeSwitch } from './ThemeSwitch.js';
import { useToast } from '../../../ui/Toasts.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { WorkspaceNav } from './WorkspaceNav.js';

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
  return (
    <header className="topbar">
      <div className="topbar-left">
        <Link to="/w/$workspaceId" params={{ workspaceId: ws.id }} className="brand">
          <span className="logo" aria-hidden="true">
            ◆
          </span>
          <span className="brand-name">nyxCore</span>
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
            <Link
              key={w.id}
              to="/w/$workspaceId"
              params={{ workspaceId: w.id }}
              className={`menu-item${w.id === ws.id ? ' current' : ''}`}
            >
              <span>{w.name}</span>
              <span className="muted small">{w.role}</span>
            </Link>
          ))}
          <hr />
          <Link to="/new-workspace" className="menu-item">
            New workspace…
          </Link>
        </Menu>
        <WorkspaceNav />
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
        <ThemeSwitch />
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
