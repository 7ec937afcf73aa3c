import {defineConfig} from 'vitest/config'

/**
 * The fast unit tests that cover the deploy safety modules (fake CloudFormation, in-memory lease
 * store; no local AWS, no built CLI): what `npm run test:mutation` runs against each mutant.
 * engine.test.ts and engine-safety.test.ts drive the planner and the guard through the whole engine.
 */
export default defineConfig({
  test: {
    include: [
      'test/deploy/planner.test.ts',
      'test/deploy/prefix-lists.test.ts',
      'test/deploy/replacement.test.ts',
      'test/deploy/replacement-create-only.test.ts',
      'test/deploy/skip.test.ts',
      'test/deploy/lock-skip.test.ts',
      'test/deploy/lock.test.ts',
      'test/deploy/lease.test.ts',
      'test/deploy/stack-status.test.ts',
      'test/deploy/engine.test.ts',
      'test/deploy/engine-safety.test.ts',
    ],
    testTimeout: 10_000,
    pool: 'forks',
    // Stryker runs the tests of each mutant again in one worker: without re-importing the engine
    // and the SDK types for every test file, each mutant costs less. These tests share no module
    // state (each builds its own fake AWS, lock directory and lease store).
    isolate: false,
  },
})
