// One file on purpose (~630 lines): the taint trace is one recursive walk over the syntax tree; its cases (declarations, assignments, loops, exports) call each other.
/**
 * Evidence ranking: how sure are we that input reaches a sink? It looks at the sink argument
 * only, over the syntax tree of one file (no types, no call graph), a few hops back through the
 * declarations and assignments of the identifiers it uses:
 * - constant (literals, constant concatenations, `__dirname` joins, a variable only ever bound to
 *   a constant) → no finding;
 * - request input (`req.query…`) or a parameter of an exported function → `high`;
 * - a parameter of a function that is not exported → `medium`; anything else → `low`.
 * It runs on every match of a scan of thousands of files, so the per-file indexes (definitions,
 * exported names, parameters) are built lazily, once, and the walk is bounded.
 *
 * One file on purpose (over 400 lines): the per-language kind tables, the constant check, the
 * trace and the export check share one per-file context and its caches; split up they would
 * pass that context around without getting any simpler.
 */
import type { SgNode } from '@ast-grep/napi';
import type { Confidence } from './types.js';
import type { RuleLanguage } from './rule-pack.js';

export interface FlowStep {
  node: SgNode;
  message: string;
}

export interface Evidence {
  confidence: Confidence;
  /** Source → … → sink. */
  flow: FlowStep[];
  /** The value was built on the way (concatenation, template, join, format), not passed through. */
  isConstructed: boolean;
  /** Text of the expressions that built it, sink side first. */
  constructedText: string;
  /** A part after the first one varies: `root + '/' + name`, not just `dir + '/x.json'`. */
  hasDynamicTail: boolean;
}

interface Built {
  text: string;
  hasDynamicTail: boolean;
}

const NOT_BUILT: Built = { text: '', hasDynamicTail: false };

interface LangTable {
  functions: Set<string>;
  literals: Set<string>;
  strings: Set<string>;
  binaries: Set<string>;
  wrappers: Set<string>;
  /** Definition nodes: kind → [name field, value field]. */
  defs: Record<string, [string, string]>;
  /** Identifiers in these (parent kind, field) positions are names, not references. */
  nameSlots: [string, string][];
  /** Identifiers that are constant wherever they appear. */
  constants: Set<string>;
  /** Kinds that name a variable in a parameter list or destructuring pattern. */
  binders: string[];
}

const JS: LangTable = {
  functions: new Set([
    'function_declaration',
    'function_expression',
    'arrow_function',
    'method_definition',
    'generator_function_declaration',
    'generator_function',
  ]),
  literals: new Set(['number', 'true', 'false', 'null', 'undefined', 'regex']),
  strings: new Set(['string']),
  binaries: new Set(['binary_expression']),
  wrappers: new Set([
    'parenthesized_expression',
    'as_expression',
    'satisfies_expression',
    'non_null_expression',
    'type_assertion',
    'template_substitution',
  ]),
  defs: {
    variable_declarator: ['name', 'value'],
    assignment_expression: ['left', 'right'],
    augmented_assignment_expression: ['left', 'right'],
    for_in_statement: ['left', 'right'],
  },
  nameSlots: [['call_expression', 'function']],
  constants: new Set(['__dirname', '__filename', 'undefined', 'NaN', 'Infinity']),
  binders: ['identifier', 'shorthand_property_identifier_pattern'],
};

const PYTHON: LangTable = {
  functions: new Set(['function_definition', 'lambda']),
  literals: new Set(['integer', 'float', 'true', 'false', 'none']),
  strings: new Set(['string', 'concatenated_string']),
  binaries: new Set(['binary_operator']),
  wrappers: new Set(['parenthesized_expression']),
  defs: {
    assignment: ['left', 'right'],
    augmented_assignment: ['left', 'right'],
    for_statement: ['left', 'right'],
  },
  nameSlots: [
    ['attribute', 'attribute'],
    ['call', 'function'],
    ['keyword_argument', 'name'],
  ],
  constants: new Set(['__file__']),
  binders: ['identifier'],
};

