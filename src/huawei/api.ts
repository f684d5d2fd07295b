import type { IncomingHttpHeaders } from 'node:http'
import {
  ErrorDetails,
  confidentialDetails,
  describeDetails,
  parseErrorBody,
  requestIdOf
} from './api-error.js'
import type { Authorizer } from './auth.js'
import { backoffDelay, parseRetryAfter } from './backoff.js'
import { CancelledError, Clock } from '../lib/clock.js'
import { formatDuration } from '../lib/duration.js'
import { mapStrings } from '../lib/json.js'
import { Pacer, type RequestPacer } from './pacer.js'
import { ApiClock, describeSkew, isExpiredSignature, serverTimeOf } from './skew.js'
import { HttpResponse, Send, TransportError } from './transport.js'

export interface Logger {
  debug(message: string): void
  info(message: string): void
  warning(message: string): void
}

/** The call cannot succeed by retrying: the step fails at once with this message. */
export class FatalApiError extends Error {
  override readonly name = 'FatalApiError'
  constructor(
    message: string,
    readonly status?: number,
    readonly details: ErrorDetails = {}
  ) {
    super(message)
  }
}

/** The deadline came while a call was still failing transiently; `lastProblem` says how. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError'
  constructor(readonly lastProblem?: string) {
    super(lastProblem ? `deadline reached; last problem: ${lastProblem}` : 'deadline reached')
  }
}

const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504])
/** A runner's clock this far off the API's, or an estimate that moves this far, is said in the log (info). */
const NOTABLE_SKEW_MS = 60_000
const MAX_REQUEST_TIMEOUT_MS = 30_000
const MIN_REQUEST_TIMEOUT_MS = 10_000
/** One answer that is not the expected JSON is retried; this many in a row mean the endpoint is wrong. */
const MAX_UNDECODABLE = 3
/**
 * While no request to a host has been answered (every try refused, reset or timed out before connecting), the
 * step gives up this long after the first try instead of at the deadline: a wrong endpoint or a closed network
 * costs a minute, not the timeout. Once the host answered, an outage is retried to the deadline.
 */
export const UNREACHABLE_BUDGET_MS = 60_000
/** A call that keeps failing says so (how many tries, for how long) at most this often. */
export const RETRY_SUMMARY_MS = 60_000

export interface Call<T> {
  method: 'GET' | 'POST'
  url: URL
  headers?: Record<string, string>
  body?: string
  auth: Authorizer
  /**
   * Turns a 2xx body into a value; undefined means "not what we expected" (retried, a few times). Every string in
   * `json` is already redacted: what a decoder keeps may be quoted, cut or reshaped later without leaking.
   */
  decode: (json: unknown, headers: IncomingHttpHeaders) => T | undefined
  /**
   * For an answer `decode` refused: what it is when it is about something other than what was asked for (another
   * task, or one without an ID), e.g. 'upgrade task "t-2" (phase Success), not upgrade task t-1'; else undefined.
   */
  mismatch?: (json: unknown) => string | undefined
  /** The message for a status that retrying cannot fix (400, 401, 403, 404, …). */
  explain: (status: number, details: ErrorDetails) => string
  /** An earlier deadline for this call alone (monotonic, a best-effort read that must not hold up a verdict). */
  deadline?: number
  /** The answer may hold credentials (the OIDC token exchange): no message quotes any of its body. */
  confidential?: boolean
}

export interface Reply<T> {
  value: T
  requestId?: string
}

export interface ApiOptions {
  send: Send
  clock: Clock
  log: Logger
  intervalMs: number
  /** The instant (on the monotonic clock, `clock.monotonic()`) after which no request starts. */
  deadline: number
  signal?: AbortSignal
  /**
   * Scrubs registered secrets from an answer's body before any of it is quoted: a quote is cut to a few
   * hundred characters, and a secret cut in two would escape the redaction (and the runner's masking) later.
   */
  redact?: (text: string) => string
  /** Paces the requests: the gate's own Pacer by default; with several clusters, the cluster's lane of the step's. */
  pacer?: RequestPacer
  /** The API's clock to share (with several clusters: one for the step, so one answer's Date header serves all). */
  apiClock?: ApiClock
}

