// eslint-plugin-security 4.1.0 ships no types; this is the part the baseline uses.
declare module 'eslint-plugin-security' {
  import type { ESLint, Linter } from 'eslint';
  const plugin: ESLint.Plugin & { configs: { recommended: Linter.Config } };
  export default plugin;
}
