/**
 * The `offline` provider: a real, deterministic, network-free language model on the AI
 * SDK's provider interface, so nyxCore works before anyone adds a key. It never pretends
 * to be an LLM: text answers open with a label, and the model id says "offline".
 *
 * - Free text: an extractive answer. For a question, the sentences of the material that
 *   best match its terms; otherwise a frequency-ranked summary, in original order.
 * - JSON with a schema: a value that validates against the schema, its strings taken
 *   from the material (the sentence that best matches each property's name).
 */
import type {
  JSONSchema7,
  JSONSchema7Definition,
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';

export const OFFLINE_MODEL = 'offline-extractive-v1';
export const OFFLINE_LABEL = '[offline model: no LLM key is configured, so this answer is extracted from your input]';

const STOPWORDS = new Set(
  'a an and are as at be been but by can could did do does for from had has have how i if in into is it its me my no not of on or our should so than that the their them then there these they this to was we were what when where which who why will with would you your about over under after before more most some such also just only very'.split(
    ' ',
  ),
);

const words = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'_-]*/gu) ?? [];
const terms = (text: string): string[] => words(text).filter((w) => w.length > 2 && !STOPWORDS.has(w));

/** Splits material into sentences and list items, keeping their order. */
export function sentencesOf(text: string): string[] {
  return text
    .split(/\n+|(?<=[.!?])\s+(?=[\p{Lu}\d"'([])/u)
    .map((s) => s.replace(/^\s*(?:[-*+]|\d+[.)]|#{1,6})\s+/, '').trim())
    .filter((s) => words(s).length >= 3);
}

interface Material {
  system: string;
  /** Everything the user (and earlier assistant turns) said, oldest first. */
  body: string;
  lastUser: string;
  /** Which of the best-ranked sentences a string takes (array items take different ones). */
  pick?: number;
}

function materialOf(options: LanguageModelV3CallOptions): Material {
  let system = '';
  const parts: string[] = [];
  let lastUser = '';
  for (const m of options.prompt) {
    if (m.role === 'system') system += `${m.content}\n`;
    else if (m.role === 'user' || m.role === 'assistant') {
      // Earlier offline answers fed back in carry the label, and discussion transcripts a
      // "[Speaker]: " prefix per turn; neither is material.
      const text = m.content
        .map((p) => (p.type === 'text' ? p.text : ''))
        .join('\n')
        .split(OFFLINE_LABEL)
        .join('')
        .replace(/^\[[^\]\n]{1,80}\]:[ \t]*/gm, '')
        .trim();
      if (!text) continue;
      parts.push(text);
      if (m.role === 'user') lastUser = text;
    }
  }
  return { system, body: parts.join('\n\n'), lastUser };
}

/** Ranks sentences by the summed frequency of their terms (or by overlap with `focus`). */
function rank(sentences: string[], focus: string[] | null): { s: string; i: number; score: number }[] {
  const freq = new Map<string, number>();
  for (const s of sentences) for (const t of new Set(terms(s))) freq.set(t, (freq.get(t) ?? 0) + 1);
  const focusSet = focus ? new Set(focus) : null;
  return sentences
    .map((s, i) => {
      const ts = terms(s);
      const score = focusSet
        ? ts.filter((t) => focusSet.has(t)).length + ts.length * 1e-3
        : ts.reduce((acc, t) => acc + (freq.get(t) ?? 0), 0) / Math.sqrt(ts.length || 1);
      return { s, i, score };
    })
    .sort((a, b) => b.score - a.score || a.i - b.i);
}

export function extractiveAnswer(m: Material, maxChars: number): string {
  const sentences = sentencesOf(m.body);
  const question = /\?\s*$/.test(m.lastUser.trim()) ? terms(m.lastUser) : null;
  let body: string;
  if (!sentences.length) {
    body = m.body.trim() ? m.body.trim().slice(0, 400) : 'There is no material to work from yet.';
  } else if (question?.length) {
    // The question itself is not an answer; material in the same message still is.
    const asked = new Set(sentencesOf(m.lastUser).filter((s) => /\?\s*$/.test(s)));
    const pool = sentences.filter((s) => s !== m.lastUser.trim() && !asked.has(s));
    if (!pool.length) {
      body = 'This model only answers from material it is given, and there is none beyond your question yet. Paste the material in, or add a provider key on the LLM page for real answers.';
      const text = `${OFFLINE_LABEL}\n\n${body}`;
      return text.length > maxChars ? `${text.slice(0, Math.max(0, maxChars - 1))}…` : text;
    }
    const best = rank(pool, question).filter((r) => r.score >= 1).slice(0, 3);
    body = best.length
      ? `Most relevant to your question:\n${best.sort((a, b) => a.i - b.i).map((r) => `- ${r.s}`).join('\n')}`
      : 'Nothing in the material answers that question.';
  } else {
    const keep = Math.min(5, Math.max(1, Math.ceil(sentences.length / 4)));
    const top = rank(sentences, null).slice(0, keep).sort((a, b) => a.i - b.i);
    body = `Summary of the material (${top.length} of ${sentences.length} sentences):\n${top.map((r) => `- ${r.s}`).join('\n')}`;
  }
  const text = `${OFFLINE_LABEL}\n\n${body}`;
  return text.length > maxChars ? `${text.slice(0, Math.max(0, maxChars - 1))}…` : text;
}

/** Builds a value that satisfies `schema`, filling strings from the material. */
export function valueForSchema(schema: JSONSchema7Definition, m: Material, key = 'value', depth = 0): unknown {
  if (typeof schema === 'boolean' || depth > 8) return null;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const options = schema.anyOf ?? schema.oneOf;
  if (options?.[0] !== undefined) return valueForSchema(options[0], m, key, depth + 1);
  if (schema.allOf?.[0] !== undefined) return valueForSchema(schema.allOf[0], m, key, depth + 1);
  const type = Array.isArray(schema.type) ? (schema.type.find((t) => t !== 'null') ?? schema.type[0]) : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      // Each property takes its own sentence (a title and a detail should not repeat each other).
      Object.entries(schema.properties ?? {}).forEach(([k, sub], i) => (out[k] = valueForSchema(sub, { ...m, pick: (m.pick ?? 0) + i }, k, depth + 1)));
      return out;
    }
    case 'array': {
      const item = (Array.isArray(schema.items) ? schema.items[0] : schema.items) ?? {};
      const count = Math.max(schema.minItems ?? 1, Math.min(3, schema.maxItems ?? 3));
      return Array.from({ length: count }, (_, i) => valueForSchema(item, { ...m, pick: i }, key, depth + 1));
    }
    case 'integer':
    case 'number': {
      let n = typeof schema.minimum === 'number' ? schema.minimum : 0;
      if (typeof schema.exclusiveMinimum === 'number') n = schema.exclusiveMinimum + (type === 'integer' ? 1 : 0.5);
      if (typeof schema.maximum === 'number') n = Math.min(n, schema.maximum);
      return type === 'integer' ? Math.ceil(n) : n;
    }
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return stringFor(schema, m, key);
  }
}

function stringFor(schema: JSONSchema7, m: Material, key: string): string {
  if (schema.format === 'date-time') return '1970-01-01T00:00:00.000Z';
  if (schema.format === 'date') return '1970-01-01';
  if (schema.format === 'email') return 'offline@example.invalid';
  if (schema.format === 'uri' || schema.format === 'url') return 'https://example.invalid/';
  const sentences = sentencesOf(m.body);
  const focus = terms(`${key.replace(/([a-z])([A-Z])/g, '$1 $2')} ${schema.description ?? ''}`);
  const ranked = rank(sentences, focus);
  const best = sentences.length ? (ranked[(m.pick ?? 0) % ranked.length]?.s ?? sentences[0] ?? '') : m.body.trim();
  let s = best || `offline ${key}`;
  if (typeof schema.maxLength === 'number') s = s.slice(0, schema.maxLength);
  if (typeof schema.minLength === 'number' && s.length < schema.minLength) s = s.padEnd(schema.minLength, '.');
  return s;
}

const estimateTokens = (text: string) => Math.ceil(text.length / 4);

function usage(input: string, output: string): LanguageModelV3Usage {
  const inTok = estimateTokens(input);
  const outTok = estimateTokens(output);
  return {
    inputTokens: { total: inTok, noCache: inTok, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: outTok, text: outTok, reasoning: 0 },
  };
}

function respond(options: LanguageModelV3CallOptions): { text: string; input: string } {
  const m = materialOf(options);
  const input = `${m.system}\n${m.body}`;
  const maxChars = (options.maxOutputTokens ?? 4096) * 4;
  if (options.responseFormat?.type === 'json') {
    const schema = options.responseFormat.schema ?? { type: 'object', properties: { summary: { type: 'string' } } };
    return { text: JSON.stringify(valueForSchema(schema, m)), input };
  }
  return { text: extractiveAnswer(m, maxChars), input };
}

/** Example: `generateText({ model: new OfflineLanguageModel(), prompt: 'Summarise: …' })`. */
export class OfflineLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = 'v3';
  readonly provider = 'offline';
  readonly supportedUrls = {};
  constructor(readonly modelId: string = OFFLINE_MODEL) {}

  doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    options.abortSignal?.throwIfAborted();
    const { text, input } = respond(options);
    return Promise.resolve({
      content: [{ type: 'text', text }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: usage(input, text),
      warnings: [],
    });
  }

  doStream(options: LanguageModelV3CallOptions) {
    options.abortSignal?.throwIfAborted();
    const { text, input } = respond(options);
    // Word-sized chunks, like a real provider's token stream.
    const chunks = text.match(/\S+\s*|\s+/g) ?? [text];
    const parts: LanguageModelV3StreamPart[] = [
      { type: 'stream-start', warnings: [] },
      { type: 'response-metadata', id: 'offline', modelId: this.modelId },
      { type: 'text-start', id: 't0' },
      ...chunks.map((delta): LanguageModelV3StreamPart => ({ type: 'text-delta', id: 't0', delta })),
      { type: 'text-end', id: 't0' },
      { type: 'finish', usage: usage(input, text), finishReason: { unified: 'stop', raw: 'stop' } },
    ];
    let i = 0;
    const stream = new ReadableStream<LanguageModelV3StreamPart>({
      pull(controller) {
        if (options.abortSignal?.aborted) {
          controller.error(options.abortSignal.reason);
          return;
        }
        const part = parts[i++];
        if (part) controller.enqueue(part);
        else controller.close();
      },
    });
    return Promise.resolve({ stream });
  }
}
