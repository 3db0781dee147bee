/**
 * npm run eval:specializations — accuracy of the persona specialization extractor, next
 * to a naive keyword-count baseline, on three labelled sets in eval/specializations/:
 *   original  personas.jsonl (the lexicon authors' own, with its tune/holdout split)
 *   others    others.jsonl   (others' phrasing; may be tuned on)
 *   holdout   holdout.jsonl  (others' phrasing; written before tuning, never tuned on)
 * Thin CLI: the metrics live in src/features/personas/specialization-eval.ts (shared with
 * the unit test).
 *
 *   npx tsx scripts/eval-specializations.ts [--misses tune|holdout|all|none]
 *
 * Misses default to the sets one may tune on (`tune`: original + others), so the
 * holdout's errors stay unseen unless asked for.
 */
import { extractSpecializations } from '../src/features/personas/specialization-extractor.js';
import {
  evaluate,
  holdoutEvalPath,
  loadEvalSet,
  naiveBaseline,
  othersEvalPath,
  type EvalItem,
  type Metrics,
  type Predictor,
} from '../src/features/personas/specialization-eval.js';

const missesArg = process.argv.includes('--misses') ? process.argv[process.argv.indexOf('--misses') + 1] : 'tune';
const original = loadEvalSet();
const others = loadEvalSet(othersEvalPath);
const holdout = loadEvalSet(holdoutEvalPath);
const extractor: Predictor = (text) => extractSpecializations(text).map((r) => r.id);
const sets: [string, EvalItem[]][] = [
  ['original', original],
  ['  its tune', original.filter((i) => i.split === 'tune')],
  ['  its holdout', original.filter((i) => i.split === 'holdout')],
  ['others (tune)', others],
  ['holdout', holdout],
];

const pct = (x: number) => (Number.isNaN(x) ? '   n/a' : `${(x * 100).toFixed(1).padStart(5)}%`);
console.log(`items: original ${original.length}, others ${others.length}, holdout ${holdout.length}\n`);
console.log('set            predictor   items   top-1   top-3 P   top-3 R   returned/named   off-topic rejected');
const results = new Map<string, Metrics>();
for (const [name, subset] of sets) {
  for (const [pname, predict] of [
    ['extractor', extractor],
    ['baseline', naiveBaseline],
  ] as const) {
    const m = evaluate(subset, predict);
    results.set(`${name.trim()}/${pname}`, m);
    const domains = `${m.meanPredicted.toFixed(2)} / ${m.meanExpected.toFixed(2)}`;
    console.log(
      `${name.padEnd(14)} ${pname.padEnd(10)} ${String(m.items).padStart(6)}  ${pct(m.top1)}   ${pct(m.precision)}    ${pct(m.recall)}    ${domains.padStart(11)}      ${pct(m.rejection)}`,
    );
  }
}

console.log('\nsecondary domains missed by the extractor (count):');
for (const name of ['original', 'others (tune)', 'holdout']) {
  const missed = results.get(`${name}/extractor`)?.missedSecondary ?? [];
  console.log(`  ${name.padEnd(14)} ${missed.map((x) => `${x.id} ${x.count}`).join(', ') || 'none'}`);
}

if (missesArg !== 'none') {
  const scopes: Record<string, EvalItem[]> = {
    tune: [...original.filter((i) => i.split === 'tune'), ...others],
    holdout: [...original.filter((i) => i.split === 'holdout'), ...holdout],
    all: [...original, ...others, ...holdout],
  };
  const scope = missesArg !== undefined && missesArg in scopes ? missesArg : 'tune';
  const items: EvalItem[] = scopes[scope] ?? [];
  // Any item whose prediction differs from the labels in membership or first place.
  const isExact = (expected: readonly string[], pred: readonly string[]) =>
    pred[0] === expected[0] && pred.length === expected.length && expected.every((e) => pred.includes(e));
  const wrong = items
    .map((item) => ({ item, pred: extractor(item.text).slice(0, 3) }))
    .filter(({ item, pred }) => !isExact(item.expected, pred));
  console.log(`\nextractor mismatches (${scope}): ${wrong.length} of ${items.length}`);
  for (const { item, pred } of wrong) {
    console.log(
      `  ${item.id}  expected [${item.expected.join(', ')}]  predicted [${pred.join(', ')}]  ${item.text.slice(0, 90)}`,
    );
  }
}
