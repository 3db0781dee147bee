import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Secrets never reach a log line: these paths are censored wherever they appear.
 * Example: `log.info({ req: { headers } }, 'request')` prints `authorization: "[redacted]"`.
 */
const redactPaths = [
  'password',
  '*.password',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
];

/** `destination` is for tests that inspect what was logged; production logs go to stdout. */
export function createLogger(level: string, destination?: { write(line: string): void }): Logger {
  const options = { level, redact: { paths: redactPaths, censor: '[redacted]' }, base: undefined };
  return destination ? pino(options, destination) : pino(options);
}
