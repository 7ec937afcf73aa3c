import {execFileSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {checkTag, sourceTag} from '../../src/lib/images/tag.js'

let repo: string
const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {cwd: repo, encoding: 'utf8'}).trim()
const write = (path: string, text: string) => {
  mkdirSync(join(repo, path, '..'), {recursive: true})
  writeFileSync(join(repo, path), text)
}
const tagOf = (service: string) => sourceTag(join(repo, service), [join(repo, service, 'Containerfile')])

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'tag-test-'))
  write('web/Containerfile', 'FROM scratch\nCOPY . /app\n')
  write('web/index.html', 'v1')
  write('api/Containerfile', 'FROM scratch\nCOPY . /app\n')
  write('api/health.json', '{}')
})
afterEach(() => rmSync(repo, {recursive: true, force: true}))

describe('checkTag', () => {
  it('refuses latest (any case) with a clear error', () => {
    expect(() => checkTag('latest')).toThrow('The image tag "latest" is refused')
    expect(() => checkTag('LATEST')).toThrow('refused')
  })
  it('refuses what ECR would refuse, accepts release names', () => {
    expect(() => checkTag('-x')).toThrow('not a valid ECR tag')
    expect(() => checkTag('a b')).toThrow('not a valid ECR tag')
    expect(checkTag('v1.4.2')).toBe('v1.4.2')
  })
})

describe('sourceTag', () => {
  it('outside git: a hash of the build inputs, stable until they change', async () => {
    const first = await tagOf('web')
    expect(first.tag).toMatch(/^src-[0-9a-f]{12}$/)
    expect((await tagOf('web')).tag).toBe(first.tag)
    write('web/index.html', 'v2')
    expect((await tagOf('web')).tag).not.toBe(first.tag)
  })

  it('in git: the commit that last touched the service, so a commit to web leaves api\'s tag (and image) alone', async () => {
    git('init', '-q')
    git('add', '.')
    git('commit', '-qm', 'one')
    const first = git('rev-parse', 'HEAD')
    expect(await tagOf('web')).toEqual({tag: first.slice(0, 12), commit: first, dirty: false})
    write('web/index.html', 'v2')
    git('commit', '-qam', 'web only')
    const second = git('rev-parse', 'HEAD')
    expect((await tagOf('web')).tag).toBe(second.slice(0, 12))
    expect((await tagOf('api')).tag).toBe(first.slice(0, 12))
  })

  it('an uncommitted change gets a -dirty-<content hash> suffix that follows the content', async () => {
    git('init', '-q')
    git('add', '.')
    git('commit', '-qm', 'one')
    const head = git('rev-parse', 'HEAD').slice(0, 12)
    write('web/index.html', 'wip')
    const dirty = await tagOf('web')
    expect(dirty.dirty).toBe(true)
    expect(dirty.tag).toMatch(new RegExp(`^${head}-dirty-[0-9a-f]{12}$`))
    write('web/new-file.js', 'untracked')
    expect((await tagOf('web')).tag).not.toBe(dirty.tag)
    expect(await tagOf('api')).toMatchObject({tag: head, dirty: false})
  })
})
