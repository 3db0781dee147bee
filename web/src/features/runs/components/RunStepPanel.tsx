import type { LiveStep } from '../state.js';
import {
  formatDuration,
  parseComparisons,
  parseItems,
  stepTypeLabel,
  type FanOutItem,
  type RunStepRow,
  type StepDef,
} from '../../workflows/workflows.js';
import { formatCost, formatTokens } from '../../../ui/LlmFormat.js';
import { Markdown } from '../../../ui/Markdown.js';

interface RunStepPanelProps {
  live: LiveStep;
  /** The stored step (outputs once it completed). */
  row: RunStepRow | undefined;
  def: StepDef | undefined;
}

/** Output text: Markdown once final, plain pre-wrapped text while it streams. */
function Output({
  text,
  isFinal,
  isStreaming = false,
  testId,
  empty,
}: {
  text: string;
  isFinal: boolean;
  isStreaming?: boolean;
  testId?: string;
  empty: string;
}) {
  if (!text) return <p className="muted small step-output-empty">{empty}</p>;
  if (isFinal) {
    return (
      <div className="step-output" data-testid={testId}>
        <Markdown source={text} />
      </div>
    );
  }
  return (
    <div className={`step-output plain${isStreaming ? ' streaming' : ''}`} data-testid={testId} aria-live="off">
      {text}
      {isStreaming ? <span className="caret" aria-hidden="true" /> : null}
    </div>
  );
}

function FanOutItems({ live, row }: { live: LiveStep; row: RunStepRow | undefined }) {
  const stored = parseItems(row?.items);
  const laneIndices = Object.keys(live.lanes)
    .filter((k) => k.startsWith('item:'))
    .map((k) => Number(k.slice(5)));
  const count = Math.max(stored.length, live.progress?.total ?? 0, ...laneIndices.map((i) => i + 1));
  const items: (FanOutItem | { index: number; item: null; status: string; output: string; error: null })[] = Array.from(
    { length: count },
    (_, index) =>
      stored.find((s) => s.index === index) ?? {
        index,
        item: null,
        status: live.lanes[`item:${index}`] ? 'running' : 'pending',
        output: '',
        error: null,
      },
  );
  const p =
    live.progress ??
    (stored.length
      ? {
          done: stored.filter((s) => s.status === 'completed').length,
          failed: stored.filter((s) => s.status === 'failed').length,
          total: stored.length,
        }
      : null);
  return (
    <div className="fanout">
      {p ? (
        <div className="fanout-progress" data-testid="fanout-progress">
          <div
            className="progress"
            role="progressbar"
            aria-label="Items done"
            aria-valuemin={0}
            aria-valuemax={p.total}
            aria-valuenow={p.done}
          >
            <div className="progress-fill" style={{ width: `${p.total ? (100 * p.done) / p.total : 0}%` }} />
          </div>
          <span className="small nowrap">
            {p.done}/{p.total}
            {p.failed ? <span className="test-fail"> ({p.failed} failed)</span> : null}
          </span>
        </div>
      ) : null}
      {items.map((it) => {
        const isFinal = it.status === 'completed' && live.status !== 'running';
        const text = it.output || live.lanes[`item:${it.index}`] || '';
        return (
          <details
            key={it.index}
            className={`fanout-item item-${it.status}`}
            open={it.status === 'running' || undefined}
          >
            <summary>
              <span className="mono small">#{it.index + 1}</span> {it.item ?? 'Item'}{' '}
              <span className={`badge pill-${it.status}`}>{it.status}</span>
            </summary>
            {it.error && it.status === 'failed' ? <p className="field-error">{it.error}</p> : null}
            <Output text={text} isFinal={isFinal} isStreaming={it.status === 'running'} empty="No output yet." />
          </details>
        );
      })}
    </div>
  );
}

function Comparisons({ live, row, def }: RunStepPanelProps) {
  const stored = parseComparisons(row?.comparisons);
  const providers = [
    ...new Set([
      ...(def?.compareProviders ?? []),
      ...stored.map((c) => c.provider),
      ...Object.keys(live.lanes).flatMap((k) => (k.startsWith('compare:') ? [k.slice(8)] : [])),
    ]),
  ];
  if (!providers.length) return null;
  const isDone = live.status === 'completed' && row?.status === 'completed';
  return (
    <>
      {providers.map((provider) => {
        const c = stored.find((x) => x.provider === provider);
        return (
          <div key={provider} className="lane" data-testid="compare-lane">
            <div className="lane-head">
              <span className="pane-label">{provider}</span>
              {c ? (
                <span className="muted small">
                  {c.model ?? '—'} · {formatTokens(c.tokensIn + c.tokensOut)} tokens · {formatCost(c.costUsd)} ·{' '}
                  {formatDuration(c.durationMs)}
                </span>
              ) : null}
            </div>
            {c?.error ? (
              <p className="field-error">{c.error}</p>
            ) : (
              <Output
                text={c?.output ?? live.lanes[`compare:${provider}`] ?? ''}
                isFinal={isDone}
                isStreaming={live.status === 'running'}
                empty="Waiting…"
              />
            )}
          </div>
        );
      })}
    </>
  );
}