/** What one attempt came to. */
type Outcome<T> =
  | { kind: 'answer'; reply: Reply<T> }
  | {
      kind: 'transient'
      problem: string
      status?: number
      retryAfterMs?: number
      /** No answer: the connection failed or timed out before it was made. */
      unreachable?: boolean
    }
  | { kind: 'undecodable'; problem: string; received: string; mismatch?: string }
  | {
      kind: 'expired'
      sentAt: number
      answeredAt: number
      serverTime?: number
      details: ErrorDetails
    }

/**
 * Sends calls with retries: transient failures (connection errors, timeouts, 408/429/5xx, a body that is not
 * the expected JSON) are retried with backoff until the deadline; everything else ends at once. Throttling
 * (429) slows this gate down as a whole (see Pacer). Every answer's Date header (and a refused signature's
 * "server time:") measures the API's clock (`apiClock`), which signs every later request and dates every
 * comparison with the API's timestamps. Every duration (deadline, backoff, Retry-After) is on the monotonic clock.
 */
export class Api {
  private readonly pacer: RequestPacer
  /** The API's clock: the one measurement the signer and every comparison with an API timestamp use. */
  readonly apiClock: ApiClock
  private skewSaid = false
  /** Per host: when it was first tried, and whether it ever answered (or at least accepted a connection). */
  private readonly reach = new Map<
    string,
    { firstTryAt: number; tries: number; reached: boolean }
  >()
  /** The retry warnings given: each problem is warned about once a step, its repeats go to the debug log. */
  private readonly warned = new Set<string>()

  constructor(private readonly o: ApiOptions) {
    this.pacer = o.pacer ?? new Pacer(o.intervalMs)
    this.apiClock =
      o.apiClock ??
      new ApiClock(o.clock, () =>
        o.log.info(
          "No answer has said the API's time yet (no readable Date header): this runner's clock stands in for the API's until one does."
        )
      )
  }

  /** The poll interval to use now: the configured one when healthy, wider after throttling. */
  pollIntervalMs(): number {
    return this.pacer.pollIntervalMs()
  }

  /**
   * API time − the monotonic clock's reading (ms): a monotonic instant (the step's start) plus this is that instant
   * by the API's clock, which stamps the upgrades (max-age, ages). From the answers' Date headers, kept current;
   * the runner's clock until one was read.
   */
  apiClockOffsetMs(): number {
    return this.apiClock.offsetMs()
  }

  /** Now by the API's clock (see apiClockOffsetMs). */
  apiNow(): number {
    return this.apiClock.now()
  }

  /** Bounds work done outside `call` (the GitHub ID token request) by the same deadline and cancellation. */
  async bounded<T>(work: Promise<T>): Promise<T> {
    const { clock, signal } = this.o
    const stop = new AbortController()
    const relay = (): void => stop.abort()
    signal?.addEventListener('abort', relay, { once: true })
    if (signal?.aborted) stop.abort()
    const limit = clock
      .sleep(Math.max(0, this.o.deadline - clock.monotonic()), stop.signal)
      .then(() => {
        throw new DeadlineError('no answer before the deadline')
      })
    limit.catch(() => undefined) // once `work` has won, how the limit ends is of no interest
    try {
      return await Promise.race([work, limit])
    } finally {
      signal?.removeEventListener('abort', relay)
      stop.abort()
    }
  }

