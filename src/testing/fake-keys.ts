/** Provider keys that send to the fake LLM server (tests only). */
import type { FakeLlmServer, FakeProvider } from './fake-llm-server.js';
import type { TestUser } from './harness.js';

const apiPaths: Record<FakeProvider, string> = {
  openai: '/openai/v1',
  anthropic: '/anthropic/v1',
  google: '/google/v1beta',
};

/**
 * Adds a provider key of `kind` (default openai, named after its kind unless `name` is
 * given) whose base URL is the fake server's. Example:
 * `await addFakeKey(a, fake, { name: 'paid', apiKey: 'sk-paid-0001' });`
 */
export function addFakeKey(
  u: TestUser,
  fake: FakeLlmServer,
  key: { name?: string; kind?: FakeProvider; apiKey?: string } = {},
) {
  const kind = key.kind ?? 'openai';
  return u.client.trpc.llm.keys.add.mutate({
    name: key.name ?? kind,
    kind,
    apiKey: key.apiKey ?? 'sk-test-123456',
    baseUrl: `${fake.url}${apiPaths[kind]}`,
  });
}