const GO: LangTable = {
  functions: new Set(['function_declaration', 'method_declaration', 'func_literal']),
  literals: new Set(['int_literal', 'float_literal', 'rune_literal', 'true', 'false', 'nil']),
  strings: new Set(['interpreted_string_literal', 'raw_string_literal']),
  binaries: new Set(['binary_expression']),
  wrappers: new Set(['parenthesized_expression']),
  defs: {
    short_var_declaration: ['left', 'right'],
    assignment_statement: ['left', 'right'],
    var_spec: ['name', 'value'],
    const_spec: ['name', 'value'],
  },
  nameSlots: [['call_expression', 'function']],
  constants: new Set(),
  binders: ['identifier'],
};

const JAVA: LangTable = {
  functions: new Set(['method_declaration', 'constructor_declaration', 'lambda_expression']),
  literals: new Set([
    'decimal_integer_literal',
    'hex_integer_literal',
    'decimal_floating_point_literal',
    'true',
    'false',
    'null_literal',
    'character_literal',
  ]),
  strings: new Set(['string_literal', 'text_block']),
  binaries: new Set(['binary_expression']),
  wrappers: new Set(['parenthesized_expression']),
  defs: {
    variable_declarator: ['name', 'value'],
    assignment_expression: ['left', 'right'],
    enhanced_for_statement: ['name', 'value'],
  },
  nameSlots: [
    ['field_access', 'field'],
    ['method_invocation', 'name'],
  ],
  constants: new Set(),
  binders: ['identifier'],
};

function tableFor(language: RuleLanguage): LangTable {
  if (language === 'python') return PYTHON;
  if (language === 'go') return GO;
  if (language === 'java') return JAVA;
  return JS;
}

/** Request input, by shape of the expression text (framework-agnostic on purpose). */
const REQUEST_INPUT = new RegExp(
  [
    String.raw`(?<![\w$.])(?:req|request)\.\w`,
    String.raw`(?<![\w$.])ctx\.(?:request|query|params)\b`,
    String.raw`(?<![\w$.])event\.(?:body|queryStringParameters|pathParameters|headers)\b`,
    String.raw`(?<![\w$.])process\.argv\b`,
    String.raw`(?<![\w$])(?:window\.|document\.)?location\.(?:search|hash|href|pathname)\b`,
    String.raw`(?<![\w$.])(?:params|query|body)(?:\.\w|\[)`,
    String.raw`(?<![\w$.])sys\.argv\b`,
    String.raw`(?<![\w$.])r\.(?:URL|Form|FormValue|PostForm|PostFormValue|Body|Header)\b`,
    String.raw`\.getParameter\(`,
  ].join('|'),
);

const PURE_CALLS = new Set([
  'path.join',
  'path.resolve',
  'path.normalize',
  'path.dirname',
  'path.posix.join',
  'join',
  'resolve',
  'require.resolve',
  'String',
  'fileURLToPath',
  'os.path.join',
  'filepath.Join',
]);

const MAX_HOPS = 8;

interface FunctionEntry {
  node: SgNode;
  start: number;
  end: number;
  params?: Map<string, SgNode>;
}

interface Def {
  node: SgNode;
  value: SgNode | null;
  start: number;
  /** Start offset of the function the definition belongs to; -1 at module level. */
  scope: number;
}

/** Per-file state for evidence ranking; build one per parsed file. */
export class EvidenceContext {
  private readonly table: LangTable;
  private defIndex: Map<string, Def[]> | undefined;
  private exportedNames: Set<string> | undefined;
  private functions: FunctionEntry[] | undefined;
  private readonly exportCache = new Map<number, boolean>();

  constructor(
    private readonly root: SgNode,
    private readonly language: RuleLanguage,
  ) {
    this.table = tableFor(language);
  }

