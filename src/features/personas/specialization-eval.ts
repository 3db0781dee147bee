/**
 * Metrics for the specialization extractor, shared by `scripts/eval-specializations.ts`
 * and the unit test so the numbers printed and the numbers asserted cannot drift apart.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { specializationCategories, type SpecializationId } from './specialization-extractor.js';
import { specializationLexicon } from './specialization-lexicon.js';

export interface EvalItem {
  id: string;
  text: string;
  /** Correct domains, most important first; empty for off-topic text. */
  expected: SpecializationId[];
  split: 'tune' | 'holdout';
}

export interface Metrics {
  items: number;
  /** First prediction equals first expected id; off-topic items count iff nothing was predicted. */
  top1: number;
  /** Micro-averaged over items with labels: |predicted ∩ expected| / |predicted|. */
  precision: number;
  /** Micro-averaged over items with labels: |predicted ∩ expected| / |expected|. */
  recall: number;
  /** Share of off-topic items (expected []) with no prediction; NaN when there are none. */
  rejection: number;
  /** Mean domains predicted per labelled item, next to the mean a person named. */
  meanPredicted: number;
  meanExpected: number;
  /** Expected domains after the first that the prediction left out, most often missed first. */
  missedSecondary: { id: SpecializationId; count: number }[];
  misses: { id: string; expected: SpecializationId[]; predicted: SpecializationId[] }[];
}

export type Predictor = (text: string) => SpecializationId[];

const evalDir = new URL('../../../eval/specializations/', import.meta.url);

/** The original set: written by the lexicon's authors, with its own tune/holdout split. */
export const defaultEvalPath = fileURLToPath(new URL('personas.jsonl', evalDir));

/**
 * Descriptions phrased the way other people write them (job ads, terse notes, first
 * person, typos). `others` may be tuned on; `holdout` was written before any tuning and
 * never is: it is only measured.
 */
export const othersEvalPath = fileURLToPath(new URL('others.jsonl', evalDir));
export const holdoutEvalPath = fileURLToPath(new URL('holdout.jsonl', evalDir));

const validIds = new Set<string>(specializationCategories);

/** Parses and validates the JSONL set; throws with the line number on any malformed item. */
export function loadEvalSet(path: string = defaultEvalPath): EvalItem[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const items: EvalItem[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const raw = JSON.parse(line) as Partial<Record<keyof EvalItem, unknown>>;
    const { id, text, expected, split } = raw;
    const ok =
      typeof id === 'string' &&
      typeof text === 'string' &&
      Array.isArray(expected) &&
      expected.length <= 3 &&
      expected.every((e) => typeof e === 'string' && validIds.has(e)) &&
      (split === 'tune' || split === 'holdout');
    if (!ok) throw new Error(`${path}:${i + 1}: malformed eval item`);
    items.push({ id, text, expected: expected as SpecializationId[], split });
  });
  return items;
}

/** Runs the predictor over the items (prediction truncated to 3) and scores it. */
export function evaluate(items: readonly EvalItem[], predict: Predictor): Metrics {
  let top1 = 0;
  let hits = 0;
  let predicted = 0;
  let expectedTotal = 0;
  let offTopic = 0;
  let rejected = 0;
  let labelled = 0;
  const missedSecondary = new Map<SpecializationId, number>();
  const misses: Metrics['misses'] = [];
  for (const item of items) {
    const pred = predict(item.text).slice(0, 3);
    let correct: boolean;
    if (item.expected.length === 0) {
      offTopic++;
      correct = pred.length === 0;
      if (correct) rejected++;
    } else {
      correct = pred[0] === item.expected[0];
      hits += pred.filter((p) => item.expected.includes(p)).length;
      predicted += pred.length;
      expectedTotal += item.expected.length;
      labelled++;
      for (const e of item.expected.slice(1)) {
        if (!pred.includes(e)) missedSecondary.set(e, (missedSecondary.get(e) ?? 0) + 1);
      }
    }
    if (correct) top1++;
    else misses.push({ id: item.id, expected: item.expected, predicted: pred });
  }
  return {
    items: items.length,
    top1: items.length ? top1 / items.length : NaN,
    precision: predicted ? hits / predicted : 0,
    recall: expectedTotal ? hits / expectedTotal : 0,
    rejection: offTopic ? rejected / offTopic : NaN,
    meanPredicted: labelled ? predicted / labelled : NaN,
    meanExpected: labelled ? expectedTotal / labelled : NaN,
    missedSecondary: [...missedSecondary]
      .map(([id, count]) => ({ id, count }))
      .sort(
        (a, b) => b.count - a.count || specializationCategories.indexOf(a.id) - specializationCategories.indexOf(b.id),
      ),
    misses,
  };
}

/**
 * The naive baseline the extractor must beat: raw substring counts of every lexicon term,
 * no weights, word boundaries, stemming or minimum score; top 3 by count, ties by
 * canonical order. Terms are lower-cased once up front, as the extractor precompiles too.
 */
const naiveTerms = specializationCategories.map((id) => ({
  id,
  terms: Object.values(specializationLexicon[id])
    .flat()
    .map((t) => t.toLowerCase()),
}));

export function naiveBaseline(text: string): SpecializationId[] {
  const lower = text.toLowerCase();
  const scored: { id: SpecializationId; count: number }[] = [];
  for (const { id, terms } of naiveTerms) {
    let count = 0;
    for (const term of terms) count += lower.split(term).length - 1;
    if (count > 0) scored.push({ id, count });
  }
  scored.sort((a, b) => b.count - a.count); // stable: ties stay in canonical order
  return scored.slice(0, 3).map((s) => s.id);
}
