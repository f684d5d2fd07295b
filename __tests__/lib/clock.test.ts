/**
 * The runtime clock (issue 20 item 4, issue 19 item 2): sleeps of any length on the monotonic clock, in timers
 * setTimeout can take (at most 2^31 − 1 ms: a longer delay fires after 1 ms, a tight loop), over injected timers.
 */
import { describe, expect, it } from '@jest/globals'
import { CancelledError, MAX_TIMER_MS, Timers, sleepOn, systemClock } from '../../src/lib/clock.js'

const DAY = 86_400_000

/** Timers over a fake monotonic clock: `fire()` runs the pending timer, `early` ms before it is due. */
function fakeTimers() {
  let mono = 1_000_000
  const delays: number[] = []
  let pending: { fn: () => void; due: number } | undefined
  let cleared = 0
  const timers: Timers = {
    monotonic: () => mono,
    setTimeout: (fn, ms) => {
      if (pending) throw new Error('two timers at once')
      delays.push(ms)
      pending = { fn, due: mono + ms }
      return pending
    },
    clearTimeout: t => {
      if (t === pending) pending = undefined
      cleared++
    }
  }
  return {
    timers,
    delays,
    get pending() {
      return pending
    },
    get cleared() {
      return cleared
    },
    get mono() {
      return mono
    },
    fire(early = 0) {
      const p = pending
      if (!p) throw new Error('no timer pending')
      pending = undefined
      mono = p.due - early
      p.fn()
    }
  }
}

const settled = async (p: Promise<unknown>) => {
  let state = 'pending'
  p.then(
    () => (state = 'resolved'),
    () => (state = 'rejected')
  )
  await new Promise(resolve => setImmediate(resolve))
  return state
}

describe('sleepOn', () => {
  it('splits a sleep of 60 days into timers setTimeout can take, and ends it on the monotonic clock', async () => {
    const t = fakeTimers()
    const start = t.mono
    const sleep = sleepOn(t.timers)(60 * DAY)
    t.fire()
    t.fire()
    expect(await settled(sleep)).toBe('pending')
    t.fire()
    expect(await settled(sleep)).toBe('resolved')
    expect(t.delays).toEqual([MAX_TIMER_MS, MAX_TIMER_MS, 60 * DAY - 2 * MAX_TIMER_MS])
    expect(t.mono - start).toBe(60 * DAY)
    expect(MAX_TIMER_MS).toBe(2 ** 31 - 1)
  })

  it('sleeps a timeout of 5 days in one timer, and a wait without end in full-length timers, never a tight loop', async () => {
    const t = fakeTimers()
    void sleepOn(t.timers)(5 * DAY)
    expect(t.delays).toEqual([5 * DAY])
    const u = fakeTimers()
    const forever = sleepOn(u.timers)(Infinity)
    for (let i = 0; i < 3; i++) u.fire()
    expect(await settled(forever)).toBe('pending')
    expect(u.delays).toEqual([MAX_TIMER_MS, MAX_TIMER_MS, MAX_TIMER_MS, MAX_TIMER_MS])
  })

  it('follows a timer that fired early with one for the rest', async () => {
    const t = fakeTimers()
    const sleep = sleepOn(t.timers)(10_000)
    t.fire(3)
    expect(await settled(sleep)).toBe('pending')
    expect(t.delays).toEqual([10_000, 3])
    t.fire()
    expect(await settled(sleep)).toBe('resolved')
  })

  it('ends at once for nothing, a negative or an unreadable length', async () => {
    for (const ms of [0, -5, NaN]) {
      const t = fakeTimers()
      await expect(sleepOn(t.timers)(ms)).resolves.toBeUndefined()
      expect(t.delays).toEqual([])
    }
  })

  it('rejects with CancelledError when the signal aborts, and drops its timer', async () => {
    const t = fakeTimers()
    const c = new AbortController()
    const sleep = sleepOn(t.timers)(60 * DAY, c.signal)
    t.fire()
    c.abort()
    await expect(sleep).rejects.toBeInstanceOf(CancelledError)
    expect(t.pending).toBeUndefined()
    expect(t.cleared).toBe(1)
    await expect(sleepOn(t.timers)(1000, c.signal)).rejects.toBeInstanceOf(CancelledError)
    expect(t.delays).toHaveLength(2)
  })
})

describe('systemClock', () => {
  it('reads its monotonic clock apart from the wall clock: a step of Date.now() does not move it', () => {
    const realNow = Date.now
    const before = systemClock.monotonic()
    try {
      Date.now = () => realNow() + 2 * 3_600_000
      expect(systemClock.now() - realNow()).toBeGreaterThanOrEqual(2 * 3_600_000 - 5)
      const after = systemClock.monotonic()
      expect(after).toBeGreaterThanOrEqual(before)
      expect(after - before).toBeLessThan(60_000)
      expect(Number.isInteger(after)).toBe(true)
    } finally {
      Date.now = realNow
    }
  })
})
