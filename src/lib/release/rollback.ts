import type {StackDefinition} from '../stacks/types.js'
import {AbortedError, NonInteractiveError, PlatformError} from '../errors.js'
import {PINNED_TASK_DEFINITION} from '../../templates/service.js'
import {createEcsApi} from './ecs.js'
import {listReleases, type ReleaseRecord} from './history.js'
import {stackOutputs} from '../aws/cloudformation.js'
import {parameterValue, type ReleaseInput, type ReleaseResult, releaseStore, runRelease, servicePart} from './release.js'

/** ECS service deployment statuses of a rollout still under way. */
const IN_PROGRESS = new Set(['PENDING', 'IN_PROGRESS'])

/** What a rollback puts back, and what it leaves alone (shown before it starts, and in its --json events). */
export const ROLLBACK_LIMITS =
  "A rollback puts back the services' stacks as the release left them: the task definition revisions they ran (image, environment, CPU and memory, retained and still ACTIVE) and the stack parameters recorded then. It does not undo database migrations or data changes, secrets in SSM, or changes to the other stacks (network, cluster, data, CDN): a parameter that reads one of those stacks follows it as it is now."

/** How one service stack parameter is set by the rollback. */
export interface ReplayedParameter {
  stack: string
  parameter: string
  value?: string
  /** recorded: the target release's value; current: resolved as a deploy would (see `note`). */
  from: 'recorded' | 'current'
  note?: string
}

export interface RollbackPlan {
  from: ReleaseRecord
  to: ReleaseRecord
  /** service → image the rollback deploys (the target release's). */
  images: Record<string, string>
}

/** What the rollback deploys: the service stacks whose recorded state differs from what runs now. */
export interface RollbackDeployment {
  /** Every stack of the environment; the rolled-back service stacks' parameters are fixed values. */
  stacks: StackDefinition[]
  /** Parts of the service stacks to deploy (the other stacks are only read). */
  parts: string[]
  parameters: ReplayedParameter[]
  /** Services of the target release the rollback cannot put back, with why. */
  skipped: Array<{service: string; reason: string}>
}

/**
 * The release to return to: `--to vN`, else the newest successful release before the current
 * (newest) one. A failed, interrupted or unfinished release is never a target: its images never served.
 */
export function chooseRollback(history: ReleaseRecord[], to?: string): RollbackPlan {
  const [current] = history
  if (!current) throw new PlatformError('No releases are recorded for this environment: there is nothing to roll back to.', {code: 'NO_RELEASES', exit: 5})
  let target: ReleaseRecord | undefined
  if (to) {
    const id = /^v?\d+$/.test(to) ? `v${to.replace(/^v/, '')}` : to
    target = history.find((r) => r.id === id)
    if (!target) throw new PlatformError(`No release ${to} in the history.`, {code: 'NO_SUCH_RELEASE', exit: 2, suggestions: ['List them: platform releases ENV']})
    if (target.outcome !== 'succeeded') throw new PlatformError(`Release ${target.id} ${target.outcome}: only a successful release can be rolled back to.`, {code: 'NOT_A_GOOD_RELEASE', exit: 2})
  } else {
    target = history.slice(1).find((r) => r.outcome === 'succeeded')
    if (!target) throw new PlatformError(`No successful release before ${current.id}: there is nothing to roll back to.`, {code: 'NO_PREVIOUS_RELEASE', exit: 5})
  }
  const images: Record<string, string> = {}
  for (const [service, release] of Object.entries(target.services)) if (release.image) images[service] = release.image
  return {from: current, to: target, images}
}

/** A deployed stack as the rollback compares it: its parameters and outputs now. */
export type DeployedStack = {parameters: Record<string, string>; outputs: Record<string, string>}

/**
 * Each service stack of the target release, with the parameters it had then as fixed values and
 * its task definition pinned to the revision it ran. Two exceptions, both listed in `parameters`:
 * a parameter read from another stack's output that has changed since keeps following that stack
 * (it is not rolled back, and the recorded value may name a resource that no longer exists); a
 * parameter the record lacks (added since) is resolved as a deploy would. A stack that already
 * runs what the target ran is left out: deploying it would change nothing.
 */
