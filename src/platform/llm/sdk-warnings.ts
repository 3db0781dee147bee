/**
 * The AI SDK prints its warnings (an unsupported setting, a deprecated model) with
 * console.warn, as plain text between our JSON log lines. Routed through pino instead, so
 * log collectors parse every line and the warning keeps its provider and model.
 */
import type { Logger } from '../logger.js';

/** Example: `routeSdkWarnings(log)` once at start-up. */
export function routeSdkWarnings(log: Logger): void {
  globalThis.AI_SDK_LOG_WARNINGS = ({ warnings, provider, model }) => {
    log.warn({ provider, model, warnings }, 'AI SDK warning');
  };
}
