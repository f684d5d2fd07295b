import { describe, expect, it } from '@jest/globals'
import { Api, Call, DeadlineError, FatalApiError } from '../../src/huawei/api.js'
import { tokenAuthorizer } from '../../src/huawei/auth.js'
import { CancelledError } from '../../src/lib/clock.js'
import { TransportError } from '../../src/huawei/transport.js'
import { decodeTask } from '../../src/cce/task.js'
import { FakeClock } from '../support/fake-clock.js'
import { Step, recordingLog, scriptedSend, taskBody } from '../support/scripted-send.js'

function setup(
  steps: Step[],
  opts: { intervalMs?: number; timeoutMs?: number; signal?: AbortSignal; clock?: FakeClock } = {}
) {
  const clock = opts.clock ?? new FakeClock()
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

  it('after a 429, waits a random part of 1.25 widened intervals, never less than Huawei advises', async () => {
    const { api, call, clock } = setup([{ status: 429 }, ok], { intervalMs: 5000 })
    await api.call(call)
    // the interval widens to 15 s: the retry lands in the last 60 % of 18.75 s
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(7500)
    expect(clock.sleeps[0]).toBeLessThanOrEqual(18_750)
    const short = setup([{ status: 429 }, ok], { intervalMs: 200 })
    await short.api.call(short.call)
    expect(short.clock.sleeps[0]).toBeGreaterThanOrEqual(800)
    expect(short.clock.sleeps[0]).toBeLessThanOrEqual(2000)
  })

  it('spreads the retries of gates refused together instead of retrying them in lock-step', async () => {
    const delays: number[] = []
    for (let seed = 1; seed <= 40; seed++) {
      const clock = new FakeClock(undefined, seed)
      const api = new Api({
        send: scriptedSend([{ status: 429 }, ok]),
        clock,
        log: recordingLog(),
        intervalMs: 5000,
        deadline: clock.now() + 600_000
      })
      await api.call(setup([]).call)
      delays.push(clock.sleeps[0]!)
    }
    // 40 gates refused at once come back over more than 10 s, no two within the same 10 ms
    expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan(10_000)
    expect(new Set(delays.map(d => Math.floor(d / 10))).size).toBeGreaterThan(36)
  })

  it('honours Retry-After in seconds and as an HTTP date, even beyond the interval', async () => {
    const { api, call, clock } = setup([{ status: 503, headers: { 'retry-after': '30' } }, ok], {
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

    // throttled: never before Retry-After, spread after it
    const t = setup([{ status: 429, headers: { 'retry-after': '30' } }, ok], { intervalMs: 5000 })
    await t.api.call(t.call)
    expect(t.clock.sleeps[0]).toBeGreaterThanOrEqual(30_000)
    expect(t.clock.sleeps[0]).toBeLessThanOrEqual(48_750)
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

describe('Api.call, answers that are not the expected JSON', () => {
  const html = {
    status: 200,
    headers: { 'content-type': 'text/html', 'x-request-id': 'rid-h' },
    body: '<!DOCTYPE html>\n<html><body><h1>Sign in to the corporate proxy</h1></body></html>'
  }

  it('retries one or two, then fails saying what came back and what to check', async () => {
    const twice = setup([html, html, ok])
    await expect(twice.api.call(twice.call)).resolves.toMatchObject({ value: { phase: 'Running' } })

    const { api, call, send } = setup([html])
    const err = await api.call(call).catch(e => e)
    expect(err).toBeInstanceOf(FatalApiError)
    expect(send.requests).toHaveLength(3)
    expect(err.message).toBe(
      'cce.example.com answered 3 times in a row with something that is not the expected JSON: the last was HTTP 200, text/html, body starting "<!DOCTYPE html> <html><body><h1>Sign in to the corporate proxy</h1></body></html"… (request ID rid-h). Check the endpoint input (it must be the API\'s address, not a console or portal page) and any proxy between the runner and Huawei Cloud.'
    )
  })

  it('counts only answers in a row', async () => {
    const { api, call, send } = setup([html, html, { status: 503 }, html, html, ok])
    await expect(api.call(call)).resolves.toMatchObject({ value: { phase: 'Running' } })
    expect(send.requests).toHaveLength(6)
    const empty = setup([{ status: 200, body: '', headers: {} }])
    await expect(empty.api.call(empty.call)).rejects.toThrow(
      /the last was HTTP 200, no content-type, an empty body \(request ID none\)/
    )
  })
})

describe('Api.pollIntervalMs', () => {
  it('widens after a 429 and narrows again as answers come back', async () => {
    const { api, call } = setup([{ status: 429 }, ok], { intervalMs: 5000 })
    expect(api.pollIntervalMs()).toBe(5000)
    await api.call(call)
    const widened = api.pollIntervalMs()
    expect(widened).toBeGreaterThan(5000)
    for (let i = 0; i < 10; i++) await api.call(call)
    expect(api.pollIntervalMs()).toBe(5000)
  })
})

/** A clock whose sleeps end only when the signal aborts: a wait that ignores cancellation never ends. */
class StuckClock extends FakeClock {
  override sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms)
    return new Promise((_, reject) => {
      if (signal?.aborted) return reject(new CancelledError())
      signal?.addEventListener('abort', () => reject(new CancelledError()), { once: true })
    })
  }
}

describe('Api.call, cancelled while waiting to retry', () => {
  it.each([
    ['a 60 s Retry-After', { status: 503, headers: { 'retry-after': '60' } }, 60_000],
    [
      'a throttled wait with Retry-After',
      { status: 429, headers: { 'retry-after': '60' } },
      60_000
    ],
    ['a widened throttled wait', { status: 429 }, 2000]
  ])('ends at once with CancelledError during %s', async (_name, step, atLeast) => {
    const controller = new AbortController()
    const clock = new StuckClock()
    const send = scriptedSend([step as Step, ok])
    const api = new Api({
      send,
      clock,
      log: recordingLog(),
      intervalMs: 5000,
      deadline: clock.now() + 3_600_000,
      signal: controller.signal
    })
    const result = api.call(setup([]).call).then(
      () => 'answered',
      (e: unknown) => e
    )
    for (let i = 0; i < 100 && clock.sleeps.length === 0; i++)
      await new Promise(resolve => setImmediate(resolve))
    expect(clock.sleeps).toHaveLength(1)
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(atLeast)
    controller.abort()
    const settled = await Promise.race([
      result,
      new Promise(resolve => setTimeout(resolve, 2000, 'still waiting'))
    ])
    expect(settled).toBeInstanceOf(CancelledError)
    expect(send.requests).toHaveLength(1)
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

describe('Api.apiClockOffsetMs', () => {
  const dated = (date: string) => ({ ...ok, headers: { 'x-request-id': 'r', date } })
  async function offsetAfter(date: (now: number) => string) {
    const clock = new FakeClock()
    const s = setup([dated(date(clock.now()))])
    await s.api.call(s.call)
    return { api: s.api, log: s.log }
  }

  it.each([
    ['14 minutes behind', -14 * 60_000, '14m ahead of'],
    ['3 hours behind', -3 * 3_600_000, '3h ahead of'],
    ['from 1970', -Date.UTC(2026, 10, 24, 12, 0, 0), '498756h ahead of'],
    ['an hour ahead', 3_600_000, '1h behind']
  ])(
    "takes the API's clock from a Date header %s, however far off, without a refusal or a warning",
    async (_, offset, named) => {
      const { api, log } = await offsetAfter(now => new Date(now + offset).toUTCString())
      // the header's second is 0 to 999 ms of the API's clock: the midpoint
      expect(api.apiClockOffsetMs()).toBe(offset + 500)
      expect(log.of('warning')).toEqual([])
      expect(log.of('info')).toEqual([
        `This runner's clock is ${named} the API's (its Date header): times the API gives are compared with the API's clock.`
      ])
    }
  )

  it('reads a Date header as the middle of its second and of the round trip', async () => {
    // the runner's clock at 12:00:00.600: a header of 12:00:00 means 12:00:00.000 to 12:00:00.999
    const clock = new FakeClock(Date.UTC(2026, 10, 24, 12, 0, 0, 600))
    for (const [header, offset] of [
      ['Tue, 24 Nov 2026 12:00:00 GMT', -100],
      ['Tue, 24 Nov 2026 12:00:01 GMT', 900],
      ['Tue, 24 Nov 2026 12:00:02 GMT', 1900],
      ['Tue, 24 Nov 2026 11:59:59 GMT', -1100]
    ] as const) {
      const s = setup([dated(header)], { clock })
      await s.api.call(s.call)
      expect([header, s.api.apiClockOffsetMs()]).toEqual([header, offset])
      expect(s.log.of('info')).toEqual([])
    }
    // a round trip of 2 s: the header was written somewhere in it, the middle is taken
    const slow = setup(
      [
        () => {
          clock.advance(2000)
          return dated('Tue, 24 Nov 2026 12:00:10 GMT')
        }
      ],
      { clock }
    )
    await slow.api.call(slow.call)
    // 12:00:10.500 a second after it left, so 12:00:11.500 as the answer arrives
    expect(slow.api.apiNow()).toBe(Date.UTC(2026, 10, 24, 12, 0, 11, 500))
  })

  it('keeps an estimate a later header agrees with, and follows one that does not', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 24, 12, 0, 0, 0))
    const s = setup(
      [
        dated('Tue, 24 Nov 2026 12:00:00 GMT'),
        dated('Tue, 24 Nov 2026 12:00:00 GMT'),
        dated('Tue, 24 Nov 2026 12:00:03 GMT')
      ],
      { clock }
    )
    await s.api.call(s.call)
    expect(s.api.apiClockOffsetMs()).toBe(500)
    // 0.4 s later the header still says 12:00:00: the estimate (12:00:00.900) fits it, and is kept; 0.1 s later
    // a header of 12:00:03 does not fit it (the API's clock moved): followed
    clock.advance(400)
    await s.api.call(s.call)
    expect(s.api.apiClockOffsetMs()).toBe(500)
    clock.advance(100)
    await s.api.call(s.call)
    expect(s.api.apiClockOffsetMs()).toBe(3000)
  })

  it("does not move with the runner's wall clock: a step of it changes neither the API's time nor a signature", async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 24, 12, 0, 0, 0))
    const s = setup([dated('Tue, 24 Nov 2026 12:00:00 GMT'), ok], { clock })
    await s.api.call(s.call)
    const apiNow = s.api.apiNow()
    clock.stepWall(2 * 3_600_000)
    expect(s.api.apiNow()).toBe(apiNow)
    clock.stepWall(-3 * 3_600_000)
    expect(s.api.apiNow()).toBe(apiNow)
    expect(s.api.apiClockOffsetMs()).toBe(500)
  })

  it("lets the runner's clock stand in until an answer says the API's time, and says so once", async () => {
    const clock = new FakeClock()
    const s = setup([ok], { clock })
    await s.api.call(s.call)
    clock.stepWall(5000)
    expect(s.api.apiNow()).toBe(clock.now())
    expect(s.api.apiClockOffsetMs()).toBe(5000)
    expect(s.api.apiNow()).toBe(clock.now())
    expect(s.log.of('info')).toEqual([
      "No answer has said the API's time yet (no readable Date header): this runner's clock stands in for the API's until one does."
    ])
  })

  it('trusts the offset a refused signature measured, however large', async () => {
    const sdk = (ms: number) => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '')
    const server = new FakeClock().now() - 3_600_000
    const date = new Date(server).toUTCString()
    const { api, call, log } = setup([
      {
        status: 401,
        headers: { date },
        body: JSON.stringify({
          error_code: 'APIGW.0301',
          error_msg: `Incorrect IAM authentication information: signature expired, signature time:${sdk(server + 3_600_000)},server time:${sdk(server)}`
        })
      },
      dated(date)
    ])
    await api.call(call)
    // the whole second the refusal names, and its midpoint
    expect(api.apiClockOffsetMs()).toBe(-3_599_500)
    expect(log.of('warning')).toEqual([
      expect.stringMatching(/^This runner's clock is 1h ahead of the API's/)
    ])
  })
})

