/**
 * The deploy view on a terminal: the BUILT CLI in a pseudo-terminal (`script` from util-linux)
 * against the local AWS, answering the review prompt after a pause, as a person does. It checks
 * what the user sees: the review coloured (not under NO_COLOR), the stack list drawn once and only
 * after the prompt, no stack ticked before it is done, and timers that leave out the prompt.
 */
import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {buildCli, rootConfigWithoutAssets} from '../helpers/built-cli.js'
import {exampleImages, useLocalAws} from '../helpers/e2e-setup.js'

const IMAGES = exampleImages('staging')
/** How long the "person" looks at the review before answering. */
const PROMPT_WAIT_MS = 8000
/** Far below the pause, so a timer that counted the prompt cannot pass. */
const SLACK_MS = 2000
const ESC = '\u001B'

// GIVEN staging's stacks deployed once, so that a deploy of one edit is short.
const local = useLocalAws({secrets: ['staging'], deploy: {env: 'staging', args: ['--infra-only', ...IMAGES]}})
const config = rootConfigWithoutAssets()

interface TtyRun {
  code: number | null
  /** Everything the terminal received, escape sequences included. */
  output: string
  /** Offset in `output` where the answer was typed. */
  answeredAt: number
  /** Wall-clock ms from the answer to the exit. */
  afterAnswerMs: number
  /** Wall-clock ms from the start to the exit. */
  totalMs: number
}

