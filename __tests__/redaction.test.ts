/**
 * Defence in depth: a secret that comes back from the API (echoed in an error message, a header or a field) is
 * scrubbed from every warning, debug and info line, output and summary by main's log wrapper and finish(),
 * even where the runner's own masking is not active (RecordingIo masks nothing).
 */
import { describe, expect, it } from '@jest/globals'
import { run } from '../src/main.js'
import type { HttpRequest } from '../src/transport.js'
import { FakeClock } from './support/fake-clock.js'
import { recordingIo } from './support/recording-io.js'
import { type Step, scriptedSend, taskBody } from './support/scripted-send.js'
import { UNIT_INPUTS } from './support/unit-inputs.js'

const TOKEN = 'ST-super-secret'

const inputs = { ...UNIT_INPUTS, 'security-token': TOKEN }

/** What the API sent back in the request's security-token header. */
const echoed = (req: HttpRequest): string => {
  const token = req.headers['X-Security-Token']
  if (!token) throw new Error('the request carried no X-Security-Token')
  return token
}

async function go(steps: Step[]) {
  const { io, rec, everything } = recordingIo(inputs)
  // after the task's Success, the gate reads the cluster (Available), then the task once more before passing
  const send = scriptedSend([...steps, available, steps[steps.length - 1]!])
  await run(io, { send, clock: new FakeClock() })
  const level = (prefix: string) =>
    rec.lines.filter(l => l.startsWith(prefix)).map(l => l.slice(prefix.length))
  const infos = rec.lines.filter(l => !l.startsWith('::'))
  return { rec, everything, send, level, infos }
}

const success: Step = { body: taskBody('Success', '100.00') }
const available: Step = {
  body: JSON.stringify({ kind: 'Cluster', status: { phase: 'Available' } })
}

describe('a secret the API echoes back', () => {
  it('is redacted in a warning', async () => {
    const { rec, everything, level } = await go([
      req => ({
        status: 503,
        body: JSON.stringify({ error_code: 'CCE.01', error_msg: `overloaded for ${echoed(req)}` })
      }),
      success
    ])
    expect(rec.failed).toEqual([])
    expect(level('::warning::')).toEqual([expect.stringMatching(/overloaded for \*\*\*.*retrying/)])
    expect(everything()).not.toContain(TOKEN)
  })

  it('is redacted in a debug line', async () => {
    const { rec, everything, level } = await go([
      req => ({ headers: { 'x-request-id': echoed(req) }, body: taskBody('Success', '100.00') })
    ])
    expect(rec.failed).toEqual([])
    expect(level('::debug::')).toContainEqual(
      expect.stringMatching(/→ HTTP 200 .*request ID \*\*\*$/)
    )
    expect(everything()).not.toContain(TOKEN)
  })

  it('is redacted in an output, an info line and the summary', async () => {
    const { rec, everything, infos } = await go([
      req => ({
        body: taskBody('Success', '100.00', {
          spec: { version: echoed(req), targetVersion: 'v1.29.5-r0', items: {} }
        })
      })
    ])
    expect(rec.failed).toEqual([])
    expect(rec.outputs).toMatchObject({ result: 'success', version: '***' })
    expect(infos).toContainEqual(expect.stringMatching(/^Success 100\.00% · \*\*\* → v1\.29\.5-r0/))
    expect(rec.summary).toContain('*** → v1.29.5-r0')
    expect(everything()).not.toContain(TOKEN)
  })

  it('is redacted in the failure message', async () => {
    const { rec, everything } = await go([
      req => ({
        status: 400,
        body: JSON.stringify({ error_code: 'CCE.02', error_msg: `bad request ${echoed(req)}` })
      })
    ])
    expect(rec.failed).toEqual([expect.stringContaining('bad request ***')])
    expect(everything()).not.toContain(TOKEN)
  })
})
