import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // e2e tests share one moto per file; files run in parallel on the 2 cores.
    pool: 'forks',
    reporters: ['default'],
  },
})
