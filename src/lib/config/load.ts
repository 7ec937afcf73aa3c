import {readFile, stat} from 'node:fs/promises'
import {dirname, relative, resolve as resolvePath, isAbsolute} from 'node:path'
import {ConfigError, ExitCode, PlatformError, formatConfigIssue, type ConfigIssue} from '../errors.js'
import {IssueCollector, nearest} from './issues.js'
import {SourcePositions} from './positions.js'
import {parseConfigYaml} from './yaml-fast.js'
import {LineIndex, type AliasNode, type YamlNode, type YamlSyntaxError} from './yaml-tree.js'
import {resolveEnvironment, type RawConfig} from './resolve.js'
import {checkPlatformSchema, escapePointer} from './schema-check.js'
import {reportSchemaErrors} from './schema-issues.js'
import {isPlainObject} from './schema.js'
import {checkEnvironment, checkAcrossEnvironments} from './checks.js'
import {CONFIG_FILE_NAME, configSearchFolders} from './discover.js'
import type {PlatformConfig, ResolvedEnvironment} from './types.js'

/**
 * Largest platform.yaml we read. A real one is a few KB (60 services is ~25 KB); anything near
 * a megabyte is the wrong file, and rejecting it early keeps `validate` instant.
 */
export const MAX_CONFIG_BYTES = 1024 * 1024

/** The outcome of parsing: a config when there are no errors, and every issue found. */
export interface ParseResult {
  config?: PlatformConfig
  issues: ConfigIssue[]
  /** Problems that do not stop a deploy but probably are mistakes. */
  warnings: ConfigIssue[]
}

const YAML_HINTS: Record<string, string> = {
  DUPLICATE_KEY: 'a key may appear once per mapping: remove or rename one of them',
  TAB_AS_INDENT: 'indent with spaces; YAML does not allow tabs for indentation',
  BAD_INDENT: 'align keys of the same mapping at the same column, with spaces',
  MISSING_CHAR: 'close the quote, bracket or brace that was opened',
  MULTIPLE_DOCS: 'keep a single YAML document: remove the extra `---`',
  BLOCK_AS_IMPLICIT_KEY: 'check the indentation and the colon after each key',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line: check for a missing colon or quote',
  UNEXPECTED_TOKEN: 'check the syntax near this position (a stray character, a missing colon or quote)',
}

/**
 * Parse and validate platform.yaml text. Never throws: every problem (YAML syntax, schema,
 * the semantic checks a deploy would fail on) becomes an issue with file, line, column and path.
 */
export async function parseConfig(text: string, file: string, options: {region?: string} = {}): Promise<ParseResult> {
  try {
    return await parseUnchecked(text, file, options.region)
  } catch (error) {
    // A bug in a check must not hide the file's real problems behind a stack trace.
    return {
      issues: [{file, line: 1, column: 1, path: '', message: `could not check the file: ${error instanceof Error ? error.message : String(error)}`, hint: 'this is a bug in platform; rerun with DEBUG=platform* and report it'}],
      warnings: [],
    }
  }
}

function single(file: string, message: string, hint: string, line = 1, column = 1): ParseResult {
  return {issues: [{file, line, column, path: '', message, hint}], warnings: []}
}

