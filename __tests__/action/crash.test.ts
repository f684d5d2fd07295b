/** The last resort of src/index.ts (src/action/crash.ts): one redacted line, a stack only with RUNNER_DEBUG=1. */
import { describe, expect, it } from '@jest/globals'
import { reportCrash } from '../../src/action/crash.js'
import { Secrets } from '../../src/lib/secrets.js'
import { recordingIo } from '../support/recording-io.js'

const TOKEN = 'MIItoken/with+slash=='

function crash(env: Record<string, string>, e: unknown) {
  const { io, rec, everything } = recordingIo({}, env)
  const secrets = new Secrets(() => undefined)
  secrets.add(TOKEN)
  reportCrash(io, t => secrets.redact(t), e)
  return { rec, everything }
}

function failure(): Error {
  const e = new Error(
    `request for ${encodeURIComponent(TOKEN).replace(/%[0-9A-F]{2}/g, m => m.toLowerCase())} failed\n  badly`
  )
  e.stack = `Error: ${e.message}\n    at secretPlace (/x/${TOKEN}.js:1:1)`
  return e
}

describe('reportCrash', () => {
  it('prints one line, redacted, and no stack', () => {
    const { rec, everything } = crash({}, failure())
    expect(rec.failed).toEqual(['Unexpected error: request for *** failed badly'])
    expect(rec.lines).toEqual([])
    expect(everything()).not.toContain('MIItoken')
    expect(everything()).not.toContain('secretPlace')
  })

  it.each(['0', 'true', ''])('prints no stack with RUNNER_DEBUG=%p', value => {
    expect(crash({ RUNNER_DEBUG: value }, failure()).rec.lines).toEqual([])
  })

  it('prints the stack, redacted, in the debug log with RUNNER_DEBUG=1', () => {
    const { rec, everything } = crash({ RUNNER_DEBUG: '1' }, failure())
    expect(rec.lines).toHaveLength(1)
    expect(rec.lines[0]).toMatch(/^::debug::Error: request for \*\*\* failed/)
    expect(rec.lines[0]).toContain('at secretPlace (/x/***.js:1:1)')
    expect(everything()).not.toContain('MIItoken')
  })

  it('describes what was thrown when it is not an Error', () => {
    const { rec } = crash({ RUNNER_DEBUG: '1' }, `thrown ${TOKEN}`)
    expect(rec.failed).toEqual(['Unexpected error: thrown ***'])
    expect(rec.lines).toEqual([])
  })
})
