import { SubmitButton } from '../../../ui/SubmitButton.js';
import { PageHeader } from '../../../ui/PageHeader.js';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useMemo, useState, type FormEvent } from 'react';
import { ConfirmButton } from '../../../ui/ConfirmButton.js';
import { EmptyState, ErrorAlert, Loading, LoadFailure } from '../../../ui/Feedback.js';
import { StepEditor } from '../components/StepEditor.js';
import { useToast } from '../../../ui/Toasts.js';
import { WorkflowBreadcrumbs } from '../components/WorkflowBreadcrumbs.js';
import { WorkflowFields } from '../components/WorkflowFields.js';
import { WorkflowRunPanel } from '../components/WorkflowRunPanel.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { can } from '../../../lib/access.js';
import { errorInfo } from '../../../lib/errors.js';
import { formatDateTime } from '../../../lib/format.js';
import { useTRPC } from '../../../lib/trpc.js';
import { useDebounced } from '../../../lib/use-debounced.js';
import {
  blankStep,
  checkInput,
  draftSignature,
  draftToInput,
  workflowToDraft,
  type FieldErrors,
  type StepDraft,
  type Workflow,
  type WorkflowDraft,
} from '../workflows.js';

/** Live checking sends the prompts in a GET URL; past this size it waits for the save. */
const MAX_VALIDATE_URL = 12_000;

