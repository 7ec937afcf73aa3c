// Mutation testing of the deploy safety modules: `npm run test:mutation`. Each mutant is a small
// change to the engine (a condition flipped, a check removed); a test must fail for every one that
// matters. Only the fast unit tests that cover these modules run (vitest.mutation.config.ts: fake
// CloudFormation and in-memory stores, no local AWS, no built CLI), so a run fits in about half an
// hour on a shared two-core machine; it is not part of `npm test` or CI (see the README).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: {configFile: 'vitest.mutation.config.ts', related: false},
  plugins: ['@stryker-mutator/vitest-runner'],
  // The planner, the prefix-list lookup it resolves parameters with, the replacement guard, the
  // skip decision, the lock and its lease in AWS, and the stack status model the guard and the lock read.
  mutate: [
    'src/lib/deploy/planner.ts',
    'src/lib/deploy/prefix-lists.ts',
    'src/lib/deploy/replacement.ts',
    'src/lib/deploy/skip.ts',
    'src/lib/deploy/lock.ts',
    'src/lib/deploy/lease.ts',
    'src/lib/deploy/stack-status.ts',
  ],
  coverageAnalysis: 'perTest',
  // One test process: the machine this runs on is shared, and one process is what the measured
  // duration in the README assumes.
  concurrency: 1,
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: {fileName: 'reports/mutation/index.html'},
  jsonReporter: {fileName: 'reports/mutation/mutation.json'},
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  // break: the floor the deploy safety modules must keep (see the README for the measured scores).
  thresholds: {high: 95, low: 80, break: 95},
}
