import {defineConfig} from 'vitest/config'

/**
 * The fast unit tests of the deploy engine (fake CloudFormation, no moto, no built CLI): what
 * `npm run test:mutation` runs against each mutant of the deploy safety modules.
 */
export default defineConfig({
  test: {
    include: ['test/deploy/**/*.test.ts'],
    testTimeout: 10_000,
    pool: 'forks',
  },
})
