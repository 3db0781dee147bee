import type { LanguageModelV3 } from '@ai-sdk/provider';
import { generateText } from 'ai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../logger.js';
import { routeSdkWarnings } from './sdk-warnings.js';

/** A model whose answer comes with a warning, as a provider ignoring a setting reports one. */
const warningModel: LanguageModelV3 = {
  specificationVersion: 'v3',
  provider: 'test-provider',
  modelId: 'test-model',
  supportedUrls: {},
  doGenerate: () =>
    Promise.resolve({
      content: [{ type: 'text', text: 'ok' }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: {
        inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
        outputTokens: { total: 1, text: 1, reasoning: 0 },
      },
      warnings: [{ type: 'unsupported', feature: 'temperature' }],
    }),
  doStream: () => Promise.reject(new Error('not used')),
};

describe('AI SDK warnings', () => {
  afterEach(() => {
    globalThis.AI_SDK_LOG_WARNINGS = undefined;
    vi.restoreAllMocks();
  });

  it('go to the JSON log with provider and model, not to the console', async () => {
    const lines: string[] = [];
    routeSdkWarnings(createLogger('warn', { write: (l) => lines.push(l) }));
    const consoleWarn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const consoleInfo = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    await generateText({ model: warningModel, prompt: 'hi', temperature: 0.3 });
    expect(consoleWarn).not.toHaveBeenCalled();
    expect(consoleInfo).not.toHaveBeenCalled();
    const entry = JSON.parse(lines[0] ?? '{}') as {
      msg: string;
      provider: string;
      model: string;
      warnings: { feature: string }[];
    };
    expect(entry).toMatchObject({ msg: 'AI SDK warning', provider: 'test-provider', model: 'test-model' });
    expect(entry.warnings[0]?.feature).toBe('temperature');
  });
});
