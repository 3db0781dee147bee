/** The persona, provider and model controls shared by the workflow's defaults and each step's overrides. */
import { OptionSelect } from '../../../ui/OptionSelect.js';

export interface ProviderOption {
  name: string;
  defaultModel: string;
}

export interface PersonaOption {
  id: string;
  name: string;
}

/**
 * The configured providers' names, plus saved ones that are no longer configured: those
 * stay selectable, so saving does not drop them silently.
 */
export const providerNames = (providers: readonly ProviderOption[], saved: readonly string[]): string[] => [
  ...new Set([...providers.map((p) => p.name), ...saved.filter(Boolean)]),
];

interface SelectProps {
  id: string;
  value: string;
  onChange: (value: string) => void;
  /** The label of the empty choice ('' = the default). */
  emptyLabel: string;
  disabled: boolean;
}

export function PersonaSelect({ personas, ...select }: SelectProps & { personas: readonly PersonaOption[] }) {
  const nameOf = new Map(personas.map((p) => [p.id, p.name]));
  return <OptionSelect {...select} options={[...nameOf.keys()]} optionLabel={(id) => nameOf.get(id)} />;
}

/** `names`: what `providerNames` returns. */
export function ProviderSelect({ names, ...select }: SelectProps & { names: readonly string[] }) {
  return <OptionSelect {...select} options={names} />;
}

/** A model name; its placeholder is the chosen provider's default model. */
export function ModelInput({
  id,
  value,
  onChange,
  provider,
  providers,
  readOnly,
}: {
  id: string;
  value: string;
  onChange: (value: string) => void;
  provider: string;
  providers: readonly ProviderOption[];
  readOnly: boolean;
}) {
  const chosen = providers.find((p) => p.name === provider);
  return (
    <input
      id={id}
      className="input"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      readOnly={readOnly}
      placeholder={chosen?.defaultModel ?? 'Provider default'}
    />
  );
}
