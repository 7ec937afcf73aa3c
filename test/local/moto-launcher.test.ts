/**
 * The patched moto launcher (local/moto_server_5_2_1.py) itself: it refuses other moto versions,
 * and it installs every module of local/patches/, each documented and tested. The patches' own
 * behaviour is tested in test/local/patches/, one file per module.
 */
import {execFile} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdtemp, mkdir, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import {describe, expect, it} from 'vitest'
import {launcherPath, pythonCommand} from '../../src/lib/local/processes.js'

const execFileAsync = promisify(execFile)
/** Patches tested by a file of their own in test/local/ rather than a spec in test/local/patches/. */
const OWN_TEST_FILE: Record<string, string> = {
  ecs_deployments: 'ecs-deployments.test.ts',
  ecr_registry: 'ecr-registry.test.ts',
  cloudwatch_alarms: 'day2.test.ts',
  logs_interleaved: 'day2.test.ts',
}
const patchesDir = join(dirname(launcherPath()), 'patches')

async function patchModules(): Promise<string[]> {
  const files = await readdir(patchesDir)
  return files.filter((f) => f.endsWith('.py') && f !== '__init__.py' && f !== 'common.py').map((f) => f.replace(/\.py$/, '')).sort()
}

describe('the launcher', () => {
  it('refuses a moto version it was not written for', async () => {
    const fake = await mkdtemp(join(tmpdir(), 'fake-moto-'))
    try {
      await mkdir(join(fake, 'moto'))
      await writeFile(join(fake, 'moto', '__init__.py'), '__version__ = "9.9.9"\n')
      const run = execFileAsync(pythonCommand(), [launcherPath(), '--check'], {env: {...process.env, PYTHONPATH: fake}})
      await expect(run).rejects.toMatchObject({code: 3, stderr: expect.stringContaining('moto 9.9.9 found, but moto_server_5_2_1.py patches moto 5.2.1 exactly')})
    } finally {
      await rm(fake, {recursive: true, force: true})
    }
  })

  it('installs every module of local/patches/, each with a README row and a test file', async () => {
    const {stdout} = await execFileAsync(pythonCommand(), [launcherPath(), '--check'])
    const check = JSON.parse(stdout) as {ok: boolean; patches: string[]}
    expect(check.ok).toBe(true)
    const modules = await patchModules()
    expect([...check.patches].sort()).toEqual(modules)

    const readme = await readFile(join(dirname(launcherPath()), 'README.md'), 'utf8')
    const here = dirname(fileURLToPath(import.meta.url))
    const runner = await readFile(join(here, 'moto-patches.test.ts'), 'utf8')
    for (const name of modules) {
      expect(readme, `local/README.md names patches/${name}.py`).toContain(`\`${name}.py\``)
      const spec = `${name.replaceAll('_', '-')}.patch`
      const tested = (existsSync(join(here, 'patches', `${spec}.ts`)) && runner.includes(`'./patches/${spec}.js'`)) || (OWN_TEST_FILE[name] !== undefined && existsSync(join(here, OWN_TEST_FILE[name])))
      expect(tested, `test/local/patches/${spec}.ts, imported by test/local/moto-patches.test.ts`).toBe(true)
    }
  })
})
