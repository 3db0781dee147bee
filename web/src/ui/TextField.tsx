import type { ChangeEvent, InputHTMLAttributes, ReactNode, TextareaHTMLAttributes } from 'react';
import { Field } from './Field.js';

interface FieldBaseProps {
  label: string;
  /** The control's id (the label points at it). */
  id: string;
  error?: string | undefined;
  hint?: ReactNode;
  value: string | number;
  /** Called with the control's new text. */
  onChange: (value: string) => void;
  /** The control's class; `input` by default (e.g. `input mono` for code-like text). */
  className?: string;
}

type ControlProps<A> = FieldBaseProps & Omit<A, 'id' | 'value' | 'onChange' | 'className' | 'children'>;

/**
 * The `Field` around a control: `render` gets the control's props (its id, class, value and
 * an `onChange` that passes the new text on) and everything else the caller set.
 */
function labelled<P extends FieldBaseProps>(
  { label, id, error, hint, value, onChange, className = 'input', ...rest }: P,
  render: (control: typeof rest & ControlBinding) => ReactNode,
) {
  const control = {
    ...rest,
    id,
    className,
    value,
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => onChange(e.target.value),
  };
  return (
    <Field label={label} htmlFor={id} error={error} hint={hint}>
      {render(control)}
    </Field>
  );
}

interface ControlBinding {
  id: string;
  className: string;
  value: string | number;
  onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => void;
}

/** A labelled `<input className="input">` with its hint and field error. */
export function TextField(props: ControlProps<InputHTMLAttributes<HTMLInputElement>>) {
  return labelled(props, (control) => <input {...control} />);
}

/** A labelled `<textarea className="input">` with its hint and field error. */
export function TextAreaField(props: ControlProps<TextareaHTMLAttributes<HTMLTextAreaElement>>) {
  return labelled(props, (control) => <textarea {...control} />);
}
