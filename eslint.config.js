import js from '@eslint/js';
import drizzle from 'eslint-plugin-drizzle';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      // Packages fetched by eval:analysis and bench:scan: analysed, never linted.
      '.cache/',
      'web/dist/',
      'node_modules/',
      'drizzle/',
      'bin/',
      // scripts/*.ts are type-checked (tsconfig) and linted; the plain-JS helpers are not.
      'scripts/**/*.js',
      'coverage/',
      'tests/e2e/artifacts/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { drizzle },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Our transactions are named `tx`/`sp` and the db handle `db`.
      'drizzle/enforce-delete-with-where': ['error', { drizzleObjectName: ['db', 'tx', 'sp'] }],
      'drizzle/enforce-update-with-where': ['error', { drizzleObjectName: ['db', 'tx', 'sp'] }],
    },
  },
  {
    // The web app ships to the browser: from the server's tree it takes types, the
    // browser-safe modules of src/shared/ (limits, formatting, the zod schemas and frames); nothing else at run time.
    files: ['web/src/**/*.{ts,tsx}'],
    ignores: ['web/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/src/features/**',
                '**/src/platform/**',
                '**/src/config/**',
                '**/src/cli/**',
                '**/src/testing/**',
              ],
              allowTypeImports: true,
              message: 'Server code must not ship to the browser: import types only, or move the code to src/shared/.',
            },
          ],
        },
      ],
    },
  },
  {
    // src/shared/ is what both sides run: it imports zod and its own modules only.
    files: ['src/shared/**/*.ts'],
    ignores: ['src/shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../*', 'node:*'],
              message: 'src/shared/ is browser-safe: import only zod and other src/shared/ modules.',
            },
          ],
        },
      ],
    },
  },
  {
    // The platform is the lower layer: features build on it, never the other way round.
    // The composition (which features exist, their routers and routes) is src/app/.
    files: ['src/platform/**/*.ts'],
    ignores: ['src/platform/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/features/**', '**/app/**', '**/cli/**'],
              message:
                'src/platform/ must not import features, src/app/ or src/cli/: take what it needs as a parameter (see HttpWiring).',
            },
          ],
        },
      ],
    },
  },
  {
    // A feature's entry point is its index.ts: another feature imports nothing deeper.
    files: ['src/features/**/*.ts'],
    ignores: ['src/features/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./[a-z-]+/(?!index\\.js$)',
              message: "Import another feature from its index.ts ('../<feature>/index.js'), not from its files.",
            },
          ],
        },
      ],
    },
  },
  {
    // The composition and the CLI use features through their entry points too.
    files: ['src/app/**/*.ts', 'src/cli/**/*.ts', 'src/server.ts', 'src/runtime.ts', 'src/testing/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: 'features/[a-z-]+/(?!index\\.js$)',
              message: "Import a feature from its index.ts ('…/features/<feature>/index.js').",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'src/testing/**', 'tests/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
);
