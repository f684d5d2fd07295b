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

/**
 * How far the API's clock is from the runner's, shared by every call of one run (CCE and IAM alike): signatures
 * carry the corrected time once a refusal has measured it.
 */
export class ClockCorrection {
  /** API time − runner time, in ms. */
  offsetMs = 0
  measured = false

  /** The time to sign with, given the runner's. */
  signingTime(runnerNow: number): Date {
    return new Date(runnerNow + this.offsetMs)
  }

  /** Records what one refusal showed: the API's time when the request signed at `signedAt` arrived. */
  measure(signedAt: number, serverTime: number, runnerNow: number): number {
    // the runner's clock moved on while the request travelled: credit half of that to each way
    const runnerAtServer = signedAt + (runnerNow - signedAt) / 2
    this.offsetMs = Math.round(serverTime - runnerAtServer)
    this.measured = true
    return this.offsetMs
  }
}
