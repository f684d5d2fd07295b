import type { IncomingHttpHeaders } from 'node:http'
import { isObj } from './json.js'

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

/**
 * CCE answers with several field sets at once; the first complete pair wins: errorCode/errorMessage,
 * then error_code/error_msg (also the API gateway's), then message/reason; IAM nests {error:{code,message,title}}.
 */
export function parseErrorBody(body: string, headers: IncomingHttpHeaders): ErrorDetails {
  let parsed: Record<string, unknown> | undefined
  try {
    const v: unknown = JSON.parse(body)
    if (isObj(v)) parsed = v
  } catch {
    // not JSON: fall through with the raw text
  }
  const requestId = requestIdOf(headers, parsed)
  if (!parsed) {
    const snippet = body.replace(/\s+/g, ' ').trim().slice(0, 200)
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
    if (text(c) || text(m)) return { code: text(c), message: text(m), requestId }
  }
  return { requestId }
}

export function describeDetails(d: ErrorDetails): string {
  const parts: string[] = []
  if (d.code) parts.push(d.code)
  if (d.message) parts.push(d.message)
  const main = parts.join(': ') || 'no error details in the response'
  return d.requestId ? `${main} (request ID ${d.requestId})` : main
}
