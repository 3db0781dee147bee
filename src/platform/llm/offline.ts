// One file on purpose (~470 lines): the offline model is one LanguageModelV3 whose extractive answers, schema filling and findings rendering share the same material.
/**
 * The `offline` provider: a real, deterministic, network-free language model on the AI
 * SDK's provider interface, so nyxCore works before anyone adds a key. It never pretends
 * to be an LLM: text answers open with a label, and the model id says "offline".
 *
 * - Material is what the user gave (workflow input and earlier step outputs arrive on their
 *   own channel, so a template's instructions are never quoted back); instructions only
 *   shape the answer (the sections they ask for).
 * - Free text: an extractive answer. Lines matching a known risky shape come first, with
 *   what they are; then, for a question, the sentences that best match its terms, otherwise
 *   a frequency-ranked summary. With requested sections, each section gets its own
 *   sentences. No sentence appears twice.
 * - JSON with a schema: a value that validates against the schema, its strings taken from
 *   the material; lists of findings come only from lines it can point to.
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
import { isCoveredBy, knownInsights, knownSection, type KnownAnalysis } from './offline-findings.js';
import { flaggedLines, isFindingsHeading, requestedSections, type Flagged } from './offline-signals.js';

export const OFFLINE_MODEL = 'offline-extractive-v1';
export const OFFLINE_LABEL =
  '[offline model: an extractive stand-in, not an LLM. It only quotes and arranges your material. For real answers add a provider key on the LLM page, or a local OpenAI-compatible server (Ollama at http://127.0.0.1:11434/v1, LM Studio at http://127.0.0.1:1234/v1) as an "OpenAI-compatible" provider.]';

/** What the caller knows that the prompt alone does not say. */
export interface OfflineContext {
  /** The user's material, apart from the instructions around it (workflow input, step outputs, memory). */
  material?: readonly string[];
  /** Providers that failed before the chain fell back to this model ("openai: HTTP 500"). */
  fallbackFrom?: readonly string[];
  /** What a deterministic analysis already found in the material: reported instead of guessed at. */
  analysis?: KnownAnalysis;
}

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
  /** Instruction text (system prompt, and the prompt itself when material came separately). */
  instructions: string;
  /** Everything the user (and earlier assistant turns) said, oldest first. */
  body: string;
  lastUser: string;
  /** Who said what, when the material is a transcript ("[Name]: …" turns); user turns are not positions. */
  turns: { speaker: string; text: string }[];
  /** Which of the best-ranked sentences a string takes (array items take different ones). */
  pick?: number;
  analysis?: KnownAnalysis;
}

const textOf = (m: LanguageModelV3CallOptions['prompt'][number]) =>
  m.role === 'system' ? m.content : m.content.map((p) => (p.type === 'text' ? p.text : '')).join('\n');

/** This model's own scaffolding, when an earlier offline answer is fed back in: not material. */
const SCAFFOLD =
  /^(?:summary of the material \(\d+ of \d+ sentences\):|most relevant to your question:|lines in the material that match known risks:|nothing in the material .*|#{1,6} .*|\[.*the offline model answered instead\.\]|no point was made by more than one participant\.)$/i;
const SPEAKER = /^\[([^\]\n]{1,80})\]:[ \t]*/;

/** Drops the label and scaffolding; splits "[Name]: …" transcript lines into turns. */
function cleaned(text: string, turns: Material['turns']): string {
  const kept: string[] = [];
  for (const raw of text.split(OFFLINE_LABEL).join('').split('\n')) {
    const speaker = SPEAKER.exec(raw)?.[1];
    const line = raw.replace(SPEAKER, '');
    if (SCAFFOLD.test(line.replace(/^\s*[-*+]\s+/, '').trim())) continue;
    if (speaker && !/\(user\)$/.test(speaker)) turns.push({ speaker, text: line });
    else if (speaker) turns.push({ speaker: '', text: line });
    else if (turns.length) turns[turns.length - 1]!.text += `\n${line}`;
    kept.push(line);
  }
  return kept.join('\n').trim();
}

