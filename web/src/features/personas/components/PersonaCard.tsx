import { Link } from '@tanstack/react-router';
import { plural } from '../../../lib/format.js';
import { LevelBadge, successRate, XpBar, type Persona } from './PersonaStats.js';
import { SpecChips } from './SpecializationChips.js';

/** One persona in the gallery. */
export function PersonaCard({
  persona: p,
  workspaceId,
  labelOf,
}: {
  persona: Persona;
  workspaceId: string;
  labelOf: (id: string) => string;
}) {
  return (
    <article className="card persona-card" data-testid="persona-card">
      <div className="persona-card-head">
        <Link
          to="/w/$workspaceId/personas/$personaId"
          params={{ workspaceId, personaId: p.id }}
          className="project-link"
        >
          <h2>{p.name}</h2>
        </Link>
        {p.isBuiltIn ? <span className="badge badge-builtin">Built-in</span> : null}
      </div>
      <p className="muted clamp">{p.description || 'No description'}</p>
      <SpecChips ids={p.specializations} labelOf={labelOf} />
      <div className="persona-progress">
        <LevelBadge level={p.level} />
        <XpBar xp={p.xp} level={p.level} />
      </div>
      <div className="card-footer">
        <span className="muted small">
          {plural(p.usageCount, 'use')} · success {successRate(p)}
        </span>
        <Link to="/w/$workspaceId/personas/$personaId" params={{ workspaceId, personaId: p.id }} className="btn btn-sm">
          Open
        </Link>
      </div>
    </article>
  );
}
