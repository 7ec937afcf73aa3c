/** local/patches/rds_engine_versions.py: DescribeDBEngineVersions answers from cfn-lint's data. */
import {DescribeDBEngineVersionsCommand} from '@aws-sdk/client-rds'
import {describe, expect, it} from 'vitest'
import {usePatchedMoto} from './harness.js'

const moto = usePatchedMoto()

describe('DescribeDBEngineVersions', () => {
  it('answers from the same data cfn-lint checks templates with', async () => {
    const offered = await moto.rds().send(new DescribeDBEngineVersionsCommand({Engine: 'aurora-postgresql', EngineVersion: '17.9'}))
    expect(offered.DBEngineVersions).toEqual([expect.objectContaining({Engine: 'aurora-postgresql', EngineVersion: '17.9', DBParameterGroupFamily: 'aurora-postgresql17'})])
    // the design's original 17.2 is no longer offered (cfn-lint E3690 says the same)
    const withdrawn = await moto.rds().send(new DescribeDBEngineVersionsCommand({Engine: 'aurora-postgresql', EngineVersion: '17.2'}))
    expect(withdrawn.DBEngineVersions).toEqual([])
    const all = await moto.rds().send(new DescribeDBEngineVersionsCommand({Engine: 'aurora-postgresql'}))
    const versions = (all.DBEngineVersions ?? []).map((v) => v.EngineVersion)
    expect(versions).toContain('16.6')
    expect(versions.indexOf('17.4')).toBeLessThan(versions.indexOf('17.9'))
  })
})
