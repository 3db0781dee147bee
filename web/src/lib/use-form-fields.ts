import { useState } from 'react';
import { fieldError } from './errors.js';

/**
 * A form's text values, each bound to a `TextField` under its input field's name, so the
 * field's server error (`error`, a mutation's) shows under it.
 * Example: `const form = useFormFields({ email: '' }, signIn.error);` then
 * `<TextField {...form.bind('email', 'Email', 'signin-email')} type="email" />` and `form.values.email`.
 */
export function useFormFields<T extends Record<string, string>>(initial: T | (() => T), error: unknown) {
  const [values, setValues] = useState<T>(initial);
  const bind = (name: keyof T & string, label: string, id: string) => ({
    label,
    id,
    error: fieldError(error, name),
    value: values[name],
    onChange: (value: string) => setValues((v) => ({ ...v, [name]: value })),
  });
  return { values, setValues, bind };
}