export function planRollbackDeployment(plan: RollbackPlan, stacks: StackDefinition[], deployed: Map<string, DeployedStack>): RollbackDeployment {
  const parameters: ReplayedParameter[] = []
  const skipped: RollbackDeployment['skipped'] = []
  const parts: string[] = []
  const replaced = new Map<string, StackDefinition>()
  for (const service of Object.keys(plan.to.services).sort()) {
    const recordedService = plan.to.services[service]
    const def = stacks.find((s) => s.part === servicePart(service))
    if (!def) {
      skipped.push({service, reason: 'platform.yaml no longer has this service'})
      continue
    }
    const recorded = plan.to.stackParameters?.[def.name] ?? {}
    const now = deployed.get(def.name)
    const sources = {...def.parameters}
    const replay: ReplayedParameter[] = []
    for (const [name, source] of Object.entries(def.parameters)) {
      let value: string | undefined = recorded[name]
      if (name === PINNED_TASK_DEFINITION) value = recordedService.taskDefinitionArn ?? ''
      else if (source.from === 'image') value ??= recordedService.image
      else if (def.template.Parameters?.[name]?.NoEcho) value = undefined
      if (value === undefined) {
        replay.push({stack: def.name, parameter: name, from: 'current', note: `not recorded in ${plan.to.id}: resolved as a deploy would`})
        continue
      }
      value = parameterValue(def, name, value)
      if (source.from === 'output') {
        const output = deployed.get(source.stack)?.outputs[source.output]
        const current = output === undefined ? undefined : parameterValue(def, name, output)
        if (current !== undefined && current !== value) {
          replay.push({stack: def.name, parameter: name, from: 'current', value: current, note: `${source.stack} changed since ${plan.to.id}; a rollback does not undo other stacks`})
          continue
        }
      }
      sources[name] = {from: 'value', value}
      replay.push({stack: def.name, parameter: name, from: 'recorded', value})
    }
    const runsTarget = now?.outputs.TaskDefinitionArn !== undefined && now.outputs.TaskDefinitionArn === recordedService.taskDefinitionArn
    const deployedValue = (name: string) => (now?.parameters[name] === undefined ? undefined : parameterValue(def, name, now.parameters[name]))
    const sameParameters = replay.every((p) => p.from === 'current' || p.parameter === PINNED_TASK_DEFINITION || deployedValue(p.parameter) === p.value)
    if (runsTarget && sameParameters) continue
    parts.push(def.part)
    parameters.push(...replay)
    replaced.set(def.name, {...def, parameters: sources})
  }
  return {stacks: stacks.map((s) => replaced.get(s.name) ?? s), parts, parameters, skipped}
}

export function formatRollbackPlan(plan: RollbackPlan, deployment: RollbackDeployment): string {
  const lines = [`Roll back from ${plan.from.id} (${plan.from.outcome}) to ${plan.to.id} (${plan.to.description}, ${plan.to.startedAt}):`]
  for (const service of Object.keys(plan.images).sort()) {
    const part = servicePart(service)
    const skipped = deployment.skipped.find((s) => s.service === service)
    if (skipped) lines.push(`  ${service}: not rolled back (${skipped.reason})`)
    else if (!deployment.parts.includes(part)) lines.push(`  ${service}: unchanged (already runs ${plan.to.id}'s revision)`)
    else {
      const revision = plan.to.services[service].taskDefinitionArn
      lines.push(`  ${service}: ${plan.from.services[service]?.image ?? '(none)'} -> ${plan.images[service]}${revision ? ` (${revision.slice(revision.lastIndexOf('/') + 1)})` : ''}`)
    }
  }
  for (const p of deployment.parameters.filter((p) => p.note)) lines.push(`  ${p.stack} ${p.parameter}: ${p.note}`)
  lines.push(ROLLBACK_LIMITS)
  return lines.join('\n')
}

/**
 * `platform rollback ENV [--to vN]`: stop any rollout still in progress (ECS's own rollback), then
 * deploy the target's service stacks (its parameters, its task definition revisions) through the same
 * change-set path and watched rollout as a release. The rollback is itself recorded, as "rollback to vN".
 */
