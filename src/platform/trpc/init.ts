import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError } from 'zod';
import { errorTable, NyxError, zodFieldErrors, type FieldErrors } from '../errors.js';
import type { Context } from './context.js';

function fieldErrorsOf(cause: unknown): FieldErrors | undefined {
  if (cause instanceof ZodError) return zodFieldErrors(cause.issues, '_');
  if (cause instanceof NyxError) return cause.fieldErrors;
  return undefined;
}

/**
 * Per-procedure declarations the middlewares read. `pin: 'project'` says a mutation keeps a
 * project-pinned token inside its project itself (service checks); every other mutation
 * refuses pinned tokens.
 */
export interface ProcedureMeta {
  pin?: 'project';
}

export const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    // Dates and other non-JSON values keep their types on the wire (the web client uses it too).
    transformer: superjson,
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      const isInternal = error.code === 'INTERNAL_SERVER_ERROR';
      const fieldErrors = fieldErrorsOf(cause);
      let message = error.message;
      if (isInternal) message = 'Internal error. The server log has the details.';
      else if (cause instanceof ZodError) {
        const fields = Object.keys(fieldErrors ?? {}).filter((k) => k !== '_');
        message = fields.length
          ? `Invalid input: ${fields.map((f) => `${f} (${fieldErrors?.[f]?.[0] ?? 'invalid'})`).join(', ')}`
          : 'Invalid input';
      }
      return {
        message,
        code: shape.code,
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          nyxCode: cause instanceof NyxError ? cause.code : undefined,
          fieldErrors,
        },
      };
    },
  });

/** Converts a domain error to the tRPC error carrying it; called once, at the edge. */
export function toTrpcError(err: unknown): unknown {
  if (err instanceof NyxError) {
    return new TRPCError({ code: errorTable[err.code].trpc, message: err.userMessage, cause: err });
  }
  return err;
}
