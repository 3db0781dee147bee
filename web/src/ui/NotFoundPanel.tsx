import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';

/** Friendly dead end with a way home (or the way given as children). */
export function NotFoundPanel({ title, message, children }: { title: string; message: string; children?: ReactNode }) {
  return (
    <main className="notfound" data-testid="not-found">
      <div className="card notfound-card">
        <h1>{title}</h1>
        <p className="muted">{message}</p>
        {children ?? (
          <Link to="/" className="btn btn-primary">
            Go to my workspaces
          </Link>
        )}
      </div>
    </main>
  );
}