/** One step of a run: who and what answered, usage, and the (streaming) output. */
export function RunStepPanel({ live, row, def }: RunStepPanelProps) {
  const type = def?.type ?? row?.type ?? 'llm';
  const isFinal = live.status === 'completed' && row?.status === 'completed' && row.output !== null;
  const text = isFinal ? (row.output ?? '') : live.text;
  // Only what this attempt reported: a stored row can still hold an earlier attempt's values.
  const provider = live.provider;
  const model = live.model;
  const isDone = live.status === 'completed';
  const isStreaming = live.status === 'running';
  const duration = live.durationMs ?? (live.status === 'failed' && row?.status === 'failed' ? row.durationMs : null);
  const hasCompare =
    (def?.compareProviders.length ?? 0) > 0 || Object.keys(live.lanes).some((k) => k.startsWith('compare:'));
  const persona = live.persona;
  const empty =
    live.status === 'pending'
      ? 'Not started yet.'
      : live.status === 'running'
        ? 'Waiting for the first words…'
        : 'No output.';
  return (
    <section
      className={`card run-step step-${live.status}`}
      id={`step-${live.index}`}
      data-testid="run-step"
      data-status={live.status}
      aria-labelledby={`step-${live.index}-title`}
    >
      <header className="run-step-head">
        <h2 id={`step-${live.index}-title`}>
          {live.index + 1}. {live.name}
        </h2>
        <span className={`chip chip-steptype steptype-${type}`}>{stepTypeLabel(type)}</span>
        <span className={`badge pill-${live.status}`} data-testid="step-status">
          {live.status}
        </span>
      </header>
      <dl className="run-step-meta">
        <div>
          <dt>Persona</dt>
          <dd>{persona ?? (live.status === 'pending' ? '—' : 'default')}</dd>
        </div>
        <div>
          <dt>Model</dt>
          <dd className={provider ? 'mono' : undefined}>{provider ? `${provider} · ${model ?? '?'}` : '—'}</dd>
        </div>
        <div>
          <dt>Tokens</dt>
          <dd>{isDone ? `${formatTokens(live.tokensIn)} in · ${formatTokens(live.tokensOut)} out` : '—'}</dd>
        </div>
        <div>
          <dt>Cost</dt>
          <dd>{isDone ? formatCost(live.costUsd, live.unpricedCalls) : '—'}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{formatDuration(duration)}</dd>
        </div>
        <div>
          <dt>Attempt</dt>
          <dd>{live.attempt ? `${live.attempt}${live.maxAttempts ? ` of ${live.maxAttempts}` : ''}` : '—'}</dd>
        </div>
      </dl>
      {live.autoContext ? (
        <p className="step-note" data-testid="auto-context">
          Auto context: this prompt names no earlier step, so the previous step’s output was appended to it.
        </p>
      ) : null}
      {live.retrying ? (
        <p className="alert alert-warn small" role="status">
          Attempt {live.retrying.attempt}
          {live.maxAttempts ? ` of ${live.maxAttempts}` : ''} failed: {live.retrying.error}. Retrying in{' '}
          {formatDuration(live.retrying.delayMs)}…
        </p>
      ) : null}
      {live.status === 'cancelled' ? (
        <p className="step-note step-note-warn">
          Cancelled before it finished{live.text ? '; the partial output is below' : ''}.
        </p>
      ) : null}
      {live.error && live.status === 'failed' ? (
        <p className="alert alert-error small" role="alert" data-testid="step-error">
          {live.error}
        </p>
      ) : null}
      {type === 'fan_out' ? <FanOutItems live={live} row={row} /> : null}
      {type !== 'fan_out' || isFinal ? (
        hasCompare ? (
          <div className="lanes">
            <div className="lane">
              <div className="lane-head">
                <span className="pane-label">{provider ?? 'Primary'}</span>
              </div>
              <Output text={text} isFinal={isFinal} isStreaming={isStreaming} testId="step-output" empty={empty} />
            </div>
            <Comparisons live={live} row={row} def={def} />
          </div>
        ) : type === 'fan_out' ? (
          <details className="fanout-combined">
            <summary>Combined output</summary>
            <Output text={text} isFinal={isFinal} isStreaming={isStreaming} testId="step-output" empty={empty} />
          </details>
        ) : (
          <Output text={text} isFinal={isFinal} isStreaming={isStreaming} testId="step-output" empty={empty} />
        )
      ) : null}
    </section>
  );
}
