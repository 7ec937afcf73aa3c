import {renderTable} from '../ui/table.js'
import type {ReleaseRecord} from './history.js'

const shortDigest = (image: string) => /@sha256:([0-9a-f]{12})/.exec(image)?.[1] ?? image.slice(image.lastIndexOf('/') + 1)

/** `platform releases`: newest first, like `heroku releases` and `helm history`. */
export function formatReleases(releases: ReleaseRecord[]): string {
  if (releases.length === 0) return 'No releases recorded yet.'
  return renderTable(
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
