import { Link } from '@tanstack/react-router';
import { Fragment, type ReactNode } from 'react';
import { useWorkspace } from '../../../lib/workspace-context.js';

/** "Workflows / …": the workflow pages' breadcrumbs, `trail` after the list. */
export function WorkflowBreadcrumbs({ trail }: { trail: readonly ReactNode[] }) {
  const ws = useWorkspace();
  return (
    <nav className="breadcrumbs" aria-label="Breadcrumb">
      <Link to="/w/$workspaceId/workflows" params={{ workspaceId: ws.id }}>
        Workflows
      </Link>
      {trail.map((crumb, i) => (
        <Fragment key={i}>
          <span aria-hidden="true">/</span>
          {crumb}
        </Fragment>
      ))}
    </nav>
  );
}