  /** `null` when the sink argument is constant (not a finding). */
  rank(sink: SgNode): Evidence | null {
    if (this.isConstant(sink, 0)) return null;
    const sinkStep: FlowStep = { node: sink, message: 'reaches the sink here' };
    const built = this.extend(NOT_BUILT, sink);
    if (REQUEST_INPUT.test(sink.text())) {
      return {
        confidence: 'high',
        flow: [{ node: sink, message: 'request input reaches the sink' }],
        isConstructed: built.text !== '',
        constructedText: built.text,
        hasDynamicTail: built.hasDynamicTail,
      };
    }
    const result = (confidence: Confidence, flow: FlowStep[], b: Built): Evidence => ({
      confidence,
      flow,
      isConstructed: b.text !== '',
      constructedText: b.text,
      hasDynamicTail: b.hasDynamicTail,
    });
    let best = result('low', [sinkStep], built);
    const queue: { name: string; at: SgNode; chain: FlowStep[]; built: Built }[] = this.refs(sink).map((r) => ({
      name: r.text(),
      at: sink,
      chain: [sinkStep],
      built,
    }));
    const seen = new Set<string>();
    let hops = 0;
    while (queue.length > 0 && hops < MAX_HOPS) {
      const item = queue.shift();
      if (!item || seen.has(item.name)) continue;
      seen.add(item.name);
      hops += 1;
      const fn = this.paramOwner(item.at, item.name);
      if (fn) {
        const step: FlowStep = { node: fn.param ?? fn.fn, message: `parameter \`${item.name}\`` };
        if (this.isExported(fn.fn)) {
          step.message = `parameter \`${item.name}\` of an exported function`;
          return result('high', [step, ...item.chain], item.built);
        }
        if (best.confidence === 'low') {
          best = result('medium', [step, ...item.chain], item.built);
        }
        continue;
      }
      for (const def of this.defsInScope(item.name, item.at)) {
        if (!def.value) continue;
        const step: FlowStep = { node: def.node, message: `\`${item.name}\` is assigned here` };
        const chain = [step, ...item.chain];
        const builtHere = this.extend(item.built, def.value);
        if (REQUEST_INPUT.test(def.value.text())) {
          step.message = `request input assigned to \`${item.name}\``;
          return result('high', chain, builtHere);
        }
        for (const ref of this.refs(def.value)) {
          queue.push({ name: ref.text(), at: def.node, chain, built: builtHere });
        }
      }
    }
    return best;
  }

  private extend(prev: Built, node: SgNode): Built {
    if (!isConstructed(node)) return prev;
    return {
      text: prev.text ? `${prev.text}\n${node.text()}` : node.text(),
      hasDynamicTail: prev.hasDynamicTail || this.tailVaries(node),
    };
  }

  /** Does a part other than the first vary? Parts of `a + b + c`, of a template, or join/resolve arguments. */
  private tailVaries(node: SgNode): boolean {
    const kind = kindOf(node);
    let parts: SgNode[];
    if (kind === 'binary_expression' || kind === 'binary_operator') {
      parts = [];
      const flatten = (n: SgNode) => {
        if (kindOf(n) === kind) {
          const l = n.field('left');
          const r = n.field('right');
          if (l) flatten(l);
          if (r) parts.push(r);
        } else parts.push(n);
      };
      flatten(node);
    } else if (kind === 'template_string' || kind === 'string') {
      parts = node.namedChildren();
      return parts.some(
        (p, i) =>
          i > 0 && (kindOf(p) === 'template_substitution' || kindOf(p) === 'interpolation') && !this.isConstant(p, 1),
      );
    } else if (kind === 'call_expression' || kind === 'call') {
      parts = node.field('arguments')?.namedChildren() ?? [];
    } else if (kind === 'parenthesized_expression' || kind === 'await_expression') {
      const inner = node.namedChildren()[0];
      return !!inner && this.tailVaries(inner);
    } else {
      return true;
    }
    // `normalize(join(root, name))`, `join(a, b) + '.json'`: the first part may be built itself.
    const first = parts[0];
    if (first && isConstructed(first) && this.tailVaries(first)) return true;
    return parts.some((p, i) => i > 0 && !this.isConstant(p, 1));
  }

