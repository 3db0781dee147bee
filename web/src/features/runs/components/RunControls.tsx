import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { can } from '../../../lib/access.js';
import { errorCode, fieldError } from '../../../lib/errors.js';
import { useTRPC } from '../../../lib/trpc.js';
import { isRunEnded, type RunStatus, type StepStatus } from '../../workflows/workflows.js';
import { ErrorAlert } from '../../../ui/Feedback.js';
import { useToast } from '../../../ui/Toasts.js';
import { useWorkspace } from '../../../lib/workspace-context.js';

interface RunControlsProps {
  runId: string;
  status: RunStatus;
  steps: readonly { index: number; name: string; status: StepStatus }[];
  /** Called after a retry was queued (to follow the new events). */
  onRetried: () => void;
}

/** Cancel (while it runs), retry from a step (once it ended), and the exports. */
export function RunControls({ runId, status, steps, onRetried }: RunControlsProps) {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const toast = useToast();
  const queryClient = useQueryClient();
  // Steps after the first unfinished one have nothing to start from.
  const firstUnfinished = steps.findIndex((s) => s.status !== 'completed');
  const limit = firstUnfinished === -1 ? steps.length - 1 : firstUnfinished;
  const [fromStep, setFromStep] = useState<number | null>(null);
  const chosen = Math.min(fromStep ?? limit, limit);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.runs.get.queryKey({ id: runId }) });
  const cancel = useMutation(
    trpc.runs.cancel.mutationOptions({
      onSuccess: async (r) => {
        toast.success(r.status === 'cancelled' ? 'Run cancelled' : 'Cancelling: the current step stops shortly');
        await refresh();
      },
    }),
  );
  const retry = useMutation(
    trpc.runs.retry.mutationOptions({
      meta: { inline: true },
      onSuccess: async () => {
        toast.success(`Retrying from step ${chosen + 1}`);
        setFromStep(null);
        onRetried();
        await Promise.all([refresh(), queryClient.invalidateQueries({ queryKey: trpc.runs.list.pathKey() })]);
      },
    }),
  );
  const canRun = can(ws, 'workflows:run');
  const tenant = `tenant=${encodeURIComponent(ws.id)}`;
  const base = `/api/v1/workflow-runs/${encodeURIComponent(runId)}`;
  const retryError =
    fieldError(retry.error, 'fromStep') ?? (errorCode(retry.error) === 'CONFLICT' ? retry.error?.message : undefined);
  return (
    <div className="run-controls">
      {canRun && !isRunEnded(status) ? (
        <button
          type="button"
          className="btn btn-danger-ghost"
          onClick={() => cancel.mutate({ id: runId })}
          disabled={cancel.isPending}
        >
          {cancel.isPending ? 'Cancelling…' : 'Cancel run'}
        </button>
      ) : null}
      {canRun && isRunEnded(status) && steps.length ? (
        <div className="retry" role="group" aria-label="Retry">
          <label htmlFor="retry-from" className="sr-only">
            Retry from step
          </label>
          <select
            id="retry-from"
            className="input input-sm"
            value={chosen}
            onChange={(e) => setFromStep(Number(e.target.value))}
          >
            {steps.map((s) => (
              <option key={s.index} value={s.index} disabled={s.index > limit}>
                {s.index + 1}. {s.name}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="btn btn-sm"
            onClick={() => retry.mutate({ id: runId, fromStep: chosen })}
            disabled={retry.isPending}
          >
            {retry.isPending ? 'Queueing…' : `Retry from step ${chosen + 1}`}
          </button>
        </div>
      ) : null}
      <a className="btn btn-sm btn-ghost" href={`${base}/report.md?${tenant}`} download data-testid="export-md">
        Markdown report
      </a>
      <a className="btn btn-sm btn-ghost" href={`${base}/export.zip?${tenant}`} download data-testid="export-zip">
        ZIP export
      </a>
      {retryError ? (
        <p className="field-error retry-error" role="alert">
          {retryError}
        </p>
      ) : retry.error ? (
        <ErrorAlert error={retry.error} />
      ) : null}
    </div>
  );
}
