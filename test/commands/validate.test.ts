import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {buildCli, repoRoot, runCli} from '../helpers/built-cli.js'

describe('platform validate', () => {
  beforeAll(() => {
    buildCli()
  }, 180_000)

  it('exits 0 on the root platform.yaml with a summary of environments, services and stacks on stdout', () => {
    const run = runCli(['validate'])
    // The design's own file keeps its example.com placeholders: the only warnings, one per value.
    const warnings = run.stderr.split('\n').filter((line) => line.startsWith('warning: '))
    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toMatch(/domain example\.com is a documentation placeholder/)
    expect(warnings[1]).toMatch(/alarmEmail \S+@example\.com is a placeholder/)
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('platform.yaml is valid: project bookmark-manager, 2 environments.')
    expect(run.stdout).toMatch(/prod\s+ap-northeast-1\s+2 services \(web, api\), 13 stacks, database, example\.com, protected/)
    expect(run.stdout).toMatch(/staging\s+ap-northeast-1\s+2 services \(web, api\), 11 stacks, database, no domain, unprotected/)
  })

  it('--json prints the result object on stdout only', () => {
    const run = runCli(['validate', '--json', 'prod'])
    expect(run.status).toBe(0)
    const result = JSON.parse(run.stdout)
    expect(result).toMatchObject({valid: true, issues: [], project: 'bookmark-manager'})
    expect(result.environments).toEqual([{name: 'prod', region: 'ap-northeast-1', services: ['web', 'api'], stacks: 13, database: true, domain: 'example.com', protect: true}])
  })

  it('an unknown environment argument exits 3 and suggests the nearest name', () => {
    const run = runCli(['validate', 'prdo'])
    expect(run.status).toBe(3)
    expect(run.stderr).toContain('Unknown environment "prdo"')
    expect(run.stderr).toContain('Did you mean "prod"?')
    expect(run.stderr).not.toMatch(/^\s+at /m)
  })

  it('a missing file exits 3 and points at platform init, also under --json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'validate-'))
    const plain = runCli(['validate'], {cwd: dir})
    expect(plain.status).toBe(3)
    expect(plain.stderr).toContain('platform init')
    const json = runCli(['validate', '--json'], {cwd: dir})
    expect(json.status).toBe(3)
    expect(JSON.parse(json.stdout)).toMatchObject({code: 'CONFIG_NOT_FOUND', exitCode: 3})
  })

  it('reports every issue of a file with several mistakes, in file order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'validate-'))
    const file = join(dir, 'platform.yaml')
    writeFileSync(file, ['version: 1', 'project: shop', 'region: ap-northeast-1', 'environments:', '  prod:', '    services:', '      web: {image: nginx, port: 80, cpu: 512, memory: 512, secrets: [DB]}', '    network: {availabilityZones: 5}', ''].join('\n'))
    const run = runCli(['validate', '--json'], {cwd: dir})
    expect(run.status).toBe(3)
    const {valid, issues} = JSON.parse(run.stdout)
    expect(valid).toBe(false)
    expect(issues.map((i: {line: number; column: number; path: string}) => [i.line, i.column, i.path])).toEqual([
      [7, 55, 'environments.prod.services.web.memory'],
      [7, 70, 'environments.prod.services.web.secrets[0]'],
      [8, 34, 'environments.prod.network.availabilityZones'],
    ])
    for (const issue of issues) expect(Object.keys(issue).sort()).toEqual(['column', 'file', 'hint', 'line', 'message', 'path'])
  })

  it('an invalid file prints its warnings on stderr beside the errors, also under --json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'validate-'))
    // One error (a Fargate CPU/memory pair AWS refuses) and one warning (init's placeholder domain).
    writeFileSync(join(dir, 'platform.yaml'), ['version: 1', 'project: shop', 'region: ap-northeast-1', 'environments:', '  prod:', '    domain: example.com', '    services:', '      web: {image: nginx, port: 80, cpu: 256, memory: 8192}', ''].join('\n'))
    for (const args of [['validate'], ['validate', '--json']]) {
      const run = runCli(args, {cwd: dir})
      expect(run.status).toBe(3)
      expect(run.stderr).toMatch(/^warning: .*domain example\.com is a documentation placeholder/m)
      expect(run.stderr).toMatch(/^error: 1 problem in platform\.yaml/m)
      expect(run.stderr).toMatch(/memory/)
    }
  })

  it('rejects a 5 MB file quickly with a clear message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'validate-'))
    writeFileSync(join(dir, 'platform.yaml'), `${'# padding\n'.repeat(520_000)}`)
    const run = runCli(['validate', '--json'], {cwd: dir})
    expect(run.status).toBe(3)
    expect(JSON.parse(run.stdout).issues[0].message).toMatch(/the file is 5\.0 MB; platform\.yaml may be at most 1\.0 MB/)
  })

  it('the root file passes from the repository root with the default --config', () => {
    expect(runCli(['validate'], {cwd: repoRoot}).status).toBe(0)
  })
})
