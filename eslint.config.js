// ESLint with typescript-eslint's type-aware rules: the bugs that matter in an async bot (a promise nobody awaits
// crashing the process, an async listener whose rejection no one sees, `any` leaking from an SDK) need the types.
// Formatting is Prettier's job (eslint-config-prettier, last, switches off the rules that would fight it).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['dist/', 'coverage/', 'data/']),
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  {
    rules: {
      // A `let` read by a closure made before its one assignment (main.ts's /health and lease callbacks capture the
      // engine created later) must stay `let`: as a const, an early call would hit the temporal dead zone.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Kept from recommendedTypeChecked and named here so no later edit drops them by accident.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // Not in the preset: a switch over a union (event kinds, card kinds, delivery errors) must name every member,
      // so adding a member to the union points at every place that has to handle it.
      '@typescript-eslint/switch-exhaustiveness-check': 'error',

      // Off: the stores and adapters implement the Promise-returning ports (Store, ChatAdapter) with synchronous
      // bodies; `async` is what turns their throws (a closed store, a bad argument) into rejections, as the port promises.
      '@typescript-eslint/require-await': 'off',
      // Off: tsc already fails on unused locals and parameters (noUnusedLocals, noUnusedParameters), `_` names excepted.
      '@typescript-eslint/no-unused-vars': 'off',
      // The preset already allows URL and URLSearchParams in templates, but only as declared by TypeScript's DOM lib;
      // with `lib: ES2022` they come from @types/node, so say so (their toString is the URL text we want).
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        {
          allow: [
            { from: 'lib', name: ['Error', 'URL', 'URLSearchParams'] },
            { from: 'package', package: 'node', name: ['URL', 'URLSearchParams'] },
          ],
        },
      ],
    },
  },
  {
    // The fakes and the tests read untyped wire JSON, where `String(field ?? '')` is the intent and a wrong
    // stringification fails the test's own assertion; production code keeps the rule.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-base-to-string': 'off' },
  },
  {
    // Plain JavaScript (scripts, config files): no type information, Node globals.
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: globals.node },
  },
  {
    // The pages' scripts run in the browser, as classic scripts (served from /assets/, no build step).
    files: ['src/web/assets/**/*.js', 'src/**/assets/**/*.js'],
    languageOptions: { globals: globals.browser, sourceType: 'script' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
  prettier,
);
