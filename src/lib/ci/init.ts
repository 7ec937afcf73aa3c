import {existsSync} from 'node:fs'
import {mkdir, writeFile} from 'node:fs/promises'
import {dirname, join, relative, resolve, sep} from 'node:path'
import type {AwsClients} from '../aws/clients.js'
import {toAwsAuthError} from '../aws/clients.js'
import type {PlatformConfig, ResolvedEnvironment} from '../config/types.js'
import {ExitCode, PlatformError} from '../errors.js'
import {stackName} from '../naming.js'
import {renderDeployWorkflow, roleVariable, WORKFLOW_PATH, type WorkflowEnvironment} from './workflow.js'

export interface CiInitOptions {
  config: PlatformConfig
  /** Only this environment; every environment when undefined. */
  environment?: string
  /** Repository root the workflow is written under. @default the directory of platform.yaml */
  dir?: string
  /** Overwrite an existing workflow file. */
  force: boolean
  /** Reads each environment's deploy role (the bootstrap stack's output); undefined: do not ask AWS. */
  readRole?: (env: ResolvedEnvironment) => Promise<string | undefined>
  warn: (message: string) => void
}

export interface CiInitResult {
  file: string
  environments: Array<{name: string; branch: string; role: string}>
}

/**
 * The deploy role of an environment: the DeployRoleArn output of its bootstrap stack, or
 * undefined when that stack (or the output: no `ci.githubRepository`) does not exist yet.
 */
export async function readDeployRole(clients: AwsClients, env: ResolvedEnvironment): Promise<string | undefined> {
  // Loaded here: without AWS (no readRole), `ci init` never loads the SDK.
  const {stackOutputs} = await import('../aws/cloudformation.js')
  try {
    return (await stackOutputs(clients, env.region, stackName(env.project, env.name, 'bootstrap')))?.outputs.DeployRoleArn
  } catch (error) {
    throw toAwsAuthError(error)
  }
}

/** Write `.github/workflows/deploy.yml` for the environments of platform.yaml. */
export async function writeDeployWorkflow(options: CiInitOptions): Promise<CiInitResult> {
  const {config} = options
  const chosen = options.environment ? [options.environment] : Object.keys(config.environments)
  const root = resolve(options.dir ?? config.dir)
  const file = join(root, WORKFLOW_PATH)
  if (existsSync(file) && !options.force) {
    throw new PlatformError(`${file} already exists.`, {code: 'FILE_EXISTS', exit: ExitCode.usage, suggestions: ['Pass --force to overwrite it.']})
  }
  const environments: WorkflowEnvironment[] = []
  for (const name of chosen) {
    const env = config.environments[name]
    let roleArn: string | undefined
    if (options.readRole) {
      try {
        roleArn = await options.readRole(env)
      } catch (error) {
        options.warn(`Could not read the deploy role of ${name} (${(error as Error).message}); the workflow reads secret ${roleVariable(name)} instead.`)
      }
    }
    if (!roleArn) {
      const why = env.ci.githubRepository ? `its bootstrap stack (${stackName(env.project, name, 'bootstrap')}) has no DeployRoleArn output yet` : 'ci.githubRepository is not set, so no deploy role is created'
      options.warn(`${name}: ${why}. Set the repository secret ${roleVariable(name)} to the role's ARN, or deploy and rerun \`platform ci init ${name} --force\`.`)
    }
    environments.push({name, branch: env.ci.branch, region: env.region, roleArn})
  }
  // The same branch deploying two environments would run both jobs on every push: allowed, but said.
  const branches = new Map<string, string[]>()
  for (const e of environments) branches.set(e.branch, [...(branches.get(e.branch) ?? []), e.name])
  for (const [branch, names] of branches) if (names.length > 1) options.warn(`Branch ${branch} deploys ${names.join(' and ')}: every push to it deploys all of them.`)

  const rel = relative(root, config.file)
  const configPath = rel.startsWith('..') || rel.startsWith(sep) ? config.file : rel.split(sep).join('/')
  const text = renderDeployWorkflow({project: config.project, configPath, environments})
  await mkdir(dirname(file), {recursive: true})
  await writeFile(file, text, {flag: options.force ? 'w' : 'wx'})
  return {file, environments: environments.map((e) => ({name: e.name, branch: e.branch, role: e.roleArn ?? `secrets.${roleVariable(e.name)}`}))}
}

/**
 * `platform init`'s part: the workflow for a new platform.yaml, without asking AWS (nothing is
 * deployed yet, so every job reads its role from a repository secret until `platform ci init
 * --force`). An existing workflow is kept unless `force`: it may hold the user's own edits.
 */
export async function writeInitialWorkflow(config: PlatformConfig, force: boolean): Promise<string | undefined> {
  if (existsSync(join(config.dir, WORKFLOW_PATH)) && !force) return undefined
  const result = await writeDeployWorkflow({config, force, warn: () => undefined})
  return result.file
}
