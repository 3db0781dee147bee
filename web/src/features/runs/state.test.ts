import { describe, expect, it } from 'vitest';
import { applyFrame, initialRun, type Frame, type LiveRun, type WorkflowEvent } from './state.js';

let seq = 0;
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s)).toISOString();
const frame = (e: WorkflowEvent, second: number): Frame => ({ ...e, seq: ++seq, at: at(second) });
const play = (frames: Frame[]): LiveRun => frames.reduce(applyFrame, initialRun(['Scan', 'Report']));

describe('run state', () => {
  it('after a worker stopped mid-step: the unfinished step starts over (no stale text), the resume is reported, and the clock keeps running from the first start', () => {
    seq = 0;
    const usage = { tokensIn: 1, tokensOut: 1, costUsd: 0, unpricedCalls: 0 };
    const base = [
      frame({ type: 'run.queued', data: { fromStep: 0 } }, 0),
      frame({ type: 'run.started', data: { attempt: 1, resumeAt: 0, totalSteps: 2 } }, 1),
      frame(
        {
          type: 'step.started',
          data: {
            step: 0,
            name: 'Scan',
            stepType: 'llm',
            persona: null,
            attempt: 1,
            maxAttempts: 2,
            autoContext: false,
          },
        },
        1,
      ),
      frame(
        {
          type: 'step.completed',
          data: {
            step: 0,
            name: 'Scan',
            provider: 'offline',
            model: 'x',
            durationMs: 1000,
            outputChars: 4,
            insightIds: [],
            ...usage,
          },
        },
        2,
      ),
      frame(
        {
          type: 'step.started',
          data: {
            step: 1,
            name: 'Report',
            stepType: 'llm',
            persona: null,
            attempt: 1,
            maxAttempts: 2,
            autoContext: false,
          },
        },
        2,
      ),
      frame({ type: 'step.delta', data: { step: 1, lane: null, text: 'half an answ' } }, 3),
    ];
    const before = play(base);
    expect(before.steps[1]?.text).toBe('half an answ');
    // The worker dies; 15 s later another one resumes at step 2.
    const resumed = [...base, frame({ type: 'run.started', data: { attempt: 2, resumeAt: 1, totalSteps: 2 } }, 18)];
    const s = play(resumed);
    expect(s.resumedAttempt).toBe(2);
    expect(s.status).toBe('running');
    expect(s.steps[0]).toMatchObject({ status: 'completed', durationMs: 1000 });
    expect(s.steps[1]).toMatchObject({ status: 'pending', text: '' });
    expect(s.startedAt).toBe(at(1));
  });

  it('a retry from a step is a new execution: its clock and the resume notice start over', () => {
    seq = 0;
    const s = play([
      frame({ type: 'run.queued', data: { fromStep: 0 } }, 0),
      frame({ type: 'run.started', data: { attempt: 1, resumeAt: 0, totalSteps: 2 } }, 1),
      frame({ type: 'run.started', data: { attempt: 2, resumeAt: 0, totalSteps: 2 } }, 20),
      frame({ type: 'run.failed', data: { error: 'x', step: 0 } }, 21),
      frame({ type: 'run.queued', data: { fromStep: 0 } }, 60),
      frame({ type: 'run.started', data: { attempt: 3, resumeAt: 0, totalSteps: 2 } }, 61),
    ]);
    expect([s.status, s.startedAt, s.resumedAttempt]).toEqual(['running', at(61), null]);
  });
});
