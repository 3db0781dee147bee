import { Link } from '@tanstack/react-router';
import { useWorkspace } from '../../../lib/workspace-context.js';

/** Switches between the LLM settings and the model catalog. */
export function LlmTabs() {
  const ws = useWorkspace();
  const params = { workspaceId: ws.id };
  const tab = {
    className: 'tab',
    activeProps: { className: 'tab active', 'aria-current': 'page' as const },
    activeOptions: { exact: true },
  };
  return (
    <nav className="tabs" aria-label="LLM sections">
      <Link to="/w/$workspaceId/llm" params={params} {...tab}>
        Providers & budget
      </Link>
      <Link to="/w/$workspaceId/llm/models" params={params} {...tab}>
        Model catalog
      </Link>
    </nav>
  );
}
