import { Children, Fragment, type ReactNode } from 'react';

/**
 * A page's breadcrumb trail: each child is a crumb, with a "/" between them.
 * Example: `<Breadcrumbs><Link to="/w/$workspaceId" params={params}>Projects</Link><span>{name}</span></Breadcrumbs>`.
 */
export function Breadcrumbs({ children }: { children: ReactNode }) {
  return (
    <nav className="breadcrumbs" aria-label="Breadcrumb">
      {Children.toArray(children).map((crumb, i) => (
        <Fragment key={i}>
          {i > 0 ? <span aria-hidden="true">/</span> : null}
          {crumb}
        </Fragment>
      ))}
    </nav>
  );
}
