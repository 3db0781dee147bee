/**
 * npm run bench:extractor — throughput of the persona specialization extractor.
 *
 * Builds a ~20 MB corpus in memory: the eval personas plus filler from a fixed-seed PRNG
 * mixing lexicon terms (~1 in 8 words) with common English words and punctuation, so the
 * scan sees both matches and misses. Measures extractSpecializations over
 *   chunks: ~500-character pieces (typical persona length), one call each
 *   docs:   ~1 MB documents, one call each
 * and the naive baseline (substring counts of every lexicon term) on the chunk workload
 * in the same run. The baseline is O(terms × text), so it runs on a 2 MB slice only.
 * Prints MB/s (1 MB = 2^20 UTF-16 code units ≈ bytes for this ASCII-heavy corpus).
 */
import { performance } from 'node:perf_hooks';
import { extractSpecializations } from '../src/features/personas/specialization-extractor.js';
import { loadEvalSet, naiveBaseline } from '../src/features/personas/specialization-eval.js';
import { specializationLexicon } from '../src/features/personas/specialization-lexicon.js';
import { prng } from './prng.js';

const MB = 1 << 20;
const TARGET = 20 * MB;
const CHUNK = 500;
const DOC = MB;
const BASELINE_SLICE = 2 * MB;

const english = (
  'the of and to in is you that it he was for on are as with his they at be this have from or one had by word but ' +
  'not what all were we when your can said there use an each which she do how their if will up other about out many ' +
  'then them these so some her would make like him into time has look two more write go see number no way could ' +
  'people my than first water been call who oil its now find long down day did get come made may part team work ' +
  'helps builds clear friendly curious patient always never expert years experience explains loves careful'
).split(' ');
const lexiconTerms = Object.values(specializationLexicon).flatMap((w) => Object.values(w).flat());

function buildCorpus(): string {
  const rand = prng(0x5eed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const evalTexts = loadEvalSet().map((i) => i.text);
  const parts: string[] = [];
  let size = 0;
  while (size < TARGET) {
    if (rand() < 0.05) {
      const t = pick(evalTexts);
      parts.push(t);
      size += t.length + 1;
      continue;
    }
    const words: string[] = [];
    const n = 8 + Math.floor(rand() * 20);
    for (let i = 0; i < n; i++) words.push(rand() < 0.125 ? pick(lexiconTerms) : pick(english));
    const sentence = `${words.join(' ')}${pick(['.', ',', ';', '!', '?', ':'])}`;
    parts.push(sentence);
    size += sentence.length + 1;
  }
  return parts.join(' ');
}

function split(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Best of `rounds` timed passes after one warm-up; returns MB/s. */
function measure(label: string, inputs: readonly string[], run: (s: string) => unknown, rounds = 3): number {
  const bytes = inputs.reduce((n, s) => n + s.length, 0);
  let sink = 0;
  for (const s of inputs.slice(0, 200)) sink += (run(s) as unknown[]).length; // warm-up
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (const s of inputs) sink += (run(s) as unknown[]).length;
    best = Math.min(best, performance.now() - t0);
  }
  const mbps = bytes / MB / (best / 1000);
  console.log(
    `${label.padEnd(34)} ${(bytes / MB).toFixed(1).padStart(5)} MB  ${best.toFixed(0).padStart(6)} ms  ${mbps.toFixed(1).padStart(7)} MB/s  (sink ${sink})`,
  );
  return mbps;
}

const corpus = buildCorpus();
console.log(
  `corpus: ${(corpus.length / MB).toFixed(1)} MB, ${lexiconTerms.length} lexicon terms, node ${process.version}\n`,
);
const chunks = split(corpus, CHUNK);
const docs = split(corpus, DOC);

const extractorChunks = measure(`extractor, ${CHUNK}-char chunks`, chunks, (s) => extractSpecializations(s));
const extractorDocs = measure('extractor, 1 MB documents', docs, (s) => extractSpecializations(s));
const baselineChunks = measure(
  `naive baseline, ${CHUNK}-char chunks`,
  split(corpus.slice(0, BASELINE_SLICE), CHUNK),
  naiveBaseline,
  1,
);

console.log(`\nextractor / baseline (chunks): ${(extractorChunks / baselineChunks).toFixed(1)}x`);
console.log(`extractor docs / chunks:       ${(extractorDocs / extractorChunks).toFixed(2)}x`);
