import { CancelledError, Clock } from '../../src/lib/clock.js'

/** A clock whose sleeps return at once and move time forward: a 60-minute wait runs in milliseconds. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = []
  private seed: number

  constructor(
    public t = Date.UTC(2026, 10, 24, 12, 0, 0),
    seed = 42,
    /** Optional hook called on every sleep (e.g. to abort mid-wait). */
    public onSleep?: (ms: number) => void
  ) {
    this.seed = seed
  }

  now(): number {
    return this.t
  }

  random(): number {
    // mulberry32: deterministic jitter
    let x = (this.seed += 0x6d2b79f5)
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw new CancelledError()
    // let work that is already done settle first, as it would during a real sleep
    await new Promise(resolve => setImmediate(resolve))
    if (signal?.aborted) throw new CancelledError()
    this.sleeps.push(ms)
    this.t += ms
    this.onSleep?.(ms)
    if (signal?.aborted) throw new CancelledError()
  }

  advance(ms: number): void {
    this.t += ms
  }
}
