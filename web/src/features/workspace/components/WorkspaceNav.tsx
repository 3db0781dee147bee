import { Link, useLocation } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import { can } from '../../../lib/access.js';
import { useWorkspace } from '../../../lib/workspace-context.js';

/**
 * The section links. Screens narrower than the full row (styles.css, below 1280px) hide them behind a Menu button that
 * opens them as a list; Escape, an outside click or choosing a link closes it.
 */
export function WorkspaceNav() {
  const ws = useWorkspace();
  const [isOpen, setOpen] = useState(false);
  const toggleRef = useRef<HTMLButtonElement>(null);
  const navRef = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!isOpen) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      toggleRef.current?.focus();
    };
    const onDown = (e: MouseEvent) => {
      const target = e.target as Node;
      if (!navRef.current?.contains(target) && !toggleRef.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onDown);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onDown);
    };
  }, [isOpen]);
  const pathname = useLocation({ select: (l) => l.pathname });
  const base = `/w/${ws.id}`;
  const isProjects = pathname === base || pathname === `${base}/` || pathname.startsWith(`${base}/projects`);
  // Run pages belong to the Workflows section too.
  const isWorkflows = pathname.startsWith(`${base}/workflows`) || pathname.startsWith(`${base}/runs/`);
  const params = { workspaceId: ws.id };
  const navLink = { className: 'nav-link', activeProps: { className: 'nav-link active' } };
  return (
    <div className="nav-wrap">
      <button
        ref={toggleRef}
        type="button"
        className="nav-toggle"
        aria-expanded={isOpen}
        aria-controls="workspace-nav"
        onClick={() => setOpen((o) => !o)}
      >
        <span aria-hidden="true">☰</span> Menu
      </button>
      <nav
        ref={navRef}
        id="workspace-nav"
        className={`nav${isOpen ? ' open' : ''}`}
        aria-label="Workspace"
        onClick={(e) => {
          if ((e.target as HTMLElement).closest('a')) setOpen(false);
        }}
      >
        <Link
          to="/w/$workspaceId"
          params={params}
          className={`nav-link${isProjects ? ' active' : ''}`}
          activeOptions={{ exact: true }}
          aria-current={isProjects ? 'page' : undefined}
        >
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
          <Link
            to="/w/$workspaceId/workflows"
            params={params}
            className={`nav-link${isWorkflows ? ' active' : ''}`}
            aria-current={isWorkflows ? 'page' : undefined}
          >
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
  );
}
