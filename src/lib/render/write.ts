import {mkdir, readdir, rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import type {ResolvedEnvironment} from '../config/types.js'
import {envPrefix} from '../naming.js'
import {serializeTemplate} from '../stacks/serialize.js'
import {renderEnvironment} from '../../templates/index.js'
import type {StackDefinition} from '../stacks/types.js'
import {needsArtifactBucket, templateBodySize} from '../stacks/limits.js'
import {renderManifest, templateFileName} from '../stacks/manifest.js'

/** One written stack, as `platform render --json` reports it. */
export interface RenderedStack {
  name: string
  part: string
  region: string
  /** Path of the template file (under the output directory). */
  file: string
  resources: number
  /** Template size in bytes. */
  bytes: number
  /** Over 51,200 bytes: deploy uploads it to the bootstrap artifact bucket and passes a TemplateURL. */
  viaArtifactBucket: boolean
  dependsOn: string[]
}

export interface RenderResult {
  project: string
  environment: string
  outDir: string
  manifest: string
  /** In deploy order. */
  stacks: RenderedStack[]
}

/** The default output directory of an environment. */
export function defaultOutDir(environment: string): string {
  return join('.platform', 'out', environment)
}

/**
 * Render every stack of `env` and write `<outDir>/<stack>.template.json` plus `manifest.json`.
 * This environment's templates left over from an earlier render (a removed service) are deleted,
 * so the directory holds exactly what deploy would submit. Same config in, same bytes out.
 */
export async function renderToDirectory(env: ResolvedEnvironment, outDir: string): Promise<RenderResult> {
  const stacks = renderEnvironment(env)
  await writeStacks(env, stacks, outDir)
  return summarize(env, stacks, outDir)
}

async function writeStacks(env: ResolvedEnvironment, stacks: StackDefinition[], outDir: string): Promise<void> {
  await mkdir(outDir, {recursive: true})
  const current = new Set(stacks.map((s) => templateFileName(s)))
  // Only this environment's own stale templates: never someone else's files in a shared directory.
  const ownPrefix = `${envPrefix(env.project, env.name)}-`
  for (const entry of await readdir(outDir)) {
    if (entry.startsWith(ownPrefix) && entry.endsWith('.template.json') && !current.has(entry)) await rm(join(outDir, entry), {force: true})
  }
  await Promise.all(stacks.map((stack) => writeFile(join(outDir, templateFileName(stack)), serializeTemplate(stack.template))))
  const manifest = renderManifest(env.project, env.name, stacks)
  await writeFile(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`)
}

function summarize(env: ResolvedEnvironment, stacks: StackDefinition[], outDir: string): RenderResult {
  return {
    project: env.project,
    environment: env.name,
    outDir,
    manifest: join(outDir, 'manifest.json'),
    stacks: stacks.map((stack) => ({
      name: stack.name,
      part: stack.part,
      region: stack.region,
      file: join(outDir, templateFileName(stack)),
      resources: Object.keys(stack.template.Resources).length,
      bytes: templateBodySize(stack.template),
      viaArtifactBucket: needsArtifactBucket(stack.template),
      dependsOn: stack.dependsOn,
    })),
  }
}

/** A few lines for stderr: one per stack, then the total. */
export function formatRenderSummary(result: RenderResult): string {
  const width = Math.max(...result.stacks.map((s) => s.name.length))
  const lines = result.stacks.map((s) => {
    const note = s.viaArtifactBucket ? '  (via artifact bucket)' : ''
    return `  ${s.name.padEnd(width)}  ${s.region.padEnd(14)}  ${String(s.resources).padStart(3)} resources  ${(s.bytes / 1024).toFixed(1).padStart(6)} KiB${note}`
  })
  const total = result.stacks.reduce((sum, s) => sum + s.resources, 0)
  return [`Rendered ${result.stacks.length} stacks (${total} resources) for ${result.project}/${result.environment} into ${result.outDir}`, ...lines].join('\n')
}
