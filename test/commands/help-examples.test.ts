/**
 * Every example in every command's help parses with that command's own flags and arguments, in
 * the built CLI: a renamed or removed flag, a wrong value for an option flag or a missing argument
 * in an example fails here. Parsing stops before anything talks to AWS (or builds, or writes). An
 * ENV argument must also name an environment of the repository's platform.yaml, which the examples
 * are written against.
 */
import {join} from 'node:path'
import {Command, Config} from '@oclif/core'
import {beforeAll, describe, expect, it} from 'vitest'
import {loadConfig} from '../../src/lib/config/load.js'
import {buildCli, repoRoot} from '../helpers/built-cli.js'

const OPERATOR = Symbol('operator')

/** Shell words, quotes removed; each `|`, `>`, `;` or `&` run becomes one OPERATOR. */
function shellWords(line: string): Array<string | typeof OPERATOR> {
  const out: Array<string | typeof OPERATOR> = []
  let word: string | undefined
  let quote: string | undefined
  const end = () => {
    if (word !== undefined) out.push(word)
    word = undefined
  }
  for (const char of line) {
    if (quote) {
      if (char === quote) quote = undefined
      else word += char
    } else if (char === '"' || char === "'") {
      quote = char
      word ??= ''
    } else if (/\s/.test(char)) {
      end()
    } else if ('>|;&'.includes(char)) {
      end()
      if (out.at(-1) !== OPERATOR) out.push(OPERATOR)
    } else {
      word = (word ?? '') + char
    }
  }
  end()
  return out
}

/**
 * The arguments of the `platform` command in a shell example: the part inside `$(...)` when there
 * is one, else the pipeline's command that starts with `platform`, up to its redirection or pipe.
 */
export function exampleArgv(example: string, bin: string): string[] {
  // Plugins' examples start with the prompt, `$ platform ...`.
  const line = /\$\(([^)]*)\)/.exec(example)?.[1] ?? example.replace(/^\$\s+/, '')
  const commands: string[][] = [[]]
  for (const word of shellWords(line)) {
    if (word === OPERATOR) commands.push([])
    else commands.at(-1)!.push(word)
  }
  const command = commands.find((words) => words[0] === bin)
  expect(command, example).toBeDefined()
  return command!.slice(1)
}

describe('help examples', () => {
  let config: Config
  let environments: string[]

  beforeAll(async () => {
    config = await Config.load(buildCli())
    environments = Object.keys((await loadConfig(join(repoRoot, 'platform.yaml'), {onWarnings: () => undefined})).environments)
  }, 180_000)

  it('the example line reader keeps quoted words and stops at shell operators', () => {
    expect(exampleArgv(`platform secrets set prod KEY --value 'a b' > out.json`, 'platform')).toEqual(['secrets', 'set', 'prod', 'KEY', '--value', 'a b'])
    expect(exampleArgv('eval "$(platform local start)"', 'platform')).toEqual(['local', 'start'])
    expect(exampleArgv('printf %s "$TOKEN" | platform secrets set prod TOKEN --json', 'platform')).toEqual(['secrets', 'set', 'prod', 'TOKEN', '--json'])
  })

  it('every example of every command parses with its flags and arguments', async () => {
    const checked: string[] = []
    for (const id of config.commandIDs) {
      const found = config.findCommand(id)!
      if (found.hidden) continue
      const ctor = (await found.load()) as typeof Command & {enableJsonFlag?: boolean}
      for (const raw of found.examples ?? []) {
        const text = (typeof raw === 'string' ? raw : raw.command).replaceAll('<%= config.bin %>', config.bin).replaceAll('<%= command.id %>', id.replaceAll(':', ' '))
        const argv = exampleArgv(text, config.bin)
        const words = id.split(':')
        expect(argv.slice(0, words.length), text).toEqual(words)
        const command = new (ctor as unknown as new (argv: string[], config: Config) => Command)(argv.slice(words.length), config)
        const parsed = await (command as unknown as {parse(options: unknown): Promise<{args: Record<string, unknown>}>}).parse(ctor).catch((error: Error) => {
          throw new Error(`${text}: ${error.message}`)
        })
        if (typeof parsed.args.env === 'string') expect(environments, text).toContain(parsed.args.env)
        checked.push(text)
      }
    }
    // Every command has examples (the help snapshot checks the section exists): dozens were parsed.
    expect(checked.length).toBeGreaterThan(40)
  })
})