function useWorkflowEditor(workflow: Workflow | null) {
  const [draft, setDraft] = useState<WorkflowDraft>(() => workflowToDraft(workflow));
  const [savedSignature, setSavedSignature] = useState(() => draftSignature(draft));
  const [clientErrors, setClientErrors] = useState<FieldErrors | null>(null);
  const update = (patch: Partial<WorkflowDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const updateStep = (index: number, patch: Partial<StepDraft>) =>
    setDraft((d) => ({ ...d, steps: d.steps.map((s, i) => (i === index ? { ...s, ...patch } : s)) }));
  const setSteps = (fn: (steps: StepDraft[]) => StepDraft[]) => setDraft((d) => ({ ...d, steps: fn(d.steps) }));
  return {
    draft,
    update,
    updateStep,
    setSteps,
    savedSignature,
    setSavedSignature,
    clientErrors,
    setClientErrors,
    isDirty: draftSignature(draft) !== savedSignature,
  };
}

function WorkflowEditor({ workflow }: { workflow: Workflow | null }) {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const toast = useToast();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const ed = useWorkflowEditor(workflow);
  const { draft } = ed;
  const canWrite = can(ws, 'workflows:write');
  const readOnly = !canWrite;
  const personas = useQuery(trpc.personas.list.queryOptions(draft.projectId ? { projectId: draft.projectId } : {}));
  const providers = useQuery({ ...trpc.llm.providers.queryOptions(), enabled: can(ws, 'llm:use') });
  const templates = useQuery({
    ...trpc.workflows.templates.queryOptions(),
    staleTime: Infinity,
    enabled: !!workflow?.templateId,
  });
  const kept = useMemo(() => ({ otherDefaultPersonaIds: workflow?.defaultPersonaIds.slice(1) ?? [] }), [workflow]);

  // Live template checking and each step's variables (debounced).
  const validateInput = useMemo(
    () => ({
      steps: draft.steps.map((s) => ({
        name: s.name,
        type: s.type,
        prompt: s.prompt,
        fanOutSource: s.type === 'fan_out' ? s.fanOutSource || null : null,
      })),
    }),
    [draft.steps],
  );
  const checked = useDebounced(validateInput, 250);
  const isTooLong = useMemo(() => encodeURIComponent(JSON.stringify(checked)).length > MAX_VALIDATE_URL, [checked]);
  const validation = useQuery({
    ...trpc.workflows.validate.queryOptions(checked),
    enabled: !isTooLong,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
  });

  const afterSave = async (signature: string) => {
    ed.setSavedSignature(signature);
    await queryClient.invalidateQueries({ queryKey: trpc.workflows.list.pathKey() });
  };
  const create = useMutation(
    trpc.workflows.create.mutationOptions({
      meta: { inline: true },
      onSuccess: async ({ id }, input) => {
        await afterSave(draftSignature(draft));
        toast.success(`Workflow "${input.name}" created`);
        await navigate({
          to: '/w/$workspaceId/workflows/$workflowId',
          params: { workspaceId: ws.id, workflowId: id },
          replace: true,
        });
      },
    }),
  );
  const save = useMutation(
    trpc.workflows.update.mutationOptions({
      meta: { inline: true },
      onSuccess: async ({ id }) => {
        await afterSave(draftSignature(draft));
        toast.success('Workflow saved');
        await queryClient.invalidateQueries({ queryKey: trpc.workflows.get.queryKey({ id }) });
      },
    }),
  );
  const remove = useMutation(
    trpc.workflows.delete.mutationOptions({
      onSuccess: async () => {
        toast.success('Workflow deleted');
        await queryClient.invalidateQueries({ queryKey: trpc.workflows.list.pathKey() });
        await navigate({ to: '/w/$workspaceId/workflows', params: { workspaceId: ws.id } });
      },
    }),
  );
  const saveError = create.error ?? save.error;
  const isSaving = create.isPending || save.isPending;
  const errors: FieldErrors = ed.clientErrors ?? errorInfo(saveError).fieldErrors;
  const errorOf = (path: string) =>
    Object.entries(errors).find(([k]) => k === path || k.startsWith(`${path}.`))?.[1][0];
  const placed =
    /^(name|description|projectId|defaultPersonaIds|defaultProvider|defaultModel|memoryInsightIds|steps)$|^(steps\.\d+\.\w+|memoryInsightIds\.\d+)/;
  const hasUnplaced = (!!saveError && !Object.keys(errors).length) || Object.keys(errors).some((k) => !placed.test(k));

  /** Indices change (steps, linked insights): errors from the last save no longer point at the right items. */
  const clearErrors = () => {
    ed.setClientErrors(null);
    create.reset();
    save.reset();
  };
  const restructure = (fn: (steps: StepDraft[]) => StepDraft[]) => {
    ed.setSteps(fn);
    clearErrors();
  };
  const updateFields = (patch: Partial<WorkflowDraft>) => {
    ed.update(patch);
    if (patch.memoryInsightIds) clearErrors();
  };
  const move = (index: number, delta: -1 | 1) =>
    restructure((steps) => {
      const next = [...steps];
      const [s] = next.splice(index, 1);
      next.splice(index + delta, 0, s!);
      return next;
    });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const input = draftToInput(draft, kept);
    const problems = checkInput(input);
    ed.setClientErrors(problems);
    if (problems) return;
    if (workflow) save.mutate({ id: workflow.id, ...input });
    else create.mutate(input);
  };

  const issues = validation.data?.issues ?? [];
  const variables = validation.data?.variables ?? [];
  const stepNames = draft.steps.map((s) => s.name.trim());
  const inputHint = templates.data?.find((t) => t.id === workflow?.templateId)?.inputHint;
  const title = workflow ? workflow.name : 'New workflow';
  const errorCount = Object.keys(errors).length;

  return (
    <div className="page page-wide">
      <WorkflowBreadcrumbs trail={[<span key="title">{title}</span>]} />
      <PageHeader
        title={title}
        description={
          <>
            {workflow
              ? `Last changed ${formatDateTime(workflow.updatedAt)}`
              : 'Chain LLM, review and fan-out steps; each step can use the outputs of earlier ones.'}
            {workflow?.templateId ? <span className="badge badge-builtin badge-inline">From a template</span> : null}
          </>
        }
      />
      <div className="editor-layout">
        <form
          className="builder"
          onSubmit={submit}
          noValidate
          data-testid="workflow-form"
          aria-label="Workflow builder"
        >
          <WorkflowFields
            draft={draft}
            onChange={updateFields}
            errorOf={errorOf}
            personas={personas.data ?? []}
            providers={providers.data ?? []}
            readOnly={readOnly}
          />
          <div className="section-head">
            <h2>Steps</h2>
            <span className="muted small">{draft.steps.length} of 30 · run in order</span>
          </div>
          {errors.steps ? <ErrorAlert>{errors.steps[0]}</ErrorAlert> : null}
          {isTooLong ? (
            <p className="alert alert-info small">
              The prompts are too long to check while typing; they are checked when you save.
            </p>
          ) : null}
          <ol className="step-list">
            {draft.steps.map((step, i) => (
              <li key={step.key}>
                <StepEditor
                  step={step}
                  index={i}
                  count={draft.steps.length}
                  earlierNames={stepNames.slice(0, i).filter(Boolean)}
                  variables={variables[i] ?? []}
                  issues={issues.filter((x) => x.step === i)}
                  errorOf={(field) => errorOf(`steps.${i}.${field}`)}
                  personas={personas.data ?? []}
                  providers={providers.data ?? []}
                  readOnly={readOnly}
                  onChange={(patch) => ed.updateStep(i, patch)}
                  onMove={(delta) => move(i, delta)}
                  onRemove={() => restructure((steps) => steps.filter((_, j) => j !== i))}
                />
              </li>
            ))}
          </ol>
          {canWrite ? (
            <button
              type="button"
              className="btn add-step"
              onClick={() => restructure((steps) => [...steps, blankStep(steps)])}
              disabled={draft.steps.length >= 30}
            >
              + Add step
            </button>
          ) : null}
          {canWrite ? (
            <div className="savebar">
              {hasUnplaced ? (
                <ErrorAlert error={saveError}>
                  {saveError ? undefined : `Could not save: ${Object.values(errors)[0]?.[0] ?? 'invalid input'}`}
                </ErrorAlert>
              ) : null}
              {errorCount && !hasUnplaced ? (
                <p className="field-error" role="alert" data-testid="save-problems">
                  Not saved: fix the {errorCount === 1 ? 'highlighted field' : `${errorCount} highlighted fields`}.
                </p>
              ) : null}
              <span className={`save-state${ed.isDirty ? ' dirty' : ''}`}>
                {ed.isDirty ? 'Unsaved changes' : workflow ? 'All changes saved' : ''}
              </span>
              <div className="savebar-actions">
                {workflow ? (
                  <ConfirmButton
                    label="Delete"
                    question={`Delete "${workflow.name}"? Its runs are kept.`}
                    onConfirm={() => remove.mutate({ id: workflow.id })}
                    testId="delete-workflow"
                  />
                ) : null}
                <SubmitButton label={workflow ? 'Save' : 'Create workflow'} busy={isSaving} busyLabel="Saving…" />
              </div>
            </div>
          ) : (
            <p className="muted small">You can view this workflow; editing needs the workflows:write permission.</p>
          )}
        </form>
        <aside className="side-column">
          {workflow ? (
            <WorkflowRunPanel workflowId={workflow.id} inputHint={inputHint} isDirty={ed.isDirty} />
          ) : (
            <p className="muted small side-note">Create the workflow to run it.</p>
          )}
        </aside>
      </div>
    </div>
  );
}

/** `/w/$workspaceId/workflows/$workflowId` (`new` creates a workflow). */
export function WorkflowEditorPage() {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const { workflowId } = useParams({ from: '/w/$workspaceId/workflows/$workflowId' });
  const isNew = workflowId === 'new';
  const workflow = useQuery({
    ...trpc.workflows.get.queryOptions({ id: workflowId }),
    enabled: !isNew && can(ws, 'workflows:read'),
  });
  if (!can(ws, 'workflows:read')) return <EmptyState title="You don't have access to workflows here." />;
  if (isNew)
    return can(ws, 'workflows:write') ? (
      <WorkflowEditor key="new" workflow={null} />
    ) : (
      <EmptyState title="Creating workflows needs the workflows:write permission." />
    );
  if (workflow.isPending) return <Loading />;
  if (workflow.isError) {
    return (
      <LoadFailure error={workflow.error} notFoundTitle="Workflow not found">
        It may have been deleted.{' '}
        <Link to="/w/$workspaceId/workflows" params={{ workspaceId: ws.id }}>
          Back to workflows
        </Link>
      </LoadFailure>
    );
  }
  return <WorkflowEditor key={workflow.data.id} workflow={workflow.data} />;
}
