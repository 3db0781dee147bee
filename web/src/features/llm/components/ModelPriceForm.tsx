import { FormActions } from '../../../ui/FormActions.js';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { fieldError } from '../../../lib/errors.js';
import { useTRPC, type RouterInputs, type RouterOutputs } from '../../../lib/trpc.js';
import { Field } from '../../../ui/Field.js';
import { FormError } from '../../../ui/FormError.js';
import { useToast } from '../../../ui/Toasts.js';
import { TextField } from '../../../ui/TextField.js';
import { useFormFields } from '../../../lib/use-form-fields.js';

export type CatalogRow = RouterOutputs['llm']['catalog']['list'][number];
type Provider = RouterInputs['llm']['catalog']['upsert']['provider'];
const providers: Provider[] = ['openai', 'anthropic', 'google', 'openai-compatible', 'offline'];

/** Upserts a price; on success the server returns the whole catalog, which replaces the cached one. */
export function useUpsertPrice(onDone: () => void) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.llm.catalog.upsert.mutationOptions({
      meta: { inline: true },
      onSuccess: (rows, input) => {
        queryClient.setQueryData(trpc.llm.catalog.list.queryKey(), rows);
        toast.success(`Saved prices for ${input.model}`);
        onDone();
      },
    }),
  );
}

/** "1.25" → 1.25; "" → NaN so the server reports the field. */
export const num = (s: string) => (s.trim() === '' ? Number.NaN : Number(s));

/** Admins: add a model (or override one) to the workspace catalog. */
export function AddModelForm({ onDone }: { onDone: () => void }) {
  const [provider, setProvider] = useState<Provider>('openai-compatible');
  const upsert = useUpsertPrice(onDone);
  const err = upsert.error;
  const form = useFormFields({ model: '', contextWindow: '128000', inputPerMTok: '0', outputPerMTok: '0' }, err);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { model, contextWindow, inputPerMTok, outputPerMTok } = form.values;
    upsert.mutate({
      provider,
      model,
      contextWindow: num(contextWindow),
      inputPerMTok: num(inputPerMTok),
      outputPerMTok: num(outputPerMTok),
    });
  };
  return (
    <form className="card form" onSubmit={submit} noValidate data-testid="add-model-form">
      <h2>Add model</h2>
      <FormError error={err} />
      <div className="form-grid">
        <Field label="Provider kind" htmlFor="model-provider" error={fieldError(err, 'provider')}>
          <select
            id="model-provider"
            className="input"
            value={provider}
            onChange={(e) => setProvider(e.target.value as Provider)}
          >
            {providers.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </Field>
        <TextField
          {...form.bind('model', 'Model', 'model-name')}
          hint="Exactly as the provider names it."
          className="input mono"
          placeholder="llama3.1"
        />
        <TextField
          {...form.bind('contextWindow', 'Context window (tokens)', 'model-context')}
          type="number"
          min={1}
          step={1}
        />
        <TextField
          {...form.bind('inputPerMTok', 'Input $ / 1M tokens', 'model-input')}
          type="number"
          min={0}
          step="0.01"
        />
        <TextField
          {...form.bind('outputPerMTok', 'Output $ / 1M tokens', 'model-output')}
          type="number"
          min={0}
          step="0.01"
        />
      </div>
      <FormActions label="Add model" busy={upsert.isPending} busyLabel="Saving…" onCancel={onDone} />
    </form>
  );
}

/** One catalog row in edit mode: context window and prices become inputs. */
export function EditPriceRow({ row, onDone }: { row: CatalogRow; onDone: () => void }) {
  const [contextWindow, setContextWindow] = useState(String(row.contextWindow));
  const [input, setInput] = useState(String(row.inputPerMTok));
  const [output, setOutput] = useState(String(row.outputPerMTok));
  const upsert = useUpsertPrice(onDone);
  const err = upsert.error;
  const save = () =>
    upsert.mutate({
      provider: row.provider,
      model: row.model,
      contextWindow: num(contextWindow),
      inputPerMTok: num(input),
      outputPerMTok: num(output),
    });
  const cell = (id: string, label: string, value: string, set: (v: string) => void, field: string, step: string) => (
    <td>
      <label htmlFor={id} className="sr-only">
        {label} for {row.model}
      </label>
      <input
        id={id}
        className={`input input-sm input-num${fieldError(err, field) ? ' invalid' : ''}`}
        type="number"
        min={0}
        step={step}
        value={value}
        onChange={(e) => set(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') save();
          if (e.key === 'Escape') onDone();
        }}
        title={fieldError(err, field)}
      />
    </td>
  );
  const key = `${row.provider}-${row.model}`.replace(/[^a-z0-9-]/gi, '-');
  return (
    <>
      <tr className="editing" data-testid="catalog-row">
        <td>{row.provider}</td>
        <td className="mono">{row.model}</td>
        {cell(`ctx-${key}`, 'Context window', contextWindow, setContextWindow, 'contextWindow', '1')}
        {cell(`in-${key}`, 'Input price', input, setInput, 'inputPerMTok', '0.01')}
        {cell(`out-${key}`, 'Output price', output, setOutput, 'outputPerMTok', '0.01')}
        <td>
          <span className={`badge badge-${row.source}`}>{row.source}</span>
        </td>
        <td className="actions">
          <button type="button" className="btn btn-sm btn-primary" disabled={upsert.isPending} onClick={save}>
            Save
          </button>{' '}
          <button type="button" className="btn btn-sm btn-ghost" onClick={onDone}>
            Cancel
          </button>
        </td>
      </tr>
      {err ? (
        <tr className="subrow">
          <td colSpan={7}>
            <span className="test-fail">{err.message}</span>
          </td>
        </tr>
      ) : null}
    </>
  );
}
