import type { IncomingHttpHeaders } from 'node:http'
import { ErrorDetails, describeDetails, parseErrorBody, requestIdOf } from './api-error.js'
import type { Authorizer } from './auth.js'
import { backoffDelay, parseRetryAfter } from './backoff.js'
import { CancelledError, Clock } from './clock.js'
import { formatDuration } from './duration.js'
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
const MAX_REQUEST_TIMEOUT_MS = 30_000
const MIN_REQUEST_TIMEOUT_MS = 10_000

export interface Call<T> {
  method: 'GET' | 'POST'
  url: URL
  headers?: Record<string, string>
  body?: string
  auth: Authorizer
  /** Turns a 2xx body into a value; undefined means "not what we expected" (retried as transient). */
  decode: (json: unknown, headers: IncomingHttpHeaders) => T | undefined
  /** The message for a status that retrying cannot fix (400, 401, 403, 404, …). */
  explain: (status: number, details: ErrorDetails) => string
  /** An earlier deadline for this call alone (a best-effort read that must not hold up a verdict). */
  deadline?: number
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
  /** Epoch ms after which no request starts. */
  deadline: number
  signal?: AbortSignal
}

/**
 * Sends calls with retries: transient failures (connection errors, timeouts, 408/429/5xx, a body that is not
 * the expected JSON) are retried with backoff until the deadline; everything else ends at once.
 */
export class Api {
  constructor(private readonly o: ApiOptions) {}

  /** Bounds work done outside `call` (the GitHub ID token request) by the same deadline and cancellation. */
  async bounded<T>(work: Promise<T>): Promise<T> {
    const { clock, signal } = this.o
    const stop = new AbortController()
    const relay = (): void => stop.abort()
    signal?.addEventListener('abort', relay, { once: true })
    if (signal?.aborted) stop.abort()
    const limit = clock.sleep(Math.max(0, this.o.deadline - clock.now()), stop.signal).then(() => {
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

  /** The poll interval to use now (the configured one; see pacing after throttling). */
  pollIntervalMs(): number {
    return this.o.intervalMs
  }

  async call<T>(call: Call<T>): Promise<Reply<T>> {
    const { clock, log, signal } = this.o
    let lastProblem: string | undefined
    const deadline = Math.min(this.o.deadline, call.deadline ?? Infinity)
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw new CancelledError()
      const remaining = deadline - clock.now()
      if (remaining <= 0) throw new DeadlineError(lastProblem)

      const outcome = await this.attempt(call, remaining)
      if ('value' in outcome) return outcome
      lastProblem = outcome.problem

      const backoff = backoffDelay(
        attempt,
        this.o.intervalMs,
        clock.random(),
        outcome.status === 429
      )
      const delay = Math.max(backoff, outcome.retryAfterMs ?? 0)
      const left = deadline - clock.now()
      if (left <= 0) throw new DeadlineError(lastProblem)
      log.warning(`${lastProblem}; retrying in ${formatDuration(Math.min(delay, left))}`)
      await clock.sleep(Math.min(delay, left), signal)
    }
  }

  private async attempt<T>(
    call: Call<T>,
    remaining: number
  ): Promise<Reply<T> | { problem: string; status?: number; retryAfterMs?: number }> {
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
    const headers = { ...base.headers, ...call.auth.headersFor(base, new Date(clock.now())) }
    log.debug(`${call.method} ${call.url.href} (timeout ${formatDuration(timeoutMs)})`)

    let res: HttpResponse
    const started = clock.now()
    try {
      res = await this.o.send({ ...base, headers, timeoutMs, signal })
    } catch (e) {
      if (!(e instanceof TransportError)) throw e
      if (e.kind === 'aborted') throw new CancelledError()
      if (!e.transient) throw new FatalApiError(configProblem(call.url, e))
      return { problem: `${call.method} ${call.url.host}: ${e.message}` }
    }
    const requestId = requestIdOf(res.headers)
    log.debug(
      `→ HTTP ${res.status} in ${clock.now() - started} ms, request ID ${requestId ?? 'none'}`
    )

    if (res.status >= 200 && res.status < 300) {
      const value = decodeJson(res, call.decode)
      if (value !== undefined) return { value, requestId }
      return {
        problem: `HTTP ${res.status} with a body that is not the expected JSON (request ID ${requestId ?? 'none'})`
      }
    }
    if (res.status >= 300 && res.status < 400) {
      throw new FatalApiError(
        `${call.url.host} answered HTTP ${res.status} redirecting to ${String(res.headers.location ?? 'nowhere')}: redirects are not followed (credentials must never travel to another host). Set the endpoint to the final address.`,
        res.status
      )
    }
    const details = parseErrorBody(res.body, res.headers)
    if (TRANSIENT_STATUS.has(res.status)) {
      return {
        problem: `HTTP ${res.status} ${describeDetails(details)}`,
        status: res.status,
        retryAfterMs: parseRetryAfter(res.headers['retry-after'], clock.now())
      }
    }
    throw new FatalApiError(call.explain(res.status, details), res.status, details)
  }
}

function decodeJson<T>(res: HttpResponse, decode: Call<T>['decode']): T | undefined {
  try {
    return decode(JSON.parse(res.body), res.headers)
  } catch {
    return undefined
  }
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
