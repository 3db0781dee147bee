import { Link } from '@tanstack/react-router';

/** Friendly dead end with a way home. */
export function NotFoundPanel({ title, message }: { title: string; message: string }) {
  return (
    <main className="notfound" data-testid="not-found">
      <div className="card notfound-card">
        <h1>{title}</h1>
        <p className="muted">{message}</p>
        <Link to="/" className="btn btn-primary">
          Go to my workspaces
        </Link>
      </div>
    </main>
  );
}
