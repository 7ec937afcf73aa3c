#!/usr/bin/env node
// Median wall time of `platform render prod` for generated configs with 1, 10 and 60 services,
// and for the root platform.yaml; each run is a fresh process, as a user types it. Not a test.
// Usage: npm run build && npm run bench:render [-- runs]   (runs under tsx: the in-process timing
// imports the TS sources, the configs come from scripts/gen-many-services.ts)
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {manyServicesYaml} from '../scripts/gen-many-services.ts'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const bin = path.join(root, 'bin', 'run.js')
const runs = Number(process.argv[2] ?? 7)
const work = mkdtempSync(path.join(tmpdir(), 'platform-bench-render-'))

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

/** In-process load + render + serialize, without process start-up: shows the per-service cost alone. */
async function timeInProcess(config) {
  const {loadConfig, getEnvironment} = await import('../src/lib/config/load.ts')
  const {renderEnvironment} = await import('../src/templates/index.ts')
  const {serializeTemplate} = await import('../src/lib/stacks/serialize.ts')
  const times = []
  for (let i = 0; i <= runs; i++) {
    const start = process.hrtime.bigint()
    const env = getEnvironment(await loadConfig(config, {onWarnings: () => {}}), 'prod')
    for (const stack of renderEnvironment(env)) serializeTemplate(stack.template)
    if (i > 0) times.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  return median(times)
}

async function time(label, config) {
  const out = path.join(work, 'out', label)
  const times = []
  let stacks = 0
  for (let i = 0; i <= runs; i++) {
    const start = process.hrtime.bigint()
    const result = spawnSync(process.execPath, [bin, 'render', 'prod', '--config', config, '--out', out, '--json'], {cwd: root, encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}})
    const ms = Number(process.hrtime.bigint() - start) / 1e6
    if (result.status !== 0) {
      console.error(`${label} exited ${result.status}:\n${result.stderr}`)
      process.exit(1)
    }
    stacks = JSON.parse(result.stdout).stacks.length
    // The first run warms the file cache and is not counted.
    if (i > 0) times.push(ms)
  }
  const inProcess = await timeInProcess(config)
  console.log(`${label.padEnd(20)} ${String(stacks).padStart(3)} stacks   median ${median(times).toFixed(0).padStart(5)} ms   min ${Math.min(...times).toFixed(0)} ms   max ${Math.max(...times).toFixed(0)} ms   in-process ${inProcess.toFixed(1)} ms`)
  return {wall: median(times), inProcess}
}

console.log(`node ${process.version}, ${runs} runs each (plus one warm-up), fresh process per run`)
try {
  const medians = {}
  for (const count of [1, 10, 60]) {
    const config = path.join(work, `services-${count}.yaml`)
    // Built services with autoscaling, as the design's are.
    writeFileSync(config, manyServicesYaml(count, {autoscaling: true}))
    medians[count] = await time(`${count} service${count === 1 ? '' : 's'}`, config)
  }
  await time('root platform.yaml', path.join(root, 'platform.yaml'))
  // Linear growth: the per-service cost between 10 and 60 should match the one between 1 and 10.
  for (const key of ['wall', 'inProcess']) {
    const low = (medians[10][key] - medians[1][key]) / 9
    const high = (medians[60][key] - medians[10][key]) / 50
    console.log(`per added service (${key === 'wall' ? 'whole command' : 'in-process'}): ${low.toFixed(2)} ms (1→10), ${high.toFixed(2)} ms (10→60)`)
  }
} finally {
  rmSync(work, {recursive: true, force: true})
}