  /** True when the expression can only ever be a constant value. */
  isConstant(node: SgNode, depth: number): boolean {
    if (depth > 4) return false;
    const kind = kindOf(node);
    const t = this.table;
    if (t.literals.has(kind)) return true;
    if (t.strings.has(kind)) {
      // f-strings and Python `%`-less interpolation show up as `interpolation` children.
      return !node.children().some((c) => kindOf(c) === 'interpolation');
    }
    if (kind === 'template_string') {
      return node
        .children()
        .filter((c) => kindOf(c) === 'template_substitution')
        .every((c) => this.isConstant(c, depth + 1));
    }
    if (t.wrappers.has(kind)) {
      const inner = node.namedChildren()[0];
      return inner ? this.isConstant(inner, depth + 1) : true;
    }
    if (t.binaries.has(kind)) {
      const left = node.field('left');
      const right = node.field('right');
      return !!left && !!right && this.isConstant(left, depth + 1) && this.isConstant(right, depth + 1);
    }
    if (kind === 'ternary_expression') {
      const a = node.field('consequence');
      const b = node.field('alternative');
      return !!a && !!b && this.isConstant(a, depth + 1) && this.isConstant(b, depth + 1);
    }
    if (kind === 'array' || kind === 'list' || kind === 'arguments') {
      return node.namedChildren().every((c) => this.isConstant(c, depth + 1));
    }
    if (kind === 'member_expression') {
      return /^(import\.meta\.\w+|path\.sep|process\.platform|os\.EOL)$/.test(node.text());
    }
    if (kind === 'call_expression' || kind === 'call') {
      const callee = node.field('function');
      const args = node.field('arguments');
      if (!callee || !args) return false;
      const name = callee.text();
      const isPure = PURE_CALLS.has(name) || (kindOf(callee) === 'member_expression' && /\.join$/.test(name));
      if (!isPure) return false;
      if (kindOf(callee) === 'member_expression' && !PURE_CALLS.has(name)) {
        const object = callee.field('object');
        if (!object || !this.isConstant(object, depth + 1)) return false;
      }
      return args.namedChildren().every((a) => this.isConstant(a, depth + 1));
    }
    if (kind === 'identifier') {
      const name = node.text();
      if (t.constants.has(name)) return true;
      if (this.paramOwner(node, name)) return false;
      const defs = this.defsInScope(name, node);
      if (defs.length === 0) return false;
      return defs.every(
        (d) => d.value !== null && kindOf(d.node) !== 'for_in_statement' && this.isConstant(d.value, depth + 1),
      );
    }
    return false;
  }

  /** Identifiers the expression reads (not property names, not called function names). */
  private refs(expr: SgNode): SgNode[] {
    const ids = kindOf(expr) === 'identifier' ? [expr] : expr.findAll({ rule: { kind: 'identifier' } });
    const out: SgNode[] = [];
    for (const id of ids) {
      const parent = id.parent();
      const isName =
        parent !== null &&
        this.table.nameSlots.some(([k, f]) => kindOf(parent) === k && parent.field(f)?.id() === id.id());
      // `foo.bar(x)` reads `foo` (kept); a bare `foo(x)` only names a function (dropped).
      if (!isName && !this.table.constants.has(id.text())) out.push(id);
    }
    return out;
  }

  /** Every function of the file, found with one native call; FFI calls are what cost time here. */
  private functionTable(): FunctionEntry[] {
    if (this.functions) return this.functions;
    const kinds = [...this.table.functions].map((kind) => ({ kind }));
    this.functions = this.root.findAll({ rule: { any: kinds } }).map((node) => {
      const { start, end } = node.range();
      return { node, start: start.index, end: end.index };
    });
    return this.functions;
  }

  /** Enclosing functions of a node, innermost first (a function node counts as inside itself). */
  private functionsAround(node: SgNode): FunctionEntry[] {
    const { start, end } = node.range();
    return this.functionTable()
      .filter((f) => f.start <= start.index && end.index <= f.end)
      .sort((x, y) => y.start - x.start);
  }

