/**
 * Per-grammar tree-sitter queries and node-type tables for `symbols.ts`. Queries only find the
 * candidate nodes (`@def` with its `@name`, `@ref`, `@import`); kinds, export status and locality
 * are decided in code, because they depend on parents that queries express badly.
 */
import type { Grammar } from './syntax.js';

export interface GrammarQueries {
  definitions: string;
  references: string;
  imports: string;
  /** Node types that are functions: their bodies make definitions local, `enclosingFunction` stops at them. */
  functionTypes: ReadonlySet<string>;
}

const TS_DEFINITIONS = `
(function_declaration name: (identifier) @name) @def
(generator_function_declaration name: (identifier) @name) @def
(function_signature name: (identifier) @name) @def
(method_definition name: [(property_identifier) (private_property_identifier)] @name) @def
(abstract_method_signature name: (property_identifier) @name) @def
(public_field_definition name: [(property_identifier) (private_property_identifier)] @name
  value: [(arrow_function) (function_expression)]) @def
(class_declaration name: (type_identifier) @name) @def
(abstract_class_declaration name: (type_identifier) @name) @def
(interface_declaration name: (type_identifier) @name) @def
(type_alias_declaration name: (type_identifier) @name) @def
(enum_declaration name: (identifier) @name) @def
(internal_module name: (identifier) @name) @def
(variable_declarator name: (identifier) @name) @def
`;

const JS_DEFINITIONS = `
(function_declaration name: (identifier) @name) @def
(generator_function_declaration name: (identifier) @name) @def
(method_definition name: [(property_identifier) (private_property_identifier)] @name) @def
(field_definition property: [(property_identifier) (private_property_identifier)] @name
  value: [(arrow_function) (function_expression)]) @def
(class_declaration name: (identifier) @name) @def
(variable_declarator name: (identifier) @name) @def
`;

const JS_IMPORTS = `
(import_statement source: (string (string_fragment) @import))
(export_statement source: (string (string_fragment) @import))
(call_expression function: (identifier) @fn arguments: (arguments . (string (string_fragment) @import))
  (#eq? @fn "require"))
(call_expression function: (import) arguments: (arguments . (string (string_fragment) @import)))
`;

const TS_FUNCTIONS = new Set([
  'function_declaration',
  'generator_function_declaration',
  'function_expression',
  'generator_function',
  'arrow_function',
  'method_definition',
]);

const TYPESCRIPT: GrammarQueries = {
  definitions: TS_DEFINITIONS,
  references: `
[(identifier) (type_identifier) (shorthand_property_identifier)] @ref
(member_expression property: (property_identifier) @ref)
`,
  imports: `${JS_IMPORTS}
(import_require_clause source: (string (string_fragment) @import))
`,
  functionTypes: TS_FUNCTIONS,
};

export const GRAMMAR_QUERIES: Record<Grammar, GrammarQueries> = {
  typescript: TYPESCRIPT,
  tsx: TYPESCRIPT,
  javascript: {
    definitions: JS_DEFINITIONS,
    references: `
[(identifier) (shorthand_property_identifier)] @ref
(member_expression property: (property_identifier) @ref)
`,
    imports: JS_IMPORTS,
    functionTypes: TS_FUNCTIONS,
  },
  python: {
    definitions: `
(function_definition name: (identifier) @name) @def
(class_definition name: (identifier) @name) @def
(module (expression_statement (assignment left: (identifier) @name) @def))
`,
    references: `(identifier) @ref`,
    imports: `
(import_statement name: (dotted_name) @import)
(import_statement name: (aliased_import name: (dotted_name) @import))
(import_from_statement module_name: (_) @import)
`,
    // Lambdas are expressions, not functions a reader names: they never make a definition local.
    functionTypes: new Set(['function_definition']),
  },
  go: {
    definitions: `
(function_declaration name: (identifier) @name) @def
(method_declaration name: (field_identifier) @name) @def
(type_spec name: (type_identifier) @name) @def
(type_alias name: (type_identifier) @name) @def
(source_file (const_declaration (const_spec name: (identifier) @name) @def))
(source_file (var_declaration (var_spec name: (identifier) @name) @def))
`,
    references: `
[(identifier) (type_identifier)] @ref
(selector_expression field: (field_identifier) @ref)
`,
    imports: `(import_spec path: (_) @import)`,
    functionTypes: new Set(['function_declaration', 'method_declaration', 'func_literal']),
  },
  java: {
    definitions: `
(class_declaration name: (identifier) @name) @def
(record_declaration name: (identifier) @name) @def
(interface_declaration name: (identifier) @name) @def
(annotation_type_declaration name: (identifier) @name) @def
(enum_declaration name: (identifier) @name) @def
(method_declaration name: (identifier) @name) @def
(constructor_declaration name: (identifier) @name) @def
(field_declaration declarator: (variable_declarator name: (identifier) @name)) @def
`,
    references: `[(identifier) (type_identifier)] @ref`,
    imports: `(import_declaration) @import`,
    functionTypes: new Set([
      'method_declaration',
      'constructor_declaration',
      'compact_constructor_declaration',
      'lambda_expression',
    ]),
  },
};
