/** Reading tRPC errors: a user-facing message, per-field errors and the error code. */
import { TRPCClientError } from '@trpc/client';

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
    return { message: err.message || 'Something went wrong', code: data.code ?? null, fieldErrors: data.fieldErrors ?? {} };
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
