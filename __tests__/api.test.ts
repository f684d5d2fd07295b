import { describe, expect, it } from '@jest/globals'
import { Api, Call, DeadlineError, FatalApiError } from '../src/api.js'
import { tokenAuthorizer } from '../src/auth.js'
import { CancelledError } from '../src/clock.js'
import { TransportError } from '../src/transport.js'
import { decodeTask } from '../src/task.js'
import { FakeClock } from './support/fake-clock.js'
import { Step, recordingLog, scriptedSend, taskBody } from './support/scripted-send.js'

function setup(
  steps: Step[],
  opts: { intervalMs?: number; timeoutMs?: number; signal?: AbortSignal } = {}
) {
  const clock = new FakeClock()
  const log = recordingLog()
  const send = scriptedSend(steps)
  const api = new Api({
    send,
    clock,
    log,
    intervalMs: opts.intervalMs ?? 15_000,
    deadline: clock.now() + (opts.timeoutMs ?? 3_600_000),
    signal: opts.signal
  })
  const call: Call<ReturnType<typeof decodeTask>> = {
    method: 'GET',
    url: new URL('https://cce.example.com/api/v3/x'),
    auth: tokenAuthorizer('tok'),
    decode: decodeTask,
    explain: (status, d) => `explained ${status} ${d.code ?? ''}`
  }
  return { clock, log, send, api, call }
}

const ok = { status: 200, body: taskBody('Running', '10.00') }

