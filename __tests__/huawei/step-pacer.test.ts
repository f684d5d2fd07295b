import { describe, expect, it } from '@jest/globals'
import { StepPacer } from '../../src/huawei/step-pacer.js'
import { CancelledError } from '../../src/lib/clock.js'
import { VirtualClock } from '../support/virtual-clock.js'

/** One account's quota as Huawei's gateway keeps it: a token bucket. */
function bucket(clock: VirtualClock, rate: number, burst: number) {
  let tokens = burst
  let at = clock.monotonic()
  return (): boolean => {
    tokens = Math.min(burst, tokens + ((clock.monotonic() - at) / 1000) * rate)
    at = clock.monotonic()
    if (tokens < 1) return false
    tokens -= 1
    return true
  }
}

interface FleetRun {
  requests: number
  refused: number
  lastPassMs: number
  /** per cluster: the start times of its requests */
  sent: number[][]
}

/**
 * A model of the bench's fleet case: `clusters` clusters, each reading two lists per poll until its upgrade has
 * ended (`endsAtMs` after the start), then its cluster once; every request through one StepPacer's lanes.
 */
async function fleet(
  clusters: number,
  o: { rate: number; burst: number; intervalMs: number; endsAtMs: number; retryAfterMs?: number }
): Promise<FleetRun> {
  const clock = new VirtualClock()
  const pacer = new StepPacer(clock, o.intervalMs, clusters)
  const take = bucket(clock, o.rate, o.burst)
  const run: FleetRun = { requests: 0, refused: 0, lastPassMs: 0, sent: [] }
  const one = async (i: number): Promise<void> => {
    const lane = pacer.lane()
    const sent: number[] = []
    run.sent.push(sent)
    const request = async (): Promise<void> => {
      for (;;) {
        expect(await lane.turn(Infinity)).toBe(true)
        sent.push(clock.monotonic())
        run.requests++
        await new Promise(r => setImmediate(r))
        if (take()) return lane.answered()
        run.refused++
        lane.refused(o.retryAfterMs)
        await clock.sleep(lane.retryDelayMs(clock.random(), o.retryAfterMs))
      }
    }
    await clock.sleep((i * o.intervalMs) / clusters)
    for (;;) {
      lane.pollStarted(clock.monotonic())
      await request()
      await request()
      if (clock.monotonic() - clock.start >= o.endsAtMs) break
      await clock.sleep(lane.pollIntervalMs() * (1 - 0.2 * clock.random()))
    }
    await request()
    run.lastPassMs = Math.max(run.lastPassMs, clock.monotonic() - clock.start)
    pacer.finished()
  }
  await clock.run(Promise.all(Array.from({ length: clusters }, (_, i) => one(i))))
  return run
}

