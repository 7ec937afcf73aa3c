import type {AwsClients} from '../aws/clients.js'
import type {ResolvedEnvironment} from '../config/types.js'
import {builtServices, type ImageEvent, planImages, pushImages, type ServiceImage} from './build.js'
import {type BuilderName, createBuilder, findBuilder} from './builder.js'
import {createEcrApi} from './ecr.js'

export interface BuildCommandResult {
  environment: string
  images: ServiceImage[]
  /** Images built and pushed now (the others were already in ECR under their tag). */
  pushes: number
}

/**
 * `platform build ENV [SERVICE...]`: build and push the images a release would, and nothing else,
 * for pipelines that deploy later with `deploy --skip-build --image SERVICE=URI@digest`.
 */
export async function buildEnvironmentImages(input: {
  env: ResolvedEnvironment
  configDir: string
  aws: AwsClients
  services?: string[]
  tag?: string
  builder?: BuilderName
  emit?: (event: ImageEvent) => void
  signal?: AbortSignal
  /** Called when repositories do not exist yet (a first release creates them); without it that is an error. */
  createRepositories?: (missing: string[]) => Promise<void>
}): Promise<BuildCommandResult> {
  const ecr = createEcrApi(await input.aws.ecr())
  const services = builtServices(input.env, input.services)
  const planNow = () => planImages({env: input.env, configDir: input.configDir, services, tag: input.tag, ecr})
  let plan = await planNow()
  if (plan.missingRepositories.length > 0 && input.createRepositories) {
    await input.createRepositories(plan.missingRepositories)
    plan = await planNow()
  }
  const images = await pushImages({
    plan,
    env: input.env,
    configDir: input.configDir,
    builder: async () => createBuilder(await findBuilder(input.builder)),
    login: () => ecr.login(),
    registryHost: input.aws.registryHost,
    emit: input.emit,
    signal: input.signal,
  })
  return {environment: input.env.name, images, pushes: images.filter((i) => i.action === 'built').length}
}
