import {format} from 'node:util'

/**
 * `DEBUG=platform*` (the value every help text recommends) turns on the debug log on stderr and
 * the stack traces of errors. Patterns follow the `debug` package: comma- or space-separated,
 * `*` as a wildcard, a leading `-` excludes.
 */
export function isDebugEnabled(namespace: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const patterns = (env.DEBUG ?? '').split(/[\s,]+/).filter(Boolean)
  const matches = (pattern: string) => new RegExp(`^${pattern.replaceAll(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`).test(namespace)
  if (patterns.some((p) => p.startsWith('-') && matches(p.slice(1)))) return false
  return patterns.some((p) => !p.startsWith('-') && matches(p))
}

export type DebugLog = (formatter: string, ...args: unknown[]) => void

/** A logger for `platform:<area>` that writes to stderr only when DEBUG enables it. */
export function createDebugLog(area: string, env: NodeJS.ProcessEnv = process.env, stderr: NodeJS.WritableStream = process.stderr): DebugLog {
  const namespace = `platform:${area}`
  if (!isDebugEnabled(namespace, env)) return () => undefined
  return (formatter, ...args) => stderr.write(`${namespace} ${format(formatter, ...args)}\n`)
}
