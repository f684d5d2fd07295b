/** Default service endpoints per region (docs/cce-api.md §2) and the rules an endpoint override must follow. */

export const KNOWN_REGIONS: ReadonlySet<string> = new Set([
  'cn-north-1',
  'cn-north-2',
  'cn-north-4',
  'cn-north-9',
  'cn-north-11',
  'cn-north-12',
  'cn-south-1',
  'cn-south-2',
  'cn-south-4',
  'cn-east-2',
  'cn-east-3',
  'cn-east-4',
  'cn-east-5',
  'cn-southwest-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'af-south-1',
  'af-north-1',
  'sa-brazil-1',
  'la-south-2',
  'la-north-2',
  'na-mexico-1',
  'ru-northwest-2',
  'ru-moscow-1',
  'tr-west-1',
  'ae-ad-1',
  'me-east-1',
  'my-kualalumpur-1',
  'eu-west-0',
  'eu-west-101'
])

export const REGION_PATTERN = /^[a-z]{2,}(-[a-z0-9]+){1,3}$/

const EU_SOVEREIGN = new Set(['eu-west-101'])

function domainFor(region: string): string {
  return EU_SOVEREIGN.has(region) ? 'myhuaweicloud.eu' : 'myhuaweicloud.com'
}

export function defaultCceEndpoint(region: string): URL {
  return new URL(`https://cce.${region}.${domainFor(region)}`)
}

export function defaultIamEndpoint(region: string | undefined): URL {
  return new URL(
    region ? `https://iam.${region}.${domainFor(region)}` : 'https://iam.myhuaweicloud.com'
  )
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase()
  if (host === 'localhost' || host === '[::1]') return true
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host)
  return m !== null && m.slice(1).every(part => Number(part) <= 255)
}

/** Parses an endpoint override; returns an error text naming what is accepted, or the URL. */
export function parseEndpoint(text: string): URL | string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return 'is not a URL'
  }
  if (url.username || url.password) return 'must not contain credentials'
  if (url.search || url.hash) return 'must not have a query or fragment'
  if (url.protocol === 'https:') return url
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url
  if (url.protocol === 'http:')
    return 'must use https:// (plain http:// is accepted only for a loopback host)'
  return 'must use https://'
}

/** Joins a base URL (which may carry a path prefix, e.g. behind a proxy) with an API path. */
export function joinUrl(base: URL, path: string, query?: Record<string, string>): URL {
  const url = new URL(base.href.replace(/\/+$/, '') + path)
  // encodeURIComponent, not URLSearchParams: a space must travel as %20, the form the signature covers
  const pairs = Object.entries(query ?? {}).map(
    ([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`
  )
  if (pairs.length) url.search = pairs.join('&')
  return url
}
