// Flat config: typescript-eslint's recommended rules on top of ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'src/gen/', 'scratch/', 'web/src/api-types.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
  { files: ['web/src/**'], languageOptions: { globals: globals.browser } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  // SQL only in repositories (and db/ itself): services get repositories, and a Transactor
  // (db/transaction.ts) where they must write through several at once.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/db/**', 'src/**/*-repository.ts', 'src/**/*.test.ts', 'src/test-support/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'kysely', message: 'SQL belongs in a *-repository.ts file (or src/db/).' }] },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'CallExpression[callee.property.name=/^(selectFrom|insertInto|replaceInto|updateTable|deleteFrom|selectNoFrom)$/]',
          message: 'SQL belongs in a *-repository.ts file (or src/db/).',
        },
        {
          selector: "CallExpression[arguments.length=0][callee.property.name='transaction']",
          message: 'Take a Transactor (src/db/transaction.ts) instead of opening transactions here.',
        },
      ],
    },
  },
);
