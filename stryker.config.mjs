// Mutation testing of the deploy safety modules: `npm run test:mutation`. Each mutant is a small
// change to the engine (a condition flipped, a check removed); a test must fail for every one that
// matters. Only the fast unit tests under test/deploy/ run (vitest.mutation.config.ts), so a full
// run takes minutes on two cores; it is not part of `npm test` or CI (see the README).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: {configFile: 'vitest.mutation.config.ts', related: false},
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'src/lib/deploy/skip.ts',
    'src/lib/deploy/replacement.ts',
    'src/lib/deploy/lock.ts',
    'src/lib/deploy/stack-status.ts',
    // The planner, the per-stack unit (the run-time checks when a plan's inputs moved), the
    // orchestrator's guard and cleanup, and the failure report.
    'src/lib/deploy/planner.ts',
    'src/lib/deploy/stack-deployment.ts',
    'src/lib/deploy/engine.ts',
    'src/lib/deploy/change-sets.ts',
    'src/lib/deploy/stack-events.ts',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: {fileName: 'reports/mutation/index.html'},
  jsonReporter: {fileName: 'reports/mutation/mutation.json'},
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: {high: 85, low: 70, break: 70},
}
