import type { IncomingHttpHeaders } from 'node:http'
import { ErrorDetails, isGatewayCode } from './api-error.js'
import { formatDuration } from '../lib/duration.js'

/**
 * The gateway refuses a signature whose X-Sdk-Date is more than 15 minutes from its own clock:
 * 401 APIGW.0301 (or APIG.0301) "… signature expired, signature time:20211217T064303Z,server time:20211217T065804Z".
 */
export function isExpiredSignature(status: number, d: ErrorDetails): boolean {
  // Stryker disable next-line StringLiteral: equivalent, any fallback without "expired" in it reads the same
  return status === 401 && isGatewayCode(d, '0301') && /expired/i.test(d.message ?? '')
}

// Stryker disable next-line Regex: equivalent, the only text parsed is a match of \d{8}T\d{6}Z, so the anchors never decide
const SDK_DATE = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/

function parseSdkDate(text: string): number | undefined {
  const m = SDK_DATE.exec(text)
  // Stryker disable next-line ConditionalExpression: equivalent, serverTimeOf passes only text that matches
  if (!m) return undefined
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number
  ]
  const at = Date.UTC(y, mo - 1, d, h, mi, s)
  const back = new Date(at)
  // 20211317T… would roll over into another date: not a time the gateway wrote
  return back.getUTCMonth() === mo - 1 &&
    // a day out of range always lands in another month (checked above); this check is the hour's partner:
    // Stryker disable next-line ConditionalExpression: equivalent alone, an hour of 24-99 fails h < 24 below
    back.getUTCDate() === d &&
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent alone, an hour of 24-99 rolls into another day, which the day check above refuses
    h < 24 &&
    mi < 60 &&
    s < 60
    ? at
    : undefined
}

/** The API's time when it refused: the "server time:" of the message, else the Date header. */
export function serverTimeOf(headers: IncomingHttpHeaders, d: ErrorDetails): number | undefined {
  // Stryker disable next-line StringLiteral: equivalent, any fallback without "server time:" in it reads the same
  const inMessage = /server time:\s*(\d{8}T\d{6}Z)/i.exec(d.message ?? '')?.[1]
  // Stryker disable next-line ConditionalExpression: equivalent, parseSdkDate(undefined) matches nothing ("undefined")
  const fromMessage = inMessage === undefined ? undefined : parseSdkDate(inMessage)
  if (fromMessage !== undefined) return fromMessage
  const date = headers['date']
  // Stryker disable next-line ConditionalExpression,MethodExpression: equivalent, Date.parse of undefined, '' or blanks is NaN, returned as undefined below; the guard narrows the type
  if (typeof date !== 'string' || !date.trim()) return undefined
  const at = Date.parse(date)
  return Number.isNaN(at) ? undefined : at
}

/** "20m3s ahead of" / "4m behind" the API's clock, for an offset = API time − runner time. */
export function describeSkew(offsetMs: number): string {
  return `${formatDuration(Math.abs(offsetMs))} ${offsetMs < 0 ? 'ahead of' : 'behind'}`
}

/** A Date header gives the API's time in whole seconds: the header says T, the API's clock read T to T + 999 ms. */
export const DATE_RESOLUTION_MS = 1000

/**
 * The API's clock, for everything that meets an API timestamp (signing, pre-check expiry, max-age, the stale-ID
 * check, the ages in messages): one measurement, shared by every call of a run (CCE and IAM alike).
 *
 * Each answer's time (its Date header, or the "server time:" of a refused signature) is a measurement: the API's
 * clock read somewhere between the request leaving and its answer arriving, and somewhere in the second the header
 * names. The midpoint of both is taken as the API's time at the midpoint of the round trip, on the runner's
 * monotonic clock; the API's time later is that plus the monotonic time since. A step of the runner's wall clock
 * thus changes nothing, however large the offset and whatever the login. A new measurement that agrees with the
 * one kept (within its own uncertainty) keeps it, so the estimate does not jitter by the header's rounding; one
 * that does not replaces it, so the estimate follows the API through the run.
 *
 * Until an answer carried a time, the runner's wall clock stands in.
 */
export class ApiClock {
  /** API time − monotonic reading, in ms; undefined until measured. */
  private offset?: number

  constructor(
    private readonly clock: { now(): number; monotonic(): number },
    /** Called once, the first time the API's clock is read for a comparison before anything measured it. */
    private readonly onStandIn: () => void = () => undefined
  ) {}

  get measured(): boolean {
    return this.offset !== undefined
  }

  /** The API's time now: for comparisons with the API's timestamps. */
  now(): number {
    if (this.offset === undefined) this.standIn()
    return this.at(this.clock.monotonic())
  }

  /** The API's time at an instant of the monotonic clock (e.g. the step's start). */
  at(monotonic: number): number {
    return monotonic + (this.offset ?? this.clock.now() - this.clock.monotonic())
  }

  /** API time − monotonic reading (ms): what to add to a monotonic instant to get the API's time. */
  offsetMs(): number {
    return this.at(0)
  }

  /** API time − the runner's wall clock now (ms), for messages about the runner's clock. */
  skewMs(): number {
    return this.at(this.clock.monotonic()) - this.clock.now()
  }

  /** The time to sign a request with: the API's, without saying the runner's stands in (that is normal at first). */
  signingTime(): Date {
    return new Date(this.at(this.clock.monotonic()))
  }

  /**
   * Records one answer: `serverTime` (whole seconds, from a Date header or a refusal's message) seen on a request
   * sent at monotonic `sentAt` and answered at `answeredAt`. Returns whether the kept estimate changed.
   */
  measure(serverTime: number, sentAt: number, answeredAt: number): boolean {
    // offset = API time − monotonic; the API's clock read [serverTime, serverTime + 1 s) somewhere in the trip
    const low = serverTime - answeredAt
    const high = serverTime + DATE_RESOLUTION_MS - sentAt
    if (this.offset !== undefined && this.offset >= low && this.offset <= high) return false
    this.offset = Math.round((low + high) / 2)
    return true
  }

  private standInSaid = false
  private standIn(): void {
    if (this.standInSaid) return
    this.standInSaid = true
    this.onStandIn()
  }
}
