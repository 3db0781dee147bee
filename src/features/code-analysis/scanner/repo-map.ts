/**
 * The repo map: the definitions that matter most in a repository, cut to a token budget, so every
 * LLM prompt is grounded in the code's real structure (the idea of Aider's repo map).
 *
 * Files are nodes of a graph; a file that references a name has an edge to each file that defines
 * it, weighted by how often (√count, so one chatty file does not dominate) and by how telling the
 * name is. PageRank over that graph (personalised towards `focusPaths`) ranks the files; each
 * definition then scores the rank that referencing files pass to it along their references — a
 * definition's importance is its referencing files' rank times its reference weight. Output is
 * deterministic: ties break by path, line and name.
 */
import type { Definition, DefinitionKind, FileIndex } from './symbols.js';

export interface RepoMapOptions {
  /** The most tokens the text may take, by `estimateTokens`. */
  tokenBudget: number;
  /** Files the prompt is about (repo-relative posix paths): ranking leans towards what they use. */
  focusPaths?: string[];
}

export interface RankedDefinition {
  path: string;
  name: string;
  kind: DefinitionKind;
  line: number;
  score: number;
}

export interface RepoMap {
  text: string;
  tokens: number;
  /** Every definition, best first; `text` shows a prefix of this list. */
  ranked: RankedDefinition[];
}

/** The token estimate the budget is measured in: characters / 4, rounded up (close for code in GPT/Claude tokenizers). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

const DAMPING = 0.85;
const MAX_ITERATIONS = 100;
const TOLERANCE = 1e-10;
/** Share of the teleport probability that goes to the focus files when there are any. */
const FOCUS_SHARE = 0.9;
/** Names too generic to say which file a reference means. */
const COMMON_NAMES = new Set([
  'constructor',
  '__init__',
  'main',
  'init',
  'get',
  'set',
  'run',
  'new',
  'create',
  'update',
  'delete',
  'render',
  'value',
  'name',
  'data',
  'type',
  'key',
  'index',
  'default',
  'props',
  'config',
  'options',
  'toString',
  'String',
  'Error',
  'len',
  'map',
  'then',
  'push',
  'error',
  'result',
  'handler',
  'test',
  'start',
  'stop',
  'open',
  'close',
  'fetch',
  'send',
  'emit',
  'on',
  'next',
  'parse',
  'format',
  'load',
  'save',
  'read',
  'write',
  'reset',
  'list',
  'find',
  'filter',
  'add',
  'has',
  'and',
  'or',
  'not',
]);

/** How much a reference to `name` says about a dependency, before splitting it among its definers. */
function nameWeight(name: string, definerCount: number): number {
  let weight = 1;
  if (name.length <= 2) weight *= 0.1;
  if (name.startsWith('_') || name.startsWith('#')) weight *= 0.1;
  if (definerCount > 5) weight *= 0.1;
  if (COMMON_NAMES.has(name)) weight *= 0.1;
  return weight;
}

/**
 * Builds the repo map from file indexes.
 *
 * @example
 * const map = buildRepoMap(indexes, { tokenBudget: 1024, focusPaths: ['src/api/users.ts'] });
 * prompt += map.text; // "src/db.ts:\n  12│ export function query(sql: string) {\n…"
 */
export function buildRepoMap(indexes: FileIndex[], options: RepoMapOptions): RepoMap {
  const files = [...indexes].sort((a, b) => compareText(a.path, b.path));
  const count = files.length;

  // Definers: one per (file, name), interned as integers so the loops below touch no strings.
  const definersByName = new Map<string, number[]>();
  const definerFile: number[] = [];
  const definerExported: boolean[] = [];
  const fileDefiners = files.map((file, i) => {
    const own = new Map<string, number>();
    for (const def of file.definitions) {
      const known = own.get(def.name);
      if (known !== undefined) {
        definerExported[known] ||= def.exported;
        continue;
      }
      const id = definerFile.length;
      definerFile.push(i);
      definerExported.push(def.exported);
      own.set(def.name, id);
      const list = definersByName.get(def.name);
      if (list) list.push(id);
      else definersByName.set(def.name, [id]);
    }
    return own;
  });

  // Edges file → file; and each reference's weight towards its definer, to score definitions.
  const edgeWeights = new Map<number, number>();
  const outWeight = new Float64Array(count);
  const refFrom: number[] = [];
  const refDefiner: number[] = [];
  const refWeight: number[] = [];
  files.forEach((file, from) => {
    const counts = new Map<string, number>();
    for (const ref of file.references) {
      if (definersByName.has(ref.name)) counts.set(ref.name, (counts.get(ref.name) ?? 0) + 1);
    }
    for (const [name, refs] of counts) {
      const all = definersByName.get(name) ?? [];
      let targets = 0;
      for (const id of all) if (definerFile[id] !== from) targets++;
      if (targets === 0) continue;
      const base = (nameWeight(name, targets) * Math.sqrt(refs)) / targets;
      for (const id of all) {
        const to = definerFile[id] ?? from;
        if (to === from) continue;
        // A private definition elsewhere is an unlikely target of a cross-file reference.
        const weight = base * (definerExported[id] ? 1 : 0.1);
        const key = from * count + to;
        edgeWeights.set(key, (edgeWeights.get(key) ?? 0) + weight);
        outWeight[from] = (outWeight[from] ?? 0) + weight;
        refFrom.push(from);
        refDefiner.push(id);
        refWeight.push(weight);
      }
    }
  });

  const personalization = teleportVector(files, options.focusPaths ?? []);
  const rank = pageRank(count, edgeWeights, outWeight, personalization);

  // A definition's reference weight: the references to it from other files, those from focus files
  // counting as much more as the focus files' share of the teleport vector.
  const referenceWeight = new Float64Array(definerFile.length);
  for (let k = 0; k < refFrom.length; k++) {
    const id = refDefiner[k] ?? 0;
    const lean = (personalization[refFrom[k] ?? 0] ?? 0) * count;
    referenceWeight[id] = (referenceWeight[id] ?? 0) + lean * (refWeight[k] ?? 0);
  }

  const ranked: Array<RankedDefinition & { signature: string }> = [];
  files.forEach((file, i) => {
    const own = fileDefiners[i];
    for (const def of file.definitions) {
      const id = own?.get(def.name);
      const referenced = (rank[i] ?? 0) * (id === undefined ? 0 : (referenceWeight[id] ?? 0));
      // Unreferenced definitions still order by their file's rank, exported ones first.
      const fallback = (rank[i] ?? 0) * 1e-6 * (def.exported ? 1 : 0.1);
      ranked.push({ ...pick(file.path, def), score: referenced + fallback, signature: def.signature });
    }
  });
  ranked.sort(
    (a, b) => b.score - a.score || compareText(a.path, b.path) || a.line - b.line || compareText(a.name, b.name),
  );

  const text = render(ranked, options.tokenBudget);
  return {
    text,
    tokens: estimateTokens(text),
    ranked: ranked.map(({ signature: _signature, ...entry }) => entry),
  };
}

