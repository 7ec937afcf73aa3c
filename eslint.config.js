import tseslint from 'typescript-eslint'

// @oclif/core's index loads every part of oclif (and semver) before a command runs; its subpath
// exports load only what the code uses (start-up, README).
const oclifIndex = {
  name: '@oclif/core',
  message: "Its index loads all of oclif at start-up: import its subpath exports ('@oclif/core/command', '/flags', '/args', '/errors', '/help', ...).",
}

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
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {paths: [oclifIndex]}],
    },
  },
  {
    // Commands stay thin: AWS SDK, listr2 and inquirer are reached through src/lib only.
    files: ['src/commands/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {paths: [oclifIndex], patterns: ['@aws-sdk/*', 'listr2', '@inquirer/*']}],
    },
  },
)