export async function runRollback(input: Omit<ReleaseInput, 'presetImages' | 'description' | 'rollbackOf'> & {to?: string}): Promise<ReleaseResult> {
  const {env} = input
  const streams = input.streams ?? {stdout: process.stdout, stderr: process.stderr}
  const store = await releaseStore(input.aws, env, input.stacks)
  const history = store ? await listReleases(store) : []
  const plan = chooseRollback(history, input.to)
  const deployment = planRollbackDeployment(plan, input.stacks, await deployedStacks(input, plan))
  if (input.flags.json) {
    streams.stdout.write(`${JSON.stringify({type: 'rollback', from: plan.from.id, to: plan.to.id, stacks: deployment.parts, parameters: deployment.parameters, skipped: deployment.skipped, notUndone: ROLLBACK_LIMITS})}\n`)
  }
  streams.stderr.write(`${formatRollbackPlan(plan, deployment)}\n`)
  if (deployment.parts.length === 0) throw new PlatformError(`Every service already runs what ${plan.to.id} ran: nothing to roll back.`, {code: 'NOTHING_TO_ROLL_BACK', exit: 5})
  if (!input.flags.yes) {
    if (!input.prompt?.canPrompt()) throw new NonInteractiveError('--yes', `Rolling ${env.name} back to ${plan.to.id}`)
    if (!(await input.prompt.confirm(`Roll ${env.name} back to ${plan.to.id}?`))) throw new AbortedError('Rollback cancelled; nothing changed.')
  }
  const services = Object.keys(plan.images).filter((service) => deployment.parts.includes(servicePart(service)))
  await stopRolloutsInProgress(input, services, streams.stderr)
  const images: Record<string, string> = {}
  for (const service of services) images[service] = plan.images[service]
  return runRelease({
    ...input,
    stacks: deployment.stacks,
    // The user has just confirmed the rollback itself; only the service stacks change.
    flags: {...input.flags, yes: true, skipBuild: true, image: [], stack: deployment.parts},
    presetImages: images,
    description: `rollback to ${plan.to.id}`,
    rollbackOf: plan.to.id,
  })
}

/** The target's service stacks and the stacks their parameters read, as deployed now. */
async function deployedStacks(input: Pick<ReleaseInput, 'aws' | 'stacks'>, plan: RollbackPlan): Promise<Map<string, DeployedStack>> {
  const parts = new Set(Object.keys(plan.to.services).map(servicePart))
  const services = input.stacks.filter((s) => parts.has(s.part))
  const names = new Set(services.flatMap((s) => [s.name, ...Object.values(s.parameters).flatMap((p) => (p.from === 'output' ? [p.stack] : []))]))
  const found = new Map<string, DeployedStack>()
  await Promise.all(
    [...names].map(async (name) => {
      const def = input.stacks.find((s) => s.name === name)
      const deployed = def ? await stackOutputs(input.aws, def.region, def.name) : undefined
      if (deployed) found.set(name, deployed)
    }),
  )
  return found
}

/** A rollout still running would race the rollback's own: ask ECS to roll it back first. */
async function stopRolloutsInProgress(input: Pick<ReleaseInput, 'aws' | 'stacks'>, services: string[], stderr: NodeJS.WritableStream): Promise<void> {
  for (const service of services) {
    const def = input.stacks.find((s) => s.part === servicePart(service))
    if (!def) continue
    const deployed = await stackOutputs(input.aws, def.region, def.name)
    if (!deployed?.outputs.ServiceName) continue
    const ecs = createEcsApi(await input.aws.ecs(def.region))
    const running = (await ecs.listServiceDeployments(deployed.parameters.ClusterName, deployed.outputs.ServiceName)).filter((d) => d.status && IN_PROGRESS.has(d.status))
    for (const deployment of running) {
      stderr.write(`Stopping the rollout in progress on ${service} (ECS rolls it back): ${deployment.arn}\n`)
      await ecs.rollBackServiceDeployment(deployment.arn)
    }
  }
}
