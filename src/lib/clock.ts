/**
 * Time as the gate sees it: injected, so tests run a 60-minute wait in milliseconds. Two readings, never mixed:
 *
 * - `monotonic()` measures every duration: the deadline (`timeout`), the sleeps between polls (`interval`), the
 *   heartbeat, backoff, Retry-After and every elapsed time. It never steps, whatever NTP or a person does to the
 *   runner's clock. It reads as epoch ms of the process's start plus the time since (`performance.timeOrigin +
 *   performance.now()`), so a value in the log or the job summary still looks like a time; it is never compared
 *   with a time from the API.
 * - `now()` is the runner's wall clock. It can step at any moment, so it only ever stands in for the API's clock
 *   until an answer's Date header says what the API's clock is (src/huawei/skew.ts, ApiClock).
 */
export interface Clock {
  /** The runner's wall clock, epoch ms: a stand-in for the API's clock only, never for a duration. */
  now(): number
  /** A monotonic reading in ms (epoch-like, but it never steps): every duration. */
  monotonic(): number
  /** Resolves after `ms` on the monotonic clock, or rejects with a CancelledError as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  /** A number in [0, 1) for jitter. */
  random(): number
}

export class CancelledError extends Error {
  override readonly name = 'CancelledError'
  /** `lastProblem`: how the request being retried when the run was cancelled had failed. */
  constructor(readonly lastProblem?: string) {
    super('cancelled')
  }
}

/** The longest delay setTimeout takes: a longer one (or NaN) fires after 1 ms, so longer sleeps go in parts. */
export const MAX_TIMER_MS = 2 ** 31 - 1

// whole ms, as Date.now() reads: rounding down keeps it monotonic
const monotonicNow = (): number => Math.floor(performance.timeOrigin + performance.now())

/** What a sleep needs of the runtime: a monotonic reading and one-shot timers (injected in tests). */
export interface Timers {
  monotonic(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(timer: unknown): void
}

/**
 * A sleep on `timers`: resolves once `ms` have passed on the monotonic clock, or rejects with a CancelledError as
 * soon as `signal` aborts. A wait of days (a long timeout, a large Retry-After) is timers of at most MAX_TIMER_MS,
 * one after another, to the same monotonic end: never a timer that overflows into a tight loop. A timer that fires
 * early is followed by one for the rest.
 */
export function sleepOn(timers: Timers): Clock['sleep'] {
  return (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(new CancelledError())
      const end = timers.monotonic() + Math.max(0, ms)
      let timer: unknown
      const onAbort = (): void => {
        timers.clearTimeout(timer)
        reject(new CancelledError())
      }
      const arm = (): void => {
        const left = end - timers.monotonic()
        if (!(left > 0)) {
          signal?.removeEventListener('abort', onAbort)
          return resolve()
        }
        timer = timers.setTimeout(arm, Math.min(MAX_TIMER_MS, Math.ceil(left)))
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      arm()
    })
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: monotonicNow,
  random: () => Math.random(),
  sleep: sleepOn({
    monotonic: monotonicNow,
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: timer => clearTimeout(timer as ReturnType<typeof setTimeout>)
  })
}
