/** Vitest suite helpers (import only from tests: this module registers hooks). */
import { afterAll, beforeAll } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from './fake-llm-server.js';
import { startTestServer, type DbKind, type TestServer } from './harness.js';

/**
 * Starts a test server before the suite and closes it after. Example:
 * `let server: TestServer; useServer(kind, (s) => (server = s));`
 */
export function useServer(kind: DbKind, receive: (server: TestServer) => void): void {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startTestServer(kind);
    receive(server);
  });
  afterAll(async () => {
    await server?.close();
  });
}

/**
 * Starts a fake LLM server and a test server (LLM backoff without waiting) before the
 * suite and closes both after it. Example:
 * `let server: TestServer; let fake: FakeLlmServer; useServers(kind, (s) => ({ server, fake } = s));`
 */
export function useServers(
  kind: DbKind,
  receive: (s: { server: TestServer; fake: FakeLlmServer }) => void,
  env: Record<string, string> = {},
): void {
  let server: TestServer | undefined;
  let fake: FakeLlmServer | undefined;
  beforeAll(async () => {
    fake = await startFakeLlmServer();
    server = await startTestServer(kind, env, { llmOverrides: { sleep: () => Promise.resolve() } });
    receive({ server, fake });
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });
}
