/**
 * A run's live state, built only from its event frames (replayed from seq 0), so a reload
 * or a dropped connection reconstructs exactly the same picture. Pure: `applyFrame(state, frame)`.
 */
import type { Frame, WorkflowEvent } from '../../../../src/shared/frames.js';
import type { RunStatus, StepStatus } from '../workflows/workflows.js';

export type { Frame, WorkflowEvent };

export interface LiveStep {
  index: number;
  name: string;
  status: StepStatus;
  persona: string | null;
  attempt: number;
  /** 1 + the step's retries, when known. */
  maxAttempts: number | null;
  autoContext: boolean;
  /** Streamed main output (lane null). */
  text: string;
  /** Other lanes: `compare:<provider>`, `item:<n>`. */
  lanes: Record<string, string>;
  progress: { done: number; failed: number; total: number } | null;
  retrying: { attempt: number; error: string; delayMs: number } | null;
  provider: string | null;
  model: string | null;
  durationMs: number | null;
  tokensIn: number;
  tokensOut: number;
  costUsd: number | null;
  unpricedCalls: number;
  insightIds: string[];
  error: string | null;
}

export interface LiveRun {
  /** Highest seq applied; frames at or below it are ignored. */
  lastSeq: number;
  /** null until the first frame arrives. */
  status: RunStatus | null;
  steps: LiveStep[];
  /** When this execution started (ISO), for the elapsed time: a resume keeps it, a retry restarts it. */
  startedAt: string | null;
  endedAt: string | null;
  totals: {
    durationMs: number;
    tokensIn: number;
    tokensOut: number;
    costUsd: number | null;
    unpricedCalls: number;
  } | null;
  /** Set when a worker stopped mid-run and another resumed it: the run's attempt now. */
  resumedAttempt: number | null;
  error: string | null;
}

const freshStep = (index: number, name: string): LiveStep => ({
  index,
  name,
  status: 'pending',
  persona: null,
  attempt: 0,
  maxAttempts: null,
  autoContext: false,
  text: '',
  lanes: {},
  progress: null,
  retrying: null,
  provider: null,
  model: null,
  durationMs: null,
  tokensIn: 0,
  tokensOut: 0,
  costUsd: null,
  unpricedCalls: 0,
  insightIds: [],
  error: null,
});

export function initialRun(stepNames: readonly string[]): LiveRun {
  return {
    lastSeq: 0,
    status: null,
    steps: stepNames.map((n, i) => freshStep(i, n)),
    startedAt: null,
    endedAt: null,
    totals: null,
    resumedAttempt: null,
    error: null,
  };
}

function patchStep(state: LiveRun, index: number, patch: (s: LiveStep) => Partial<LiveStep>): LiveStep[] {
  const steps = [...state.steps];
  while (steps.length <= index) steps.push(freshStep(steps.length, `Step ${steps.length + 1}`));
  const cur = steps[index]!;
  steps[index] = { ...cur, ...patch(cur) };
  return steps;
}

export function applyFrame(state: LiveRun, frame: Frame): LiveRun {
  if (frame.seq <= state.lastSeq) return state;
  const next: LiveRun = { ...state, lastSeq: frame.seq };
  const e = frame as WorkflowEvent;
  switch (e.type) {
    case 'run.queued':
      return {
        ...next,
        status: 'queued',
        error: null,
        totals: null,
        startedAt: null,
        endedAt: null,
        resumedAttempt: null,
        steps: state.steps.map((s) => (s.index >= e.data.fromStep ? freshStep(s.index, s.name) : s)),
      };
    case 'run.started':
      // Started again while running: the worker stopped (died, or handed the run back) and
      // another took over. Its unfinished steps start over, so their partial text goes.
      if (state.status === 'running') {
        const { resumeAt } = e.data;
        return {
          ...next,
          resumedAttempt: e.data.attempt,
          steps: state.steps.map((s) => (s.index >= resumeAt ? freshStep(s.index, s.name) : s)),
        };
      }
      return { ...next, status: 'running', startedAt: state.startedAt ?? frame.at };
    case 'step.started':
      return {
        ...next,
        steps: patchStep(state, e.data.step, () => ({
          ...freshStep(e.data.step, e.data.name),
          status: 'running',
          persona: e.data.persona,
          attempt: e.data.attempt,
          maxAttempts: e.data.maxAttempts,
          autoContext: e.data.autoContext,
        })),
      };
    case 'step.delta': {
      const { lane, text } = e.data;
      return {
        ...next,
        steps: patchStep(state, e.data.step, (s) =>
          lane === null
            ? { text: s.text + text, retrying: null }
            : { lanes: { ...s.lanes, [lane]: (s.lanes[lane] ?? '') + text }, retrying: null },
        ),
      };
    }
    case 'step.progress':
      return {
        ...next,
        steps: patchStep(state, e.data.step, () => ({
          progress: { done: e.data.done, failed: e.data.failed, total: e.data.total },
        })),
      };
    case 'step.retrying':
      return {
        ...next,
        steps: patchStep(state, e.data.step, () => ({
          retrying: { attempt: e.data.attempt, error: e.data.error, delayMs: e.data.delayMs },
        })),
      };
    case 'step.completed': {
      const d = e.data;
      return {
        ...next,
        steps: patchStep(state, d.step, () => ({
          status: 'completed',
          retrying: null,
          provider: d.provider,
          model: d.model,
          durationMs: d.durationMs,
          tokensIn: d.tokensIn,
          tokensOut: d.tokensOut,
          costUsd: d.costUsd,
          unpricedCalls: d.unpricedCalls,
          insightIds: d.insightIds,
        })),
      };
    }
    case 'step.failed':
      return {
        ...next,
        steps: patchStep(state, e.data.step, () => ({
          status: e.data.error === 'Cancelled' ? 'cancelled' : 'failed',
          retrying: null,
          error: e.data.error,
          attempt: e.data.attempt,
        })),
      };
    case 'run.completed':
      return {
        ...next,
        status: 'completed',
        endedAt: frame.at,
        totals: {
          durationMs: e.data.durationMs,
          tokensIn: e.data.tokensIn,
          tokensOut: e.data.tokensOut,
          costUsd: e.data.costUsd,
          unpricedCalls: e.data.unpricedCalls,
        },
      };
    case 'run.failed':
      return {
        ...next,
        status: 'failed',
        endedAt: frame.at,
        error: e.data.error,
        steps: state.steps.map((s) => (s.status === 'running' ? { ...s, status: 'failed' } : s)),
      };
    case 'run.cancelled':
      return {
        ...next,
        status: 'cancelled',
        endedAt: frame.at,
        steps: state.steps.map((s) => (s.status === 'running' ? { ...s, status: 'cancelled' } : s)),
      };
  }
  return next;
}
