/**
 * A newcomer's first minutes, end to end: `platform init` (no prompts: flags and --yes) in an empty
 * folder, then `platform deploy staging --local --yes`, as init's own "Next:" advice says. The BUILT
 * CLI against the local AWS, buildah and the registry; the images are the starter `FROM scratch`
 * Containerfiles init writes, so nothing is pulled.
 */
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {type ReleaseProject, startReleaseProject} from '../helpers/release-project.js'

let app: ReleaseProject

beforeAll(async () => {
  app = await startReleaseProject({init: true, secrets: ['staging']})
}, 240_000)

afterAll(async () => {
  await app?.stop()
})

describe('platform init, then platform deploy staging (built CLI, fresh folder)', () => {
  it('init writes platform.yaml and starter FROM scratch Containerfiles; the first deploy releases them (v1, both rollouts succeeded)', async () => {
    const init = await app.cli(['init', '--yes', '--services', 'web,api', '--region', 'ap-northeast-1'])
    expect(init.code, init.stderr).toBe(0)
    expect(existsSync(join(app.dir, 'platform.yaml'))).toBe(true)
    for (const service of ['web', 'api']) expect(readFileSync(join(app.dir, service, 'Containerfile'), 'utf8')).toMatch(/^FROM scratch$/m)
    app.git('add', '.')
    app.git('commit', '-qm', 'platform init')

    const run = await app.cli(['deploy', 'staging', '--local', '--yes', '--json'])
    expect(run.code, run.stderr).toBe(0)
    const result = run.result!
    expect(result.pushes).toBe(2)
    expect(result.images.map((i: any) => [i.service, i.action]).sort()).toEqual([['api', 'built'], ['web', 'built']])
    expect(result.rollouts.map((r: any) => [r.service, r.outcome]).sort()).toEqual([['api', 'succeeded'], ['web', 'succeeded']])
    expect(result.release).toMatchObject({id: 'v1', environment: 'staging', outcome: 'succeeded', git: {commit: app.git('rev-parse', 'HEAD'), dirty: false}})
    // bootstrap and registry were created first (the repositories the images are pushed to), so they are skipped here (nothing to change).
    const outcomes = Object.fromEntries(result.stacks.map((s: any) => [s.part, s.outcome]))
    expect(outcomes, JSON.stringify(outcomes)).toMatchObject({bootstrap: 'skipped', registry: 'skipped', 'svc-web': 'created', 'svc-api': 'created'})
    expect(Object.values(outcomes).every((o) => o === 'created' || o === 'skipped'), JSON.stringify(outcomes)).toBe(true)

    // The history says so too.
    const history = await app.cli(['releases', 'staging', '--local', '--json'])
    expect(history.code, history.stderr).toBe(0)
    expect(JSON.parse(history.stdout).releases.map((r: any) => [r.id, r.outcome])).toEqual([['v1', 'succeeded']])
  }, 300_000)

  it('deploying again with nothing changed builds nothing, pushes nothing and records nothing', async () => {
    const run = await app.cli(['deploy', 'staging', '--local', '--yes', '--json'])
    expect(run.code, run.stderr).toBe(0)
    expect(run.result).toMatchObject({pushes: 0, changeSetsCreated: 0, rollouts: []})
    expect(run.result!.release).toBeUndefined()
    const history = await app.cli(['releases', 'staging', '--local', '--json'])
    expect(JSON.parse(history.stdout).releases.map((r: any) => r.id)).toEqual(['v1'])
  }, 120_000)
})