  async call<T>(call: Call<T>): Promise<Reply<T>> {
    const { clock, signal } = this.o
    let lastProblem: string | undefined
    const deadline = Math.min(this.o.deadline, call.deadline ?? Infinity)
    let undecodable = 0
    let corrected = false
    const host = call.url.host
    let reach = this.reach.get(host)
    if (!reach) {
      reach = { firstTryAt: clock.monotonic(), tries: 0, reached: false }
      this.reach.set(host, reach)
    }
    const streak = { failures: 0, since: 0, summarisedAt: 0 }
    for (let attempt = 1; ;) {
      if (signal?.aborted) throw new CancelledError(lastProblem)
      if (this.pacer.turn && !(await this.pacer.turn(deadline, signal)))
        throw new DeadlineError(lastProblem)
      const remaining = deadline - clock.monotonic()
      if (remaining <= 0) throw new DeadlineError(lastProblem)

      reach.tries++
      const outcome = await this.attempt(call, remaining, lastProblem)
      if (outcome.kind === 'answer') {
        this.pacer.answered()
        if (streak.failures > 1)
          this.o.log.info(
            `${host} answered after ${streak.failures} failed tries over ${formatDuration(clock.monotonic() - streak.since)}`
          )
        return outcome.reply
      }
      if (outcome.kind === 'expired') {
        // re-signed at once with the API's time; not a transient retry, and only once per call
        if (corrected || outcome.serverTime === undefined)
          throw this.expired(call, outcome, corrected)
        this.correctClock(outcome, outcome.serverTime)
        corrected = true
        continue
      }
      lastProblem = outcome.problem
      if (streak.failures++ === 0) streak.since = streak.summarisedAt = clock.monotonic()
      undecodable = outcome.kind === 'undecodable' ? undecodable + 1 : 0
      if (outcome.kind === 'undecodable' && undecodable >= MAX_UNDECODABLE) {
        if (outcome.mismatch)
          throw new FatalApiError(
            `${host} answered ${MAX_UNDECODABLE} times in a row with something that is not the expected JSON: ${outcome.mismatch} (${outcome.received}). An answer about something other than what was asked for, or without its metadata.uid, never passes: check the endpoint input and any proxy or cache between the runner and Huawei Cloud.`
          )
        throw new FatalApiError(
          `${host} answered ${MAX_UNDECODABLE} times in a row with something that is not the expected JSON: ${outcome.received}. Check the endpoint input (it must be the API's address, not a console or portal page) and any proxy between the runner and Huawei Cloud.`
        )
      }

      let delay: number
      if (outcome.kind === 'transient' && outcome.status === 429) {
        this.pacer.refused(outcome.retryAfterMs)
        delay = this.pacer.retryDelayMs(clock.random(), outcome.retryAfterMs)
      } else {
        const retryAfterMs = outcome.kind === 'transient' ? outcome.retryAfterMs : undefined
        delay = Math.max(
          backoffDelay(attempt, this.o.intervalMs, clock.random()),
          retryAfterMs ?? 0
        )
      }
      if (!reach.reached) {
        // nothing ever answered from this host: no try starts past the budget
        const spent = clock.monotonic() - reach.firstTryAt
        if (spent >= UNREACHABLE_BUDGET_MS)
          throw new FatalApiError(
            `${reachAdvice(host, `no request to it was answered in ${formatDuration(spent)} (${reach.tries} tries; the last: ${outcome.problem}), so the gate stops now rather than at the timeout`)}`
          )
        delay = Math.min(delay, UNREACHABLE_BUDGET_MS - spent)
      }
      attempt++
      const left = deadline - clock.monotonic()
      if (left <= 0) throw new DeadlineError(lastProblem)
      this.retrying(lastProblem, Math.min(delay, left), streak, left)
      try {
        await clock.sleep(Math.min(delay, left), signal)
      } catch (e) {
        // cancelled while waiting to retry: the report says how the requests were failing
        throw e instanceof CancelledError ? new CancelledError(lastProblem) : e
      }
    }
  }

