import { CancelledError, Clock } from '../../src/lib/clock.js'

/**
 * How much a FakeClock may be used before the test counts as a runaway loop. A loop that never ends (a bug's, or a
 * mutant's under `npm run mutate`) must fail its test in milliseconds: a wait that only sleeps is caught by the
 * number of sleeps or the fake time gone by, one that spins without sleeping (awaiting answers that come at once)
 * by the number of times it read the time without sleeping in between. The bounds are far above what any test
 * needs (in the unit tests at most 10 sleeps, 10 minutes of fake time, about 100 reads of one clock and 33 reads
 * between two sleeps), and low enough that a runaway loop reaches one of them in well under a second — before
 * StrykerJS's own hit limit would call it a Timeout.
 */
export interface ClockBounds {
  sleeps: number
  /** Fake time that may pass from the clock's start, in ms. */
  elapsedMs: number
  reads: number
  /** Reads of the time since the last sleep or advance: a loop that spins without waiting reaches this first. */
  readsBetweenSleeps: number
}

export const DEFAULT_BOUNDS: ClockBounds = {
  sleeps: 5_000,
  elapsedMs: 7 * 24 * 3_600_000,
  reads: 50_000,
  readsBetweenSleeps: 200
}

/** Thrown by a FakeClock past its bounds; every later use throws it again, so no retry loop outlives it. */
export class RunawayError extends Error {
  override readonly name = 'RunawayError'
}

/** The runaway messages of this test file's clocks not yet claimed (runaway-guard.ts fails the test with them). */
const runaways: string[] = []

export function takeRunaways(): string[] {
  return runaways.splice(0)
}

/**
 * A clock whose sleeps return at once and move time forward: a 60-minute wait runs in milliseconds. `t` is the
 * monotonic reading; the wall clock (`now()`) reads the same until `stepWall` steps it, as NTP or a person would.
 */
export class FakeClock implements Clock {
  readonly sleeps: number[] = []
  /** How often now() was read. */
  reads = 0
  /** How often now() was read since the last sleep or advance. */
  readsSinceSleep = 0
  private seed: number
  private readonly start: number
  private readonly bounds: ClockBounds
  private ranAway?: RunawayError
  /** How far the wall clock was stepped away from the monotonic one. */
  wallStepMs = 0

  constructor(
    public t = Date.UTC(2026, 10, 24, 12, 0, 0),
    seed = 42,
    /** Optional hook called on every sleep (e.g. to abort mid-wait). */
    public onSleep?: (ms: number) => void,
    bounds: Partial<ClockBounds> = {}
  ) {
    this.seed = seed
    this.start = t
    this.bounds = { ...DEFAULT_BOUNDS, ...bounds }
  }

  now(): number {
    return this.monotonic() + this.wallStepMs
  }

  monotonic(): number {
    this.reads++
    this.readsSinceSleep++
    this.check()
    return this.t
  }

  /** Steps the wall clock by `ms` (either way); the monotonic clock, and so every duration, goes on unchanged. */
  stepWall(ms: number): void {
    this.wallStepMs += ms
  }

  random(): number {
    // mulberry32: deterministic jitter
    let x = (this.seed += 0x6d2b79f5)
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.check()
    if (signal?.aborted) throw new CancelledError()
    // let work that is already done settle first, as it would during a real sleep
    await new Promise(resolve => setImmediate(resolve))
    if (signal?.aborted) throw new CancelledError()
    this.sleeps.push(ms)
    this.readsSinceSleep = 0
    this.t += ms
    this.onSleep?.(ms)
    if (signal?.aborted) throw new CancelledError()
  }

  advance(ms: number): void {
    this.readsSinceSleep = 0
    this.t += ms
  }

  private check(): void {
    if (this.ranAway) throw this.ranAway
    const elapsed = this.t - this.start
    const past =
      this.sleeps.length > this.bounds.sleeps
        ? `${this.sleeps.length} sleeps`
        : Math.abs(elapsed) > this.bounds.elapsedMs
          ? `${elapsed} ms of fake time`
          : this.reads > this.bounds.reads
            ? `${this.reads} reads of the time`
            : this.readsSinceSleep > this.bounds.readsBetweenSleeps
              ? `${this.readsSinceSleep} reads of the time without a sleep`
              : undefined
    if (past === undefined) return
    this.ranAway = new RunawayError(
      `runaway loop: the fake clock was used past its bounds (${past}); a loop that should have ended did not`
    )
    runaways.push(this.ranAway.message)
    throw this.ranAway
  }
}
