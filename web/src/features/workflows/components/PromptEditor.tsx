import { useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ValidationIssue } from '../workflows.js';

interface PromptEditorProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** The variables this step may use (autocomplete after `{{`). */
  variables: readonly string[];
  /** Live issues in this prompt (from `workflows.validate`). */
  issues: readonly ValidationIssue[];
  /** A save error for the prompt not covered by the live issues. */
  error?: string | undefined;
  hint?: string | undefined;
  readOnly?: boolean;
}

/** `{{` + partial name right before the caret: where an autocomplete would insert. */
function openVariable(text: string, caret: number): { start: number; query: string } | null {
  const m = /\{\{\s*([A-Za-z0-9_.-]*)$/.exec(text.slice(0, caret));
  return m ? { start: m.index, query: m[1] ?? '' } : null;
}

function matching(variables: readonly string[], query: string): string[] {
  const q = query.toLowerCase();
  const hits = variables.filter((v) => v.toLowerCase().includes(q));
  return [
    ...hits.filter((v) => v.toLowerCase().startsWith(q)),
    ...hits.filter((v) => !v.toLowerCase().startsWith(q)),
  ].slice(0, 10);
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Replaces the `{{…}}` an issue points at with its suggestion (found again if the text moved). */
export function applySuggestion(prompt: string, issue: ValidationIssue): string {
  if (!issue.suggestion) return prompt;
  const at = /^\{\{\s*([^{}]*?)\s*\}\}/.exec(prompt.slice(issue.offset));
  if (at && at[1] === issue.variable)
    return prompt.slice(0, issue.offset) + issue.suggestion + prompt.slice(issue.offset + at[0].length);
  return prompt.replace(new RegExp(`\\{\\{\\s*${escapeRe(issue.variable)}\\s*\\}\\}`), issue.suggestion);
}

/** A monospace prompt textarea with `{{variable}}` autocomplete and inline template issues. */
export function PromptEditor({
  id,
  label,
  value,
  onChange,
  variables,
  issues,
  error,
  hint,
  readOnly,
}: PromptEditorProps) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const [menu, setMenu] = useState<{ start: number; query: string } | null>(null);
  const [active, setActive] = useState(0);
  const caretAfter = useRef<number | null>(null);
  const options = menu ? matching(variables, menu.query) : [];
  const isOpen = !readOnly && options.length > 0;
  const listId = `${id}-variables`;
  const issuesId = `${id}-issues`;

  useLayoutEffect(() => {
    const el = ref.current;
    if (el && caretAfter.current !== null) {
      el.setSelectionRange(caretAfter.current, caretAfter.current);
      caretAfter.current = null;
    }
  });

  const detect = (el: HTMLTextAreaElement) => {
    const next = el.selectionStart === el.selectionEnd ? openVariable(el.value, el.selectionStart) : null;
    if (next?.start === menu?.start && next?.query === menu?.query) return;
    setMenu(next);
    setActive(0);
  };

  const choose = (variable: string) => {
    const el = ref.current;
    if (!el || !menu) return;
    const caret = el.selectionStart;
    const rest = value.slice(caret).replace(/^[A-Za-z0-9_.-]*\s*\}\}/, '');
    const inserted = `{{${variable}}}`;
    onChange(value.slice(0, menu.start) + inserted + rest);
    caretAfter.current = menu.start + inserted.length;
    setMenu(null);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (!isOpen) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const n = options.length;
      setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      choose(options[Math.min(active, options.length - 1)]!);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      setMenu(null);
    }
  };

  const hasProblem = issues.length > 0 || !!error;
  const describedBy =
    [issues.length ? issuesId : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field prompt-field${hasProblem ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <div className="prompt-wrap">
        <textarea
          ref={ref}
          id={id}
          className="input mono prompt-input step-prompt"
          rows={8}
          value={value}
          readOnly={readOnly}
          spellCheck={false}
          aria-invalid={hasProblem || undefined}
          aria-describedby={describedBy}
          aria-autocomplete="list"
          aria-controls={isOpen ? listId : undefined}
          aria-activedescendant={isOpen ? `${listId}-${Math.min(active, options.length - 1)}` : undefined}
          onChange={(e) => {
            onChange(e.target.value);
            detect(e.target);
          }}
          onSelect={(e) => detect(e.currentTarget)}
          onKeyDown={onKeyDown}
          onBlur={() => setMenu(null)}
        />
        {isOpen ? (
          <ul
            className="autocomplete"
            role="listbox"
            id={listId}
            aria-label="Template variables"
            data-testid="variable-menu"
          >
            {options.map((v, i) => (
              <li
                key={v}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === active}
                className={`autocomplete-option${i === active ? ' active' : ''}`}
                // mousedown, not click: the textarea must keep focus and its caret.
                onMouseDown={(e) => {
                  e.preventDefault();
                  choose(v);
                }}
              >
                <code>{`{{${v}}}`}</code>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      {issues.length ? (
        <ul className="prompt-issues" id={issuesId} data-testid="prompt-issues" aria-live="polite">
          {issues.map((issue, i) => (
            <li key={`${issue.offset}:${issue.variable}:${i}`} className="prompt-issue" data-testid="prompt-issue">
              <span className="prompt-issue-pos mono">
                {issue.line}:{issue.column}
              </span>
              <span>{issue.message}</span>
              {issue.suggestion && !readOnly && issue.suggestion.startsWith('{{') ? (
                <button
                  type="button"
                  className="btn btn-sm"
                  onClick={() => onChange(applySuggestion(value, issue))}
                  aria-label={`Replace {{${issue.variable}}} with ${issue.suggestion}`}
                >
                  Use <code>{issue.suggestion}</code>
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
      {hint && !hasProblem ? <p className="field-hint">{hint}</p> : null}
    </div>
  );
}
