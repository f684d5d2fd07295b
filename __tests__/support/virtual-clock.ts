import { CancelledError, Clock } from '../../src/lib/clock.js'

interface Timer {
  at: number
  seq: number
  resolve: () => void
}

/**
 * A clock for code that sleeps in several places at once (a fleet's clusters, a pacer's queue): each sleep is a
 * timer on the monotonic clock, and `run` moves time to the next timer only once everything else has settled. Past `limitMs` of virtual
 * time, or with nothing left to wake, `run` throws instead of hanging.
 */
export class VirtualClock implements Clock {
  private readonly timers: Timer[] = []
  private seq = 0
  private seed: number
  readonly start: number

  constructor(
    public t = Date.UTC(2026, 10, 24, 12, 0, 0),
    seed = 7
  ) {
    this.start = t
    this.seed = seed
  }

  /** The wall clock's step from the monotonic one (a test steps it to prove what runs on which). */
  wallStepMs = 0

  now(): number {
    return this.t + this.wallStepMs
  }

  monotonic(): number {
    return this.t
  }

  random(): number {
    let x = (this.seed += 0x6d2b79f5)
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new CancelledError())
    return new Promise((resolve, reject) => {
      const timer: Timer = {
        at: this.t + Math.max(0, ms),
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        }
      }
      const onAbort = (): void => {
        const i = this.timers.indexOf(timer)
        if (i >= 0) this.timers.splice(i, 1)
        reject(new CancelledError())
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.timers.push(timer)
    })
  }

  /** Runs virtual time until `work` settles. */
  async run<T>(work: Promise<T>, limitMs = 3_600_000): Promise<T> {
    let settled = false
    work.then(
      () => (settled = true),
      () => (settled = true)
    )
    for (;;) {
      for (let i = 0; i < 5; i++) await new Promise(r => setImmediate(r))
      if (settled) return work
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq)
      const next = this.timers.shift()
      if (!next) throw new Error('VirtualClock: nothing left to wake, and the work has not ended')
      if (next.at - this.start > limitMs)
        throw new Error(`VirtualClock: past ${limitMs} ms of virtual time`)
      this.t = Math.max(this.t, next.at)
      next.resolve()
    }
  }
}
