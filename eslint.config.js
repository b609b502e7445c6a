// ESLint flat config: the recommended JavaScript and typescript-eslint rules.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.archive/',
      '_site/',
      'scratch/',
      'tests/fixtures/',
      'bench/corpus/',
      'src/schema/article-validator.generated.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // The search page's script runs in the browser.
  { files: ['public/**/*.js'], languageOptions: { globals: globals.browser } },
);
