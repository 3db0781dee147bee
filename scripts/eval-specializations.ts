/**
 * npm run eval:specializations — accuracy of the persona specialization extractor on the
 * labelled set in eval/specializations/personas.jsonl, next to a naive keyword-count
 * baseline. Thin CLI: the metrics live in src/features/personas/specialization-eval.ts
 * (shared with the unit test).
 *
 *   npx tsx scripts/eval-specializations.ts [--misses all|tune|holdout|none]
 *
 * Use `--misses tune` while tuning the lexicon so the holdout errors stay unseen.
 */
import { extractSpecializations } from '../src/features/personas/specialization-extractor.js';
import {
  evaluate,
  loadEvalSet,
  naiveBaseline,
  type EvalItem,
  type Metrics,
  type Predictor,
} from '../src/features/personas/specialization-eval.js';

const missesArg = process.argv.includes('--misses') ? process.argv[process.argv.indexOf('--misses') + 1] : 'all';
const items = loadEvalSet();
const extractor: Predictor = (text) => extractSpecializations(text).map((r) => r.id);
const splits: [string, EvalItem[]][] = [
  ['all', items],
  ['tune', items.filter((i) => i.split === 'tune')],
  ['holdout', items.filter((i) => i.split === 'holdout')],
];

const pct = (x: number) => (Number.isNaN(x) ? '   n/a' : `${(x * 100).toFixed(1).padStart(5)}%`);
console.log(`eval set: ${items.length} items (${splits[1]?.[1].length} tune, ${splits[2]?.[1].length} holdout)\n`);
console.log('split    predictor   items   top-1   top-3 P   top-3 R   off-topic rejected');
const results: Record<string, Metrics> = {};
for (const [name, subset] of splits) {
  for (const [pname, predict] of [['extractor', extractor], ['baseline', naiveBaseline]] as const) {
    const m = evaluate(subset, predict);
    results[`${name}/${pname}`] = m;
    console.log(
      `${name.padEnd(8)} ${pname.padEnd(10)} ${String(m.items).padStart(6)}  ${pct(m.top1)}   ${pct(m.precision)}    ${pct(m.recall)}    ${pct(m.rejection)}`,
    );
  }
}

if (missesArg !== 'none') {
  const scope = missesArg === 'tune' || missesArg === 'holdout' ? missesArg : 'all';
  const misses = results[`${scope}/extractor`]?.misses ?? [];
  console.log(`\nextractor top-1 misses (${scope}): ${misses.length}`);
  const byId = new Map(items.map((i) => [i.id, i]));
  for (const m of misses) {
    const text = byId.get(m.id)?.text ?? '';
    console.log(`  ${m.id}  expected [${m.expected.join(', ')}]  predicted [${m.predicted.join(', ')}]  ${text.slice(0, 70)}`);
  }
}
