import { describe, expect, it } from '@jest/globals'
import {
  Api,
  Call,
  DeadlineError,
  FatalApiError,
  RETRY_SUMMARY_MS,
  UNREACHABLE_BUDGET_MS
} from '../../src/huawei/api.js'
import { tokenAuthorizer } from '../../src/huawei/auth.js'
import { CancelledError } from '../../src/lib/clock.js'
import { TransportError } from '../../src/huawei/transport.js'
import { decodeTask } from '../../src/cce/task.js'
import { FakeClock } from '../support/fake-clock.js'
import { Step, recordingLog, scriptedSend, taskBody } from '../support/scripted-send.js'

/** Issue 23.1: a host that never answers ends the step after a minute; one that answered is retried to the deadline. */

const refused = new TransportError('connection', 'connect ECONNREFUSED 127.0.0.1:9')
const ok = { status: 200, body: taskBody('Running', '10.00') }
const H = 3_600_000

function setup(steps: Step[], o: { signal?: AbortSignal; clock?: FakeClock } = {}) {
  const clock = o.clock ?? new FakeClock()
  const log = recordingLog()
  const send = scriptedSend(steps)
  const api = new Api({
    send,
    clock,
    log,
    intervalMs: 15_000,
    deadline: clock.monotonic() + H,
    signal: o.signal
  })
  const call = (host = 'cce.example.com'): Call<ReturnType<typeof decodeTask>> => ({
    method: 'GET',
    url: new URL(`https://${host}/api/v3/x`),
    auth: tokenAuthorizer('tok'),
    decode: decodeTask,
    explain: status => `explained ${status}`
  })
  return { clock, log, send, api, call }
}