describe('StepPacer', () => {
  it('starts at two requests per cluster per interval, and never slower than 10/s', () => {
    const clock = new VirtualClock()
    expect(new StepPacer(clock, 5000, 100).currentRate).toBe(40)
    expect(new StepPacer(clock, 15_000, 4).currentRate).toBe(10)
    expect(new StepPacer(clock, 5000, 100).pollIntervalMs()).toBe(5000)
  })

  it('serves requests one at a time at its rate, the earlier poll first', async () => {
    const clock = new VirtualClock()
    const pacer = new StepPacer(clock, 1000, 5) // 10 requests/s: 100 ms apart
    const a = pacer.lane()
    const b = pacer.lane()
    await clock.run(a.turn(Infinity)) // the pacer is busy until 100 ms
    a.pollStarted(clock.monotonic() + 50)
    b.pollStarted(clock.monotonic())
    const order: string[] = []
    const at: number[] = []
    const go = (lane: typeof a, name: string) =>
      lane.turn(Infinity).then(() => {
        order.push(name)
        at.push(clock.monotonic() - clock.start)
      })
    await clock.run(Promise.all([go(a, 'a1'), go(a, 'a2'), go(b, 'b1')]))
    // b's poll began first: its request goes ahead of both of a's, queued before it
    expect(order).toEqual(['b1', 'a1', 'a2'])
    expect(at).toEqual([100, 200, 300])
  })

  it('halves the rate on a 429 and widens every cluster’s interval; a 429 to a request sent before the cut is not counted again', async () => {
    const clock = new VirtualClock()
    const pacer = new StepPacer(clock, 5000, 100)
    const lane = pacer.lane()
    const other = pacer.lane()
    await clock.run(Promise.all([lane.turn(Infinity), other.turn(Infinity)]))
    lane.refused()
    expect(pacer.currentRate).toBe(20)
    expect(pacer.pollIntervalMs()).toBe(10_000)
    // sent before the cut: the cut already answers it
    other.refused()
    expect(pacer.currentRate).toBe(20)
  })

  it('cuts to 90 % of what the quota answered when that is more than half, and grows back while answered', async () => {
    const clock = new VirtualClock()
    const pacer = new StepPacer(clock, 1000, 5) // 10/s
    const lane = pacer.lane()
    // 8 answers per second for three seconds
    const serve = async () => {
      for (let i = 0; i < 24; i++) {
        await lane.turn(Infinity)
        pacer.answered()
        await clock.sleep(125)
      }
    }
    await clock.run(serve())
    await clock.run(lane.turn(Infinity))
    lane.refused()
    // 15 answers in the last two seconds: 7.5/s, more than half of 10/s
    expect(pacer.currentRate).toBeCloseTo(0.9 * 7.5, 5)
    const cut = pacer.currentRate
    await clock.run(clock.sleep(4000))
    pacer.answered()
    expect(pacer.currentRate).toBeCloseTo(cut * Math.exp(0.05 * 4), 5)
    // never above the start rate
    await clock.run(clock.sleep(60_000))
    pacer.answered()
    expect(pacer.currentRate).toBe(10)
  })

  it('never cuts below half the rate on one refusal, nor below 0.5/s', async () => {
    const clock = new VirtualClock()
    const pacer = new StepPacer(clock, 1000, 5)
    const lane = pacer.lane()
    for (let i = 0; i < 10; i++) {
      await clock.run(lane.turn(Infinity))
      const before = pacer.currentRate
      lane.refused()
      expect(pacer.currentRate).toBe(Math.max(0.5, before / 2))
    }
    expect(pacer.currentRate).toBe(0.5)
  })

  it('spaces requests on the monotonic clock: a step of the wall clock changes nothing', async () => {
    const clock = new VirtualClock()
    const pacer = new StepPacer(clock, 1000, 5) // 100 ms apart
    const lane = pacer.lane()
    const at: number[] = []
    const go = () => lane.turn(Infinity).then(() => at.push(clock.monotonic() - clock.start))
    await clock.run(go())
    clock.wallStepMs = -3_600_000
    await clock.run(Promise.all([go(), go()]))
    clock.wallStepMs = 3_600_000
    await clock.run(go())
    expect(at).toEqual([0, 100, 200, 300])
  })

  it('holds every lane until a Retry-After has passed', async () => {
    const clock = new VirtualClock()
    const pacer = new StepPacer(clock, 1000, 5)
    const a = pacer.lane()
    const b = pacer.lane()
    await clock.run(a.turn(Infinity))
    a.refused(3000)
    const at: number[] = []
    await clock.run(b.turn(Infinity).then(() => at.push(clock.monotonic() - clock.start)))
    expect(at).toEqual([3000])
    expect(a.retryDelayMs(0.5, 3000)).toBe(3000)
  })

  it('gives up a turn whose deadline comes first, and a cancelled one leaves the queue', async () => {
    const clock = new VirtualClock()
    const pacer = new StepPacer(clock, 1000, 5)
    const a = pacer.lane()
    await clock.run(a.turn(Infinity))
    a.refused(10_000)
    expect(await clock.run(a.turn(clock.monotonic() + 5000))).toBe(false)
    const stop = new AbortController()
    const cancelled = a.turn(Infinity, stop.signal)
    stop.abort()
    await expect(cancelled).rejects.toBeInstanceOf(CancelledError)
  })

  it('keeps a fleet of 100 on a quota of 8/s under 5 % refused, at 5 requests per cluster, within 75 s', async () => {
    const run = await fleet(100, { rate: 8, burst: 8, intervalMs: 5000, endsAtMs: 8000 })
    expect(run.requests / 100).toBeLessThanOrEqual(5)
    expect(run.refused / run.requests).toBeLessThan(0.05)
    expect(run.lastPassMs).toBeLessThanOrEqual(75_000)
  })

  it('never has a cluster send more than 2 requests in one interval while it waits', async () => {
    const run = await fleet(10, { rate: 100, burst: 100, intervalMs: 2000, endsAtMs: 12_000 })
    expect(run.refused).toBe(0)
    for (const sent of run.sent) {
      const waiting = sent.slice(0, -1) // the last is the cluster read of the poll that saw the end
      for (const t of waiting)
        expect(waiting.filter(u => u >= t && u < t + 0.8 * 2000).length).toBeLessThanOrEqual(2)
    }
    // and the first polls spread over the interval rather than all at once
    const firsts = run.sent.map(s => s[0] ?? 0)
    expect(Math.max(...firsts) - Math.min(...firsts)).toBeGreaterThanOrEqual(1500)
  })
})
