import {PassThrough} from 'node:stream'

/** stdout and stderr streams for code that takes `streams`, and what was written to each. */
export function captureStreams() {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const out: string[] = []
  const err: string[] = []
  stdout.on('data', (c) => out.push(String(c)))
  stderr.on('data', (c) => err.push(String(c)))
  return {streams: {stdout, stderr}, out: () => out.join(''), err: () => err.join('')}
}
