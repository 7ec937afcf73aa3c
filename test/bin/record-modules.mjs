// Preloaded (NODE_OPTIONS=--import) by the start-up test: registers record-modules-hooks.mjs, which
// appends the URL of every ES module the process loads to the file named by PLATFORM_TEST_MODULES_FILE.
import {register} from 'node:module'

register(new URL('record-modules-hooks.mjs', import.meta.url))
