import {describe, expect, it} from 'vitest'
import {checkAuroraPostgresVersion, supportsAutoPause, REGION_AZ_COUNT} from '../../src/lib/config/aws-facts.js'
import {FARGATE_CPUS, fargateCpusFor, fargateMemoryFor, isFargatePair} from '../../src/lib/config/fargate.js'
import {getEnvironment, parseConfig} from '../../src/lib/config/load.js'

describe('the Fargate CPU/memory table', () => {
  it('matches the ECS developer guide, including 8 and 16 vCPU', () => {
    expect(FARGATE_CPUS).toEqual([256, 512, 1024, 2048, 4096, 8192, 16384])
    expect(fargateMemoryFor(256)).toEqual([512, 1024, 2048])
    expect(fargateMemoryFor(512)).toEqual([1024, 2048, 3072, 4096])
    expect(fargateMemoryFor(1024)).toEqual([2048, 3072, 4096, 5120, 6144, 7168, 8192])
    expect(fargateMemoryFor(2048)).toHaveLength(13)
    expect(fargateMemoryFor(2048).at(-1)).toBe(16384)
    expect(fargateMemoryFor(4096)).toHaveLength(23)
    expect(fargateMemoryFor(4096).at(-1)).toBe(30720)
    expect(fargateMemoryFor(8192)).toEqual([16384, 20480, 24576, 28672, 32768, 36864, 40960, 45056, 49152, 53248, 57344, 61440])
    expect(fargateMemoryFor(16384)).toEqual([32768, 40960, 49152, 57344, 65536, 73728, 81920, 90112, 98304, 106496, 114688, 122880])
    expect(isFargatePair(512, 1024)).toBe(true)
    expect(isFargatePair(512, 512)).toBe(false)
    expect(isFargatePair(8192, 18432)).toBe(false)
    expect(fargateCpusFor(4096)).toEqual([512, 1024, 2048])
    expect(fargateMemoryFor(300)).toEqual([])
  })
})

describe('Aurora PostgreSQL versions', () => {
  it('knows 17.9 and says 17.2 is retired, with the replacement', () => {
    expect(checkAuroraPostgresVersion('17.9', 'ap-northeast-1')).toEqual({status: 'ok'})
    expect(checkAuroraPostgresVersion('17.2', 'ap-northeast-1')).toEqual({status: 'retired', replacement: '17.9'})
    expect(checkAuroraPostgresVersion('11.9', 'us-east-1')).toMatchObject({status: 'too-old'})
    expect(checkAuroraPostgresVersion('17.12', 'us-east-1')).toEqual({status: 'unknown', latest: '17.9'})
  })

  it('allows 0 ACU (auto-pause) only where Aurora supports it', () => {
    expect(supportsAutoPause('17.4')).toBe(true)
    expect(supportsAutoPause('16.3')).toBe(true)
    expect(supportsAutoPause('16.2')).toBe(false)
    expect(supportsAutoPause('13.14')).toBe(false)
  })

  it('a newer version than the table knows is a warning, not an error', async () => {
    const text = 'version: 1\nproject: p\nregion: us-east-1\nenvironments:\n  prod:\n    services: {web: {image: nginx, port: 80}}\n    database: {version: "17.12"}\n'
    const {config, issues, warnings} = await parseConfig(text, 'p.yaml')
    expect(issues).toEqual([])
    expect(config).toBeDefined()
    expect(warnings).toEqual([expect.objectContaining({line: 7, column: 25, path: 'environments.prod.database.version'})])
  })
})

describe('regions', () => {
  it('every region of the schema has an AZ count', async () => {
    const {knownRegions} = await import('../../src/lib/init/answers.js')
    for (const region of knownRegions()) expect(REGION_AZ_COUNT[region], region).toBeGreaterThanOrEqual(2)
  })
})

describe('positions through anchors and defaults', () => {
  it('a value written once under an anchor and used by two services is one issue at the anchor', async () => {
    const text = [
      'version: 1',
      'project: p',
      'region: us-east-1',
      'x-small: &small {cpu: 1024, memory: 1024}',
      'environments:',
      '  prod:',
      '    services:',
      '      web: {<<: *small, image: nginx, port: 80}',
      '      api: {<<: *small, image: nginx, port: 81, path: /api/*}',
      '',
    ].join('\n')
    const {issues} = await parseConfig(text, 'p.yaml')
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatchObject({line: 4, column: 37, message: 'Fargate does not run cpu 1024 with memory 1024 MiB'})
    expect(issues[0].hint).toContain('2048 to 8192 in steps of 1024')
  })

  it('an environment override is blamed on the environment, not on defaults', async () => {
    const text = 'version: 1\nproject: p\nregion: us-east-1\ndefaults:\n  services: {web: {image: nginx, port: 80, cpu: 256, memory: 512}}\nenvironments:\n  prod:\n    services: {web: {cpu: 1024}}\n'
    const {issues} = await parseConfig(text, 'p.yaml')
    expect(issues).toEqual([expect.objectContaining({line: 8, column: 27, path: 'environments.prod.services.web.cpu'})])
    expect(issues[0].message).toBe('Fargate does not run cpu 1024 with memory 512 MiB')
    expect(issues[0].hint).toContain('or cpu 256 for 512 MiB')
  })
})

