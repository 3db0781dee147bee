import { FormActions } from '../../../ui/FormActions.js';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { fieldError } from '../../../lib/errors.js';
import { useTRPC, type RouterInputs } from '../../../lib/trpc.js';
import { Field } from '../../../ui/Field.js';
import { TextField } from '../../../ui/TextField.js';
import { useFormFields } from '../../../lib/use-form-fields.js';
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
  const form = useFormFields({ apiKey: '', baseUrl: '', defaultModel: '' }, err);
  const { apiKey, baseUrl, defaultModel } = form.values;
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
    <TextField
      {...form.bind('baseUrl', isCompatible ? 'Base URL' : 'Base URL (optional)', 'provider-base-url')}
      hint={
        isCompatible
          ? 'The endpoint serving /chat/completions, e.g. http://localhost:11434/v1 for Ollama.'
          : 'Only for proxies or gateways; empty uses the official API.'
      }
      className="input mono"
      type="url"
      placeholder={isCompatible ? 'http://localhost:11434/v1' : 'https://…'}
    />
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
        <TextField
          {...form.bind('apiKey', isCompatible ? 'API key (optional)' : 'API key', 'provider-api-key')}
          hint="Stored encrypted; only the last four characters are ever shown."
          className="input mono"
          type="password"
          autoComplete="off"
          placeholder={isCompatible ? 'Leave empty for local servers' : 'sk-…'}
        />
        <TextField
          {...form.bind('defaultModel', isCompatible ? 'Model' : 'Default model (optional)', 'provider-model')}
          hint={isCompatible ? 'The model name your server expects, e.g. llama3.1.' : `Empty uses ${modelPlaceholder}.`}
          className="input mono"
          placeholder={modelPlaceholder}
        />
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
