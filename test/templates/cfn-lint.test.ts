import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {formatFindings, renderAndLint, runCfnLint} from '../helpers/cfn-lint.js'
import {configEnvironments} from '../helpers/env.js'

/**
 * Warnings we accept, by rule id, with the reason. Empty today: every warning cfn-lint raised
 * was fixed in the renderers. Add one only with a reason a reviewer would agree with.
 */
const ACCEPTED_WARNINGS: Record<string, string> = {}

describe('cfn-lint over every rendered stack', () => {
  // GIVEN every environment of the root platform.yaml and of every valid fixture (60 services included)
  // WHEN all of them are rendered and linted (one cfn-lint process per region, for all files)
  // THEN there are no errors, and no warnings beyond the accepted ones
  it('finds no errors and no unexplained warnings', async () => {
    const environments = await configEnvironments()
    expect(environments.map((e) => e.label)).toEqual(expect.arrayContaining(['root-prod', 'root-staging']))
    const run = await renderAndLint(environments)

    const linted = run.renders.flatMap(({result}) => result.stacks)
    expect(linted.length).toBeGreaterThan(60)
    // Every kind of stack was linted at least once.
    const parts = new Set(linted.map((s) => (s.part.startsWith('svc-') ? 'svc' : s.part)))
    expect([...parts].sort()).toEqual(['bootstrap', 'cdn', 'cluster', 'data', 'dns', 'edge', 'monitoring', 'network', 'registry', 'storage', 'svc', 'zone'])

    const errors = run.findings.filter((f) => f.level === 'Error')
    expect(formatFindings(errors), 'cfn-lint errors').toBe('')
    const warnings = run.findings.filter((f) => f.level === 'Warning' && !(f.rule in ACCEPTED_WARNINGS))
    expect(formatFindings(warnings), 'cfn-lint warnings').toBe('')
  }, 600_000)
})

describe('runCfnLint', () => {
  it('reports an error it finds, with rule, file and path', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'platform-cfn-lint-')), 'bad.template.json')
    writeFileSync(file, JSON.stringify({AWSTemplateFormatVersion: '2010-09-09', Resources: {Bucket: {Type: 'AWS::S3::Bucket', Properties: {Versioning: true}}}}))
    const findings = await runCfnLint([{file, region: 'us-east-1'}])
    expect(findings).toContainEqual(expect.objectContaining({file, level: 'Error', rule: 'E3002', path: 'Resources/Bucket/Properties/Versioning'}))
  }, 60_000)

  it('rejects when cfn-lint is not installed, instead of reporting nothing', async () => {
    await expect(runCfnLint([{file: 'x.json', region: 'us-east-1'}], {binary: 'cfn-lint-not-installed'})).rejects.toThrow(/cfn-lint failed/)
  })
})
