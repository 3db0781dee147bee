/**
 * Infers a persona's specializations from its free text (name, description, system
 * prompt, traits) when the user did not pick any.
 *
 * Approach, chosen to stay explainable in the UI ("suggested because: kubernetes, helm"):
 * text is normalised into stemmed word tokens, scanned once left to right against a
 * precompiled lexicon where the longest phrase starting at each token wins, and each
 * domain's score is the sum of its matched terms' weights with diminishing returns for
 * repeats. No per-call regex per term, no model, no dependencies.
 */
import { specializationCategories, type SpecializationId } from '../../shared/specializations.js';
import { neutralPhrases, specializationLexicon } from './specialization-lexicon.js';

export { specializationCategories, specializationLabels, type SpecializationId } from '../../shared/specializations.js';

export interface SpecializationMatch {
  id: SpecializationId;
  /** Sum of matched term weights, rounded to 1e-6 so equal inputs tie exactly. */
  score: number;
  /** Lexicon terms that matched, biggest contribution first: the "why" shown in the UI. */
  matches: string[];
}

export interface ExtractOptions {
  /** How many domains to return at most (default 3). */
  limit?: number;
  /** The best domain must reach this, or nothing is returned (default {@link DEFAULT_MIN_SCORE}). */
  minScore?: number;
  /**
   * Once the best domain qualifies, further domains need only this (default
   * {@link DEFAULT_SECONDARY_MIN_SCORE}); never more than `minScore`.
   */
  secondaryMinScore?: number;
}

/**
 * Just below one strong term (3): a single unambiguous signal qualifies, while a lone
 * weak or ambiguous word (≤ 2, e.g. "security" alone, "test", "design") does not — two
 * medium words together do. Tuned on the eval tuning split.
 */
export const DEFAULT_MIN_SCORE = 2.5;

/**
 * One medium word (2: "security", "api", "slow queries", "cost optimisation") is enough
 * for a second or third domain once the text has shown it is technical: people name 1.7
 * domains per description, and "… Terraform for security misconfigurations" means
 * security too. On its own such a word still yields nothing ("home security advisor").
 */
export const DEFAULT_SECONDARY_MIN_SCORE = 2;

// ---------------------------------------------------------------------------------
// Normalisation
// ---------------------------------------------------------------------------------

/**
 * Words are runs of letters/digits; "c++"/"c#"/"f#" keep their symbol and ".net" its dot
 * because the symbol is the whole meaning. Everything else (/, ., -, quotes) separates,
 * so "CI/CD" → ci cd, "Node.js" → node js, "end-to-end" → end to end, "SOC 2" → soc 2:
 * the lexicon goes through the same function, so both sides agree.
 */