async function parseUnchecked(text: string, file: string, regionOverride?: string): Promise<ParseResult> {
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > MAX_CONFIG_BYTES) {
    return single(file, `the file is ${formatSize(bytes)}; platform.yaml may be at most ${formatSize(MAX_CONFIG_BYTES)}`, 'check that --config points at platform.yaml, not a log or data file')
  }
  const binaryAt = text.search(/[\u0000-\u0008\u000E-\u001F\uFFFD]/)
  if (binaryAt >= 0) {
    const {line, column} = LineIndex.of(text.slice(0, binaryAt + 1)).at(binaryAt)
    return single(file, 'the file is not YAML text: it contains binary data or invalid UTF-8', 'check that --config points at platform.yaml; save it as UTF-8 text', line, column)
  }

  const parsed = await parseConfigYaml(text)
  const sink = new IssueCollector(file, new SourcePositions(parsed.root, parsed.lines))
  for (const error of parsed.errors) addYamlError(sink, error)
  if (parsed.errors.length > 0) return {issues: sink.list('error'), warnings: sink.list('warning')}

  if (parsed.root === null || (parsed.root.kind === 'scalar' && parsed.root.value === null)) {
    return single(file, 'the file is empty', 'run `platform init` to write a starting platform.yaml')
  }
  if (reportAliasesAndComplexKeys(parsed.root, sink)) return {issues: sink.list('error'), warnings: []}
  let data: unknown
  try {
    data = parsed.toJS()
  } catch (error) {
    return single(file, `the YAML could not be expanded: ${error instanceof Error ? error.message : String(error)}`, 'use fewer nested aliases (*name)')
  }
  if (!isPlainObject(data)) {
    const start = sink.positions!.locate([])
    return single(file, `the top level must be a mapping of keys (version, project, region, environments), not ${Array.isArray(data) ? 'a list' : typeof data}`, 'start from `platform init`, or see docs/platform-yaml.md', start.line, start.column)
  }

  // `--region` is checked exactly as the same value in platform.yaml: put it there before the checks.
  if (regionOverride !== undefined) data = withRegion(data, regionOverride)
  const schemaErrors = checkPlatformSchema(data)
  reportSchemaErrors(schemaErrors, data, sink)

  const raw = data as RawConfig
  const environments: Record<string, ResolvedEnvironment> = {}
  if (isPlainObject(raw.environments) && (raw.defaults === undefined || raw.defaults === null || isPlainObject(raw.defaults))) {
    const sharedBroken = schemaErrors.some((e) => /^\/(defaults|cost)(\/|$)/.test(e.instancePath))
    const checked: ReturnType<typeof resolveEnvironment>[] = []
    for (const [name, value] of Object.entries(raw.environments)) {
      if (value !== null && !isPlainObject(value)) continue
      const underCheck = resolveEnvironment(raw, name, sink)
      environments[name] = underCheck.env
      // Semantic checks assume the types the schema guarantees.
      const broken = sharedBroken || schemaErrors.some((e) => e.instancePath === '/environments' || e.instancePath.startsWith(`/environments/${escapePointer(name)}/`))
      if (!broken) {
        checkEnvironment(underCheck, sink)
        checked.push(underCheck)
      }
    }
    checkAcrossEnvironments(checked, sink)
  }

  const issues = sink.list('error').map((issue) => (regionOverride !== undefined && isRegionPath(issue.path) ? {...issue, message: `--region ${regionOverride}: ${issue.message}`} : issue))
  const warnings = sink.list('warning')
  if (issues.length > 0) return {issues, warnings}
  const absolute = isAbsolute(file) ? file : resolvePath(file)
  return {
    config: {version: 1, project: raw.project!, region: raw.region!, file: absolute, dir: dirname(absolute), environments},
    issues,
    warnings,
  }
}

/** Every region platform.yaml sets (top level, defaults, each environment) replaced by `region`. */
function withRegion(data: Record<string, unknown>, region: string): Record<string, unknown> {
  const override = (section: unknown) => (isPlainObject(section) && 'region' in section ? {...section, region} : section)
  const environments = isPlainObject(data.environments) ? Object.fromEntries(Object.entries(data.environments).map(([name, env]) => [name, override(env)])) : data.environments
  return {...data, region, defaults: override(data.defaults), environments}
}

/** The paths a `--region` value replaced: their issues are about the flag's value, not the file's. */
function isRegionPath(path: string): boolean {
  return path === 'region' || /^(defaults|environments\.[^.]+)\.region$/.test(path)
}

/**
 * What yaml notices only when converting, or not at all, found in one walk of the document in order:
 * an alias with no anchor of its name before it (Alias.resolve's rule, which walks the whole
 * document again for each alias it resolves), reported at the alias; else a key that is a list or
 * mapping (`? [a, b]: value` is valid YAML but no platform.yaml key is one).
 */
function reportAliasesAndComplexKeys(root: YamlNode, sink: IssueCollector): boolean {
  const anchors = new Set<string>()
  const unresolved: AliasNode[] = []
  const complexKeys: YamlNode[] = []
  const walk = (node: YamlNode | null): void => {
    if (node === null) return
    if (node.kind === 'alias') {
      if (!anchors.has(node.source)) unresolved.push(node)
      return
    }
    if (node.anchor) anchors.add(node.anchor)
    if (node.kind === 'seq') {
      for (const item of node.items) walk(item)
    } else if (node.kind === 'map') {
      for (const pair of node.items) {
        if (pair.key?.kind === 'map' || pair.key?.kind === 'seq') complexKeys.push(pair.key)
        walk(pair.key)
        walk(pair.value)
      }
    }
  }
  walk(root)
  for (const alias of unresolved) {
    sink.addAt(sink.positions!.at(alias.range[0]), '', {message: `YAML syntax: alias *${alias.source} has no anchor &${alias.source} before it`, hint: BAD_ALIAS_HINT})
  }
  if (unresolved.length > 0) return true
  for (const key of complexKeys) {
    sink.addAt(sink.positions!.at(key.range[0]), '', {message: 'YAML syntax: a key must be a plain name, not a list or mapping', hint: 'write the key as text, e.g. `web:`'})
  }
  return complexKeys.length > 0
}

const BAD_ALIAS_HINT = 'define the anchor (`key: &name value`) above the alias (`*name`), e.g. under a top-level `x-` key'

