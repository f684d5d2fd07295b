import { createHash, createHmac } from 'node:crypto'
import type { OutgoingRequest } from './request.js'

/** Huawei Cloud API request signing, SDK-HMAC-SHA256 (docs/cce-api.md §4). */

export const ALGORITHM = 'SDK-HMAC-SHA256'
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

export interface AkSk {
  accessKeyId: string
  secretAccessKey: string
  securityToken?: string
}

const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex')

/** Percent-encodes everything but A–Z a–z 0–9 - _ . ~, upper-case hex over UTF-8 bytes. */
export function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
  )
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** 20191115T033655Z */
export function formatSdkDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
}

export function canonicalUri(url: URL): string {
  const path = url.pathname
    .split('/')
    .map(segment => encodeRfc3986(decode(segment)))
    .join('/')
  return path.endsWith('/') ? path : `${path}/`
}

export function canonicalQuery(url: URL): string {
  const pairs: [string, string][] = []
  // the URL's own query text, not URLSearchParams: "+" is a literal plus in a signed query, not a space
  for (const part of url.search.replace(/^\?/, '').split('&')) {
    if (!part) continue
    const eq = part.indexOf('=')
    pairs.push(
      eq < 0 ? [decode(part), ''] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))]
    )
  }
  // sorted by the decoded key, then value, as the official SDKs do, and encoded afterwards
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
  pairs.sort(([ka, va], [kb, vb]) => cmp(ka, kb) || cmp(va, vb))
  return pairs.map(([k, v]) => `${encodeRfc3986(k)}=${encodeRfc3986(v)}`).join('&')
}

/** The canonical request over exactly the headers given (names any case); returns it and the signed-header list. */
export function canonicalRequest(
  method: string,
  url: URL,
  headers: Record<string, string>,
  body = ''
): { canonical: string; signedHeaders: string } {
  const lower = Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v.trim()] as const)
  lower.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  // Node sends one of two headers differing only in case, so signing both could never verify
  const dup = lower.find(([k], i) => k === lower[i + 1]?.[0])
  if (dup) throw new Error(`Header ${dup[0]} is given twice (names are case-insensitive)`)
  const signedHeaders = lower.map(([k]) => k).join(';')
  const canonical = [
    method.toUpperCase(),
    canonicalUri(url),
    canonicalQuery(url),
    lower.map(([k, v]) => `${k}:${v}\n`).join(''),
    signedHeaders,
    sha256Hex(body)
  ].join('\n')
  return { canonical, signedHeaders }
}

export function stringToSign(sdkDate: string, canonical: string): string {
  return `${ALGORITHM}\n${sdkDate}\n${sha256Hex(canonical)}`
}

export function signature(secretAccessKey: string, toSign: string): string {
  return createHmac('sha256', secretAccessKey).update(toSign, 'utf8').digest('hex')
}

/**
 * The headers to send besides req.headers: Host, X-Sdk-Date, X-Security-Token (temporary credentials) and
 * Authorization. Signs those and every header in req.headers; each is sent with exactly the value signed.
 * Throws when req.headers already holds one of the headers added here.
 */
export function signRequest(req: OutgoingRequest, cred: AkSk, now: Date): Record<string, string> {
  const added: Record<string, string> = { Host: req.url.host, 'X-Sdk-Date': formatSdkDate(now) }
  if (cred.securityToken) added['X-Security-Token'] = cred.securityToken
  const all = { ...req.headers, ...added }
  const { canonical, signedHeaders } = canonicalRequest(req.method, req.url, all, req.body)
  const sig = signature(cred.secretAccessKey, stringToSign(added['X-Sdk-Date']!, canonical))
  return {
    ...added,
    Authorization: `${ALGORITHM} Access=${cred.accessKeyId}, SignedHeaders=${signedHeaders}, Signature=${sig}`
  }
}
