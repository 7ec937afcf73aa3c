// Preloaded (NODE_OPTIONS=--import) by the start-up test: counts calls of String#localeCompare and
// Intl.Collator (the first of either builds ICU's collator) and writes the count, when the process
// exits, to the file named by PLATFORM_TEST_COLLATOR_FILE.
import {writeFileSync} from 'node:fs'

let calls = 0
const count = (target) => new Proxy(target, {
  apply: (fn, self, args) => (calls++, Reflect.apply(fn, self, args)),
  construct: (fn, args, newTarget) => (calls++, Reflect.construct(fn, args, newTarget)),
})
String.prototype.localeCompare = count(String.prototype.localeCompare)
Intl.Collator = count(Intl.Collator)

process.on('exit', () => writeFileSync(process.env.PLATFORM_TEST_COLLATOR_FILE, `${calls}\n`))
