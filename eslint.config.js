import tseslint from 'typescript-eslint'

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'reports/**', '.stryker-tmp/**', '.platform/**', 'test/**/__snapshots__/**']},
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
    },
  },
  {
    // Commands stay thin: AWS SDK, listr2 and inquirer are reached through src/lib only.
    files: ['src/commands/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {patterns: ['@aws-sdk/*', 'listr2', '@inquirer/*']}],
    },
  },
)
