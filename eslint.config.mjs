// Lint: typescript-eslint's recommended rules, plus the house rule that public APIs carry no `any`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', '.bench-out/', 'schemas/bigquery/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // The installed command is plain CommonJS that loads tsx before the TypeScript entry point.
  { files: ['cli/bin.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', require: 'readonly', module: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
