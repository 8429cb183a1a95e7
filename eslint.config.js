// ESLint (flat config): the recommended JavaScript and typescript-eslint rules, syntax only (no type-aware
// rules: the whole tree lints in seconds on two cores, and `tsc` already does the type checking).
// Formatting is Prettier's job (.prettierrc); nothing here argues about layout.
// Run: `npm run lint` (whole tree), `npx nx run <project>:lint` (one project), `npx nx affected -t lint`.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { moduleBoundaries } from './tools/eslint/module-boundaries.js';

export default defineConfig(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'tmp/**',
      'coverage/**',
      '.nx/**',
      '.ci/node-lts/**',
      'bench/results/**',
      // Generated from the OCPP JSON schemas by libs/ocpp/tools/generate-types.mjs; regenerated, never edited.
      'libs/ocpp/src/generated/**',
      // uPlot's own files, copied in as they are.
      'apps/dashboard/src/vendor/**',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `any` only with an inline `eslint-disable-next-line ... -- why` (docs/CONVENTIONS-FOR-CONTRIBUTORS.md).
      '@typescript-eslint/no-explicit-any': 'error',
      // `_`-prefixed names are deliberately unused (a callback's leading parameters, a destructured rest).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // `cond ? a() : b()` and `x && f()` as statements are this codebase's style; a bare `a === b;` is still an error.
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      // `let { batch, retryInMs } = ...` where only some are reassigned stays one declaration.
      'prefer-const': ['error', { destructuring: 'all' }],
      // The input validators reject control characters on purpose (/[\x00-\x1f]/: identities, headers, params).
      'no-control-regex': 'off',
    },
  },
  {
    // Plain JavaScript: the build and test scripts and tools run on Node.
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // The ops dashboard's browser code (apps/dashboard/tsconfig.json compiles it with the DOM types).
    files: ['apps/dashboard/src/browser/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // The Nx module boundaries, from each project.json's tags (tools/eslint/module-boundaries.js).
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    plugins: { csms: { rules: { 'module-boundaries': moduleBoundaries } } },
    rules: { 'csms/module-boundaries': 'error' },
  },
);
