/**
 * Defence in depth: a secret that comes back from the API (echoed in an error message, a header or a field) is
 * scrubbed from every warning, debug and info line, output and summary by main's log wrapper and finish(),
 * even where the runner's own masking is not active (RecordingIo masks nothing).
 */
import { describe, expect, it } from '@jest/globals'
import { run } from '../src/main.js'
import type { HttpRequest } from '../src/huawei/transport.js'
import { FakeClock } from './support/fake-clock.js'
import { recordingIo } from './support/recording-io.js'
import { type Step, scriptedSend, taskBody } from './support/scripted-send.js'
import { UNIT_INPUTS } from './support/unit-inputs.js'
import { Secrets } from '../src/lib/secrets.js'

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

/** A long, varied secret: a quote cut anywhere inside it would show a recognisable piece. */
const LONG = `ST-${'a1b2c3d4e5f6g7h8i9j0'.repeat(5)}-end`

/** The first piece of `secret` (10 characters or more) that `text` shows, if any. */
function pieceShown(text: string, secret: string): string | undefined {
  for (let i = 0; i + 10 <= secret.length; i++) {
    const piece = secret.slice(i, i + 10)
    if (text.includes(piece)) return piece
  }
  return undefined
}

describe('a secret in a quoted part of an answer', () => {
  const longInputs = { ...UNIT_INPUTS, 'security-token': LONG }
  async function goLong(steps: Step[]) {
    const { io, rec, everything } = recordingIo(longInputs)
    await run(io, { send: scriptedSend(steps), clock: new FakeClock() })
    return { rec, everything }
  }

  it('is redacted before a text error body is cut to a snippet', async () => {
    // the secret straddles the 200th character, where the snippet ends
    const { rec, everything } = await goLong([
      req => ({
        status: 401,
        headers: { 'content-type': 'text/plain' },
        body: `${'x'.repeat(150)} header: ${echoed(req)} and more`
      })
    ])
    expect(rec.failed).toEqual([expect.stringContaining('header: *** and more')])
    expect(pieceShown(everything(), LONG)).toBeUndefined()
  })

  it('is redacted before an answer that is not the expected JSON is cut to a snippet', async () => {
    const { rec, everything } = await goLong([
      req => ({ status: 200, body: `<html>${'y'.repeat(50)} ${echoed(req)}</html>` })
    ])
    expect(rec.failed).toEqual([expect.stringContaining('not the expected JSON')])
    expect(rec.failed[0]).toContain('y ***')
    expect(pieceShown(everything(), LONG)).toBeUndefined()
  })
})

describe('the OIDC token exchange', () => {
  const oidcInputs = {
    ...UNIT_INPUTS,
    'access-key-id': '',
    'secret-access-key': '',
    'identity-provider': 'github-idp'
  }
  const REQUEST_TOKEN = 'gh-request-bearer-0123456789'
  const env = {
    ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example/x',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN
  }
  async function goOidc(steps: Step[], idToken: () => Promise<string> = async () => 'jwt') {
    const { io, rec, everything } = recordingIo(oidcInputs, env, idToken)
    await run(io, { send: scriptedSend(steps), clock: new FakeClock() })
    return { rec, everything }
  }

  it('never quotes the text of a refusal, only its code and request ID', async () => {
    const { rec, everything } = await goOidc([
      {
        status: 401,
        headers: { 'x-request-id': 'rid-1' },
        body: JSON.stringify({ error_code: 'IAM.0011', error_msg: 'claims of eyJhbGciOi-part' })
      }
    ])
    expect(rec.failed).toEqual([
      expect.stringMatching(
        /^IAM refused the GitHub OIDC token \(HTTP 401 IAM\.0011: its text is not shown, as this answer may hold credentials \(request ID rid-1\)\)/
      )
    ])
    expect(everything()).not.toContain('eyJhbGciOi')
  })

  it('never quotes a text body of a refusal', async () => {
    const { rec, everything } = await goOidc([
      { status: 400, headers: { 'content-type': 'text/plain' }, body: 'bad id_token eyJzdWIi' }
    ])
    expect(rec.failed).toEqual([expect.stringMatching(/^IAM refused the GitHub OIDC token/)])
    expect(everything()).not.toContain('eyJzdWIi')
  })

  it('describes a token answer it cannot use without quoting it', async () => {
    // a 201 without the X-Subject-Token header: the body may still carry a token
    const { rec, everything } = await goOidc([
      {
        status: 201,
        headers: { 'content-type': 'application/json' },
        body: '{"token":"MIIsecret"}'
      }
    ])
    expect(rec.failed).toEqual([
      expect.stringContaining(
        'application/json, a body of 21 bytes (not shown: a token answer may hold credentials)'
      )
    ])
    expect(everything()).not.toContain('MIIsecret')
  })

  it('masks the ID token request bearer, which an error getting the ID token may echo', async () => {
    const { rec, everything } = await goOidc([{ status: 500 }], async () => {
      throw new Error(`request with bearer ${REQUEST_TOKEN} failed`)
    })
    expect(rec.masked).toContain(REQUEST_TOKEN)
    expect(rec.failed).toEqual([expect.stringContaining('request with bearer *** failed')])
    expect(everything()).not.toContain(REQUEST_TOKEN)
  })
})

