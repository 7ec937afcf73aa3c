// Release benchmark against the local AWS (patched moto), buildah and the local registry, every AWS
// request counted by a proxy: a first release of the example application (staging of the root
// platform.yaml), then no-op releases (nothing changed), which must build nothing, push nothing and
// create no change set.
//
// Run: npm run build && npm run bench:release   (runs under tsx to reuse the TS test helpers)
import {execFileSync} from 'node:child_process'
import {cpSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {putSecrets, requireBuild, root, run, runJs} from './common.mjs'
import {startProxy} from '../test/helpers/fault-proxy.mjs'

requireBuild()
const {startLocalAws} = await import('../test/helpers/local-aws.ts')
const NO_OPS = 3

const local = await startLocalAws({registry: true})
const proxy = await startProxy({target: local.endpoint})
const work = mkdtempSync(join(tmpdir(), 'bench-release-'))
const storage = join(work, 'storage')
writeFileSync(join(work, 'storage.conf'), `[storage]\ndriver = "vfs"\ngraphroot = "${join(storage, 'root')}"\nrunroot = "${join(storage, 'run')}"\n`)
const project = join(work, 'app')
cpSync(join(root, 'examples'), join(project, 'examples'), {recursive: true})
cpSync(join(root, 'platform.yaml'), join(project, 'platform.yaml'))
const git = (...args) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], {cwd: project})
git('init', '-q')
git('add', '.')
git('commit', '-qm', 'example app')
const env = {
  ...process.env,
  ...local.env,
  AWS_ENDPOINT_URL: proxy.endpoint,
  PLATFORM_REGISTRY: local.registry.host,
  CONTAINERS_STORAGE_CONF: join(work, 'storage.conf'),
  PLATFORM_LOCK_DIR: mkdtempSync(join(tmpdir(), 'bench-locks-')),
  CI: '1',
}
await putSecrets(local, 'staging', env)

async function release(label) {
  proxy.reset()
  const started = performance.now()
  const {stdout} = await run(process.execPath, [runJs, 'deploy', 'staging', '--yes', '--json'], {cwd: project, env, maxBuffer: 64 * 1024 * 1024})
  const ms = performance.now() - started
  const result = stdout.split('\n').filter((l) => l.startsWith('{"type":"result"')).map((l) => JSON.parse(l))[0]
  return {label, seconds: +(ms / 1000).toFixed(2), pushes: result.pushes, changeSets: proxy.counts.CreateChangeSet ?? 0, release: result.release?.id ?? '(none)', awsRequests: proxy.total()}
}

try {
  const rows = [await release('first release')]
  for (let i = 1; i <= NO_OPS; i++) rows.push(await release(`no-op release #${i}`))
  console.table(rows)
  const noOps = rows.slice(1)
  const median = noOps.map((r) => r.seconds).sort((a, b) => a - b)[Math.floor(noOps.length / 2)]
  const clean = noOps.every((r) => r.pushes === 0 && r.changeSets === 0 && r.release === '(none)')
  console.log(`no-op release: median ${median}s over ${NO_OPS} runs; ${clean ? 'zero pushes, zero change sets, nothing recorded' : 'NOT a no-op: see the table'}`)
  if (!clean) process.exitCode = 1
} finally {
  await proxy.close()
  await local.stop()
  rmSync(work, {recursive: true, force: true})
}
