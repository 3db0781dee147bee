import { SubmitButton } from '../../../ui/SubmitButton.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { can } from '../../../lib/access.js';
import { fieldError } from '../../../lib/errors.js';
import { useTRPC } from '../../../lib/trpc.js';
import { ErrorAlert } from '../../../ui/Feedback.js';
import { Field } from '../../../ui/Field.js';
import { LengthHint } from '../../../ui/LengthHint.js';
import { overLimit, TEXT_LIMITS } from '../../../../../src/shared/limits.js';
import { RunList } from '../../runs/components/RunStatus.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { QueryStatus } from '../../../ui/QueryStatus.js';

interface WorkflowRunPanelProps {
  workflowId: string;
  /** The template's hint for `{{input}}`, if the workflow came from one. */
  inputHint: string | undefined;
  isDirty: boolean;
}

/** Start a run of the saved workflow, and its recent runs. */
export function WorkflowRunPanel({ workflowId, inputHint, isDirty }: WorkflowRunPanelProps) {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [input, setInput] = useState('');
  const runs = useQuery(trpc.runs.list.queryOptions({ workflowId, limit: 10 }));
  const start = useMutation(
    trpc.workflows.run.mutationOptions({
      meta: { inline: true },
      onSuccess: async ({ id }) => {
        void queryClient.invalidateQueries({ queryKey: trpc.runs.list.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.workflows.list.pathKey() });
        await navigate({ to: '/w/$workspaceId/runs/$runId', params: { workspaceId: ws.id, runId: id } });
      },
    }),
  );
  const tooLong = overLimit(input, TEXT_LIMITS.runInput);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!tooLong) start.mutate({ workflowId, input });
  };
  const inputError = tooLong ? undefined : fieldError(start.error, 'input');
  return (
    <>
      {can(ws, 'workflows:run') ? (
        <section className="card side-card" data-testid="run-panel" aria-labelledby="run-panel-title">
          <h2 id="run-panel-title">Run</h2>
          <form className="form" onSubmit={submit} noValidate>
            <Field
              label="Input"
              htmlFor="run-input"
              error={inputError}
              hint={
                <>
                  Prompts read it as <code>{'{{input}}'}</code>.
                </>
              }
            >
              <textarea
                id="run-input"
                className="input mono"
                rows={8}
                value={input}
                onChange={(e) => setInput(e.target.value)}
                placeholder={inputHint ?? 'What should this run work on?'}
              />
              <LengthHint value={input} limit={TEXT_LIMITS.runInput} />
            </Field>
            {start.error && !inputError ? <ErrorAlert error={start.error} /> : null}
            {isDirty ? (
              <p className="alert alert-warn small">
                You have unsaved changes: a run uses the saved version of the workflow.
              </p>
            ) : null}
            <SubmitButton label="Start run" busy={start.isPending} busyLabel="Starting…" disabled={!!tooLong} />
          </form>
        </section>
      ) : null}
      <section className="card side-card side-card-flush" aria-labelledby="recent-runs-title">
        <h2 id="recent-runs-title">Recent runs</h2>
        <QueryStatus query={runs} />
        {runs.data?.length === 0 ? <p className="muted small">No runs yet.</p> : null}
        {runs.data?.length ? <RunList runs={runs.data} workspaceId={ws.id} /> : null}
      </section>
    </>
  );
}