  /** The innermost enclosing function that has `name` as a parameter. */
  private paramOwner(at: SgNode, name: string): { fn: SgNode; param: SgNode | null } | null {
    for (const fn of this.functionsAround(at)) {
      const param = this.paramsOf(fn).get(name);
      if (param) return { fn: fn.node, param };
    }
    return null;
  }

  private paramsOf(fn: FunctionEntry): Map<string, SgNode> {
    if (fn.params) return fn.params;
    const names = new Map<string, SgNode>();
    const params = fn.node.field('parameters') ?? fn.node.field('parameter');
    if (params) {
      if (kindOf(params) === 'identifier') names.set(params.text(), params);
      for (const id of params.findAll({ rule: { any: this.table.binders.map((kind) => ({ kind })) } })) {
        if (!names.has(id.text())) names.set(id.text(), id);
      }
    }
    fn.params = names;
    return names;
  }

  /** Definitions of `name` visible from `at`: in an enclosing function, or at module level. */
  private defsInScope(name: string, at: SgNode): Def[] {
    const defs = this.index().get(name);
    if (!defs) return [];
    const scopes = new Set(this.functionsAround(at).map((f) => f.start));
    const pos = at.range().start.index;
    return defs.filter((d) => (d.scope === -1 || scopes.has(d.scope)) && d.start !== pos);
  }

  private index(): Map<string, Def[]> {
    if (this.defIndex) return this.defIndex;
    const index = new Map<string, Def[]>();
    const kinds = Object.keys(this.table.defs);
    for (const node of this.root.findAll({ rule: { any: kinds.map((kind) => ({ kind })) } })) {
      const slots = this.table.defs[kindOf(node)];
      if (!slots) continue;
      const target = node.field(slots[0]);
      let value = node.field(slots[1]);
      // Go's `q := expr` has expression lists on both sides.
      if (value && kindOf(value) === 'expression_list' && value.namedChildren().length === 1) {
        value = value.namedChildren()[0] ?? value;
      }
      if (!target) continue;
      const names =
        kindOf(target) === 'identifier'
          ? [target]
          : target.findAll({ rule: { any: this.table.binders.map((kind) => ({ kind })) } });
      if (kindOf(target) !== 'identifier' && /^(member|subscript|attribute|selector|field)/.test(kindOf(target))) {
        continue;
      }
      this.addDef(index, names, node, value);
    }
    if (this.table === JS) {
      // `args.push(x)` puts x into args as surely as an assignment does.
      for (const call of this.root.findAll({
        rule: {
          kind: 'call_expression',
          has: { field: 'function', kind: 'member_expression', regex: '^[\\w$]+\\.(push|unshift|splice)$' },
        },
      })) {
        const object = call.field('function')?.field('object');
        if (object && kindOf(object) === 'identifier') this.addDef(index, [object], call, call.field('arguments'));
      }
    }
    this.defIndex = index;
    return index;
  }

  private addDef(index: Map<string, Def[]>, names: SgNode[], node: SgNode, value: SgNode | null): void {
    const start = node.range().start.index;
    const scope = this.functionsAround(node).find((f) => f.start < start)?.start ?? -1;
    for (const id of names) {
      const list = index.get(id.text()) ?? [];
      list.push({ node, value, start, scope });
      index.set(id.text(), list);
    }
  }

  /** Is the function reachable by callers outside this file? */
  isExported(fn: SgNode): boolean {
    const cached = this.exportCache.get(fn.id());
    if (cached !== undefined) return cached;
    const result = this.computeExported(fn);
    this.exportCache.set(fn.id(), result);
    return result;
  }

  private computeExported(fn: SgNode): boolean {
    if (this.language === 'go') {
      return /^[A-Z]/.test(fn.field('name')?.text() ?? '');
    }
    if (this.language === 'java') {
      const modifiers = fn.children().find((c) => kindOf(c) === 'modifiers');
      return modifiers ? /\bpublic\b/.test(modifiers.text()) : false;
    }
    if (this.language === 'python') {
      const name = fn.field('name')?.text() ?? '';
      if (name.startsWith('_') && !name.startsWith('__')) return false;
      // Module-level function or method of a module-level class.
      return this.functionsAround(fn).length === 1;
    }
    return this.isJsExported(fn);
  }

