// Module customization hooks (record-modules.mjs registers them): each module loaded, one URL per line.
import {appendFileSync} from 'node:fs'

export async function load(url, context, nextLoad) {
  appendFileSync(process.env.PLATFORM_TEST_MODULES_FILE, `${url}\n`)
  return nextLoad(url, context)
}
