import {Readable} from 'node:stream'
import {describe, expect, it} from 'vitest'
import {readSecretValue} from '../../src/lib/secrets/read-value.js'

const piped = (text: string) => Object.assign(Readable.from([Buffer.from(text)]), {isTTY: false})

describe('readSecretValue', () => {
  it('reads a pipe whole and drops exactly one trailing newline', async () => {
    const never = async () => { throw new Error('no prompt expected') }
    expect(await readSecretValue('A', {stdin: piped('v1\n'), canPrompt: () => false, prompt: never})).toBe('v1')
    expect(await readSecretValue('A', {stdin: piped('line1\nline2\r\n'), canPrompt: () => false, prompt: never})).toBe('line1\nline2')
    expect(await readSecretValue('A', {stdin: piped('v\n\n'), canPrompt: () => false, prompt: never})).toBe('v\n')
  })

  it('asks with a masked prompt on a terminal, and refuses a terminal that cannot prompt', async () => {
    const tty = Object.assign(Readable.from([]), {isTTY: true})
    const asked: string[] = []
    const value = await readSecretValue('JWT_SECRET', {stdin: tty, canPrompt: () => true, prompt: async (m) => (asked.push(m), 'typed')})
    expect(value).toBe('typed')
    expect(asked).toEqual(['Value of JWT_SECRET (input hidden)'])
    await expect(readSecretValue('JWT_SECRET', {stdin: tty, canPrompt: () => false, prompt: async () => 'x'})).rejects.toMatchObject({exitCode: 2})
  })
})
