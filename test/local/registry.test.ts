/**
 * The ECR stand-in: the registry that startLocalAws({registry: true}) and `platform local start`
 * run takes ECR's static credentials, and buildah and skopeo work against it as LOCAL_AWS.md says.
 */
import {execFile} from 'node:child_process'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {GetAuthorizationTokenCommand} from '@aws-sdk/client-ecr'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {type LocalAws, startLocalAws} from '../helpers/local-aws.js'

const execFileAsync = promisify(execFile)

let aws: LocalAws
let work: string

beforeAll(async () => {
  aws = await startLocalAws({registry: true})
  work = await mkdtemp(join(tmpdir(), 'registry-test-'))
})
afterAll(async () => {
  await aws?.stop()
  if (work) await rm(work, {recursive: true, force: true})
})

describe('local registry', () => {
  it("accepts exactly the password moto's ECR hands out", async () => {
    const clients = aws.clients()
    const token = (await (await clients.ecr()).send(new GetAuthorizationTokenCommand({}))).authorizationData![0].authorizationToken!
    clients.destroy()
    const [user, password] = Buffer.from(token, 'base64').toString().split(':')
    expect({user, password}).toEqual({user: aws.registry!.username, password: aws.registry!.password})

    const basic = (p: string) => ({authorization: `Basic ${Buffer.from(`${user}:${p}`).toString('base64')}`})
    expect((await fetch(`${aws.registry!.endpoint}/v2/`)).status).toBe(401)
    expect((await fetch(`${aws.registry!.endpoint}/v2/`, {headers: basic('wrong')})).status).toBe(401)
    expect((await fetch(`${aws.registry!.endpoint}/v2/`, {headers: basic(password)})).status).toBe(200)
  })

  it('takes a buildah push (FROM scratch) whose digest skopeo then reads back', async () => {
    // GIVEN a one-file image
    await writeFile(join(work, 'hello.txt'), 'hello\n')
    await writeFile(join(work, 'Containerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\n')
    const storage = ['--root', join(work, 'root'), '--runroot', join(work, 'runroot'), '--storage-driver', 'vfs']
    const ref = `${aws.registry!.host}/demo/web:v1`
    const creds = `${aws.registry!.username}:${aws.registry!.password}`
    // WHEN built and pushed
    await execFileAsync('buildah', [...storage, 'bud', '--format', 'docker', '-f', join(work, 'Containerfile'), '-t', ref, work])
    const digestFile = join(work, 'digest')
    await execFileAsync('buildah', [...storage, 'push', '--tls-verify=false', '--creds', creds, '--digestfile', digestFile, ref, `docker://${ref}`])
    // THEN the registry serves it under the pushed digest
    const digest = (await readFile(digestFile, 'utf8')).trim()
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    const {stdout} = await execFileAsync('skopeo', ['inspect', '--tls-verify=false', '--creds', creds, `docker://${ref}`])
    expect(JSON.parse(stdout).Digest).toBe(digest)
  })
})
