import type {ReleaseRecord} from './history.js'

/** Plain columns, padded: readable in a terminal and in CI logs, greppable, no colour needed. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  return [line(header), ...rows.map(line)].join('\n')
}

const shortDigest = (image: string) => /@sha256:([0-9a-f]{12})/.exec(image)?.[1] ?? image.slice(image.lastIndexOf('/') + 1)

/** `platform releases`: newest first, like `heroku releases` and `helm history`. */
export function formatReleases(releases: ReleaseRecord[]): string {
  if (releases.length === 0) return 'No releases recorded yet.'
  return formatTable(
    ['ID', 'STARTED', 'DURATION', 'OUTCOME', 'DESCRIPTION', 'BY', 'COMMIT', 'IMAGES'],
    releases.map((r) => [
      r.id,
      r.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      `${Math.round((Date.parse(r.endedAt) - Date.parse(r.startedAt)) / 1000)}s`,
      r.outcome,
      r.description,
      r.who.localUser ?? r.who.awsCaller ?? '',
      r.git.commit ? `${r.git.commit.slice(0, 12)}${r.git.dirty ? '+dirty' : ''}` : '',
      Object.keys(r.services)
        .sort()
        .map((s) => `${s}@${shortDigest(r.services[s].image)}`)
        .join(' '),
    ]),
  )
}