/** Run the built CLI in a pseudo-terminal; when `answer.when` appears, wait, then type `answer.keys`. */
function runInTty(args: string[], options: {env?: Record<string, string>; answer?: {when: string; keys: string; afterMs: number}} = {}): Promise<TtyRun> {
  const quote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`
  // A wide terminal, so that listr2 does not truncate the titles the test reads.
  const shell = `stty cols 200 rows 60; exec ${[process.execPath, join(buildCli(), 'bin/run.js'), ...args].map(quote).join(' ')}`
  // As a person's terminal: no CI, no colour overrides.
  const env: NodeJS.ProcessEnv = {...process.env, ...local.cliEnv, TERM: 'xterm-256color'}
  for (const name of ['CI', 'NO_COLOR', 'FORCE_COLOR']) delete env[name]
  const child = spawn('script', ['-q', '-e', '-c', shell, '/dev/null'], {
    env: {...env, ...options.env},
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let output = ''
  let answeredAt = -1
  let answerTime = 0
  const startTime = Date.now()
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk
      if (options.answer && answeredAt < 0 && output.includes(options.answer.when)) {
        answeredAt = Number.POSITIVE_INFINITY
        setTimeout(() => {
          answeredAt = output.length
          answerTime = Date.now()
          child.stdin.write(options.answer!.keys)
        }, options.answer.afterMs)
      }
    })
    child.stderr.on('data', (chunk) => (output += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({code, output, answeredAt, afterAnswerMs: Date.now() - answerTime, totalMs: Date.now() - startTime}))
  })
}

const stripAnsi = (text: string) => text.replaceAll(new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, 'g'), '').replaceAll('\r', '')

/** log-update's frames: each redraw starts by erasing the previous frame's lines. */
function frames(output: string): string[] {
  return output.split(new RegExp(`(?:${ESC}\\[2K(?:${ESC}\\[1A)?)+${ESC}\\[G`)).map(stripAnsi)
}

function editedConfig(edit: (text: string) => string): string {
  const text = readFileSync(config, 'utf8')
  const changed = edit(text)
  expect(changed).not.toBe(text)
  const file = join(mkdtempSync(join(tmpdir(), 'platform-tty-')), 'platform.yaml')
  writeFileSync(file, changed)
  return file
}


describe('deploy on a terminal (pseudo-terminal, built CLI, patched moto)', () => {
  it('the list is drawn once after the prompt, a stack is ticked only when done, and timers leave out the prompt', async () => {
    // The monitoring stack changes (an alarm threshold); it takes at least one poll.
    const edited = editedConfig((t) => t.replace('alarms: {cpu: 80,', 'alarms: {cpu: 85,'))
    const run = await runInTty(['deploy', 'staging', '--infra-only', '--config', edited, ...IMAGES], {
      env: {PLATFORM_POLL_INTERVAL: '1000'},
      answer: {when: 'Deploy these changes to staging?', keys: 'y\r', afterMs: PROMPT_WAIT_MS},
    })
    const plain = stripAnsi(run.output)
    expect(run.code, plain).toBe(0)
    expect(run.answeredAt).toBeGreaterThan(0)
    // The review on a terminal is coloured: `~ Modify` in yellow.
    expect(run.output).toContain(`${ESC}[33m~ Modify`)

    const title = /bookmark-manager-staging-monitoring \(ap-northeast-1\) update/
    const titles = new RegExp(title.source, 'g')
    // Nothing of the list before the answer: it is drawn when the first stack runs.
    expect(stripAnsi(run.output.slice(0, run.answeredAt)).match(titles)).toBeNull()
    const after = frames(run.output.slice(run.answeredAt)).filter((f) => title.test(f))
    expect(after.length).toBeGreaterThan(1)
    // The first drawing ticks nothing: each stack takes at least a poll to finish.
    expect(after[0]).not.toMatch(new RegExp(`✔ ${title.source}`))
    // Every frame names each stack once (drawn once, not appended again), ticked or not.
    for (const frame of after) {
      expect(frame.match(titles) ?? [], frame).toHaveLength(1)
    }
    // The final drawing ticks both, with timers that started after the answer.
    const last = after.at(-1)!
    const timers = [...last.matchAll(/✔ bookmark-manager-staging-monitoring \(ap-northeast-1\) update ([\d.]+)s/g)].map((m) => Number(m[1]))
    expect(timers, last).toHaveLength(1)
    // A timer that counted the prompt would show the pause (PROMPT_WAIT_MS) on top of the time since
    // the answer. The bound is the time since the answer plus a little: the moment the CLI reads the
    // answer is not one this test observes (terminal echo, the reader's turn), so a timer may be a
    // few hundred ms longer than the test's own clock says, never a pause longer.
    const bound = run.afterAnswerMs + SLACK_MS
    for (const timer of timers) expect(timer * 1000).toBeLessThan(bound)
    const outcome = /Deployed staging: 1 updated, \d+ unchanged in ([\d.]+)s \(plus ([\d.]+)s at the review\)\./.exec(plain)
    expect(outcome, plain.slice(-1500)).not.toBeNull()
    // The deploy's own time counts the reading and planning before the prompt too, not the prompt.
    expect(Number(outcome![1]) * 1000).toBeLessThan(run.totalMs - PROMPT_WAIT_MS + SLACK_MS)
    expect(Number(outcome![2]) * 1000).toBeGreaterThanOrEqual(PROMPT_WAIT_MS - 500)
  }, 180_000)

  it('diff colours + ~ - on a terminal, and not under NO_COLOR or --no-color', async () => {
    const edited = editedConfig((t) => t.replace('logRetentionDays: 7', 'logRetentionDays: 30'))
    const coloured = await runInTty(['diff', 'staging', '--config', edited])
    expect(coloured.code, stripAnsi(coloured.output)).toBe(0)
    expect(coloured.output).toContain(`${ESC}[33m~ Modify`)
    const runs: Array<[string[], Record<string, string>]> = [
      [['diff', 'staging', '--config', edited], {NO_COLOR: '1'}],
      [['diff', 'staging', '--no-color', '--config', edited], {}],
    ]
    for (const [args, env] of runs) {
      const plain = await runInTty(args, {env})
      expect(plain.code).toBe(0)
      expect(plain.output).toContain('~ Modify')
      expect(plain.output).not.toContain(`${ESC}[33m`)
    }
  }, 120_000)
})
