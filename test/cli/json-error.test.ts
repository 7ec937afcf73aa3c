import {describe, expect, it} from 'vitest'

import {jsonError, jsonErrorText, jsonRequested} from '../../src/lib/cli/json-error.js'

describe('the --json error object', () => {
  const error = jsonError({code: 'DEPLOY_FAILED', message: 'm', suggestions: ['s'], exitCode: 5, details: {failures: [{stack: 'a'}]}})

  it('holds the report and what the error knows beside it', () => {
    expect(error).toEqual({code: 'DEPLOY_FAILED', message: 'm', suggestions: ['s'], exitCode: 5, failures: [{stack: 'a'}]})
  })

  it('is one typed line for a command that streams JSON lines, else the indented object', () => {
    expect(jsonErrorText(error, true)).toBe(`${JSON.stringify({type: 'error', ...error})}\n`)
    expect(jsonErrorText(error, true).trimEnd()).not.toContain('\n')
    expect(jsonErrorText(error, false)).toBe(`${JSON.stringify(error, null, 2)}\n`)
  })

  it('is asked for by --json before any --', () => {
    expect(jsonRequested(['deploy', 'prod', '--json'])).toBe(true)
    expect(jsonRequested(['deploy', '--json', '--', 'x'])).toBe(true)
    expect(jsonRequested(['logs', 'prod', '--', '--json'])).toBe(false)
    expect(jsonRequested(['deploy', 'prod'])).toBe(false)
  })
})
