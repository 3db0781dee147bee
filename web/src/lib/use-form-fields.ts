import { useState } from 'react';
import { fieldError } from './errors.js';

/** The keys of `T` whose values are text. */
type TextKeys<T> = { [K in keyof T]: T[K] extends string ? K : never }[keyof T] & string;

/**
 * Binds the text fields of a draft the caller owns (read from `values`, changed through `patch`)
 * to `TextField`s, each with its error from `errorOf`.
 * Example: `const bind = bindDraft(step, onChange, errorOf);` then
 * `<TextField {...bind('retries', 'Retries', 'step-1-retries')} type="number" />`.
 */
export function bindDraft<T>(
  values: T,
  patch: (change: Partial<T>) => void,
  errorOf: (field: string) => string | undefined,
) {
  return <K extends TextKeys<T>>(name: K, label: string, id: string) => ({
    label,
    id,
    error: errorOf(name),
    value: values[name] as string,
    onChange: (value: string) => patch({ [name]: value } as Partial<T>),
  });
}

/**
 * A form's text values, each bound to a `TextField` under its input field's name, so the
 * field's server error (`error`, a mutation's) shows under it.
 * Example: `const form = useFormFields({ email: '' }, signIn.error);` then
 * `<TextField {...form.bind('email', 'Email', 'signin-email')} type="email" />` and `form.values.email`.
 */
export function useFormFields<T extends Record<string, string>>(initial: T | (() => T), error: unknown) {
  const [values, setValues] = useState<T>(initial);
  const bind = bindDraft(
    values,
    (change) => setValues((v) => ({ ...v, ...change })),
    (field) => fieldError(error, field),
  );
  return { values, setValues, bind };
}