describe('a host that never answered', () => {
  it('gives up a minute after the first try, with what to check, long before the deadline', async () => {
    const { api, call, clock, send } = setup([refused])
    const start = clock.monotonic()
    const err = await api.call(call()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(FatalApiError)
    expect((err as Error).message).toBe(
      `Could not reach cce.example.com (no request to it was answered in 1m (${send.requests.length} tries; the last: GET cce.example.com: connect ECONNREFUSED 127.0.0.1:9), so the gate stops now rather than at the timeout): check the endpoint and region inputs, the runner's network, and https_proxy/no_proxy; then re-run this job.`
    )
    // the last try starts at the budget, not later
    expect(clock.monotonic() - start).toBe(UNREACHABLE_BUDGET_MS)
    expect(send.requests.length).toBeGreaterThanOrEqual(5)
  })

  it('runs the budget on the monotonic clock: a wall clock stepped either way changes nothing', async () => {
    for (const step of [-2 * H, 2 * H]) {
      const clock = new FakeClock()
      let stepped = false
      clock.onSleep = () => {
        if (!stepped) clock.stepWall(step)
        stepped = true
      }
      const { api, call } = setup([refused], { clock })
      const start = clock.monotonic()
      await expect(api.call(call())).rejects.toThrow(
        /^Could not reach cce\.example\.com \(no request to it was answered in 1m /
      )
      expect(clock.monotonic() - start).toBe(UNREACHABLE_BUDGET_MS)
      expect(clock.wallStepMs).toBe(step)
    }
  })

  it('counts the budget from the first try of the step, across calls', async () => {
    const { api, call, clock } = setup([refused])
    const start = clock.monotonic()
    // a call bounded to 20 s ends at its own deadline; the next call has 40 s left of the budget
    await expect(
      api.call({ ...call(), deadline: clock.monotonic() + 20_000 })
    ).rejects.toBeInstanceOf(DeadlineError)
    await expect(api.call(call())).rejects.toBeInstanceOf(FatalApiError)
    expect(clock.monotonic() - start).toBe(UNREACHABLE_BUDGET_MS)
  })

  it('counts resets and timeouts before connecting; a timeout after connecting means the host is there', async () => {
    const reset = new TransportError('connection', 'read ECONNRESET')
    const noConnection = new TransportError('timeout', 'no connection within 15000 ms')
    const a = setup([reset, noConnection])
    await expect(a.api.call(a.call())).rejects.toThrow(/^Could not reach cce\.example\.com/)

    const slow = new TransportError('timeout', 'no response within 15000 ms', true)
    const b = setup([slow, refused])
    await expect(b.api.call(b.call())).rejects.toBeInstanceOf(DeadlineError)
    expect(b.clock.monotonic() - a.clock.monotonic()).toBeGreaterThan(0)
  })

  it('is judged per host: an IAM that answered does not keep a CCE endpoint that never did', async () => {
    const { api, call, clock } = setup([req => (req.url.host === 'iam.example.com' ? ok : refused)])
    const start = clock.monotonic()
    await api.call(call('iam.example.com'))
    await expect(api.call(call())).rejects.toThrow(/^Could not reach cce\.example\.com/)
    expect(clock.monotonic() - start).toBe(UNREACHABLE_BUDGET_MS)
  })

  it('a deadline sooner than the budget is a timeout, as before', async () => {
    const { api, call, clock } = setup([refused])
    await expect(
      api.call({ ...call(), deadline: clock.monotonic() + 30_000 })
    ).rejects.toBeInstanceOf(DeadlineError)
  })
})

describe('a host that answered once', () => {
  it.each([
    ['an answer', ok],
    ['an HTTP error that is retried', { status: 503 }],
    ['an HTTP error that ends the call', { status: 404 }]
  ])('after %s, an outage is retried to the deadline', async (_name, first) => {
    const { api, call, clock } = setup([first as Step, refused])
    const start = clock.monotonic()
    await api.call(call()).catch(() => undefined)
    const err = await api.call(call()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DeadlineError)
    expect(clock.monotonic() - start).toBe(H)
  })
})

describe('retry warnings', () => {
  it('warns once about a problem, then sums its repeats up once a minute, then says when it answered', async () => {
    const steps: Step[] = [{ status: 503 }]
    const { api, call, clock, log, send } = setup([
      () => (send.requests.length <= 40 ? (steps[0] as { status: number }) : ok)
    ])
    const start = clock.monotonic()
    await api.call(call())
    const warnings = log.of('warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(
      /^HTTP 503 no error details in the response \(request ID req-1\); retrying in \d+m?s \(repeats of this warning go to the debug log\)$/
    )
    expect(log.of('debug').filter(l => l.startsWith('HTTP 503'))).toHaveLength(39)
    const summaries = log.of('info').filter(l => l.startsWith('Still retrying'))
    const minutes = Math.floor((clock.monotonic() - start) / RETRY_SUMMARY_MS)
    expect(summaries.length).toBeGreaterThanOrEqual(minutes - 1)
    expect(summaries.length).toBeLessThanOrEqual(minutes)
    expect(summaries[0]).toMatch(
      /^Still retrying: \d+ failed tries over 1m\d*s?, the last: HTTP 503 no error details in the response \(request ID req-\d+\); .+ left before the deadline$/
    )
    expect(log.of('info').at(-1)).toMatch(/^cce\.example\.com answered after 40 failed tries over /)
  })

  it('warns again about another problem, and not again about the first in a later call', async () => {
    const { api, call, log } = setup([{ status: 503 }, ok, { status: 503 }, { status: 502 }, ok])
    await api.call(call())
    await api.call(call())
    expect(log.of('warning').map(w => w.slice(0, 8))).toEqual(['HTTP 503', 'HTTP 502'])
  })
})

describe('retry warnings, the same problem', () => {
  it('is one warning whatever its request ID or the request timeout it had', async () => {
    const slow = (ms: number) => new TransportError('timeout', `no response within ${ms} ms`, true)
    const { api, call, log } = setup([
      { status: 503, headers: { 'x-request-id': 'a' } },
      { status: 503, headers: { 'x-request-id': 'b' } },
      slow(15_000),
      slow(4_000),
      ok
    ])
    await api.call(call())
    expect(log.of('warning').map(w => w.slice(0, 30))).toEqual([
      'HTTP 503 no error details in t',
      'GET cce.example.com: no respon'
    ])
  })
})

describe('cancelled while retrying', () => {
  it('carries how the requests were failing', async () => {
    const controller = new AbortController()
    const clock = new FakeClock(undefined, 42, () => controller.abort())
    const { api, call } = setup([refused], { signal: controller.signal, clock })
    const err = await api.call(call()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(CancelledError)
    expect((err as CancelledError).lastProblem).toBe(
      'GET cce.example.com: connect ECONNREFUSED 127.0.0.1:9'
    )
  })
})