  /** One warning for each problem a step meets; its repeats go to the debug log, and a line a minute sums them up. */
  private retrying(
    problem: string,
    delay: number,
    streak: { failures: number; since: number; summarisedAt: number },
    left: number
  ): void {
    const { clock, log } = this.o
    const line = `${problem}; retrying in ${formatDuration(delay)}`
    // the same problem whatever its request ID, or the request timeout left before the deadline
    const key = problem
      .replace(/ \(request ID [^)]*\)/g, '')
      .replace(/within \d+ ms/, 'within … ms')
    if (!this.warned.has(key)) {
      this.warned.add(key)
      log.warning(`${line} (repeats of this warning go to the debug log)`)
      return
    }
    log.debug(line)
    if (clock.monotonic() - streak.summarisedAt >= RETRY_SUMMARY_MS) {
      streak.summarisedAt = clock.monotonic()
      log.info(
        `Still retrying: ${streak.failures} failed tries over ${formatDuration(clock.monotonic() - streak.since)}, the last: ${problem}; ${formatDuration(left)} left before the deadline`
      )
    }
  }

  /** A refused signature: its "server time:" (else Date header) measures the API's clock, and a warning says so. */
  private correctClock(
    outcome: Extract<Outcome<unknown>, { kind: 'expired' }>,
    serverTime: number
  ): void {
    this.apiClock.measure(serverTime, outcome.sentAt, outcome.answeredAt)
    this.skewSaid = true
    this.o.log.warning(
      `This runner's clock is ${describeSkew(this.apiClock.skewMs())} the API's; correcting (signing with the API's time from now on)`
    )
  }

  /** One answer's Date header measures the API's clock; a runner's clock far off it is said once (info). */
  private measureDate(date: number, sentAt: number, answeredAt: number): void {
    const before = this.apiClock.measured ? this.apiClock.offsetMs() : undefined
    if (!this.apiClock.measure(date, sentAt, answeredAt)) return
    const skew = this.apiClock.skewMs()
    const moved = before === undefined ? Infinity : Math.abs(this.apiClock.offsetMs() - before)
    const notable =
      Math.abs(skew) >= NOTABLE_SKEW_MS && (!this.skewSaid || moved >= NOTABLE_SKEW_MS)
    const line = `This runner's clock is ${describeSkew(skew)} the API's (its Date header): times the API gives are compared with the API's clock.`
    if (notable) {
      this.skewSaid = true
      this.o.log.info(line)
    } else if (moved >= NOTABLE_SKEW_MS || before === undefined) this.o.log.debug(line)
  }

  private expired<T>(
    call: Call<T>,
    outcome: Extract<Outcome<T>, { kind: 'expired' }>,
    corrected: boolean
  ): FatalApiError {
    const why = call.explain(401, outcome.details)
    const skew = corrected
      ? ` The request was re-signed for this runner's clock being ${describeSkew(this.apiClock.skewMs())} the API's and was refused again: set the runner's clock right (NTP).`
      : " The answer did not say the API's time, so the offset could not be corrected: set the runner's clock right (NTP)."
    return new FatalApiError(why + skew, 401, outcome.details)
  }

  /** The host answered, or at least accepted a connection: from now on its outages are retried to the deadline. */
  private reached(host: string): void {
    const reach = this.reach.get(host)
    if (reach) reach.reached = true
  }

  private redact(text: string): string {
    return this.o.redact ? this.o.redact(text) : text
  }

  /** A JSON body with every string redacted: decoders see no secret, so none reaches what they keep. */
  private parseRedacted(body: string): { parsed: true; value: unknown } | { parsed: false } {
    let json: unknown
    try {
      json = JSON.parse(body)
    } catch {
      return { parsed: false }
    }
    return { parsed: true, value: mapStrings(json, t => this.redact(t)) }
  }

  private async attempt<T>(
    call: Call<T>,
    remaining: number,
    lastProblem: string | undefined
  ): Promise<Outcome<T>> {
    const { clock, log, signal } = this.o
    const timeoutMs = Math.min(
      remaining,
      Math.max(MIN_REQUEST_TIMEOUT_MS, Math.min(MAX_REQUEST_TIMEOUT_MS, this.o.intervalMs))
    )
    const base = {
      method: call.method,
      url: call.url,
      headers: { ...call.headers },
      body: call.body
    }
    const sentAt = clock.monotonic()
    const signingTime = this.apiClock.signingTime()
    const headers = { ...base.headers, ...call.auth.headersFor(base, signingTime) }
    log.debug(`${call.method} ${call.url.href} (timeout ${formatDuration(timeoutMs)})`)

    let res: HttpResponse
    try {
      res = await this.o.send({ ...base, headers, timeoutMs, signal })
    } catch (e) {
      if (!(e instanceof TransportError)) throw e
      if (e.kind === 'aborted') throw new CancelledError(lastProblem)
      if (!e.transient) throw new FatalApiError(configProblem(call.url, e))
      if (!e.unreachable) this.reached(call.url.host)
      return {
        kind: 'transient',
        problem: `${call.method} ${call.url.host}: ${e.message}`,
        unreachable: e.unreachable
      }
    }
    const answeredAt = clock.monotonic()
    this.reached(call.url.host)
    const requestId = requestIdOf(res.headers)
    const date = typeof res.headers.date === 'string' ? Date.parse(res.headers.date) : NaN
    // a refused signature measures the clock itself (correctClock), with a warning rather than this line
    const measure = (): void => {
      if (!Number.isNaN(date)) this.measureDate(date, sentAt, answeredAt)
    }
    log.debug(
      `→ HTTP ${res.status} in ${answeredAt - sentAt} ms, request ID ${requestId ?? 'none'}`
    )

    if (res.status >= 200 && res.status < 300) {
      measure()
      const json = this.parseRedacted(res.body)
      const value = json.parsed ? decodeSafely(call.decode, json.value, res.headers) : undefined
      if (value !== undefined) return { kind: 'answer', reply: { value, requestId } }
      const mismatch = json.parsed && !call.confidential ? call.mismatch?.(json.value) : undefined
      if (mismatch) {
        return {
          kind: 'undecodable',
          problem: `HTTP ${res.status} with ${mismatch} (request ID ${requestId ?? 'none'})`,
          received: `the last request ID ${requestId ?? 'none'}`,
          mismatch
        }
      }
      return {
        kind: 'undecodable',
        problem: `HTTP ${res.status} with a body that is not the expected JSON (request ID ${requestId ?? 'none'})`,
        received: describeReceived(res, this.redact(res.body), requestId, call.confidential)
      }
    }
    if (res.status >= 300 && res.status < 400) {
      measure()
      throw new FatalApiError(
        `${call.url.host} answered HTTP ${res.status} redirecting to ${String(res.headers.location ?? 'nowhere')}: redirects are not followed (credentials must never travel to another host). Set the endpoint to the final address.`,
        res.status
      )
    }
    const parsed = parseErrorBody(res.body, res.headers, t => this.redact(t))
    const details = call.confidential ? confidentialDetails(parsed) : parsed
    if (isExpiredSignature(res.status, details)) {
      const serverTime = serverTimeOf(res.headers, details)
      return { kind: 'expired', sentAt, answeredAt, serverTime, details }
    }
    measure()
    if (TRANSIENT_STATUS.has(res.status)) {
      return {
        kind: 'transient',
        problem: `HTTP ${res.status} ${describeDetails(details)}`,
        status: res.status,
        // an HTTP date is the API's: counted from this answer's own Date, else from the API's clock
        retryAfterMs: parseRetryAfter(
          res.headers['retry-after'],
          Number.isNaN(date) ? this.apiClock.now() : date
        )
      }
    }
    throw new FatalApiError(call.explain(res.status, details), res.status, details)
  }
}

