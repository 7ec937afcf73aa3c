/**
 * The built CLI for e2e tests: the shared private build (test/helpers/built-cli.ts), which other
 * tests' `npm run build` (it empties dist/) cannot break mid-run.
 */
import {join} from 'node:path'
import {buildCli} from '../helpers/built-cli.js'

export {repoRoot} from '../helpers/built-cli.js'

/** Returns the path of bin/run.js to spawn with node. */
export async function buildPrivateCli(): Promise<string> {
  return join(buildCli(), 'bin/run.js')
}
