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

/** Splits a labelled control's props into the `Field`'s and the control's. */
function split<P extends FieldBaseProps>({ label, id, error, hint, value, onChange, className = 'input', ...rest }: P) {
  return {
    field: { label, htmlFor: id, error, hint },
    control: {
      ...rest,
      id,
      className,
      value,
      onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => onChange(e.target.value),
    },
  };
}

/** A labelled `<input className="input">` with its hint and field error. */
export function TextField(props: ControlProps<InputHTMLAttributes<HTMLInputElement>>) {
  const { field, control } = split(props);
  return (
    <Field {...field}>
      <input {...control} />
    </Field>
  );
}

/** A labelled `<textarea className="input">` with its hint and field error. */
export function TextAreaField(props: ControlProps<TextareaHTMLAttributes<HTMLTextAreaElement>>) {
  const { field, control } = split(props);
  return (
    <Field {...field}>
      <textarea {...control} />
    </Field>
  );
}
