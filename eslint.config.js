// Lint (`npm run lint`, part of `npm test`): ESLint's recommended rules, typescript-eslint's
// recommended rules without type information (fast; `tsc --noEmit` checks the types), and React's
// hook rules (rules of hooks, exhaustive deps, and the React Compiler's checks). Warnings fail too
// (--max-warnings 0): a missing hook dependency is a bug waiting for its moment.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['dist/', 'public/', 'test-results/', 'playwright-report/', 'bench/out/', '.cache/', 'node_modules/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // `const { a: _a, ...rest } = x` drops a field on purpose; `_` marks what is unused on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser, ...globals.worker } },
  },
  {
    // The React code; core/, storage/ and worker/ have no components or hooks (`useLiteComplete`
    // there is about USE-lite, not a hook).
    files: ['src/main.tsx', 'src/app/**', 'src/components/**', 'src/features/**'],
    extends: [reactHooks.configs.flat.recommended],
  },
  {
    files: ['tests/**', 'bench/**', 'scripts/**', '*.config.{js,ts}'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