function decodeSafely<T>(
  decode: Call<T>['decode'],
  json: unknown,
  headers: IncomingHttpHeaders
): T | undefined {
  try {
    return decode(json, headers)
  } catch {
    return undefined
  }
}

/**
 * What came back instead of the expected JSON, for the message that ends the step; `redacted` is the body with
 * every registered secret already scrubbed. A confidential answer (a token response) is described, not quoted.
 */
function describeReceived(
  res: HttpResponse,
  redacted: string,
  requestId: string | undefined,
  confidential = false
): string {
  const type = res.headers['content-type'] ?? 'no content-type'
  const flat = redacted.replace(/\s+/g, ' ').trim()
  const snippet = flat.slice(0, 80)
  let body: string
  if (!flat) body = 'an empty body'
  else if (confidential)
    body = `a body of ${Buffer.byteLength(res.body)} bytes (not shown: a token answer may hold credentials)`
  else body = `body starting ${JSON.stringify(snippet)}${flat.length > 80 ? '…' : ''}`
  return `the last was HTTP ${res.status}, ${type}, ${body} (request ID ${requestId ?? 'none'})`
}

/** What to check when a host never answered, also after a timeout or a cancellation (report.ts). */
export function reachAdvice(host: string, why?: string): string {
  return `Could not reach ${host}${why ? ` (${why})` : ''}: check the endpoint and region inputs, the runner's network, and https_proxy/no_proxy; then re-run this job.`
}

function configProblem(url: URL, e: TransportError): string {
  switch (e.kind) {
    case 'dns':
      return `Cannot resolve ${url.hostname}: ${e.message}. Check the region (it selects the endpoint) or the endpoint input.`
    case 'tls':
      return `${url.host}: ${e.message}. The endpoint's certificate is not trusted; check the endpoint input and any TLS-intercepting proxy (NODE_EXTRA_CA_CERTS adds a CA).`
    default:
      return `${url.host}: ${e.message}`
  }
}
