import { CancelledError, type Clock } from '../lib/clock.js'
import type { RequestPacer } from './pacer.js'

/** A poll while waiting reads at most this many answers (the lists, or a workflow and its task). */
const REQUESTS_PER_POLL = 2
/** The step starts as fast as REQUESTS_PER_POLL for every cluster per interval needs, and never slower than this (requests/s). */
const START_RATE = 10
const MIN_RATE = 0.5
/** A refusal halves the rate, unless the answers of the last MEASURE_MS show the quota is higher … */
const STEP_CUT = 0.5
const MEASURE_MS = 2000
/** … then it falls to this share of the rate answered (never rising on a refusal). */
const MEASURED_SHARE = 0.9
const NO_RISE = 0.95
/** While answered, the rate grows by this share per second, up to the start rate. */
const GROWTH_PER_S = 0.05

interface Waiter {
  rank: number
  deadline: number
  done: (ok: boolean) => void
}

/**
 * One rate for every request of a step that gates several clusters (issue 21): requests start one at a time, at
 * most `rate` per second, in the order of the polls they belong to (a poll under way finishes before the next
 * starts). A 429 slows the whole step (AIMD on the shared rate: halved, or cut to what the quota answered; grown
 * back while answered), a Retry-After holds every request until it has passed, and each cluster polls no more
 * often than its share of the rate allows.
 */
export class StepPacer {
  private rate: number
  private readonly maxRate: number
  private active: number
  private nextAt = -Infinity
  private lastSentAt = -Infinity
  private pausedUntil = -Infinity
  /** A 429 to a request sent before this was already answered by a cut. */
  private cutAt = -Infinity
  private grownAt?: number
  private firstAt?: number
  private readonly answers: number[] = []
  private readonly queue: Waiter[] = []
  private pumping = false

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    clusters: number
  ) {
    this.active = clusters
    this.maxRate = Math.max(START_RATE, (REQUESTS_PER_POLL * clusters * 1000) / intervalMs)
    this.rate = this.maxRate
  }

  /** Requests per second allowed now. */
  get currentRate(): number {
    return this.rate
  }

  /** The time between one cluster's polls now: the interval, or longer when the rate cannot serve every cluster. */
  pollIntervalMs(): number {
    return Math.round(
      Math.max(this.intervalMs, (this.active * REQUESTS_PER_POLL * 1000) / this.rate)
    )
  }

  /** A lane for one cluster's requests. */
  lane(): StepLane {
    return new StepLane(this)
  }

  /** A cluster's wait has ended: the others share the rate. */
  finished(): void {
    this.active = Math.max(1, this.active - 1)
  }

  answered(): void {
    const now = this.clock.monotonic()
    this.answers.push(now)
    while ((this.answers[0] ?? now) <= now - MEASURE_MS) this.answers.shift()
    const dt = Math.max(0, now - (this.grownAt ?? now)) / 1000
    this.grownAt = now
    this.rate = Math.min(this.maxRate, this.rate * Math.exp(GROWTH_PER_S * dt))
  }

  refused(sentAt: number, retryAfterMs?: number): void {
    const now = this.clock.monotonic()
    if (retryAfterMs !== undefined)
      this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs)
    if (sentAt <= this.cutAt) return
    this.cutAt = now
    let next = this.rate * STEP_CUT
    const measured = this.measuredRate(now)
    if (measured !== undefined)
      next = Math.max(next, Math.min(this.rate * NO_RISE, measured * MEASURED_SHARE))
    this.rate = Math.max(MIN_RATE, next)
    this.grownAt = now
    this.nextAt = Math.max(this.nextAt, this.lastSentAt + 1000 / this.rate)
  }

  /** Requests answered per second over the last MEASURE_MS; undefined before the step has run that long. */
  private measuredRate(now: number): number | undefined {
    if (this.firstAt === undefined || now - this.firstAt < MEASURE_MS) return undefined
    return this.answers.filter(t => t > now - MEASURE_MS).length / (MEASURE_MS / 1000)
  }

  /** Resolves with the time the request may start, or undefined when `deadline` comes first. */
  turn(rank: number, deadline: number, signal?: AbortSignal): Promise<number | undefined> {
    if (signal?.aborted) return Promise.reject(new CancelledError())
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.queue.indexOf(waiter)
        if (i >= 0) this.queue.splice(i, 1)
        reject(new CancelledError())
      }
      const waiter: Waiter = {
        rank,
        deadline,
        done: ok => {
          signal?.removeEventListener('abort', onAbort)
          resolve(ok ? this.clock.monotonic() : undefined)
        }
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      // after every waiter of an earlier or the same poll start: first come, first served among equals
      const at = this.queue.findIndex(w => w.rank > rank)
      this.queue.splice(at < 0 ? this.queue.length : at, 0, waiter)
      void this.pump()
    })
  }

  private async pump(): Promise<void> {
    if (this.pumping) return
    this.pumping = true
    try {
      for (;;) {
        const first = this.queue[0]
        if (!first) return
        const at = Math.max(this.nextAt, this.pausedUntil)
        const now = this.clock.monotonic()
        // a request whose deadline comes before its slot does not wait for it
        for (const w of this.queue.filter(w => w.deadline <= Math.max(at, now))) {
          this.queue.splice(this.queue.indexOf(w), 1)
          w.done(false)
        }
        if (this.queue.length === 0) return
        if (at > now) {
          await this.clock.sleep(at - now)
          continue
        }
        const next = this.queue.shift() as Waiter
        this.firstAt ??= now
        this.lastSentAt = now
        this.nextAt = now + 1000 / this.rate
        next.done(true)
      }
    } finally {
      this.pumping = false
    }
  }
}

/** One cluster's requests through a StepPacer: ranked by when its poll began. */
export class StepLane implements RequestPacer {
  private pollStartedAt = 0
  private sentAt = -Infinity

  constructor(private readonly step: StepPacer) {}

  /** A new poll begins (epoch ms): its requests queue behind those of polls that began earlier. */
  pollStarted(at: number): void {
    this.pollStartedAt = at
  }

  pollIntervalMs(): number {
    return this.step.pollIntervalMs()
  }

  answered(): void {
    this.step.answered()
  }

  refused(retryAfterMs?: number): void {
    this.step.refused(this.sentAt, retryAfterMs)
  }

  /** The step's queue spaces the retry, and a Retry-After holds every lane: only that is waited here. */
  retryDelayMs(_random: number, retryAfterMs = 0): number {
    return Math.round(Math.max(retryAfterMs, 1000 / this.step.currentRate))
  }

  async turn(deadline: number, signal?: AbortSignal): Promise<boolean> {
    const at = await this.step.turn(this.pollStartedAt, deadline, signal)
    if (at === undefined) return false
    this.sentAt = at
    return true
  }
}