describe('Secrets.redact', () => {
  it('also replaces a secret URL-encoded, as a URL or form echoed back would carry it', () => {
    const masked: string[] = []
    const s = new Secrets(v => masked.push(v))
    s.add('ST/abc+def=')
    expect(s.redact('token=ST%2Fabc%2Bdef%3D&x=1 and ST/abc+def=')).toBe('token=***&x=1 and ***')
    expect(masked).toEqual(expect.arrayContaining(['ST/abc+def=', 'ST%2Fabc%2Bdef%3D']))
  })

  it('replaces a secret that contains another whole, whichever was added first', () => {
    const inner = 'abc123'
    const outer = 'xx-abc123-yy'
    for (const order of [
      [inner, outer],
      [outer, inner]
    ]) {
      const s = new Secrets(() => undefined)
      for (const v of order) s.add(v)
      expect(s.redact(`[${outer}] [${inner}]`)).toBe('[***] [***]')
    }
  })
})

describe('an error body that echoes a secret escaped', () => {
  const SLASHED = 'ST-abc/def+ghi=0123456789'
  async function goSlashed(steps: Step[]) {
    const { io, rec, everything } = recordingIo({ ...UNIT_INPUTS, 'security-token': SLASHED })
    await run(io, { send: scriptedSend(steps), clock: new FakeClock() })
    return { rec, everything }
  }

  it.each([
    ['PHP-style \\/', 'ST-abc\\/def+ghi=0123456789'],
    ['in \\u escapes', 'ST-abc\\u002fdef\\u002Bghi\\u003d0123456789'],
    ['HTML-escaped inside the JSON string', 'ST-abc&#x2F;def&#43;ghi&equals;0123456789'],
    ['percent-encoded in lower case', 'ST-abc%2fdef%2bghi%3d0123456789']
  ])('%s is redacted in the failure message', async (_, echoedForm) => {
    const { rec, everything } = await goSlashed([
      {
        status: 403,
        body: `{"error_code":"APIGW.0302","error_msg":"token ${echoedForm} is not allowed","request_id":"${echoedForm}"}`
      }
    ])
    expect(rec.failed).toEqual([
      expect.stringContaining('APIGW.0302: token *** is not allowed (request ID req-1)')
    ])
    expect(everything()).not.toMatch(/abc|0123456789/)
  })

  it('is redacted before an answer of another shape is cut to a snippet', async () => {
    const { rec, everything } = await goSlashed([
      {
        status: 200,
        body: `{"kind":"Other","spec":{"token":"${'z'.repeat(40)} ST-abc\\/def+ghi=0123456789"}}`
      }
    ])
    expect(rec.failed).toEqual([expect.stringContaining('not the expected JSON')])
    expect(everything()).not.toMatch(/abc|0123456789/)
  })
})
