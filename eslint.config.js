// ESLint with typescript-eslint's type-aware recommended rules over every TypeScript file.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'release/', 'test-results/', 'node_modules/', '.data/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // Two programs: the desktop's code is typechecked against Electron's types on its own.
      parserOptions: { project: ['./tsconfig.json', './tsconfig.electron.json'], tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    rules: {
      // An unused binding is a finding, except one named to be ignored (`_opId`) or left out of a rest.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // `async` marks what an interface requires to return a promise (fastify plugins, Platform
      // methods and their fakes), with or without an await inside.
      '@typescript-eslint/require-await': 'off',
      // A late-bound `let` (read by a closure made before it is set) cannot be a const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // The desktop's modules take Electron's APIs and their collaborators injected, declared with
    // method shorthand; electron/main/index.ts hands them over as arrow functions or objects, so
    // destructuring them loses no `this`.
    files: ['electron/**', 'test/electron/**'],
    rules: { '@typescript-eslint/unbound-method': 'off' },
  },
  {
    // Tests and benchmarks read answers as untyped JSON on purpose and assert on them.
    files: ['test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
