import {captureOutput} from '@oclif/test'
import {existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {describe, expect, it} from 'vitest'
import Render from '../../src/commands/render.js'
import type {RenderManifest} from '../../src/lib/stacks/types.js'
import type {RenderResult} from '../../src/lib/render/write.js'

const root = resolve(import.meta.dirname, '../..')
const rootConfig = join(root, 'platform.yaml')

/** Run the command class itself (no build needed), capturing stdout, stderr and the error. */
function render(args: string[]): ReturnType<typeof captureOutput> {
  return captureOutput(() => Render.run(args, root))
}

function readAll(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]))
}

describe('platform render', () => {
  it('writes one template per stack and the manifest, and returns the stacks for --json', async () => {
    // GIVEN the root platform.yaml
    const out = join(mkdtempSync(join(tmpdir(), 'platform-render-')), 'prod')
    // WHEN rendering prod with --json
    const {result: returned, error} = await render(['prod', '--config', rootConfig, '--out', out, '--json'])
    // THEN it returns the result oclif prints, and the directory holds exactly the templates plus manifest.json
    expect(error).toBeUndefined()
    const result = JSON.parse(JSON.stringify(returned)) as RenderResult
    expect(result.environment).toBe('prod')
    expect(result.stacks[0]).toMatchObject({name: 'bookmark-manager-prod-bootstrap', region: 'ap-northeast-1', dependsOn: []})
    expect(result.stacks.find((s) => s.part === 'edge')).toMatchObject({region: 'us-east-1'})
    for (const stack of result.stacks) {
      expect(stack.resources).toBeGreaterThan(0)
      expect(JSON.parse(readFileSync(stack.file, 'utf8')).AWSTemplateFormatVersion).toBe('2010-09-09')
    }
    expect(readdirSync(out).sort()).toEqual([...result.stacks.map((s) => `${s.name}.template.json`), 'manifest.json'].sort())
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as RenderManifest
    expect(manifest.stacks.map((s) => s.name)).toEqual(result.stacks.map((s) => s.name))
    expect(manifest.stacks.find((s) => s.part === 'data')!.parameters.PrivateSubnetIds).toEqual({from: 'output', stack: 'bookmark-manager-prod-network', output: 'PrivateSubnetIds'})
  })

  it('renders byte-identical files for the same config, and removes templates of stacks that no longer exist', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'platform-render-')), 'staging')
    const first = await render(['staging', '--config', rootConfig, '--out', out])
    expect(first.error).toBeUndefined()
    expect(first.stdout).toBe('')
    const before = readAll(out)
    writeFileSync(join(out, 'bookmark-manager-staging-svc-removed.template.json'), '{}')
    writeFileSync(join(out, 'unrelated.template.json'), '{}')
    await render(['staging', '--config', rootConfig, '--out', out])
    expect(readAll(out)).toEqual({...before, 'unrelated.template.json': '{}'})
  })

  it('fails with exit 3 for an unknown environment or a missing config', async () => {
    const unknown = await render(['prdo', '--config', rootConfig, '--out', join(tmpdir(), 'never')])
    expect(unknown.error?.oclif?.exit).toBe(3)
    expect(unknown.error?.message).toMatch(/Unknown environment "prdo"/)
    const missing = await render(['prod', '--config', join(tmpdir(), 'no-such-platform.yaml')])
    expect(missing.error?.oclif?.exit).toBe(3)
    expect(existsSync(join(tmpdir(), 'never'))).toBe(false)
  })
})