function pick(path: string, def: Definition): Omit<RankedDefinition, 'score'> {
  return { path, name: def.name, kind: def.kind, line: def.line };
}

function teleportVector(files: FileIndex[], focusPaths: string[]): Float64Array {
  const count = files.length;
  const vector = new Float64Array(count).fill(count ? 1 / count : 0);
  const focus = new Set(focusPaths);
  const focused = files.flatMap((file, i) => (focus.has(file.path) ? [i] : []));
  if (focused.length === 0) return vector;
  vector.fill((1 - FOCUS_SHARE) / count);
  for (const i of focused) vector[i] = (vector[i] ?? 0) + FOCUS_SHARE / focused.length;
  return vector;
}

/** Weighted PageRank by power iteration; dangling files teleport by the personalisation vector. */
function pageRank(
  count: number,
  edgeWeights: Map<number, number>,
  outWeight: Float64Array,
  personalization: Float64Array,
): Float64Array {
  const from = new Int32Array(edgeWeights.size);
  const to = new Int32Array(edgeWeights.size);
  const share = new Float64Array(edgeWeights.size);
  let e = 0;
  for (const [key, weight] of edgeWeights) {
    const source = Math.floor(key / count);
    from[e] = source;
    to[e] = key - source * count;
    share[e] = weight / (outWeight[source] ?? 1);
    e++;
  }
  let rank = Float64Array.from(personalization);
  let next = new Float64Array(count);
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    let dangling = 0;
    for (let i = 0; i < count; i++) if ((outWeight[i] ?? 0) === 0) dangling += rank[i] ?? 0;
    for (let i = 0; i < count; i++) next[i] = (1 - DAMPING + DAMPING * dangling) * (personalization[i] ?? 0);
    for (let k = 0; k < e; k++) {
      const target = to[k] ?? 0;
      next[target] = (next[target] ?? 0) + DAMPING * (rank[from[k] ?? 0] ?? 0) * (share[k] ?? 0);
    }
    let delta = 0;
    for (let i = 0; i < count; i++) delta += Math.abs((next[i] ?? 0) - (rank[i] ?? 0));
    [rank, next] = [next, rank];
    if (delta < TOLERANCE) break;
  }
  return rank;
}

/** `path:\n  line│ signature` blocks, files in order of their best definition, lines in file order. */
function render(ranked: Array<RankedDefinition & { signature: string }>, tokenBudget: number): string {
  const maxChars = Math.max(0, tokenBudget) * 4;
  const blocks = new Map<string, Map<number, string>>();
  let chars = 0;
  for (const entry of ranked) {
    const lines = blocks.get(entry.path);
    if (lines?.has(entry.line)) continue;
    const row = `  ${entry.line}│ ${entry.signature}\n`;
    const cost = row.length + (lines ? 0 : entry.path.length + 2);
    if (chars + cost > maxChars) break;
    chars += cost;
    if (lines) lines.set(entry.line, row);
    else blocks.set(entry.path, new Map([[entry.line, row]]));
  }
  let text = '';
  for (const [path, lines] of blocks) {
    text += `${path}:\n`;
    for (const line of [...lines.keys()].sort((a, b) => a - b)) text += lines.get(line) ?? '';
  }
  return text;
}

/** Code-unit order, independent of the locale (localeCompare is not stable across ICU builds). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
