#!/usr/bin/env node
// Median wall time of `platform --version`, `platform --help` and `platform validate` on the
// root platform.yaml, each run as a fresh process, the way a user types them.
// With --instructions, the median count of instructions each run executes instead, in every thread
// (valgrind's cachegrind): what a busy machine does not change, where wall time is noise.
// When NODE_EXTRA_CA_CERTS is set, every case is measured twice, with it and without it: Node reads
// and parses that certificate bundle before running any JavaScript, in every process (about 45 ms
// and 420 M instructions for Debian's 140 certificates on the 2-core machine), which says nothing
// about the CLI; the floor line of each table includes it or not alike.
// Usage: npm run build && node bench/startup.mjs [runs] [--instructions]
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import path from 'node:path'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const bin = path.join(root, 'bin', 'run.js')
const instructions = process.argv.includes('--instructions')
const [runsArg] = process.argv.slice(2).filter((arg) => arg !== '--instructions')
// Under valgrind a run takes 5-15 s, and two runs of one build differ by about 1 %.
const runs = Number(runsArg ?? (instructions ? 3 : 11))

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

/** One run of `args` (Node's own arguments) in `env`: its wall time in ms, or its instruction count. */
function measure(label, args, env) {
  const command = instructions ? 'valgrind' : process.execPath
  const commandArgs = instructions ? ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null', process.execPath, ...args] : args
  const start = process.hrtime.bigint()
  const result = spawnSync(command, commandArgs, {cwd: root, encoding: 'utf8', env})
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (result.error) {
    console.error(`${label}: ${result.error.message}${instructions ? ' (--instructions needs valgrind)' : ''}`)
    process.exit(1)
  }
  if (result.status !== 0) {
    console.error(`${label} exited ${result.status}:\n${result.stderr}`)
    process.exit(1)
  }
  if (!instructions) return ms
  // valgrind's summary on stderr: "==123== I   refs:      1,027,123,456"
  const refs = /I\s+refs:\s+([\d,]+)/.exec(result.stderr)
  if (!refs) {
    console.error(`${label}: no instruction count in valgrind's output:\n${result.stderr}`)
    process.exit(1)
  }
  return Number(refs[1].replaceAll(',', ''))
}

const environments = [['', {...process.env, NO_COLOR: '1'}]]
if (process.env.NODE_EXTRA_CA_CERTS) {
  const {NODE_EXTRA_CA_CERTS: certificates, ...withoutCertificates} = process.env
  environments[0][0] = `with NODE_EXTRA_CA_CERTS=${certificates}`
  environments.push(['without NODE_EXTRA_CA_CERTS', {...withoutCertificates, NO_COLOR: '1'}])
}

console.log(`node ${process.version}, ${runs} runs each${instructions ? ', instructions (valgrind)' : ' (first run discarded as warm-up)'}`)
for (const [title, env] of environments) {
  if (title) console.log(`\n${title}:`)
  for (const [label, args, options] of cases) report(label, args, options, env)
}

/** One line: the median, minimum and maximum of `runs` runs of a case. */
function report(label, args, options, env) {
  const values = []
  // Wall time discards a first run that warms the file cache; an instruction count needs none.
  for (let i = instructions ? 1 : 0; i <= runs; i++) {
    const value = measure(label, options?.bare ? args : [bin, ...args], env)
    if (i > 0) values.push(value)
  }
  if (instructions) {
    const millions = (value) => `${(value / 1e6).toFixed(0).padStart(5)} M`
    console.log(`${label.padEnd(22)} median ${millions(median(values))}   min ${millions(Math.min(...values))}   max ${millions(Math.max(...values))}`)
  } else {
    console.log(`${label.padEnd(22)} median ${median(values).toFixed(0).padStart(5)} ms   min ${Math.min(...values).toFixed(0)} ms   max ${Math.max(...values).toFixed(0)} ms`)
  }
}
