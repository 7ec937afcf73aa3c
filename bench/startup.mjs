#!/usr/bin/env node
// Median wall time of `platform --version`, `platform --help` and `platform validate` on the
// root platform.yaml, each run as a fresh process, the way a user types them.
// Usage: npm run build && node bench/startup.mjs [runs]
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import path from 'node:path'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const bin = path.join(root, 'bin', 'run.js')
const runs = Number(process.argv[2] ?? 11)

const cases = [
  // The floor: a Node process that does nothing. On a busy machine compare against this line.
  ['node -e 1 (floor)', ['-e', '1'], {bare: true}],
  ['platform --version', ['--version']],
  ['platform --help', ['--help']],
  ['platform validate', ['validate', '--config', path.join(root, 'platform.yaml')]],
]

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

console.log(`node ${process.version}, ${runs} runs each (first run discarded as warm-up)`)
for (const [label, args, options] of cases) {
  const times = []
  for (let i = 0; i <= runs; i++) {
    const start = process.hrtime.bigint()
    const result = spawnSync(process.execPath, options?.bare ? args : [bin, ...args], {cwd: root, encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}})
    const ms = Number(process.hrtime.bigint() - start) / 1e6
    if (result.status !== 0) {
      console.error(`${label} exited ${result.status}:\n${result.stderr}`)
      process.exit(1)
    }
    if (i > 0) times.push(ms)
  }
  console.log(`${label.padEnd(22)} median ${median(times).toFixed(0).padStart(5)} ms   min ${Math.min(...times).toFixed(0)} ms   max ${Math.max(...times).toFixed(0)} ms`)
}
