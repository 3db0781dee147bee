import type { ReactNode } from 'react';

/** The centred card used by sign-in, sign-up, setup and invitation pages. */
export function AuthCard({
  title,
  subtitle,
  children,
  footer,
}: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <main className="auth-page">
      <div className="auth-brand">
        <span className="logo" aria-hidden="true">
          ◆
        </span>{' '}
        nyxCore
      </div>
      <section className="card auth-card">
        <h1>{title}</h1>
        {subtitle ? <p className="muted">{subtitle}</p> : null}
        {children}
      </section>
      {footer ? <div className="auth-footer">{footer}</div> : null}
    </main>
  );
}