function materialOf(options: LanguageModelV3CallOptions, ctx: OfflineContext): Material {
  let system = '';
  const parts: string[] = [];
  const turns: Material['turns'] = [];
  let lastUser = '';
  let prompt = '';
  for (const m of options.prompt) {
    if (m.role === 'system') system += `${m.content}\n`;
    else if (m.role === 'user' || m.role === 'assistant') {
      prompt += `${textOf(m)}\n`;
      const text = cleaned(textOf(m), turns);
      if (!text) continue;
      parts.push(text);
      if (m.role === 'user') lastUser = text;
    }
  }
  if (ctx.material) {
    const given = ctx.material.map((t) => cleaned(t, [])).filter(Boolean);
    // The instructions are the prompt without the material inside it (whose own headings are not requests).
    const instructions = ctx.material.reduce(
      (text, part) => (part.trim() ? text.split(part).join('\n') : text),
      prompt,
    );
    return {
      system,
      instructions: `${system}\n${instructions}`,
      body: given.join('\n\n'),
      lastUser: '',
      turns: [],
      ...(ctx.analysis ? { analysis: ctx.analysis } : {}),
    };
  }
  return {
    system,
    instructions: system,
    body: parts.join('\n\n'),
    lastUser,
    turns: turns.filter((t) => t.speaker),
    ...(ctx.analysis ? { analysis: ctx.analysis } : {}),
  };
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

const bullet = (s: string) => `- ${s}`;
const flaggedBullet = (f: Flagged) => `- **${f.signal.title}:** \`${f.line.replaceAll('`', "'")}\``;
const clip = (text: string, maxChars: number) =>
  text.length > maxChars ? `${text.slice(0, Math.max(0, maxChars - 1))}…` : text;
/** One spelling per sentence, so the same sentence quoted twice in the material is used once. */
const unique = (list: string[]) => [...new Map(list.map((s) => [s.toLowerCase().replace(/\s+/g, ' '), s])).values()];

/** Who said `sentence`, by the transcript's turns. */
const speakersOf = (m: Material, sentence: string) =>
  new Set(m.turns.filter((t) => t.text.includes(sentence)).map((t) => t.speaker));

/** Lines for a heading a transcript can answer (agreement, dispute, positions), or null. */
function fromTranscript(h: string, m: Material, sentences: string[], used: Set<string>): string[] | null {
  if (!m.turns.length) return null;
  const free = sentences.filter((s) => !used.has(s));
  if (/agree|consensus|common/i.test(h) && !/disagree/i.test(h)) {
    const shared = free.filter((s) => speakersOf(m, s).size >= 2).slice(0, 4);
    return shared.length
      ? shared.map((s) => (used.add(s), bullet(s)))
      : ['- No point was made by more than one participant.'];
  }
  if (/disput|disagree|open|unresolved|conflict/i.test(h)) {
    const single = free.filter((s) => speakersOf(m, s).size === 1 || /\?$/.test(s)).slice(0, 4);
    return single.map((s) => (used.add(s), bullet(s)));
  }
  if (/position|stance|view/i.test(h)) {
    const names = [...new Set(m.turns.map((t) => t.speaker))];
    return names.flatMap((name) => {
      const own = free.filter((s) => !used.has(s) && speakersOf(m, s).has(name));
      const best = rank(own, null)[0]?.s;
      if (best) return [(used.add(best), `- **${name}**: ${best}`)];
      // Everything they said is already above (as a shared point): say so rather than repeat it.
      return m.turns.some((t) => t.speaker === name) ? [`- **${name}**: made only the shared points above.`] : [];
    });
  }
  return null;
}

/** One section per requested heading, each with sentences no other section used. */
function sectioned(headings: string[], m: Material, sentences: string[], flagged: Flagged[]): string {
  const used = new Set<string>();
  const flaggedSet = new Set(flagged.map((f) => f.line));
  return headings
    .map((h) => {
      let lines = m.analysis ? knownSection(h, headings, m.analysis) : null;
      if (lines && isFindingsHeading(h)) {
        // Lines of a risky shape no rule of the analysis covered still belong here.
        const extra = flagged.filter((f) => !used.has(f.line)).slice(0, 8);
        lines = [...lines, ...extra.map((f) => (used.add(f.line), flaggedBullet(f)))];
      }
      lines ??= fromTranscript(h, m, sentences, used);
      if (lines) {
        // answered from who said what
      } else if (isFindingsHeading(h) && flagged.length) {
        lines = flagged
          .filter((f) => !used.has(f.line))
          .slice(0, 8)
          .map((f) => (used.add(f.line), flaggedBullet(f)));
      } else {
        const picked = rank(
          sentences.filter((s) => !used.has(s) && !flaggedSet.has(s)),
          terms(h),
        )
          .filter((r) => r.score >= 1)
          .slice(0, 3)
          .sort((a, b) => a.i - b.i);
        lines = picked.map((r) => (used.add(r.s), bullet(r.s)));
      }
      return `## ${h}\n${lines.length ? lines.join('\n') : `- Nothing in the material speaks to “${h.toLowerCase()}”.`}`;
    })
    .join('\n\n');
}

export function extractiveAnswer(m: Material, maxChars: number, ctx: OfflineContext = {}): string {
  const known = m.analysis?.findings ?? [];
  const sentences = unique(sentencesOf(m.body)).filter((s) => !isCoveredBy(s, known));
  const flagged = flaggedLines(m.body).filter((f) => !isCoveredBy(f.line, known));
  const flaggedSet = new Set(flagged.map((f) => f.line));
  const rest = sentences.filter((s) => !flaggedSet.has(s));
  const question = /\?\s*$/.test(m.lastUser.trim()) ? terms(m.lastUser) : null;
  const headings = requestedSections(m.instructions);
  const notable = flagged.length
    ? `Lines in the material that match known risks:\n${flagged.slice(0, 12).map(flaggedBullet).join('\n')}`
    : '';
  let body: string;
  if (!sentences.length && !flagged.length) {
    body = m.body.trim()
      ? m.body.trim().slice(0, 400)
      : 'There is no material to work from yet: this model only answers from what you give it.';
  } else if (headings.length) {
    body = sectioned(headings, m, sentences, flagged);
  } else if (question?.length) {
    // The question itself is not an answer; material in the same message still is.
    const asked = new Set(sentencesOf(m.lastUser).filter((s) => /\?\s*$/.test(s)));
    const pool = rest.filter((s) => s !== m.lastUser.trim() && !asked.has(s));
    if (!pool.length && !flagged.length) {
      body =
        'This model only answers from material it is given, and there is none beyond your question yet. Paste the material in, or add a provider key on the LLM page for real answers.';
    } else {
      const best = rank(pool, question)
        .filter((r) => r.score >= 1)
        .slice(0, 3);
      const answer = best.length
        ? `Most relevant to your question:\n${best
            .sort((a, b) => a.i - b.i)
            .map((r) => bullet(r.s))
            .join('\n')}`
        : 'Nothing in the material answers that question directly.';
      body = [notable, answer].filter(Boolean).join('\n\n');
    }
  } else {
    const keep = Math.min(5, Math.max(1, Math.ceil(rest.length / 4)));
    const top = rank(rest, null)
      .slice(0, keep)
      .sort((a, b) => a.i - b.i);
    const summary = top.length
      ? `Summary of the material (${top.length} of ${sentences.length} sentences):\n${top.map((r) => bullet(r.s)).join('\n')}`
      : '';
    body = [notable, summary].filter(Boolean).join('\n\n');
  }
  const note = ctx.fallbackFrom?.length
    ? `[${ctx.fallbackFrom.join('; ')}: the configured provider failed, so the offline model answered instead.]\n\n`
    : '';
  return clip(`${OFFLINE_LABEL}\n\n${note}${body}`, maxChars);
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
      Object.entries(schema.properties ?? {}).forEach(
        ([k, sub], i) => (out[k] = valueForSchema(sub, { ...m, pick: (m.pick ?? 0) + i }, k, depth + 1)),
      );
      return out;
    }
    case 'array': {
      const item = (Array.isArray(schema.items) ? schema.items[0] : schema.items) ?? {};
      if (typeof item !== 'boolean' && isFindingShape(item))
        return findingsFor(item, m, schema.minItems ?? 0, schema.maxItems ?? 12, depth);
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

/** An object with a title and a detail (an insight, a finding): built from lines it can point to. */
const isFindingShape = (schema: JSONSchema7) =>
  schema.type === 'object' && Boolean(schema.properties?.title) && Boolean(schema.properties?.detail);

/** The enum value named `wanted` if the schema has it, else its first. */
function enumPick(sub: JSONSchema7Definition | undefined, wanted: string): unknown {
  if (!sub || typeof sub === 'boolean') return wanted;
  const values =
    sub.enum ??
    (sub.anyOf ?? sub.oneOf)?.flatMap((o) => (typeof o === 'object' && o.const !== undefined ? [o.const] : []));
  if (!values?.length) return wanted;
  return values.includes(wanted) ? wanted : values[0];
}

/**
 * Findings only from material it can point to: one per line matching a known risk (its
 * title, the line as evidence, the fix). Without such lines, none unless the schema demands
 * some, then the material's most central sentences as low-severity observations.
 */
function findingsFor(item: JSONSchema7, m: Material, minItems: number, maxItems: number, depth: number): unknown[] {
  const props = item.properties ?? {};
  const known = m.analysis?.findings ?? [];
  const flagged = flaggedLines(m.body)
    .filter((f) => !isCoveredBy(f.line, known))
    .slice(0, Math.min(maxItems, 12));
  type Finding = Record<'title' | 'detail' | 'suggestion' | 'category' | 'type' | 'severity', string>;
  const fromFlag = (f: Flagged): Finding => ({
    title: f.signal.title,
    detail: `The material says: ${f.line}`,
    suggestion: f.signal.suggestion,
    category: f.signal.category,
    type: 'pain_point',
    severity: f.signal.severity,
  });
  const sentences = unique(sentencesOf(m.body));
  const fromSentence = (s: string): Finding => ({
    title: words(s).slice(0, 10).join(' '),
    detail: s,
    suggestion: '',
    category: 'general',
    type: 'pattern',
    severity: 'low',
  });
  const base = [...(m.analysis ? knownInsights(m.analysis) : []), ...flagged.map(fromFlag)].slice(0, maxItems);
  for (const r of rank(sentences, null)) {
    if (base.length >= minItems) break;
    base.push(fromSentence(r.s));
  }
  return base.map((f, i) => {
    const out: Record<string, unknown> = {};
    for (const [k, sub] of Object.entries(props)) {
      const known = f[k as keyof Finding] as string | undefined;
      if (known !== undefined && (k === 'type' || k === 'severity')) out[k] = enumPick(sub, known);
      else if (known !== undefined && typeof sub === 'object' && (sub.type === 'string' || sub.type === undefined))
        out[k] = fitString(sub, known);
      else out[k] = valueForSchema(sub, { ...m, pick: i }, k, depth + 1);
    }
    return out;
  });
}

function fitString(schema: JSONSchema7, value: string): string {
  let s = value;
  if (typeof schema.maxLength === 'number') s = s.slice(0, schema.maxLength);
  if (typeof schema.minLength === 'number' && s.length < schema.minLength) s = s.padEnd(schema.minLength, '.');
  return s;
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
  return fitString(schema, best || `offline ${key}`);
}

/** ~4 characters a token: the estimate used where no provider counted (offline answers, a cancelled stream). */
export const estimateTokens = (chars: number) => Math.ceil(chars / 4);

function usage(input: string, output: string): LanguageModelV3Usage {
  const inTok = estimateTokens(input.length);
  const outTok = estimateTokens(output.length);
  return {
    inputTokens: { total: inTok, noCache: inTok, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: outTok, text: outTok, reasoning: 0 },
  };
}

function respond(options: LanguageModelV3CallOptions, ctx: OfflineContext): { text: string; input: string } {
  const m = materialOf(options, ctx);
  const input = `${m.instructions}\n${m.body}`;
  const maxChars = (options.maxOutputTokens ?? 4096) * 4;
  if (options.responseFormat?.type === 'json') {
    const schema = options.responseFormat.schema ?? { type: 'object', properties: { summary: { type: 'string' } } };
    return { text: JSON.stringify(valueForSchema(schema, m)), input };
  }
  return { text: extractiveAnswer(m, maxChars, ctx), input };
}

/** Example: `generateText({ model: new OfflineLanguageModel(), prompt: 'Summarise: …' })`. */
export class OfflineLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = 'v3';
  readonly provider = 'offline';
  readonly supportedUrls = {};
  constructor(
    readonly modelId: string = OFFLINE_MODEL,
    private readonly ctx: OfflineContext = {},
  ) {}

  doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    options.abortSignal?.throwIfAborted();
    const { text, input } = respond(options, this.ctx);
    return Promise.resolve({
      content: [{ type: 'text', text }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: usage(input, text),
      warnings: [],
    });
  }

  doStream(options: LanguageModelV3CallOptions) {
    options.abortSignal?.throwIfAborted();
    const { text, input } = respond(options, this.ctx);
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