describe('Api durations on the monotonic clock (issue 19 item 2, issue 20 item 4)', () => {
  const throttled = (headers: Record<string, string>) => ({
    status: 429,
    headers: { 'x-request-id': 'r429', ...headers },
    body: JSON.stringify({ error_code: 'APIG.0308', error_msg: 'throttled' })
  })

  it("reads a Retry-After date against the answer's own Date header, not the runner's clock", async () => {
    const clock = new FakeClock()
    // the runner's clock is 2 h ahead of the API's
    clock.stepWall(2 * 3_600_000)
    const apiNow = clock.monotonic()
    const s = setup(
      [
        throttled({
          date: new Date(apiNow).toUTCString(),
          'retry-after': new Date(apiNow + 30_000).toUTCString()
        }),
        ok
      ],
      { clock, intervalMs: 5000 }
    )
    await s.api.call(s.call)
    // 30 s, then a point of the throttling window (under 20 s)
    expect(s.clock.sleeps).toHaveLength(1)
    expect(s.clock.sleeps[0]).toBeGreaterThanOrEqual(30_000)
    expect(s.clock.sleeps[0]).toBeLessThan(50_000)
  })

  it('waits a Retry-After of 40 days only until the deadline: one sleep, then the deadline', async () => {
    const s = setup([throttled({ 'retry-after': String(40 * 86_400) })], { timeoutMs: 600_000 })
    await expect(s.api.call(s.call)).rejects.toBeInstanceOf(DeadlineError)
    expect(s.clock.sleeps).toEqual([600_000])
    expect(s.send.requests).toHaveLength(1)
  })

  it("keeps retrying through a +2 h step of the runner's clock: the deadline is monotonic", async () => {
    const clock = new FakeClock()
    clock.onSleep = () => clock.stepWall(2 * 3_600_000)
    const s = setup([{ status: 503, body: '{}' }, ok], { clock, timeoutMs: 60_000 })
    await expect(s.api.call(s.call)).resolves.toMatchObject({ value: { phase: 'Running' } })
    expect(s.send.requests).toHaveLength(2)
  })
})
