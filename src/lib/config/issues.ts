import type {ConfigIssue} from '../errors.js'
import {formatPath, type SourcePositions, type YamlPath} from './positions.js'

/** What a check reports: where (a path in the file), what is wrong, and how to fix it. */
export interface IssueInput {
  path: YamlPath
  message: string
  hint?: string
  /** Point at the key (unknown keys, missing children) or the value (wrong values). @default 'value' */
  target?: 'key' | 'value'
  /** Where to point when not at `path` itself (a missing key points at its parent mapping). */
  at?: YamlPath
  /** Environments the problem shows up in, when it comes from a value they share. */
  environments?: string[]
  /** Warnings do not make the file invalid. @default 'error' */
  severity?: 'error' | 'warning'
  /** A warning shown by `validate` only, not by every command that loads the file. */
  advisory?: boolean
}

/**
 * Collects issues with their file positions. The same problem reached through several environments
 * (a bad value in `defaults`) is reported once, naming the environments.
 */
export class IssueCollector {
  private readonly byKey = new Map<string, {issue: ConfigIssue; environments: string[]; severity: 'error' | 'warning'}>()

  constructor(
    readonly file: string,
    readonly positions?: SourcePositions,
  ) {}

  add(input: IssueInput): void {
    const {line, column} = this.positions?.locate(input.at ?? input.path, input.target ?? 'value') ?? {line: 1, column: 1}
    this.addAt({line, column}, formatPath(input.path), input)
  }

  /** An issue whose position is already known (YAML syntax errors). */
  addAt(at: {line: number; column: number}, path: string, input: Omit<IssueInput, 'path'>): void {
    // Keyed by position and message: the same node reached through two paths (an alias, a merge key) is one problem.
    const key = `${at.line}:${at.column}:${input.message}`
    const existing = this.byKey.get(key)
    if (existing) {
      for (const env of input.environments ?? []) if (!existing.environments.includes(env)) existing.environments.push(env)
      return
    }
    const issue: ConfigIssue = {file: this.file, line: at.line, column: at.column, path, message: input.message}
    if (input.hint) issue.hint = input.hint
    if (input.advisory) issue.advisory = true
    this.byKey.set(key, {issue, environments: [...(input.environments ?? [])], severity: input.severity ?? 'error'})
  }

  get errorCount(): number {
    return [...this.byKey.values()].filter((e) => e.severity === 'error').length
  }

  /** Issues of one severity, in file order. */
  list(severity: 'error' | 'warning' = 'error'): ConfigIssue[] {
    return [...this.byKey.values()]
      .filter((e) => e.severity === severity)
      .map(({issue, environments}) =>
        environments.length > 0 ? {...issue, message: `${issue.message} (environment${environments.length === 1 ? '' : 's'} ${environments.sort().join(', ')})`} : issue,
      )
      .sort((a, b) => a.line - b.line || a.column - b.column)
  }
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({length: b.length + 1}, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]
    previous[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]
      previous[j] = Math.min(previous[j] + 1, previous[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1))
      diagonal = above
    }
  }
  return previous[b.length]
}

/** The candidate closest to `word` (case-insensitive), when close enough to be a plausible typo. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  const lower = word.toLowerCase()
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  const allowed = Math.max(2, Math.floor(word.length / 3))
  return best !== undefined && bestDistance <= allowed ? best : undefined
}