  private isJsExported(fn: SgNode): boolean {
    const names = this.exports();
    let node: SgNode = fn;
    if (kindOf(fn) === 'method_definition') {
      const cls = fn.ancestors().find((a) => kindOf(a) === 'class_declaration' || kindOf(a) === 'class');
      if (!cls) return false;
      node = cls;
    }
    const own = node.field('name')?.text();
    if (own && names.has(own)) return true;
    const parent = node.parent();
    if (!parent) return false;
    const pk = kindOf(parent);
    if (pk === 'export_statement') return true;
    if (pk === 'variable_declarator') {
      const declared = parent.field('name')?.text();
      if (declared && names.has(declared)) return true;
      const statement = parent.parent()?.parent();
      return !!statement && kindOf(statement) === 'export_statement';
    }
    if (pk === 'assignment_expression') return this.isExportTarget(parent.field('left'));
    if (pk === 'pair' || pk === 'arguments') {
      // `module.exports = { run: function () {} }` or `exported.use(function () {})`.
      const object = parent.parent();
      const holder = object?.parent();
      if (!holder) return false;
      if (kindOf(holder) === 'assignment_expression') return this.isExportTarget(holder.field('left'));
      if (kindOf(holder) === 'export_statement') return true;
      if (kindOf(holder) === 'variable_declarator') return names.has(holder.field('name')?.text() ?? '');
    }
    return false;
  }

  /** `module.exports`, `exports.x`, `module.exports.x`, `Exported.x`, `Exported.prototype.x`. */
  private isExportTarget(left: SgNode | null): boolean {
    if (!left) return false;
    const text = left.text();
    if (/^(module\.exports|exports)\b/.test(text)) return true;
    const root = /^([\w$]+)\./.exec(text)?.[1];
    return root !== undefined && this.exports().has(root);
  }

  private exports(): Set<string> {
    if (this.exportedNames) return this.exportedNames;
    const names = new Set<string>();
    const add = (n: SgNode | null) => {
      if (!n) return;
      if (kindOf(n) === 'identifier') names.add(n.text());
      else if (kindOf(n) === 'object') {
        for (const c of n.namedChildren()) {
          if (kindOf(c) === 'shorthand_property_identifier') names.add(c.text());
          else if (kindOf(c) === 'pair') add(c.field('value'));
        }
      }
    };
    for (const m of this.root.findAll({
      rule: { kind: 'assignment_expression', has: { field: 'left', regex: '^(module\\.exports|exports)\\b' } },
    })) {
      add(m.field('right'));
    }
    for (const m of this.root.findAll({ rule: { kind: 'export_specifier' } })) {
      const n = m.field('name');
      if (n) names.add(n.text());
    }
    for (const m of this.root.findAll({
      rule: { kind: 'export_statement', has: { field: 'value', kind: 'identifier' } },
    })) {
      add(m.field('value'));
    }
    this.exportedNames = names;
    return names;
  }
}

const BUILDERS = /(^|\.)(join|resolve|normalize|format|Sprintf|concat|replace)$/;

/** Concatenation, a template with substitutions, an f-string, or a join/format call. */
function isConstructed(node: SgNode): boolean {
  const kind = kindOf(node);
  if (kind === 'binary_expression' || kind === 'binary_operator') return true;
  if (kind === 'template_string') return node.children().some((c) => kindOf(c) === 'template_substitution');
  if (kind === 'string') return node.children().some((c) => kindOf(c) === 'interpolation');
  if (kind === 'call_expression' || kind === 'call' || kind === 'method_invocation') {
    const callee = node.field('function') ?? node.field('name');
    return !!callee && BUILDERS.test(callee.text());
  }
  if (kind === 'parenthesized_expression' || kind === 'await_expression') {
    const inner = node.namedChildren()[0];
    return !!inner && isConstructed(inner);
  }
  return false;
}

function kindOf(node: SgNode): string {
  return String(node.kind());
}
