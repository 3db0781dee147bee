/**
 * Hostile text against every procedure and every route: NUL characters, lone UTF-16
 * surrogates and broken percent-encodings must get a 4xx that names the field, never a
 * 5xx. Inputs are generated from each procedure's own zod schema (valid in every other
 * respect, the bad text in every string field), so a handler that let such text reach
 * PostgreSQL would fail here.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dbKinds, newUser, startTestServer, trpcError, type TestServer, type TestUser } from '../testing/harness.js';
import { appRouter } from './router.js';
import { createApp } from './app.js';

const badTexts = { nul: 'a\u0000b', surrogate: '\ud800 x', lowSurrogate: 'x \udc00', percent: '%E0%A4%A' } as const;

type JsonSchema = {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  minimum?: number;
  exclusiveMinimum?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
  pattern?: string;
};

/** A value of `schema` with `text` in every free-text string (ids stay valid uuids, enums valid). */
function sample(schema: JsonSchema | undefined, text: string, depth = 0): unknown {
  if (!schema || depth > 8) return undefined;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return sample(union.find((s) => s.type !== 'null') ?? union[0], text, depth + 1);
  if (schema.allOf?.length) return sample(schema.allOf[0], text, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(schema.properties ?? {})) out[k] = sample(v, text, depth + 1);
      return out;
    }
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => sample(schema.items, text, depth + 1));
    case 'string':
      if (schema.format === 'uuid') return randomUUID();
      if (schema.format === 'email') return `${text}@example.test`;
      if (schema.format === 'uri') return `http://example.test/${text}`;
      return `${text} padding to pass minimum lengths`;
    case 'integer':
    case 'number':
      return schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
    case 'boolean':
      return true;
    default:
      return undefined;
  }
}

interface Proc {
  path: string;
  type: 'query' | 'mutation';
  input: JsonSchema | undefined;
}

const procedures: Proc[] = Object.entries(
  (appRouter as unknown as { _def: { procedures: Record<string, { _def: { type: string; inputs: z.ZodType[] } }> } })
    ._def.procedures,
)
  // Signing out would end the session the rest of the calls use; neither takes input.
  .filter(([path]) => path !== 'auth.signOut' && path !== 'auth.signOutEverywhere')
  .map(([path, p]) => ({
    path,
    type: p._def.type as Proc['type'],
    input: p._def.inputs[0]
      ? (z.toJSONSchema(p._def.inputs[0], { io: 'input', unrepresentable: 'any' }) as JsonSchema)
      : undefined,
  }));

async function callRaw(user: TestUser, proc: Proc, input: unknown): Promise<Response> {
  // The body/query carries the raw JSON: JSON.stringify escapes a lone surrogate as \ud800, which JSON.parse restores.
  const payload = JSON.stringify({ json: input });
  return proc.type === 'query'
    ? user.client.raw(`/api/trpc/${proc.path}?input=${encodeURIComponent(payload)}`)
    : user.client.raw(`/api/trpc/${proc.path}`, { method: 'POST', body: payload });
}

describe.each(dbKinds)('hostile text on %s', (kind) => {
  let server: TestServer;
  let user: TestUser;
  let projectId: string;
  beforeAll(async () => {
    server = await startTestServer(kind);
    user = await newUser(server);
    projectId = (await user.client.trpc.projects.create.mutate({ name: 'Fuzzed' })).id;
  });
  afterAll(() => server.close());

  it('no procedure answers 5xx to NUL, lone surrogates or percent garbage in any string field', async () => {
    expect(procedures.length).toBeGreaterThan(60);
    const failures: string[] = [];
    let refusedWithField = 0;
    for (const proc of procedures) {
      for (const [name, text] of Object.entries(badTexts)) {
        const res = await callRaw(user, proc, proc.input ? sample(proc.input, text) : undefined);
        if (res.status >= 500) failures.push(`${proc.path} ${name}: ${res.status} ${(await res.text()).slice(0, 200)}`);
        else if (name !== 'percent' && res.status === 400) {
          const body = (await res.json()) as {
            error?: { json?: { data?: { fieldErrors?: Record<string, string[]> } } };
          };
          if (Object.keys(body.error?.json?.data?.fieldErrors ?? {}).length) refusedWithField += 1;
        } else await res.body?.cancel();
      }
    }
    expect(failures).toEqual([]);
    // Every procedure with a string field in its input refused the bad text with the field named.
    expect(refusedWithField).toBeGreaterThan(procedures.length);
  });

  it('names the field that holds the bad text, and writes nothing', async () => {
    for (const text of [badTexts.nul, badTexts.surrogate]) {
      const err = await trpcError(() =>
        user.client.trpc.notes.create.mutate({ projectId, title: 'fine', body: `x${text}y` }),
      );
      expect(err.httpStatus).toBe(400);
      expect(Object.keys(err.fieldErrors ?? {})).toEqual(['body']);
      const nested = await trpcError(() =>
        user.client.trpc.workflows.create.mutate({
          name: 'w',
          projectId,
          steps: [
            { name: 'A', prompt: 'ok' },
            { name: 'B', prompt: `bad ${text}` },
          ],
        }),
      );
      expect(Object.keys(nested.fieldErrors ?? {})).toEqual(['steps.1.prompt']);
      const renamed = await trpcError(() => user.client.trpc.workspaces.rename.mutate({ name: `Acme ${text}` }));
      expect(Object.keys(renamed.fieldErrors ?? {})).toEqual(['name']);
    }
    expect(await user.client.trpc.notes.list.query({ projectId })).toEqual([]);
    expect(await user.client.trpc.workflows.list.query({ projectId })).toEqual([]);
  });

  it('no REST route, SSE stream or static path answers 5xx to broken encodings', async () => {
    const routes = createApp(server.deps)
      .routes.filter((r) => r.path.startsWith('/api/v1/') && r.method !== 'ALL')
      .map((r) => r.path);
    expect(routes.length).toBeGreaterThan(4);
    const garbage = ['%00', '%ED%A0%80', '%ZZ', '%E0%A4%A', '%C0%AE%C0%AE', 'a%00b'];
    const paths = [
      ...routes.flatMap((r) => garbage.map((g) => `${r.replace(/:[A-Za-z]+/g, g)}?query=${g}&after=${g}&tenant=${g}`)),
      ...routes.map((r) => `${r.replace(/:[A-Za-z]+/g, projectId)}?query=${encodeURIComponent(badTexts.nul)}`),
      '/%ZZ',
      '/%E0%A4%A',
      '/%C0%AE%C0%AE/%C0%AE%C0%AE/etc/passwd',
      '/%00',
      '/w/%ZZ/projects',
      '/assets/%ED%A0%80.js',
      `/api/trpc/projects.list%ZZ?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`,
    ];
    const failures: string[] = [];
    for (const p of paths) {
      const res = await user.client.raw(p, { headers: { accept: 'text/event-stream' } });
      if (res.status >= 500) failures.push(`${p}: ${res.status}`);
      await res.body?.cancel();
    }
    expect(failures).toEqual([]);
    const nul = await user.client.raw(`/api/v1/projects?query=${encodeURIComponent(badTexts.nul)}`);
    expect(nul.status).toBe(400);
    expect(
      ((await nul.json()) as { error: { fieldErrors: Record<string, string[]> } }).error.fieldErrors,
    ).toHaveProperty('query');
  });
});
