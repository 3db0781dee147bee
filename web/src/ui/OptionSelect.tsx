import type { ReactNode } from 'react';

interface OptionSelectProps<T extends string> {
  id?: string;
  /** For a select without a visible label. */
  'aria-label'?: string;
  className?: string;
  value: string;
  onChange: (value: T | '') => void;
  /** The first option, for the empty value ("Any type", "Auto-detect", …). */
  emptyLabel: ReactNode;
  options: readonly T[];
  /** An option's text; the value itself by default. */
  optionLabel?: (option: T) => ReactNode;
  disabled?: boolean | undefined;
  title?: string;
}

/** A `<select>` of string options with a first, empty option. */
export function OptionSelect<T extends string>({
  className = 'input',
  value,
  onChange,
  emptyLabel,
  options,
  optionLabel = (o) => o,
  ...select
}: OptionSelectProps<T>) {
  return (
    <select {...select} className={className} value={value} onChange={(e) => onChange(e.target.value as T | '')}>
      <option value="">{emptyLabel}</option>
      {options.map((o) => (
        <option key={o} value={o}>
          {optionLabel(o)}
        </option>
      ))}
    </select>
  );
}
