import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { Breadcrumbs } from '../../../ui/Breadcrumbs.js';

/** "Workflows / …": the workflow pages' breadcrumbs, `trail` after the list. */
export function WorkflowBreadcrumbs({ trail }: { trail: readonly ReactNode[] }) {
  const ws = useWorkspace();
  return (
    <Breadcrumbs>
      <Link to="/w/$workspaceId/workflows" params={{ workspaceId: ws.id }}>
        Workflows
      </Link>
      {trail}
    </Breadcrumbs>
  );
}
