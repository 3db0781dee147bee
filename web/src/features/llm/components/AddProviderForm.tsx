import { FormActions } from '../../../ui/FormActions.js';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { fieldError } from '../../../lib/errors.js';
import { useTRPC, type RouterInputs } from '../../../lib/trpc.js';
import { Field } from '../../../ui/Field.js';
import { FormError } from '../../../ui/FormError.js';
import { useRefreshProviders } from './ProviderKeysPanel.js';
import { useToast } from '../../../ui/Toasts.js';

type Kind = RouterInputs['llm']['keys']['add']['kind'];

/** Admins: connect a provider (bring your own key). */
export function AddProviderForm({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useRefreshProviders();
  const [kind, setKind] = useState<Kind>('openai');
  const [name, setName] = useState<string | null>(null);
  const [apiKey, setApiKey] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [defaultModel, setDefaultModel] = useState('');
  const [isAdvanced, setIsAdvanced] = useState(false);
  const kinds = useQuery(trpc.llm.kinds.queryOptions()).data ?? [];
  const info = kinds.find((k) => k.kind === kind);
  const isCompatible = info?.needsBaseUrl ?? kind === 'openai-compatible';
  const modelPlaceholder = info?.defaultModel ?? 'llama3.1';
  const add = useMutation(
    trpc.llm.keys.add.mutationOptions({
      meta: { inline: true },
      onSuccess: async (k) => {
        toast.success(`Provider "${k.name}" added`);
        await refresh();
        onDone();
      },
    }),
  );
  const err = add.error;
  const showAdvanced = isAdvanced || !!fieldError(err, 'baseUrl');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const showBaseUrl = isCompatible || showAdvanced;
    add.mutate({
      name: (name ?? kind).trim(),
      kind,
      ...(apiKey.trim() ? { apiKey: apiKey.trim() } : {}),
      ...(showBaseUrl && baseUrl.trim() ? { baseUrl: baseUrl.trim() } : {}),
      ...(defaultModel.trim() ? { defaultModel: defaultModel.trim() } : {}),
    });
  };
  const baseUrlField = (
    <Field
      label={isCompatible ? 'Base URL' : 'Base URL (optional)'}
      htmlFor="provider-base-url"
      error={fieldError(err, 'baseUrl')}
      hint={
        isCompatible
          ? 'The endpoint serving /chat/completions, e.g. http://localhost:11434/v1 for Ollama.'
          : 'Only for proxies or gateways; empty uses the official API.'
      }
    >
      <input
        id="provider-base-url"
        className="input mono"
        type="url"
        value={baseUrl}
        onChange={(e) => setBaseUrl(e.target.value)}
        placeholder={isCompatible ? 'http://localhost:11434/v1' : 'https://…'}
      />
    </Field>
  );
  return (
    <form className="card form" onSubmit={submit} noValidate data-testid="add-provider-form">
      <h2>Add provider</h2>
      <FormError error={err} />
      <div className="form-grid">
        <Field label="Kind" htmlFor="provider-kind" error={fieldError(err, 'kind')}>
          <select id="provider-kind" className="input" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            {kinds.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label="Name"
          htmlFor="provider-name"
          error={fieldError(err, 'name')}
          hint="How the fallback order and the provider picker refer to it."
        >
          <input
            id="provider-name"
            className="input mono"
            value={name ?? kind}
            onChange={(e) => setName(e.target.value)}
          />
        </Field>
        <Field
          label={isCompatible ? 'API key (optional)' : 'API key'}
          htmlFor="provider-api-key"
          error={fieldError(err, 'apiKey')}
          hint="Stored encrypted; only the last four characters are ever shown."
        >
          <input
            id="provider-api-key"
            className="input mono"
            type="password"
            autoComplete="off"
            value={apiKey}
            onChange={(e) => setApiKey(e.target.value)}
            placeholder={isCompatible ? 'Leave empty for local servers' : 'sk-…'}
          />
        </Field>
        <Field
          label={isCompatible ? 'Model' : 'Default model (optional)'}
          htmlFor="provider-model"
          error={fieldError(err, 'defaultModel')}
          hint={isCompatible ? 'The model name your server expects, e.g. llama3.1.' : `Empty uses ${modelPlaceholder}.`}
        >
          <input
            id="provider-model"
            className="input mono"
            value={defaultModel}
            onChange={(e) => setDefaultModel(e.target.value)}
            placeholder={modelPlaceholder}
          />
        </Field>
        {isCompatible ? baseUrlField : null}
      </div>
      {!isCompatible ? (
        <div className="advanced">
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            aria-expanded={showAdvanced}
            onClick={() => setIsAdvanced(!showAdvanced)}
          >
            {showAdvanced ? '▾' : '▸'} Advanced
          </button>
          {showAdvanced ? baseUrlField : null}
        </div>
      ) : null}
      <FormActions label="Add provider" busy={add.isPending} busyLabel="Adding…" onCancel={onDone} />
    </form>
  );
}
