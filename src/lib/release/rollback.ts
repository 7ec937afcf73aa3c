import {AbortedError, NonInteractiveError, PlatformError} from '../errors.js'
import {createEcsApi} from './ecs.js'
import {listReleases, type ReleaseRecord} from './history.js'
import {type ReleaseInput, type ReleaseResult, releaseStore, runRelease, servicePart, stackOutputs} from './release.js'

/** ECS service deployment statuses of a rollout still under way. */
const IN_PROGRESS = new Set(['PENDING', 'IN_PROGRESS'])

/** What a rollback puts back, and what it leaves alone (shown before it starts). */
export const ROLLBACK_LIMITS =
  'A rollback puts back the services\' images (and so their task definitions); it does not undo database migrations or data changes, secrets in SSM, or changes to the other stacks (network, cluster, data, CDN).'

export interface RollbackPlan {
  from: ReleaseRecord
  to: ReleaseRecord
  /** service → image the rollback deploys; only services whose image differs from the current one. */
  images: Record<string, string>
}

/**
 * The release to return to: `--to vN`, else the newest successful release before the current
 * (newest) one. A failed or interrupted release is never a target: its images never served.
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

export function formatRollbackPlan(plan: RollbackPlan): string {
  const lines = [`Roll back from ${plan.from.id} (${plan.from.outcome}) to ${plan.to.id} (${plan.to.description}, ${plan.to.startedAt}):`]
  for (const service of Object.keys(plan.images).sort()) {
    const now = plan.from.services[service]?.image
    lines.push(`  ${service}: ${now === plan.images[service] ? 'unchanged' : `${now ?? '(none)'} -> ${plan.images[service]}`}`)
  }
  lines.push(ROLLBACK_LIMITS)
  return lines.join('\n')
}

/**
 * `platform rollback ENV [--to vN]`: stop any rollout still in progress (ECS's own rollback), then
 * release the target's images through the same change-set path and watched rollout. The rollback is
 * itself recorded, as "rollback to vN".
 */
export async function runRollback(input: Omit<ReleaseInput, 'presetImages' | 'description' | 'rollbackOf'> & {to?: string}): Promise<ReleaseResult> {
  const {env} = input
  const streams = input.streams ?? {stdout: process.stdout, stderr: process.stderr}
  const store = await releaseStore(input.aws, env, input.stacks)
  const history = store ? await listReleases(store) : []
  const plan = chooseRollback(history, input.to)
  streams.stderr.write(`${formatRollbackPlan(plan)}\n`)
  if (!input.flags.yes) {
    if (!input.prompt?.canPrompt()) throw new NonInteractiveError('--yes', `Rolling ${env.name} back to ${plan.to.id}`)
    if (!(await input.prompt.confirm(`Roll ${env.name} back to ${plan.to.id}?`))) throw new AbortedError('Rollback cancelled; nothing changed.')
  }
  await stopRolloutsInProgress(input, Object.keys(plan.images), streams.stderr)
  return runRelease({
    ...input,
    // The user has just confirmed the rollback itself.
    flags: {...input.flags, yes: true, skipBuild: true, image: []},
    presetImages: plan.images,
    description: `rollback to ${plan.to.id}`,
    rollbackOf: plan.to.id,
  })
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
