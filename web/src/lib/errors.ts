/** Reading tRPC errors: a user-facing message, per-field errors and the error code. */
import { TRPCClientError } from '@trpc/client';
import { useState } from 'react';

export interface ErrorInfo {
  message: string;
  code: string | null;
  fieldErrors: Record<string, string[]>;
}

interface ErrorData {
  code?: string;
  httpStatus?: number;
  nyxCode?: string;
  fieldErrors?: Record<string, string[]>;
}

export function errorInfo(err: unknown): ErrorInfo {
  if (err instanceof TRPCClientError) {
    const data = (err.data ?? {}) as ErrorData;
    return {
      message: err.message || 'Something went wrong',
      code: data.code ?? null,
      fieldErrors: data.fieldErrors ?? {},
    };
  }
  if (err instanceof Error) return { message: err.message, code: null, fieldErrors: {} };
  return { message: 'Something went wrong', code: null, fieldErrors: {} };
}

export function errorCode(err: unknown): string | null {
  return errorInfo(err).code;
}

/** The first error for a field, if any. */
export function fieldError(err: unknown, field: string): string | undefined {
  if (!err) return undefined;
  return errorInfo(err).fieldErrors[field]?.[0];
}

/**
 * Field errors that step aside once the user edits the field: a message such as "Give the
 * discussion a title" must not stay under a title that has been filled in. Example:
 * `const fields = useFieldErrors(create.error); … error={fields.error('title')} onChange={… fields.touch('title')}`.
 */
export function useFieldErrors(err: unknown): {
  error: (field: string) => string | undefined;
  touch: (field: string) => void;
} {
  const [touched, setTouched] = useState<{ of: unknown; fields: Set<string> }>({ of: null, fields: new Set() });
  const current = touched.of === err ? touched.fields : new Set<string>();
  return {
    error: (field) => (current.has(field) ? undefined : fieldError(err, field)),
    touch: (field) => {
      if (!err || current.has(field)) return;
      setTouched({ of: err, fields: new Set([...current, field]) });
    },
  };
}
