import { PageHeader } from '../../../ui/PageHeader.js';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { can } from '../../../lib/access.js';
import { useWorkspace } from '../../../lib/workspace-context.js';

/** The Memory pages' heading and tabs: search, knowledge entries, insights, settings (admins). */
export function MemoryHeader({ description, action }: { description: ReactNode; action?: ReactNode }) {
  const ws = useWorkspace();
  const params = { workspaceId: ws.id };
  const tab = { className: 'tab', activeProps: { className: 'tab active', 'aria-current': 'page' as const } };
  return (
    <>
      <PageHeader title="Memory" description={description}>
        {action}
      </PageHeader>
      <nav className="tabs" aria-label="Memory sections">
        <Link to="/w/$workspaceId/memory" params={params} {...tab} activeOptions={{ exact: true }}>
          Search
        </Link>
        <Link to="/w/$workspaceId/memory/entries" params={params} {...tab}>
          Knowledge entries
        </Link>
        <Link to="/w/$workspaceId/memory/insights" params={params} {...tab}>
          Insights
        </Link>
        {can(ws, 'llm:manage') ? (
          <Link to="/w/$workspaceId/memory/settings" params={params} {...tab}>
            Settings
          </Link>
        ) : null}
      </nav>
    </>
  );
}
