// Preloaded (NODE_OPTIONS=--import) by the start-up test: when the process exits, writes the Node
// built-in modules it loaded to the file named by PLATFORM_TEST_BUILTINS_FILE, one per line.
import {writeFileSync} from 'node:fs'

process.on('exit', () => {
  const loaded = process.moduleLoadList.filter((entry) => entry.startsWith('NativeModule ')).map((entry) => entry.slice('NativeModule '.length))
  writeFileSync(process.env.PLATFORM_TEST_BUILTINS_FILE, loaded.join('\n') + '\n')
})