function addYamlError(sink: IssueCollector, error: YamlSyntaxError): void {
  sink.addAt({line: error.line, column: error.column}, '', {message: `YAML syntax: ${error.message}`, hint: YAML_HINTS[error.code] ?? 'fix the YAML syntax at this position'})
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`
}

/** How the file name appears in messages: relative to the working directory when inside it. */
export function displayPath(file: string): string {
  const absolute = resolvePath(file)
  const rel = relative(process.cwd(), absolute)
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : absolute
}

export interface LoadOptions {
  /** Called with warnings of a valid file. @default print them to stderr */
  onWarnings?: (warnings: ConfigIssue[]) => void
  /**
   * `--region`: every environment's region, instead of what platform.yaml says. It goes through
   * the same checks as a region written in the file (known region, availability zones, engine
   * versions), and an invalid value is reported as the flag's.
   */
  region?: string
}

/**
 * Read and validate platform.yaml. A missing file is a PlatformError (exit 3) that suggests
 * `platform init`; an invalid one a ConfigError carrying every issue.
 */
export async function loadConfig(file: string, options: LoadOptions = {}): Promise<PlatformConfig> {
  const result = await readAndParse(file, {region: options.region})
  if (!result.config) throw new ConfigError(result.issues)
  // Advisory warnings (placeholders `platform init` wrote) are `validate`'s to show, not every command's.
  const warnings = result.warnings.filter((w) => !w.advisory)
  if (warnings.length > 0) {
    const onWarnings = options.onWarnings ?? ((w: ConfigIssue[]) => process.stderr.write(w.map((i) => `warning: ${formatConfigIssue(i)}\n`).join('')))
    onWarnings(warnings)
  }
  return result.config
}

/** Like {@link loadConfig} but returns the issues instead of throwing for an invalid file (for `validate`). */
export async function readAndParse(file: string, options: {region?: string} = {}): Promise<ParseResult> {
  const shown = displayPath(file)
  const absolute = resolvePath(file)
  let size: number
  try {
    const info = await stat(absolute)
    if (info.isDirectory()) {
      throw new PlatformError(`${shown} is a directory, not a platform.yaml file.`, {code: 'CONFIG_NOT_FOUND', exit: ExitCode.invalidConfig, suggestions: [`Pass the file: --config ${posixJoin(shown, 'platform.yaml')}`]})
    }
    size = info.size
  } catch (error) {
    if (error instanceof PlatformError) throw error
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' && file === CONFIG_FILE_NAME) {
      // The default --config: nothing was found in this folder or any parent.
      throw new PlatformError(`No platform.yaml in ${configSearchFolders().join(', ')}.`, {
        code: 'CONFIG_NOT_FOUND',
        exit: ExitCode.invalidConfig,
        suggestions: ['Run `platform init` to create one, or run the command from your project\'s folder.', 'Or point at it with --config PATH (or PLATFORM_CONFIG).'],
      })
    }
    if (code === 'ENOENT') {
      throw new PlatformError(`No platform.yaml found at ${shown}.`, {
        code: 'CONFIG_NOT_FOUND',
        exit: ExitCode.invalidConfig,
        suggestions: ['Run `platform init` to create one.', 'Or point at it with --config PATH (or PLATFORM_CONFIG).'],
      })
    }
    throw new PlatformError(`Cannot read ${shown}: ${(error as Error).message}`, {code: 'CONFIG_UNREADABLE', exit: ExitCode.invalidConfig, cause: error})
  }
  if (size > MAX_CONFIG_BYTES) {
    // Do not even read it: a 5 MB file is the wrong file.
    return single(shown, `the file is ${formatSize(size)}; platform.yaml may be at most ${formatSize(MAX_CONFIG_BYTES)}`, 'check that --config points at platform.yaml, not a log or data file')
  }
  let text: string
  try {
    text = await readFile(absolute, 'utf8')
  } catch (error) {
    throw new PlatformError(`Cannot read ${shown}: ${(error as Error).message}`, {code: 'CONFIG_UNREADABLE', exit: ExitCode.invalidConfig, cause: error})
  }
  const result = await parseConfig(text, shown, options)
  if (result.config) result.config = {...result.config, file: absolute, dir: dirname(absolute)}
  return result
}

function posixJoin(a: string, b: string): string {
  return a.endsWith('/') ? `${a}${b}` : `${a}/${b}`
}

/**
 * One environment of a loaded config. An unknown name is a PlatformError (exit 3) that lists
 * the environments and suggests the nearest name.
 */
export function getEnvironment(config: PlatformConfig, name: string): ResolvedEnvironment {
  const env = Object.hasOwn(config.environments, name) ? config.environments[name] : undefined
  if (env) return env
  const names = Object.keys(config.environments)
  const guess = nearest(name, names)
  throw new PlatformError(`Unknown environment "${name}" in ${displayPath(config.file)}.`, {
    code: 'UNKNOWN_ENVIRONMENT',
    exit: ExitCode.invalidConfig,
    suggestions: [...(guess ? [`Did you mean "${guess}"?`] : []), `Environments: ${names.join(', ') || '(none)'}.`],
  })
}
