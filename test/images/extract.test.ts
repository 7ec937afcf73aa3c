/**
 * Layer extraction as a container runtime would stack the layers: later layers overwrite, `.wh.NAME`
 * deletes NAME from below, `.wh..wh..opq` empties its directory of what lower layers put there.
 * Real GNU tar layers built in the test (one gzip-compressed, as registries store them).
 */
import {execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {applyLayer} from '../../src/lib/images/extract.js'

const work = mkdtempSync(join(tmpdir(), 'extract-test-'))
afterAll(() => rmSync(work, {recursive: true, force: true}))

/** A layer tarball holding `files` (path → content), entries named as buildah names them (no leading slash). */
function layer(name: string, files: Record<string, string>, gzip = false): string {
  const dir = join(work, `${name}-src`)
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), {recursive: true})
    writeFileSync(join(dir, path), content)
  }
  const out = join(work, name)
  execFileSync('tar', [gzip ? '-czf' : '-cf', out, '-C', dir, ...Object.keys(files).sort()])
  return out
}

describe('applyLayer', () => {
  it('stacks layers, applies file and opaque whiteouts, and keeps only the wanted directories', async () => {
    const root = join(work, 'root')
    mkdirSync(root)
    const wanted = ['app/static']
    await applyLayer(
      layer('l1', {'app/static/a.js': 'a1', 'app/static/gone.js': 'x', 'app/static/old/x.css': 'old', 'app/server.js': 'not an asset', 'etc/passwd': 'root'}, true),
      root,
      wanted,
    )
    expect(readFileSync(join(root, 'app/static/a.js'), 'utf8')).toBe('a1')
    expect(existsSync(join(root, 'app/server.js'))).toBe(false)
    expect(existsSync(join(root, 'etc'))).toBe(false)

    await applyLayer(layer('l2', {'app/static/a.js': 'a2', 'app/static/.wh.gone.js': '', 'app/static/old/.wh..wh..opq': '', 'app/static/old/new.css': 'new'}), root, wanted)
    expect(readFileSync(join(root, 'app/static/a.js'), 'utf8')).toBe('a2')
    expect(existsSync(join(root, 'app/static/gone.js'))).toBe(false)
    expect(existsSync(join(root, 'app/static/old/x.css'))).toBe(false)
    expect(readFileSync(join(root, 'app/static/old/new.css'), 'utf8')).toBe('new')
    // Whiteout markers are never extracted as files.
    expect(existsSync(join(root, 'app/static/.wh.gone.js'))).toBe(false)
    expect(existsSync(join(root, 'app/static/old/.wh..wh..opq'))).toBe(false)

    // A whiteout of an ancestor removes the whole directory.
    await applyLayer(layer('l3', {'app/.wh.static': ''}), root, wanted)
    expect(existsSync(join(root, 'app/static'))).toBe(false)
  })

  it('fails loudly on a layer tar cannot read', async () => {
    const bad = join(work, 'bad')
    writeFileSync(bad, 'not a tar')
    const root = join(work, 'root-bad')
    mkdirSync(root)
    await expect(applyLayer(bad, root, ['app'])).rejects.toMatchObject({code: 'ASSETS_EXTRACT_FAILED'})
  })
})
