import {existsSync, readFileSync} from 'node:fs'
import {mkdir, stat, writeFile} from 'node:fs/promises'
import {isAbsolute, join, relative, resolve, sep} from 'node:path'
import {fileURLToPath} from 'node:url'
import {writeInitialWorkflow} from '../ci/init.js'
import {parseConfig} from '../config/load.js'
import {SCHEMA_URL} from '../config/schema.js'
import {ExitCode, NonInteractiveError, PlatformError, formatConfigIssue} from '../errors.js'
import {DESIGN_ANSWERS, checkAlarmEmail, checkDomain, checkProject, checkRegion, checkServices, knownRegions, parseServices, type InitAnswers} from './answers.js'
import {packageFile} from '../package-files.js'
import {renderPlatformYaml, serviceBuild} from './render.js'

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
  /** Starter Containerfiles written for services that had none (relative to the directory). */
  containerfiles: string[]
}

/**
 * A starter image for each service whose Containerfile does not exist, so the first
 * `platform deploy` builds and releases something: `FROM scratch` and one static page, nothing
 * pulled. An existing file is never touched.
 */
async function writeStarterContainerfiles(dir: string, services: string[]): Promise<string[]> {
  const written: string[] = []
  for (const name of services) {
    const {context, dockerfile} = serviceBuild(name)
    if (existsSync(join(dir, dockerfile))) continue
    await mkdir(join(dir, context, 'public'), {recursive: true})
    const page = join(dir, context, 'public', 'index.html')
    if (!existsSync(page)) await writeFile(page, `<!doctype html><title>${name}</title><p>${name}: replace ${dockerfile} with your application's.</p>\n`, {flag: 'wx'})
    await writeFile(
      join(dir, dockerfile),
      [
        `# Starter image for ${name}, written by platform init: replace it with your application's build.`,
        '# FROM scratch with static files pulls nothing, so the first release works anywhere.',
        'FROM scratch',
        'COPY public/ /app/public/',
        '',
      ].join('\n'),
      {flag: 'wx'},
    )
    written.push(dockerfile)
  }
  return written
}

/**
 * Where editors find the schema, for the `# yaml-language-server: $schema=` line. Never a path
 * into this machine's install: the file is committed and read on other machines.
 *
 * A project-local install (`DIR/node_modules/platform-cli`) gives a relative path that works on
 * every clone once `npm ci` ran, offline. Inside the CLI's own repository, the relative path to
 * its schema. Otherwise the published package's schema on unpkg, pinned to this CLI's version so
 * that the editor checks against the rules this CLI applies.
 */
export function schemaReference(dir: string, schemaFile = fileURLToPath(SCHEMA_URL)): {value: string; why: string} {
  const local = join(dir, 'node_modules', 'platform-cli', 'schema', 'platform.schema.json')
  if (existsSync(local)) return {value: './node_modules/platform-cli/schema/platform.schema.json', why: 'Schema from the project\'s own platform-cli install: the same path on every clone.'}
  const rel = relative(dir, schemaFile)
  if (!rel.startsWith('..') && !isAbsolute(rel)) return {value: `./${rel.split(sep).join('/')}`, why: 'Schema beside this file, so editors complete and check it.'}
  return {
    value: publishedSchemaUrl(),
    why: 'Schema of this platform-cli version; after `npm i -D platform-cli` use ./node_modules/platform-cli/schema/platform.schema.json (works offline).',
  }
}

/** The schema of this CLI's published version, as unpkg serves every npm package's files. */
export function publishedSchemaUrl(): string {
  const {name, version} = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as {name: string; version: string}
  return `https://unpkg.com/${name}@${version}/schema/platform.schema.json`
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
    ['--alarm-email', checkAlarmEmail, given.alarmEmail],
  ] as const) {
    if (value === undefined) continue
    const verdict = check(value)
    if (verdict !== true) throw new PlatformError(`${flag} ${JSON.stringify(value)}: ${verdict}`, {code: 'INVALID_FLAG', exit: ExitCode.usage})
  }
  const complete = given.project !== undefined && given.region !== undefined && given.domain !== undefined && given.services !== undefined && given.database !== undefined && given.alarmEmail !== undefined
  if (options.yes || complete) return {...DESIGN_ANSWERS, ...given, domain: given.domain === '' ? undefined : (given.domain ?? DESIGN_ANSWERS.domain)}
  if (!options.canPrompt) throw new NonInteractiveError('--yes (with --project, --region, --domain, --services, --database, --alarm-email as needed)', 'platform init')

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
  const alarmEmail = given.alarmEmail ?? (await prompt.input('E-mail for alarms (prod)', {default: DESIGN_ANSWERS.alarmEmail, validate: checkAlarmEmail}))
  return {project, region, domain: domain === '' ? undefined : domain, services, database, alarmEmail}
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
  const {config, issues} = await parseConfig(text, file)
  if (!config) {
    // The answers are checked above, so this is a bug in the template: say so instead of writing a broken file.
    throw new PlatformError(`platform init produced an invalid file:\n${issues.map(formatConfigIssue).join('\n')}`, {code: 'INIT_BUG', exit: ExitCode.unexpected})
  }
  await mkdir(dir, {recursive: true})
  if (existsSync(file) && (await stat(file)).isDirectory()) throw new PlatformError(`${file} is a directory.`, {exit: ExitCode.usage})
  await writeFile(file, text, {flag: options.force ? 'w' : 'wx'})
  const workflow = await writeInitialWorkflow({...config, file, dir}, options.force)
  const containerfiles = await writeStarterContainerfiles(dir, answers.services)
  return {file, answers, schema: reference.value, environments: Object.keys(config.environments), workflow, containerfiles}
}
