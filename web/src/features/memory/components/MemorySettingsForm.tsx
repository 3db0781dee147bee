import { FormActions } from '../../../ui/FormActions.js';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { fieldError } from '../../../lib/errors.js';
import { useTRPC, type RouterOutputs } from '../../../lib/trpc.js';
import { Field } from '../../../ui/Field.js';
import { FormError } from '../../../ui/FormError.js';
import { useRefreshMemory } from './MemoryLabels.js';
import { useToast } from '../../../ui/Toasts.js';
import { TextField } from '../../../ui/TextField.js';
import { useFormFields } from '../../../lib/use-form-fields.js';

type Settings = RouterOutputs['memory']['settings']['get'];
type Mode = Settings['mode'];

/** Both search weights are numbers from 0 to 1. */
const weightInput = { type: 'number', min: 0, max: 1, step: 0.05 } as const;

/** Admins: which provider embeds memory, and how search blends meaning and keywords. */
export function MemorySettingsForm({ settings }: { settings: Settings }) {
  const openaiModel = settings.defaults.openai;
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useRefreshMemory();
  const providers = useQuery(trpc.llm.providers.queryOptions());
  const [provider, setProvider] = useState(settings.embeddingProvider);
  const [mode, setMode] = useState<Mode>(settings.mode);
  const embedders = (providers.data ?? []).filter((p) => p.kind === 'openai' || p.kind === 'openai-compatible');
  const kind = provider === 'offline' ? 'offline' : (embedders.find((p) => p.name === provider)?.kind ?? null);
  const isMissing = provider !== 'offline' && providers.isSuccess && kind === null;
  const save = useMutation(
    trpc.memory.settings.update.mutationOptions({
      meta: { inline: true },
      onSuccess: async (s) => {
        const isNewSpace = s.embeddingSpace !== settings.embeddingSpace;
        toast.success(
          isNewSpace
            ? `Memory now embeds with ${s.embeddingProvider} (${s.embeddingSpace}): backfill to refresh the stored vectors`
            : 'Memory settings saved',
        );
        await refresh();
      },
    }),
  );
  const err = save.error;
  const form = useFormFields(
    () => ({
      embeddingModel: settings.embeddingProvider === 'offline' ? '' : settings.embeddingModel,
      vectorWeight: String(settings.vectorWeight),
      textWeight: String(settings.textWeight),
    }),
    err,
  );
  const { embeddingModel: model, vectorWeight, textWeight } = form.values;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({
      embeddingProvider: provider,
      // Only OpenAI-compatible servers take a model name; OpenAI uses text-embedding-3-small.
      embeddingModel: kind === 'openai-compatible' && model.trim() ? model.trim() : null,
      vectorWeight: Number(vectorWeight),
      textWeight: Number(textWeight),
      mode,
    });
  };
  const isProviderChanged =
    provider !== settings.embeddingProvider ||
    (kind === 'openai-compatible' && (model.trim() || openaiModel) !== settings.embeddingModel);
  return (
    <form className="card form" onSubmit={submit} noValidate data-testid="memory-settings-form">
      <div>
        <h2>Embeddings and ranking</h2>
        <p className="muted small">
          Every entry and insight is stored with a 1536-dimension vector for meaning-based search, next to a keyword
          index.
        </p>
      </div>
      <FormError error={err} />
      <Field
        label="Embedding provider"
        htmlFor="embedding-provider"
        error={fieldError(err, 'embeddingProvider')}
        hint={
          embedders.length
            ? 'Offline is built in and free; OpenAI and OpenAI-compatible providers come from the LLM page.'
            : 'Add an OpenAI or OpenAI-compatible provider on the LLM page to embed with it.'
        }
      >
        <select
          id="embedding-provider"
          className="input"
          value={provider}
          onChange={(e) => setProvider(e.target.value)}
        >
          <option value="offline">offline (built in, no network)</option>
          {embedders.map((p) => (
            <option key={p.name} value={p.name}>
              {p.name} ({p.kind})
            </option>
          ))}
          {isMissing ? <option value={provider}>{provider} (no longer configured)</option> : null}
        </select>
      </Field>
      {kind === 'openai-compatible' ? (
        <TextField
          {...form.bind('embeddingModel', 'Embedding model', 'embedding-model')}
          hint={`Must return 1536-dimension vectors. Empty uses ${openaiModel}.`}
          className="input mono"
          placeholder={openaiModel}
          maxLength={120}
        />
      ) : (
        <p className="small">
          Model:{' '}
          <code data-testid="embedding-model-fixed">
            {kind === 'offline' ? settings.defaults.offline : openaiModel}
          </code>
        </p>
      )}
      {isProviderChanged ? (
        <div className="alert alert-warn" role="status">
          Changing the embedder makes every stored vector stale: until you run <strong>Backfill now</strong>, those rows
          are found by keywords only.
        </div>
      ) : null}
      <div className="form-grid">
        <TextField {...form.bind('vectorWeight', 'Vector weight', 'vector-weight')} {...weightInput} />
        <TextField {...form.bind('textWeight', 'Text weight', 'text-weight')} {...weightInput} />
        <Field label="Default ranking" htmlFor="search-mode" error={fieldError(err, 'mode')}>
          <select id="search-mode" className="input" value={mode} onChange={(e) => setMode(e.target.value as Mode)}>
            <option value="weighted">Weighted sum</option>
            <option value="rrf">Reciprocal rank fusion</option>
          </select>
        </Field>
      </div>
      <p className="muted small">
        Weighted: score = vector weight × similarity + text weight × keyword rank (each 0–1). RRF ignores the weights
        and adds 1/(60 + rank) from each list.
      </p>
      <FormActions label="Save settings" busy={save.isPending} busyLabel="Saving…" />
    </form>
  );
}
