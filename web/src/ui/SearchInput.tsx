import type { InputHTMLAttributes } from 'react';

interface SearchInputProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange' | 'type'> {
  id: string;
  /** The screen-reader label ("Search projects"). */
  label: string;
  value: string;
  /** Called with the input's new text. */
  onChange: (value: string) => void;
}

/**
 * A search box with a visually hidden label; `className` defaults to `input search`.
 * Example: `<SearchInput id="project-search" label="Search projects" value={q} onChange={setQ} />`.
 */
export function SearchInput({ id, label, value, onChange, className = 'input search', ...input }: SearchInputProps) {
  return (
    <>
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <input
        {...input}
        id={id}
        className={className}
        type="search"
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </>
  );
}