describe('Api.call', () => {
  it('returns the decoded value and the request ID, with auth headers on the request', async () => {
    const { api, call, send } = setup([ok])
    const reply = await api.call(call)
    expect(reply.value?.phase).toBe('Running')
    expect(reply.requestId).toBe('req-1')
    expect(send.requests[0]?.headers['X-Auth-Token']).toBe('tok')
  })

  it.each([408, 429, 500, 502, 503, 504])(
    'retries HTTP %i with one warning naming status, code and request ID',
    async status => {
      const { api, call, send, log } = setup([
        {
          status,
          body: JSON.stringify({ error_code: 'APIG.0308', error_msg: 'throttled' }),
          headers: { 'x-request-id': 'rid-9' }
        },
        ok
      ])
      await api.call(call)
      expect(send.requests).toHaveLength(2)
      expect(log.of('warning')).toHaveLength(1)
      expect(log.of('warning')[0]).toMatch(
        new RegExp(`^HTTP ${status} APIG\\.0308: throttled \\(request ID rid-9\\); retrying in`)
      )
    }
  )

  it.each([
    ['a connection reset', new TransportError('connection', 'ECONNRESET: socket hang up')],
    ['a request timeout', new TransportError('timeout', 'no response within 15000 ms')],
    ['broken JSON', { status: 200, body: '{"kind":"Upgr' }],
    ['JSON of another shape', { status: 200, body: '{"hello":1}' }],
    ['an HTML page', { status: 200, body: '<html>proxy</html>' }]
  ])('retries %s', async (_name, fault) => {
    const { api, call, send, log } = setup([fault as Step, ok])
    const reply = await api.call(call)
    expect(reply.value?.phase).toBe('Running')
    expect(send.requests).toHaveLength(2)
    expect(log.of('warning')).toHaveLength(1)
  })

  it('backs off exponentially with jitter, never longer than the interval', async () => {
    const { api, call, clock } = setup(
      [
        { status: 503, body: '' },
        { status: 503 },
        { status: 503 },
        { status: 503 },
        { status: 503 },
        { status: 503 },
        ok
      ],
      { intervalMs: 10_000 }
    )
    await api.call(call)
    expect(clock.sleeps).toHaveLength(6)
    const ceilings = [1000, 2000, 4000, 8000, 10_000, 10_000]
    clock.sleeps.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(ceilings[i]! / 2)
      expect(ms).toBeLessThanOrEqual(ceilings[i]!)
    })
  })

  it('waits at least 1-2 s after a 429 as Huawei advises', async () => {
    const { api, call, clock } = setup([{ status: 429 }, ok])
    await api.call(call)
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(1000)
    expect(clock.sleeps[0]).toBeLessThanOrEqual(2000)
  })

  it('honours Retry-After in seconds and as an HTTP date, even beyond the interval', async () => {
    const { api, call, clock } = setup([{ status: 429, headers: { 'retry-after': '30' } }, ok], {
      intervalMs: 5000
    })
    await api.call(call)
    expect(clock.sleeps).toEqual([30_000])

    const s = setup(
      [
        (() => ({
          status: 503,
          headers: { 'retry-after': new Date(s.clock.now() + 20_000).toUTCString() }
        })) as Step,
        ok
      ],
      { intervalMs: 5000 }
    )
    await s.api.call(s.call)
    expect(s.clock.sleeps[0]).toBeGreaterThanOrEqual(19_000)
    expect(s.clock.sleeps[0]).toBeLessThanOrEqual(20_000)
  })

  it('never sleeps past the deadline and reports the last problem', async () => {
    const { api, call, clock, send } = setup([{ status: 503, headers: { 'retry-after': '600' } }], {
      timeoutMs: 45_000
    })
    const start = clock.now()
    const err = await api.call(call).catch(e => e)
    expect(err).toBeInstanceOf(DeadlineError)
    expect((err as DeadlineError).lastProblem).toMatch(/^HTTP 503/)
    expect(clock.now() - start).toBe(45_000)
    expect(send.requests).toHaveLength(1)
  })

  it('caps each request timeout at the time left before the deadline', async () => {
    const { api, call, send } = setup([ok], { timeoutMs: 4000 })
    await api.call(call)
    expect(send.requests[0]?.timeoutMs).toBe(4000)
    const s = setup([ok], { intervalMs: 15_000 })
    await s.api.call(s.call)
    expect(s.send.requests[0]?.timeoutMs).toBe(15_000)
  })

  it('starts no request once the deadline has passed', async () => {
    const { api, call, clock, send } = setup([ok], { timeoutMs: 1000 })
    clock.advance(1000)
    await expect(api.call(call)).rejects.toBeInstanceOf(DeadlineError)
    expect(send.requests).toHaveLength(0)
  })

  it.each([400, 401, 403, 404, 409, 501])(
    'fails at once on HTTP %i with the explanation',
    async status => {
      const { api, call, send } = setup([
        { status, body: JSON.stringify({ errorCode: 'CCE.X', errorMessage: 'nope' }) }
      ])
      const err = await api.call(call).catch(e => e)
      expect(err).toBeInstanceOf(FatalApiError)
      expect(err.message).toBe(`explained ${status} CCE.X`)
      expect(err.status).toBe(status)
      expect(send.requests).toHaveLength(1)
    }
  )

  it('refuses redirects and says why', async () => {
    const { api, call } = setup([
      { status: 302, headers: { location: 'https://evil.example.com/' } }
    ])
    await expect(api.call(call)).rejects.toThrow(
      /HTTP 302 redirecting to https:\/\/evil.example.com\/: redirects are not followed/
    )
  })

  it('fails at once on a DNS name that does not exist or a TLS error', async () => {
    const dns = setup([new TransportError('dns', 'host name not found (getaddrinfo ENOTFOUND x)')])
    await expect(dns.api.call(dns.call)).rejects.toThrow(
      /Cannot resolve cce.example.com: .*Check the region/
    )
    const tls = setup([new TransportError('tls', 'TLS certificate check failed: CERT_HAS_EXPIRED')])
    await expect(tls.api.call(tls.call)).rejects.toThrow(/certificate is not trusted/)
    const big = setup([
      new TransportError('too-large', 'response body larger than 1048576 bytes refused')
    ])
    await expect(big.api.call(big.call)).rejects.toThrow(/larger than 1048576 bytes/)
    expect(dns.send.requests.length + tls.send.requests.length + big.send.requests.length).toBe(3)
  })

  it('turns an abort into a CancelledError, before and during a request', async () => {
    const controller = new AbortController()
    controller.abort()
    const before = setup([ok], { signal: controller.signal })
    await expect(before.api.call(before.call)).rejects.toBeInstanceOf(CancelledError)
    expect(before.send.requests).toHaveLength(0)
    const during = setup([new TransportError('aborted', 'cancelled')])
    await expect(during.api.call(during.call)).rejects.toBeInstanceOf(CancelledError)
  })

  it('rethrows what is not a transport error', async () => {
    const { api, call } = setup([
      () => {
        throw new RangeError('bug')
      }
    ])
    await expect(api.call(call)).rejects.toThrow(RangeError)
  })

  it('signs every attempt afresh (signatures carry the time)', async () => {
    const clock = new FakeClock()
    const send = scriptedSend([{ status: 503 }, ok])
    const seen: number[] = []
    const api = new Api({
      send,
      clock,
      log: recordingLog(),
      intervalMs: 15_000,
      deadline: clock.now() + 60_000
    })
    await api.call({
      method: 'GET',
      url: new URL('https://x.example.com/'),
      auth: {
        headersFor: (_r, now) => (seen.push(now.getTime()), { 'X-Sdk-Date': String(now.getTime()) })
      },
      decode: decodeTask,
      explain: () => ''
    })
    expect(seen).toHaveLength(2)
    expect(seen[1]! - seen[0]!).toBeGreaterThan(0)
    // each attempt went out with the headers signed for it
    expect(send.requests.map(r => r.headers['X-Sdk-Date'])).toEqual(seen.map(String))
  })
})

describe('Api.bounded', () => {
  it('returns what the work returns', async () => {
    const { api } = setup([ok])
    await expect(api.bounded(Promise.resolve('token'))).resolves.toBe('token')
  })

  it('ends work that outlasts the deadline', async () => {
    const { api, clock } = setup([ok], { timeoutMs: 5000 })
    await expect(api.bounded(new Promise(() => undefined))).rejects.toBeInstanceOf(DeadlineError)
    expect(clock.sleeps).toEqual([5000])
  })

  it('ends work when the run is cancelled, also if it already was', async () => {
    const controller = new AbortController()
    const clock = new FakeClock()
    clock.onSleep = () => controller.abort()
    const api = new Api({
      send: scriptedSend([ok]),
      clock,
      log: recordingLog(),
      intervalMs: 1000,
      deadline: clock.now() + 5000,
      signal: controller.signal
    })
    await expect(api.bounded(new Promise(() => undefined))).rejects.toBeInstanceOf(CancelledError)
    await expect(api.bounded(new Promise(() => undefined))).rejects.toBeInstanceOf(CancelledError)
  })
})
