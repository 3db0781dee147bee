import type { ReactNode } from 'react';

export interface ToggleOption<T extends string> {
  value: T;
  label: ReactNode;
  title?: string;
}

interface ToggleGroupProps<T extends string> {
  /** The group's accessible name ("Chart metric"). */
  label: string;
  options: readonly ToggleOption<T>[];
  value: T;
  onChange: (value: T) => void;
}

/**
 * A row of tab-styled toggle buttons, one pressed (`aria-pressed`).
 * Example: `<ToggleGroup label="Chart metric" options={[{ value: 'cost', label: 'Cost' }]} value={m} onChange={setM} />`.
 */
export function ToggleGroup<T extends string>({ label, options, value, onChange }: ToggleGroupProps<T>) {
  return (
    <div className="tabs" role="group" aria-label={label}>
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          className={`tab${value === o.value ? ' active' : ''}`}
          aria-pressed={value === o.value}
          onClick={() => onChange(o.value)}
          title={o.title}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}
