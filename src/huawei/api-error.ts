import type { IncomingHttpHeaders } from 'node:http'
import { isObj } from '../lib/json.js'

/** What the service said about a failed call: code, message and the request ID that Huawei support asks for. */
export interface ErrorDetails {
  code?: string
  message?: string
  requestId?: string
}

function text(v: unknown): string | undefined {
  if (typeof v === 'string' && v.trim()) return v.trim()
  if (typeof v === 'number') return String(v)
  return undefined
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name]
  return text(Array.isArray(v) ? v[0] : v)
}

export function requestIdOf(
  headers: IncomingHttpHeaders,
  body?: Record<string, unknown>
): string | undefined {
  return (
    header(headers, 'x-request-id') ??
    text(body?.['request_id']) ??
    header(headers, 'x-iam-trace-id')
  )
}

/** How much of a body that is not JSON an error message quotes. */
export const SNIPPET_CHARS = 200

/**
 * CCE answers with several field sets at once; the first complete pair wins: errorCode/errorMessage,
 * then error_code/error_msg (also the API gateway's), then message/reason; IAM nests {error:{code,message,title}}.
 * `redact` scrubs secrets from each field read, and from a text body before it is cut to a snippet: a secret cut
 * in two would no longer be recognised (and masked) later. A JSON body is parsed first, so that a secret in a
 * string escaped as JSON allows (`\/`, `\uXXXX`) is redacted as the text it stands for.
 */
export function parseErrorBody(
  body: string,
  headers: IncomingHttpHeaders,
  redact: (text: string) => string = t => t
): ErrorDetails {
  let parsed: Record<string, unknown> | undefined
  try {
    const v: unknown = JSON.parse(body)
    if (isObj(v)) parsed = v
  } catch {
    // not JSON: fall through with the raw text
  }
  const shown = (v: string | undefined): string | undefined => (v === undefined ? v : redact(v))
  const requestId = shown(requestIdOf(headers, parsed))
  if (!parsed) {
    const snippet = redact(body).replace(/\s+/g, ' ').trim().slice(0, SNIPPET_CHARS)
    return { message: snippet || undefined, requestId }
  }
  const iam = isObj(parsed['error']) ? parsed['error'] : undefined
  const pairs: [unknown, unknown][] = [
    [parsed['errorCode'], parsed['errorMessage']],
    [parsed['error_code'], parsed['error_msg']],
    [parsed['reason'], parsed['message']],
    [iam?.['title'] ?? iam?.['code'], iam?.['message']]
  ]
  for (const [c, m] of pairs) {
    if (text(c) || text(m)) return { code: shown(text(c)), message: shown(text(m)), requestId }
  }
  return { requestId }
}

/**
 * Whether `d` carries the API gateway's error `number` (e.g. '0301'): Huawei's gateways and pages write the
 * same code as APIGW.0301 and APIG.0301 (docs/cce-api.md §7), so both prefixes mean the same.
 */
export function isGatewayCode(d: ErrorDetails, number: string): boolean {
  const m = /^APIGW?\.(\d+)$/i.exec(d.code ?? '')
  return m?.[1] === number
}

export function describeDetails(d: ErrorDetails): string {
  const parts: string[] = []
  if (d.code) parts.push(d.code)
  if (d.message) parts.push(d.message)
  const main = parts.join(': ') || 'no error details in the response'
  return d.requestId ? `${main} (request ID ${d.requestId})` : main
}

/**
 * A Huawei Cloud error code such as IAM.0011 or APIG.0301, or a status title such as Unauthorized: safe to
 * quote where the body itself may not be.
 */
const ERROR_CODE = /^([A-Za-z]{2,10}\.\d{1,6}|\d{3}|[A-Z][a-z]+( [A-Z][a-z]+){0,3})$/

/**
 * What may be said about a failed call whose body may hold credentials (the OIDC token exchange): the error
 * code when it has the usual form, and the request ID; never text from the body.
 */
export function confidentialDetails(d: ErrorDetails): ErrorDetails {
  return {
    code: d.code && ERROR_CODE.test(d.code) ? d.code : undefined,
    message:
      d.code || d.message
        ? 'its text is not shown, as this answer may hold credentials'
        : undefined,
    requestId: d.requestId
  }
}
