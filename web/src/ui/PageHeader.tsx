import type { ReactNode } from 'react';

interface PageHeaderProps {
  /** The `<h1>`'s content. */
  title: ReactNode;
  /** The `<h1>`'s data-testid and class, where a page needs them. */
  titleTestId?: string;
  titleClassName?: string;
  /** The muted line under the title. */
  description?: ReactNode;
  /** The page's actions, right of the title ("New …" buttons and links). */
  children?: ReactNode;
}

/**
 * A page's title row.
 * Example: `<PageHeader title="Projects" description={`Projects in ${ws.name}.`}>{newButton}</PageHeader>`.
 */
export function PageHeader({ title, titleTestId, titleClassName, description, children }: PageHeaderProps) {
  return (
    <div className="page-header">
      <div>
        <h1 className={titleClassName} data-testid={titleTestId}>
          {title}
        </h1>
        {description !== undefined ? <p className="muted">{description}</p> : null}
      </div>
      {children}
    </div>
  );
}
