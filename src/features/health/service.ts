import { VERSION } from '../../config/env.js';
import type { AppDeps } from '../../platform/deps.js';
import { pendingMigrations } from '../../platform/db/migrate.js';

export interface Health {
  status: 'ok' | 'degraded' | 'error';
  version: string;
  db: { mode: 'embedded' | 'postgres'; ok: boolean; latencyMs?: number; pendingMigrations?: number; error?: string };
  rateLimit: { store: 'memory' | 'redis' };
}

/** A cheap readiness probe: one round trip to the database, plus pending migrations. */
export async function checkHealth(deps: Pick<AppDeps, 'database' | 'rateLimiter'>): Promise<Health> {
  const started = performance.now();
  try {
    await Promise.race([
      deps.database.raw('select 1', []),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('database did not answer within 3s')), 3_000).unref(),
      ),
    ]);
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    const pending = (await pendingMigrations(deps.database)).length;
    return {
      status: pending ? 'degraded' : 'ok',
      version: VERSION,
      db: { mode: deps.database.mode, ok: true, latencyMs, pendingMigrations: pending },
      rateLimit: { store: deps.rateLimiter.kind },
    };
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0] ?? 'unknown error';
    return {
      status: 'error',
      version: VERSION,
      db: { mode: deps.database.mode, ok: false, error: `database unreachable: ${reason}` },
      rateLimit: { store: deps.rateLimiter.kind },
    };
  }
}
