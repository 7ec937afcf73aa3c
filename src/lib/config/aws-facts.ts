/**
 * Static facts about AWS that validation needs without an API call. Deploy re-checks what can
 * drift (engine versions) against the live API; these tables make `validate` offline and instant.
 * Last reviewed: 2026-11.
 */

/** Availability zones an account can use per region (new accounts; some regions have more for older accounts). */
export const REGION_AZ_COUNT: Record<string, number> = {
  'af-south-1': 3,
  'ap-east-1': 3,
  'ap-east-2': 3,
  'ap-northeast-1': 3,
  'ap-northeast-2': 4,
  'ap-northeast-3': 3,
  'ap-south-1': 3,
  'ap-south-2': 3,
  'ap-southeast-1': 3,
  'ap-southeast-2': 3,
  'ap-southeast-3': 3,
  'ap-southeast-4': 3,
  'ap-southeast-5': 3,
  'ap-southeast-7': 3,
  'ca-central-1': 3,
  'ca-west-1': 3,
  'eu-central-1': 3,
  'eu-central-2': 3,
  'eu-north-1': 3,
  'eu-south-1': 3,
  'eu-south-2': 3,
  'eu-west-1': 3,
  'eu-west-2': 3,
  'eu-west-3': 3,
  'il-central-1': 3,
  'me-central-1': 3,
  'me-south-1': 3,
  'mx-central-1': 3,
  'sa-east-1': 3,
  'us-east-1': 6,
  'us-east-2': 3,
  'us-west-1': 2,
  'us-west-2': 4,
}

/** Aurora PostgreSQL versions that support Serverless v2 and can be created today. */
const AURORA_POSTGRES_VERSIONS = [
  '13.18', '13.20', '13.21', '13.22',
  '14.15', '14.17', '14.18', '14.19',
  '15.10', '15.12', '15.13', '15.14',
  '16.6', '16.8', '16.9', '16.10',
  '17.4', '17.5', '17.6', '17.7', '17.9',
]

/** Versions RDS no longer offers for new clusters, with the version to use instead. */
const AURORA_POSTGRES_RETIRED: Record<string, string> = {
  '17.1': '17.9',
  '17.2': '17.9',
  '17.3': '17.9',
  '16.1': '16.10',
  '16.2': '16.10',
  '16.3': '16.10',
  '16.4': '16.10',
  '16.5': '16.10',
  '15.2': '15.14',
  '15.3': '15.14',
  '15.4': '15.14',
  '15.5': '15.14',
  '15.6': '15.14',
  '15.7': '15.14',
  '15.8': '15.14',
  '14.6': '14.19',
  '14.7': '14.19',
  '14.8': '14.19',
  '14.9': '14.19',
  '14.10': '14.19',
  '14.11': '14.19',
  '14.12': '14.19',
  '14.13': '14.19',
}

/** Region-specific differences from the lists above (none known today; the shape is here for when they appear). */
const AURORA_POSTGRES_BY_REGION: Record<string, string[]> = {}

export type EngineVersionVerdict =
  | {status: 'ok'}
  | {status: 'retired'; replacement: string}
  | {status: 'unknown'; latest: string}
  | {status: 'too-old'; oldest: string}

/** Whether `version` of Aurora PostgreSQL can be created in `region`, as far as this table knows. */
export function checkAuroraPostgresVersion(version: string, region: string): EngineVersionVerdict {
  const known = AURORA_POSTGRES_BY_REGION[region] ?? AURORA_POSTGRES_VERSIONS
  if (known.includes(version)) return {status: 'ok'}
  if (AURORA_POSTGRES_RETIRED[version]) return {status: 'retired', replacement: AURORA_POSTGRES_RETIRED[version]}
  const major = Number(version.split('.')[0])
  const majors = known.map((v) => Number(v.split('.')[0]))
  if (major < Math.min(...majors)) return {status: 'too-old', oldest: known[0]}
  const sameMajor = known.filter((v) => Number(v.split('.')[0]) === major)
  return {status: 'unknown', latest: sameMajor.at(-1) ?? known.at(-1)!}
}

/** Auto-pause (0 ACU minimum) needs Aurora PostgreSQL 13.15, 14.12, 15.7, 16.3 or later. */
export function supportsAutoPause(version: string): boolean {
  const [major, minor = 0] = version.split('.').map(Number)
  const minimum: Record<number, number> = {13: 15, 14: 12, 15: 7, 16: 3}
  if (major >= 17) return true
  return minimum[major] !== undefined && minor >= minimum[major]
}
