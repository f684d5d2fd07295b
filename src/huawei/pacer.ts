/**
 * How fast one gate asks, adapted to throttling (AIMD on its request rate): a 429 cuts the rate to a third at
 * once, each answer gives back a tenth of the configured rate. Many gates on one account's quota thus thin out
 * after the first refusals instead of retrying in lock-step, and a lone gate is back to its interval within a
 * few polls.
 */

/** A refusal cuts the rate by this factor, never below 1/MAX_SLOWDOWN of the configured rate. */
const CUT = 3
const MAX_SLOWDOWN = 3
/** Each answered request gives back this share of the configured rate. */
const RECOVERY = 0.1
/** Widening never adds more than this to the configured interval (a 10-minute interval does not become 30). */
const MAX_EXTRA_MS = 60_000
/** A refused request is retried within 1.5 widened intervals … */
const RETRY_WINDOW = 1.25
/** … but not sooner than a quarter of that window (full jitter would send a few straight back into the limit). */
const RETRY_FLOOR = 0.4
/** Huawei advises waiting 2–5 s after a throttling answer (APIG.0308). */
const MIN_RETRY_WINDOW_MS = 2000
const MAX_RETRY_WINDOW_MS = 60_000

export class Pacer {
  /** The share of the configured rate used now, in [1/MAX_SLOWDOWN, 1]. */
  private share = 1

  constructor(private readonly intervalMs: number) {}

  get throttled(): boolean {
    return this.share < 1
  }

  /** The poll interval to use now: the configured one when healthy, wider after 429s. */
  pollIntervalMs(): number {
    return Math.round(Math.min(this.intervalMs / this.share, this.intervalMs + MAX_EXTRA_MS))
  }

  refused(): void {
    this.share = Math.max(1 / MAX_SLOWDOWN, this.share / CUT)
  }

  answered(): void {
    this.share = Math.min(1, this.share + RECOVERY)
  }

  /**
   * How long to wait before retrying a request refused with 429: a random point of a window as wide as the
   * fleet's slowdown, after Retry-After when the API sent one. Call after `refused()`.
   */
  retryDelayMs(random: number, retryAfterMs = 0): number {
    const window = Math.min(
      MAX_RETRY_WINDOW_MS,
      Math.max(MIN_RETRY_WINDOW_MS, RETRY_WINDOW * this.pollIntervalMs())
    )
    return Math.round(retryAfterMs + window * (RETRY_FLOOR + (1 - RETRY_FLOOR) * random))
  }
}

/** What Api asks of whatever paces its requests: a gate's own Pacer, or one cluster's lane of a StepPacer. */
export interface RequestPacer {
  pollIntervalMs(): number
  answered(): void
  refused(retryAfterMs?: number): void
  retryDelayMs(random: number, retryAfterMs?: number): number
  /** Waits until the next request may start; false when `deadline` (epoch ms) comes first. */
  turn?(deadline: number, signal?: AbortSignal): Promise<boolean>
}
