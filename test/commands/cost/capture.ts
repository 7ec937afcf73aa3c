import {captureOutput} from '@oclif/test'
import {format} from 'node:util'

/**
 * oclif prints through console.log/console.error, which vitest intercepts before they reach
 * process.stdout, where captureOutput listens. Route the console back to the streams for the
 * duration of the call, so stdout and stderr are what a user's terminal would get.
 */
export async function captureStdio<T>(fn: () => Promise<T>): ReturnType<typeof captureOutput<T>> {
  const {log, error} = console
  console.log = (...args: unknown[]) => void process.stdout.write(format(...args) + '\n')
  console.error = (...args: unknown[]) => void process.stderr.write(format(...args) + '\n')
  try {
    return await captureOutput(fn)
  } finally {
    console.log = log
    console.error = error
  }
}
