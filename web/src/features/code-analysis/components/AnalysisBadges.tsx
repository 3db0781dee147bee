/** Small shared pieces of the code-analysis pages: severity and status badges, the stage bar. */
import { stageSteps, type LiveAnalysis } from '../state.js';

/** A finding's severity as a coloured badge. */
export function SeverityBadge({ severity }: { severity: string }) {
  return (
    <span className={`badge sev sev-${severity}`} data-testid="finding-severity">
      {severity}
    </span>
  );
}

/** A finding's status as a chip: open, triaged, ignored or fixed. */
export function FindingStatusChip({ status }: { status: string }) {
  return (
    <span className={`badge finding-status finding-${status}`} data-testid="finding-status">
      {status}
    </span>
  );
}

/** queued → syncing → … → completed, failed or cancelled, filled from the live state. */
export function StageBar({ state }: { state: Pick<LiveAnalysis, 'stage' | 'reached'> }) {
  return (
    <ol className="step-pills stage-bar" aria-label="Stages" data-testid="stage-bar">
      {stageSteps(state).map((s, i) => {
        const pill =
          s.state === 'done'
            ? 'completed'
            : s.state === 'current'
              ? 'running'
              : s.state === 'stopped'
                ? s.stage === 'failed'
                  ? 'failed'
                  : 'cancelled'
                : 'pending';
        return (
          <li key={s.stage}>
            <span
              className={`step-pill pill-${pill}`}
              data-testid="stage-pill"
              data-stage={s.stage}
              data-state={s.state}
              title={`${s.stage}: ${s.state}`}
            >
              <span className="step-pill-n">{i + 1}</span>
              {s.stage}
              <span className="sr-only"> ({s.state})</span>
            </span>
          </li>
        );
      })}
    </ol>
  );
}
