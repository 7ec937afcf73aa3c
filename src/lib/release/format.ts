import {renderTable} from '../ui/table.js'
import type {ReleaseRecord} from './history.js'

const shortDigest = (image: string) => /@sha256:([0-9a-f]{12})/.exec(image)?.[1] ?? image.slice(image.lastIndexOf('/') + 1)

/** How long it took; for a release still running, how long so far; an abandoned one has no end. */
function duration(r: ReleaseRecord, now: number): string {
  const seconds = (end: number) => `${Math.round((end - Date.parse(r.startedAt)) / 1000)}s`
  if (r.endedAt) return seconds(Date.parse(r.endedAt))
  return r.outcome === 'in-progress' ? `${seconds(now)} so far` : '-'
}

/** `platform releases`: newest first, like `heroku releases` and `helm history`. */
export function formatReleases(releases: ReleaseRecord[], now = Date.now()): string {
  if (releases.length === 0) return 'No releases recorded yet.'
  return renderTable(
    ['ID', 'STARTED', 'DURATION', 'OUTCOME', 'DESCRIPTION', 'BY', 'COMMIT', 'IMAGES'],
    releases.map((r) => [
      r.id,
      r.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      duration(r, now),
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
