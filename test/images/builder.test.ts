import {describe, expect, it} from 'vitest'
import {runCommand} from '../../src/lib/images/builder.js'

describe('runCommand', () => {
  it('gives the exit code and output of a program that reads its input', async () => {
    expect(await runCommand('sh', ['-c', 'cat; echo done >&2; exit 3'], {stdin: 'input\n'})).toEqual({code: 3, output: 'input\ndone\n'})
  })

  it('gives the outcome of a program that exits without reading its input, not a broken-pipe error', async () => {
    // Far more than a pipe holds (64 KB on Linux): the write is still under way when the program is gone.
    const stdin = 'x'.repeat(8 * 1024 * 1024)
    for (let i = 0; i < 5; i++) expect(await runCommand('sh', ['-c', 'echo quick; exit 0'], {stdin})).toEqual({code: 0, output: 'quick\n'})
  })

  it('gives 127 and the reason for a program that cannot start', async () => {
    const result = await runCommand('platform-no-such-program', [])
    expect(result.code).toBe(127)
    expect(result.output).toMatch(/ENOENT/)
  })
})