const TOKEN_RE = /\.net(?![\p{L}\p{N}])|[\p{L}\p{N}]+(?:\+\+|#)?/gu;
const MARKS_RE = /\p{M}+/gu;
const NON_ASCII_RE = /[\u0080-\uffff]/;
const VOWEL_RE = /[aeiouy]/;
const PLAIN_WORD_RE = /^[a-z]+$/;

/**
 * Words whose stem would land on an everyday word or an unrelated term: "theming" →
 * "them" made every "…tests them…" frontend, "embedded" → "embed" read as "embeddings".
 */
const IRREGULAR_STEMS = new Map<string, string>([
  ['theme', 'theme'],
  ['themes', 'theme'],
  ['themed', 'theme'],
  ['theming', 'theme'],
  ['embedded', 'embedded'],
]);

/** Bounded memo: stemming dominates tokenisation cost and real text repeats words a lot. */
const stemCache = new Map<string, string>();
const STEM_CACHE_MAX = 50_000;

/**
 * Deliberately small suffix stripper (not Porter): it only has to map a word and its
 * inflections to the same key — "tests/testing/tested" → "test", "databases" →
 * "databas", "optimising/optimized" → "optimiz" — and it runs on the lexicon too, so an
 * ugly stem is harmless. Short words, digits and non-ASCII words are left alone so that
 * "aws", "k8s", "ios", "s3", "css" survive.
 */
function stem(word: string): string {
  if (word.length <= 3) return word;
  const cached = stemCache.get(word);
  if (cached !== undefined) return cached;
  if (!PLAIN_WORD_RE.test(word)) return word;
  const irregular = IRREGULAR_STEMS.get(word);
  if (irregular !== undefined) return irregular;
  let s = word;
  let verbal = false;
  if (s.endsWith('ies') && s.length > 4) s = `${s.slice(0, -3)}y`;
  else if (s.endsWith('s') && !/(?:ss|us|is)$/.test(s)) s = s.slice(0, -1);
  if (s.endsWith('isation')) s = `${s.slice(0, -7)}ization`;
  if (s.endsWith('ing') && s.length >= 6 && VOWEL_RE.test(s.slice(0, -3))) {
    s = s.slice(0, -3);
    verbal = true;
  } else if (s.endsWith('ed') && !s.endsWith('eed') && s.length >= 5 && VOWEL_RE.test(s.slice(0, -2))) {
    s = s.slice(0, -2);
    verbal = true;
  }
  if (s.endsWith('e') && s.length > 4) {
    s = s.slice(0, -1);
    verbal = true;
  }
  // "optimis(e|ed|ing)" and "analys(e)" → the American z-form, so both spellings meet.
  if (verbal && /[iy]s$/.test(s)) s = `${s.slice(0, -1)}z`;
  // "running"→"run", "modelling"→"model", "install"→"instal": collapse a final double consonant.
  const last = s.charCodeAt(s.length - 1);
  if (s.length > 3 && last === s.charCodeAt(s.length - 2) && !VOWEL_RE.test(s[s.length - 1] ?? 'a')) {
    s = s.slice(0, -1);
  }
  if (stemCache.size >= STEM_CACHE_MAX) stemCache.clear();
  stemCache.set(word, s);
  return s;
}

/** Lower-cased, accent-stripped ("Diátaxis" → diataxis), stemmed tokens. */
export function tokenize(text: string): string[] {
  const lower = text.toLowerCase();
  // Accent folding is the costliest step and a no-op on ASCII, which most input is.
  const folded = NON_ASCII_RE.test(lower) ? lower.normalize('NFKD').replace(MARKS_RE, '') : lower;
  const out: string[] = [];
  for (const m of folded.matchAll(TOKEN_RE)) out.push(stem(m[0]));
  return out;
}

// ---------------------------------------------------------------------------------
// Precompiled lexicon
// ---------------------------------------------------------------------------------

interface CompiledTerm {
  tokens: string[];
  /** First spelling seen in the lexicon, for explanations. */
  label: string;
  /** Empty for neutral phrases: matched, consumed, scored as nothing. */
  weights: { id: SpecializationId; weight: number }[];
}

/** First token → candidate terms, longest first so the scan can stop at the first hit. */
const termIndex = new Map<string, CompiledTerm[]>();

function compile(): void {
  const byKey = new Map<string, CompiledTerm>();
  const add = (raw: string, id: SpecializationId | null, weight: number) => {
    const tokens = tokenize(raw);
    if (tokens.length === 0) throw new Error(`lexicon term without words: "${raw}"`);
    const key = tokens.join(' ');
    let term = byKey.get(key);
    if (!term) {
      term = { tokens, label: raw, weights: [] };
      byKey.set(key, term);
    }
    if (id === null) return;
    const existing = term.weights.find((w) => w.id === id);
    // Inflected duplicates ("test"/"tests") collapse to one key: keep the stronger weight.
    if (existing) existing.weight = Math.max(existing.weight, weight);
    else term.weights.push({ id, weight });
  };
  for (const id of specializationCategories) {
    for (const [weight, terms] of Object.entries(specializationLexicon[id])) {
      for (const raw of terms) add(raw, id, Number(weight));
    }
  }
  for (const raw of neutralPhrases) add(raw, null, 0);
  for (const term of byKey.values()) {
    const first = term.tokens[0] as string;
    const list = termIndex.get(first) ?? [];
    list.push(term);
    termIndex.set(first, list);
  }
  for (const list of termIndex.values()) list.sort((a, b) => b.tokens.length - a.tokens.length);
}
compile();

/** Longest lexicon term starting at tokens[i], if any. */
function matchAt(tokens: readonly string[], i: number): CompiledTerm | undefined {
  const candidates = termIndex.get(tokens[i] as string);
  if (!candidates) return undefined;
  outer: for (const term of candidates) {
    const n = term.tokens.length;
    if (i + n > tokens.length) continue;
    for (let k = 1; k < n; k++) if (tokens[i + k] !== term.tokens[k]) continue outer;
    return term;
  }
  return undefined;
}

/** Counts each term once per occurrence; a matched phrase consumes its words (no double count). */
function countTerms(text: string, counts: Map<CompiledTerm, number>): void {
  const tokens = tokenize(text);
  let i = 0;
  while (i < tokens.length) {
    const term = matchAt(tokens, i);
    if (!term) {
      i++;
      continue;
    }
    if (term.weights.length > 0) counts.set(term, (counts.get(term) ?? 0) + 1);
    i += term.tokens.length;
  }
}

// ---------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------

/**
 * Scores text against the 15 domains and returns the best ones, best first.
 * A term seen n times contributes weight × (1 + log10 n) — ten mentions count as two —
 * so repetition helps a little but one word repeated twenty times (×2.3) cannot outweigh
 * three distinct strong signals.
 * Arrays are scanned part by part so a phrase never spans two fields.
 *
 * @example
 * extractSpecializations('Kubernetes operator: Helm charts, ArgoCD GitOps, k8s')
 * // → [{ id: 'devops', score: 12, matches: ['kubernetes', 'helm', 'gitops', 'argocd', …] }, { id: 'cloud', … }]
 */
export function extractSpecializations(text: string | string[], opts: ExtractOptions = {}): SpecializationMatch[] {
  const limit = opts.limit ?? 3;
  const minScore = opts.minScore ?? DEFAULT_MIN_SCORE;
  const secondaryMinScore = Math.min(minScore, opts.secondaryMinScore ?? DEFAULT_SECONDARY_MIN_SCORE);
  const counts = new Map<CompiledTerm, number>();
  for (const part of typeof text === 'string' ? [text] : text) countTerms(part, counts);

  const scores = new Map<SpecializationId, { score: number; terms: { label: string; value: number }[] }>();
  for (const [term, n] of counts) {
    const factor = 1 + Math.log10(n);
    for (const { id, weight } of term.weights) {
      const entry = scores.get(id) ?? { score: 0, terms: [] };
      entry.score += weight * factor;
      entry.terms.push({ label: term.label, value: weight * factor });
      scores.set(id, entry);
    }
  }

  const results: SpecializationMatch[] = [];
  for (const id of specializationCategories) {
    const entry = scores.get(id);
    if (!entry) continue;
    const score = Math.round(entry.score * 1e6) / 1e6;
    if (score < secondaryMinScore) continue;
    entry.terms.sort((a, b) => b.value - a.value || a.label.localeCompare(b.label));
    results.push({ id, score, matches: entry.terms.map((t) => t.label) });
  }
  // Array.prototype.sort is stable and results are in canonical order, so ties keep it.
  results.sort((a, b) => b.score - a.score);
  if ((results[0]?.score ?? 0) < minScore) return [];
  return results.slice(0, Math.max(0, limit));
}

/**
 * Top-3 specialization ids for a persona, from everything the user wrote about it.
 *
 * @example
 * suggestSpecializations({ description: 'iOS developer', traits: ['SwiftUI', 'TestFlight'] }) // → ['mobile']
 */
export function suggestSpecializations(parts: {
  description?: string;
  systemPrompt?: string;
  traits?: string[];
}): SpecializationId[] {
  const texts = [parts.description ?? '', parts.systemPrompt ?? '', ...(parts.traits ?? [])];
  return extractSpecializations(texts).map((r) => r.id);
}
