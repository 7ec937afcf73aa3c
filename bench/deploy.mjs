// Deploy benchmark against the local AWS (patched moto), every request counted by a proxy:
//   platform deploy prod --infra-only --yes   (first deploy, then a no-op redeploy)
// side by side with an `aws cloudformation deploy` loop over the same rendered templates, stack by
// stack in dependency order, passing outputs to parameters (describe-stacks after each stack).
//
// Run: npm run build && npm run bench:deploy   (runs under tsx to reuse the TS test helpers)
// Targets (issue 4): no-op redeploy under 2 s and >= 10x faster than the awscli loop; first
// deploy faster than the awscli loop.
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {putSecrets, requireBuild, root, run, runJs} from './common.mjs'
import {startProxy} from '../test/helpers/fault-proxy.mjs'

requireBuild()

const {startLocalAws} = await import('../test/helpers/local-aws.ts')
const {getEnvironment, loadConfig} = await import('../src/lib/config/load.ts')
const {renderEnvironment} = await import('../src/templates/index.ts')
const {serializeTemplate} = await import('../src/lib/stacks/serialize.ts')

const IMAGES = {web: 'public.ecr.aws/docker/library/nginx:stable', api: 'public.ecr.aws/docker/library/nginx:stable'}

const local = await startLocalAws()
const proxy = await startProxy({target: local.endpoint})
const env = {...process.env, ...local.env, AWS_ENDPOINT_URL: proxy.endpoint, AWS_DEFAULT_REGION: local.region, CI: '1', PLATFORM_LOCK_DIR: mkdtempSync(join(tmpdir(), 'bench-locks-'))}

async function timed(label, fn) {
  proxy.reset()
  const started = performance.now()
  await fn()
  const ms = performance.now() - started
  return {label, ms, requests: proxy.total(), byOperation: {...proxy.counts}}
}

async function prepare() {
  await local.reset()
  await putSecrets(local, 'prod', env)
}

async function platformDeploy() {
  const images = Object.entries(IMAGES).flatMap(([s, uri]) => ['--image', `${s}=${uri}`])
  await run(process.execPath, [runJs, 'deploy', 'prod', '--infra-only', '--yes', '--config', join(root, 'platform.yaml'), ...images], {env, maxBuffer: 64 * 1024 * 1024})
}

const config = await loadConfig(join(root, 'platform.yaml'))
const stacks = renderEnvironment(getEnvironment(config, 'prod'))
const dir = mkdtempSync(join(tmpdir(), 'bench-templates-'))

/** An AWS-managed prefix list's id in the region, by name (describe-managed-prefix-lists, as a user would). */
async function prefixListId(name, region) {
  const {stdout} = await run('aws', ['ec2', 'describe-managed-prefix-lists', '--region', region, '--filters', `Name=prefix-list-name,Values=${name}`, '--query', 'PrefixLists[0].PrefixListId', '--output', 'text'], {env})
  return stdout.trim()
}

async function awscliLoop() {
  const outputs = new Map()
  for (const stack of stacks) {
    const file = join(dir, `${stack.name}.json`)
    const body = serializeTemplate(stack.template)
    writeFileSync(file, body)
    const overrides = []
    for (const [key, source] of Object.entries(stack.parameters)) {
      const value =
        source.from === 'value' ? source.value : source.from === 'image' ? IMAGES[source.service] : source.from === 'prefix-list' ? await prefixListId(source.name, stack.region) : outputs.get(source.stack)?.[source.output]
      overrides.push(`${key}=${value}`)
    }
    const args = ['cloudformation', 'deploy', '--template-file', file, '--stack-name', stack.name, '--region', stack.region, '--no-fail-on-empty-changeset', '--capabilities', 'CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND']
    if (overrides.length > 0) args.push('--parameter-overrides', ...overrides)
    args.push('--tags', ...Object.entries(stack.tags).map(([k, v]) => `${k}=${v}`))
    if (Buffer.byteLength(body) > 51_200) {
      const bootstrap = stacks.find((s) => s.part === 'bootstrap')
      args.push('--s3-bucket', outputs.get(bootstrap.name).ArtifactBucketName)
    }
    await run('aws', args, {env, maxBuffer: 64 * 1024 * 1024})
    if (stacks.some((s) => s.dependsOn.includes(stack.name))) {
      const {stdout} = await run('aws', ['cloudformation', 'describe-stacks', '--stack-name', stack.name, '--region', stack.region, '--query', 'Stacks[0].Outputs', '--output', 'json'], {env})
      outputs.set(stack.name, Object.fromEntries((JSON.parse(stdout) ?? []).map((o) => [o.OutputKey, o.OutputValue])))
    }
  }
}

const results = []
try {
  await prepare()
  results.push(await timed('platform deploy (first)', platformDeploy))
  results.push(await timed('platform deploy (no-op)', platformDeploy))
  await prepare()
  results.push(await timed('awscli loop (first)', awscliLoop))
  results.push(await timed('awscli loop (no-op)', awscliLoop))
} finally {
  await proxy.close()
  await local.stop()
}

console.log(`\n${stacks.length} stacks (${[...new Set(stacks.map((s) => s.region))].join(', ')}), moto ${local.endpoint}\n`)
console.log('scenario                     wall time   AWS requests')
for (const r of results) console.log(`${r.label.padEnd(28)} ${(r.ms / 1000).toFixed(2).padStart(7)} s   ${String(r.requests).padStart(6)}`)
const [first, noop, cliFirst, cliNoop] = results
const verdict = (ok) => (ok ? 'PASS' : 'MISS')
console.log('')
console.log(`no-op redeploy under 2 s: ${(noop.ms / 1000).toFixed(2)} s ${verdict(noop.ms < 2000)}`)
console.log(`no-op redeploy >= 10x faster than awscli: ${(cliNoop.ms / noop.ms).toFixed(1)}x ${verdict(cliNoop.ms / noop.ms >= 10)}`)
console.log(`first deploy faster than awscli: ${(cliFirst.ms / first.ms).toFixed(1)}x ${verdict(first.ms < cliFirst.ms)}`)
console.log(`\nno-op requests by operation: ${JSON.stringify(noop.byOperation)}`)
