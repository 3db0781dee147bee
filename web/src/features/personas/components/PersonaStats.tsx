import type { RouterOutputs } from '../../../lib/trpc.js';

export type Persona = RouterOutputs['personas']['get'];
type Stats = Pick<Persona, 'xp' | 'level' | 'usageCount' | 'stepsCompleted' | 'stepsTotal'>;

/** "87%", or "—" before the first use. */
export function successRate(p: Pick<Persona, 'stepsCompleted' | 'stepsTotal'>): string {
  return p.stepsTotal > 0 ? `${Math.round((p.stepsCompleted / p.stepsTotal) * 100)}%` : '—';
}

export function LevelBadge({ level }: { level: number }) {
  return (
    <span className="level-badge" data-testid="level-badge">
      Level {level}
    </span>
  );
}

/** Progress toward the next level: every 100 XP is a level. */
export function XpBar({ xp, level }: { xp: number; level: number }) {
  const into = xp % 100;
  return (
    <div className="xp" data-testid="xp-bar">
      <div
        className="progress"
        role="progressbar"
        aria-label={`XP toward level ${level + 1}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={into}
      >
        <div className="progress-fill" style={{ width: `${into}%` }} />
      </div>
      <span className="muted small nowrap">{into} / 100 XP</span>
    </div>
  );
}

/** Level, XP bar, usage and success rate (editor side panel). */
export function PersonaStatsPanel({ persona }: { persona: Stats | null }) {
  const p = persona ?? { xp: 0, level: 1, usageCount: 0, stepsCompleted: 0, stepsTotal: 0 };
  return (
    <section className="card side-card" data-testid="persona-stats">
      <h2>Progress</h2>
      <div className="row">
        <LevelBadge level={p.level} />
        <span className="muted small">{p.xp} XP total</span>
      </div>
      <XpBar xp={p.xp} level={p.level} />
      <dl className="stat-list">
        <dt>Uses</dt>
        <dd data-testid="persona-usage">{p.usageCount}</dd>
        <dt>Success rate</dt>
        <dd>
          {successRate(p)}
          {p.stepsTotal > 0 ? (
            <span className="muted small">
              {' '}
              ({p.stepsCompleted} of {p.stepsTotal})
            </span>
          ) : null}
        </dd>
      </dl>
      {persona ? (
        <p className="muted small">Each use earns 10 XP; every 100 XP is a level.</p>
      ) : (
        <p className="muted small">Stats start once the persona is saved and used.</p>
      )}
    </section>
  );
}