describe('scale', () => {
  it('warns on example.com placeholders (domain, alarm e-mail), not on real names', async () => {
    const yaml = (domain: string, email: string) => `version: 1\nproject: shop\nregion: eu-west-1\nenvironments:\n  prod:\n    domain: ${domain}\n    services: {web: {image: public.ecr.aws/nginx/nginx:1, port: 3000, path: /}}\n    monitoring: {alarmEmail: ${email}}\n`
    const placeholders = await parseConfig(yaml('shop.example.com', 'ops@example.org'), 'p.yaml')
    expect(placeholders.issues).toEqual([])
    expect(placeholders.warnings.map((w) => [w.path, w.line])).toEqual([
      ['environments.prod.domain', 6],
      ['environments.prod.monitoring.alarmEmail', 8],
    ])
    expect((await parseConfig(yaml('shop.io', 'ops@shop.io'), 'p.yaml')).warnings).toEqual([])
  })

  it('60 services validate; 101 warn about the ALB listener rule quota', async () => {
    const {manyServicesYaml} = await import('../../scripts/gen-many-services.js')
    expect((await parseConfig(manyServicesYaml(60), 'many.yaml')).issues).toEqual([])
    const {issues, warnings: all} = await parseConfig(manyServicesYaml(101), 'many.yaml')
    expect(issues).toEqual([])
    const warnings = all.filter((w) => !w.message.includes('placeholder'))
    expect(warnings).toEqual([expect.objectContaining({line: 11, column: 5, path: 'environments.prod.services'})])
    expect(warnings[0].message).toContain('101 services exceed')
  })
})

describe("the account's existing GitHub OIDC provider (ci.oidcProviderArn)", () => {
  const arn = 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com'
  const text = (ci: string): string =>
    ['version: 1', 'project: shop', 'region: ap-northeast-1', 'environments:', '  prod:', `    ci: ${ci}`, '    services: {web: {image: public.ecr.aws/nginx/nginx:1.27, port: 3000}}', ''].join('\n')

  it('is reused instead of creating one, without setting createOidcProvider', async () => {
    const {config, issues, warnings} = await parseConfig(text(`{githubRepository: acme/shop, oidcProviderArn: "${arn}"}`), 'p.yaml')
    expect(issues).toEqual([])
    expect(warnings).toEqual([])
    expect(getEnvironment(config!, 'prod').ci).toMatchObject({createOidcProvider: false, oidcProviderArn: arn})
  })

  it('leaves the default (create one) when not given', async () => {
    const {config} = await parseConfig(text('{githubRepository: acme/shop}'), 'p.yaml')
    expect(getEnvironment(config!, 'prod').ci.createOidcProvider).toBe(true)
  })

  it('warns that it has no effect without a repository to deploy from', async () => {
    const {warnings} = await parseConfig(text(`{oidcProviderArn: "${arn}"}`), 'p.yaml')
    expect(warnings.map((w) => w.message)).toEqual(['oidcProviderArn is set but ci.githubRepository is not, so no deploy role uses it'])
  })
})

describe('dns.failover', () => {
  const text = (dns: string): string =>
    ['version: 1', 'project: shop', 'region: ap-northeast-1', 'environments:', '  prod:', '    domain: shop.test', `    dns: ${dns}`, '    services: {web: {image: public.ecr.aws/nginx/nginx:1.27, port: 3000}}', ''].join('\n')

  it('is on by default, with the health check', async () => {
    const {config, issues} = await parseConfig(text('{}'), 'p.yaml')
    expect(issues).toEqual([])
    expect(getEnvironment(config!, 'prod').dns).toMatchObject({failover: true, healthCheck: true})
  })

  it('asked for without the health check that switches it is an error at dns.failover', async () => {
    const {issues} = await parseConfig(text('{healthCheck: false, failover: true}'), 'p.yaml')
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatchObject({message: 'dns.failover needs the health check that switches the records, but dns.healthCheck is false', hint: 'set dns.healthCheck: true, or dns.failover: false'})
    expect(issues[0].path).toBe('environments.prod.dns.failover')
  })

  it('left to its default, follows a health check turned off', async () => {
    expect((await parseConfig(text('{healthCheck: false}'), 'p.yaml')).issues).toEqual([])
  })
})

describe('dns.records', () => {
  const text = (records: string): string =>
    ['version: 1', 'project: shop', 'region: ap-northeast-1', 'environments:', '  prod:', '    domain: shop.test', `    dns: {records: ${records}}`, '    services: {web: {image: public.ecr.aws/nginx/nginx:1.27, port: 3000}}', ''].join('\n')

  it('cannot take the ALB\'s own name: a second A record, and a second writer of its certificate\'s validation record', async () => {
    const {issues} = await parseConfig(text('[www, origin]'), 'p.yaml')
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatchObject({message: 'dns.records cannot list "origin": origin.shop.test is the load balancer\'s own name, which CloudFront connects to', hint: 'serve the site under another name'})
    expect(issues[0].path).toBe('environments.prod.dns.records[1]')
  })

  it('may hold names below it, or a wildcard covering it', async () => {
    expect((await parseConfig(text('[www, "", "*", app.origin]'), 'p.yaml')).issues).toEqual([])
  })
})
