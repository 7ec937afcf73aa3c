/**
 * The ECR stand-in: the registry that startLocalAws({registry: true}) and `platform local start`
 * run takes ECR's static credentials, and buildah and skopeo work against it as LOCAL_AWS.md says.
 */
import {execFile} from 'node:child_process'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {BatchGetImageCommand, CreateRepositoryCommand, DescribeImagesCommand, type ECRClient, GetAuthorizationTokenCommand, ListImagesCommand} from '@aws-sdk/client-ecr'
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

const storage = () => ['--root', join(work, 'root'), '--runroot', join(work, 'runroot'), '--storage-driver', 'vfs']
const creds = () => `${aws.registry!.username}:${aws.registry!.password}`

/** Build a one-file FROM scratch image and push it; returns the pushed digest. */
async function buildAndPush(ref: string, content: string): Promise<string> {
  const dir = await mkdtemp(join(work, 'ctx-'))
  await writeFile(join(dir, 'hello.txt'), content)
  await writeFile(join(dir, 'Containerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\n')
  await execFileAsync('buildah', [...storage(), 'bud', '--format', 'docker', '-f', join(dir, 'Containerfile'), '-t', ref, dir])
  const digestFile = join(dir, 'digest')
  await execFileAsync('buildah', [...storage(), 'push', '--tls-verify=false', '--creds', creds(), '--digestfile', digestFile, ref, `docker://${ref}`])
  return (await readFile(digestFile, 'utf8')).trim()
}

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

  it("makes ECR's DescribeImages, ListImages and BatchGetImage agree with what was pushed, with no call but the push", async () => {
    await aws.reset()
    const clients = aws.clients()
    const ecr: ECRClient = await clients.ecr()
    try {
      // GIVEN an ECR repository, and nothing pushed yet
      await ecr.send(new CreateRepositoryCommand({repositoryName: 'shop/api', imageTagMutability: 'IMMUTABLE'}))
      await expect(ecr.send(new DescribeImagesCommand({repositoryName: 'shop/api', imageIds: [{imageTag: 'v1'}]}))).rejects.toMatchObject({name: 'ImageNotFoundException'})
      // WHEN two tags are pushed to the registry (buildah only)
      const v1 = await buildAndPush(`${aws.registry!.host}/shop/api:v1`, 'one\n')
      const v2 = await buildAndPush(`${aws.registry!.host}/shop/api:v2`, 'two\n')
      // THEN ECR describes each tag under the registry's digest, with its size and media type
      const one = await ecr.send(new DescribeImagesCommand({repositoryName: 'shop/api', imageIds: [{imageTag: 'v1'}]}))
      expect(one.imageDetails).toEqual([
        expect.objectContaining({repositoryName: 'shop/api', registryId: aws.accountId, imageDigest: v1, imageTags: ['v1'], imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json'}),
      ])
      expect(one.imageDetails![0].imageSizeInBytes).toBeGreaterThan(0)
      const listed = await ecr.send(new ListImagesCommand({repositoryName: 'shop/api'}))
      expect(listed.imageIds?.map((i) => [i.imageTag, i.imageDigest]).sort()).toEqual([
        ['v1', v1],
        ['v2', v2],
      ])
      // AND BatchGetImage returns the manifest the registry serves
      const got = await ecr.send(new BatchGetImageCommand({repositoryName: 'shop/api', imageIds: [{imageDigest: v2}]}))
      const {stdout} = await execFileAsync('skopeo', ['inspect', '--raw', '--tls-verify=false', '--creds', creds(), `docker://${aws.registry!.host}/shop/api:v2`])
      expect(JSON.parse(got.images![0].imageManifest!)).toEqual(JSON.parse(stdout))
      // AND a repository ECR does not have stays unknown, whatever the registry holds
      await buildAndPush(`${aws.registry!.host}/not/in-ecr:v1`, 'x\n')
      await expect(ecr.send(new DescribeImagesCommand({repositoryName: 'not/in-ecr'}))).rejects.toMatchObject({name: 'RepositoryNotFoundException'})
    } finally {
      clients.destroy()
    }
  })
})
