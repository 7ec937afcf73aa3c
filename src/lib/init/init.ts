import {existsSync} from 'node:fs'
import {mkdir, stat, writeFile} from 'node:fs/promises'
import {join, relative, resolve, sep} from 'node:path'
import {pathToFileURL, fileURLToPath} from 'node:url'
import {writeInitialWorkflow} from '../ci/init.js'
import {parseConfig} from '../config/load.js'
import {SCHEMA_URL} from '../config/schema.js'
import {ExitCode, NonInteractiveError, PlatformError, formatConfigIssue} from '../errors.js'
import {DESIGN_ANSWERS, checkDomain, checkProject, checkRegion, checkServices, knownRegions, parseServices, type InitAnswers} from './answers.js'
import {renderPlatformYaml} from './render.js'

export interface InitOptions {
  /** Directory to write platform.yaml in. @default process.cwd() */
  dir: string
  /** Use flags and the design's defaults without prompting. */
  yes: boolean
  /** Overwrite an existing platform.yaml. */
  force: boolean
  /** Answers given as flags; the rest are asked (or defaulted with `yes`). */
  given: Partial<InitAnswers>
  /** Whether a person can answer prompts (src/lib/ui/prompt.ts canPrompt). */
  canPrompt: boolean
}

export interface InitResult {
  file: string
  answers: InitAnswers
  schema: string
  environments: string[]
  /** The CI workflow written beside it (`.github/workflows/deploy.yml`), unless one existed. */
  workflow?: string
}

/**
 * Where editors find the schema, for the `# yaml-language-server: $schema=` line.
 *
 * A project-local install (`DIR/node_modules/platform-cli`) gives a relative path that works on
 * every clone. Otherwise the schema of this running CLI: relative when it lies under DIR (the
 * CLI's own repository), else an absolute file URL, which works on this machine only (a global
 * install); the comment says so. A web URL would need network access editors may not have.
 */
export function schemaReference(dir: string, schemaFile = fileURLToPath(SCHEMA_URL)): {value: string; why: string} {
  const local = join(dir, 'node_modules', 'platform-cli', 'schema', 'platform.schema.json')
  if (existsSync(local)) return {value: './node_modules/platform-cli/schema/platform.schema.json', why: 'Schema from the project\'s own platform-cli install: the same path on every clone.'}
  const rel = relative(dir, schemaFile)
  if (!rel.startsWith('..') && !rel.startsWith(sep)) return {value: `./${rel.split(sep).join('/')}`, why: 'Schema beside this file, so editors complete and check it.'}
  return {value: pathToFileURL(schemaFile).href, why: 'Schema of the platform CLI installed on this machine; after `npm i -D platform-cli` use ./node_modules/platform-cli/schema/platform.schema.json.'}
}

/** Ask (or default) every answer not given as a flag. */
async function collectAnswers(options: InitOptions): Promise<InitAnswers> {
  // Flags not passed arrive as undefined keys; drop them so they do not hide the defaults.
  const given = Object.fromEntries(Object.entries(options.given).filter(([, v]) => v !== undefined)) as Partial<InitAnswers>
  for (const [flag, check, value] of [
    ['--project', checkProject, given.project],
    ['--region', checkRegion, given.region],
    ['--domain', checkDomain, given.domain],
    ['--services', checkServices, given.services?.join(',')],
  ] as const) {
    if (value === undefined) continue
    const verdict = check(value)
    if (verdict !== true) throw new PlatformError(`${flag} ${JSON.stringify(value)}: ${verdict}`, {code: 'INVALID_FLAG', exit: ExitCode.usage})
  }
  const complete = given.project !== undefined && given.region !== undefined && given.domain !== undefined && given.services !== undefined && given.database !== undefined
  if (options.yes || complete) return {...DESIGN_ANSWERS, ...given, domain: given.domain === '' ? undefined : (given.domain ?? DESIGN_ANSWERS.domain)}
  if (!options.canPrompt) throw new NonInteractiveError('--yes (with --project, --region, --domain, --services, --database as needed)', 'platform init')

  const prompt = await import('../ui/prompt.js')
  const project = given.project ?? (await prompt.input('Project name (prefix of every AWS name)', {default: DESIGN_ANSWERS.project, validate: checkProject}))
  const region =
    given.region ??
    (await prompt.select(
      'AWS region',
      knownRegions().map((r) => ({name: r, value: r})),
      DESIGN_ANSWERS.region,
    ))
  const domain = given.domain ?? (await prompt.input('Custom domain for prod (empty: CloudFront\'s own domain)', {default: DESIGN_ANSWERS.domain, validate: checkDomain}))
  const services = given.services ?? parseServices(await prompt.input('Services, comma-separated', {default: DESIGN_ANSWERS.services.join(','), validate: checkServices}))
  const database = given.database ?? (await prompt.confirm('Aurora PostgreSQL Serverless v2 database?', DESIGN_ANSWERS.database))
  return {project, region, domain: domain === '' ? undefined : domain, services, database}
}

/**
 * Write DIR/platform.yaml from the answers. Refuses to overwrite without `force`, and checks the
 * text with the same validator as `platform validate` before writing it.
 */
export async function initPlatformYaml(options: InitOptions): Promise<InitResult> {
  const dir = resolve(options.dir)
  const file = join(dir, 'platform.yaml')
  if (existsSync(file) && !options.force) {
    throw new PlatformError(`${file} already exists.`, {code: 'FILE_EXISTS', exit: ExitCode.usage, suggestions: ['Pass --force to overwrite it.', 'Or choose another directory with --dir.']})
  }
  const answers = await collectAnswers(options)
  const reference = schemaReference(dir)
  const text = renderPlatformYaml(answers, reference)
  const {config, issues} = parseConfig(text, file)
  if (!config) {
    // The answers are checked above, so this is a bug in the template: say so instead of writing a broken file.
    throw new PlatformError(`platform init produced an invalid file:\n${issues.map(formatConfigIssue).join('\n')}`, {code: 'INIT_BUG', exit: ExitCode.unexpected})
  }
  await mkdir(dir, {recursive: true})
  if (existsSync(file) && (await stat(file)).isDirectory()) throw new PlatformError(`${file} is a directory.`, {exit: ExitCode.usage})
  await writeFile(file, text, {flag: options.force ? 'w' : 'wx'})
  const workflow = await writeInitialWorkflow({...config, file, dir}, options.force)
  return {file, answers, schema: reference.value, environments: Object.keys(config.environments), workflow}
}
