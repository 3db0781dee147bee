import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../../lib/trpc.js';
import { useDebounced } from '../../../lib/use-debounced.js';
import { useCategories, type SpecializationId } from './SpecializationChips.js';

const MAX = 3;

interface PickerProps {
  value: SpecializationId[];
  onChange: (next: SpecializationId[]) => void;
  text: { description: string; systemPrompt: string; traits: string[] };
  readOnly?: boolean;
  error?: string | undefined;
}

/** Up to three domains as toggle chips, plus live suggestions inferred from the persona's text. */
export function SpecializationPicker({ value, onChange, text, readOnly, error }: PickerProps) {
  const trpc = useTRPC();
  const categories = useCategories();
  const input = useDebounced(text, 250);
  const hasText = !!(input.description.trim() || input.systemPrompt.trim() || input.traits.length);
  const suggestions = useQuery({
    ...trpc.personas.suggestSpecializations.queryOptions(input),
    enabled: hasText,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
  });
  const list = hasText ? (suggestions.data ?? []) : [];
  const toggle = (id: SpecializationId) =>
    onChange(value.includes(id) ? value.filter((v) => v !== id) : [...value, id]);
  const suggested = list.slice(0, MAX).map((s) => s.id);
  const isApplied =
    suggested.length > 0 && suggested.length === value.length && suggested.every((id) => value.includes(id));
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <span className="field-label" id="spec-label">
        Specializations <span className="muted">(up to {MAX})</span>
      </span>
      <div className="chip-toggles" role="group" aria-labelledby="spec-label" data-testid="spec-picker">
        {categories.list.map((c) => {
          const isOn = value.includes(c.id);
          return (
            <button
              key={c.id}
              type="button"
              className={`chip-toggle${isOn ? ' on' : ''}`}
              aria-pressed={isOn}
              disabled={readOnly || (!isOn && value.length >= MAX)}
              onClick={() => toggle(c.id)}
            >
              {c.label}
            </button>
          );
        })}
      </div>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : (
        <p className="field-hint">
          {value.length === 0
            ? 'None chosen: nyxCore infers them from the description, system prompt and traits when you save.'
            : `${value.length} of ${MAX} chosen.`}
        </p>
      )}
      <div className="suggestions" data-testid="spec-suggestions" aria-live="polite">
        <div className="suggestions-head">
          <span className="pane-label">Suggested from your text</span>
          {!readOnly && list.length > 0 ? (
            <button type="button" className="btn btn-sm" disabled={isApplied} onClick={() => onChange(suggested)}>
              {isApplied ? 'Applied' : 'Apply suggestions'}
            </button>
          ) : null}
        </div>
        {list.length === 0 ? (
          <p className="muted small">
            {hasText
              ? 'No clear domain yet. Mention tools, languages or tasks (e.g. “Kubernetes”, “SQL”, “accessibility”).'
              : 'Start writing a description and suggestions appear here.'}
          </p>
        ) : (
          <ul className="suggestion-list">
            {list.map((s) => (
              <li key={s.id} className="suggestion" data-testid="spec-suggestion">
                <span className="suggestion-label">{s.label}</span>
                <span className="suggestion-score" title="Sum of matched term weights">
                  score {Math.round(s.score * 10) / 10}
                </span>
                <span className="muted small">because: {s.matches.join(', ')}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
