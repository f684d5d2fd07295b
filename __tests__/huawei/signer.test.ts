import { describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import { parse as legacyParse } from 'node:url'
import {
  EMPTY_BODY_SHA256,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  encodeRfc3986,
  formatSdkDate,
  signRequest,
  signature,
  stringToSign
} from '../../src/huawei/signer.js'

// The official Huawei Cloud Node SDK's signer: an implementation nobody here wrote (dev dependency only).
interface SdkSigner {
  sign(req: unknown, cred: unknown): Record<string, string>
  CanonicalURI(path: string): string
  urlEncode(text: string): string
  buildCanonicalHeaders(headers: Record<string, string>): string
  buildPayloadHash(req: unknown): string
}
const require = createRequire(import.meta.url)
const { AKSKSigner } = require('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js') as {
  AKSKSigner: SdkSigner
}
const { BasicCredentials } =
  require('@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials.js') as {
    BasicCredentials: new () => { withAk(ak: string): { withSk(sk: string): unknown } }
  }

const now = new Date(Date.UTC(2019, 10, 15, 3, 36, 55))
const cred = { accessKeyId: 'AK', secretAccessKey: 'SK' }

describe('the published Go SDK vector', () => {
  it('GET https://example.huaweicloud.com/path?limit=1 signed over x-sdk-date only', () => {
    const url = new URL('https://example.huaweicloud.com/path?limit=1')
    const { canonical, signedHeaders } = canonicalRequest('GET', url, {
      'X-Sdk-Date': '20060102T150405Z'
    })
    expect(signedHeaders).toBe('x-sdk-date')
    expect(canonical).toBe(
      `GET\n/path/\nlimit=1\nx-sdk-date:20060102T150405Z\n\nx-sdk-date\n${EMPTY_BODY_SHA256}`
    )
    expect(signature('SecretKey', stringToSign('20060102T150405Z', canonical))).toBe(
      '5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624'
    )
  })
})

describe('signRequest', () => {
  it('adds exactly Host, X-Sdk-Date and Authorization, signing host and x-sdk-date', () => {
    const h = signRequest(
      { method: 'GET', url: new URL('https://cce.example.com/a'), headers: {} },
      cred,
      now
    )
    expect(Object.keys(h).sort()).toEqual(['Authorization', 'Host', 'X-Sdk-Date'])
    expect(h['Host']).toBe('cce.example.com')
    expect(h['X-Sdk-Date']).toBe('20191115T033655Z')
    expect(h['Authorization']).toMatch(
      /^SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=[0-9a-f]{64}$/
    )
  })

  it('puts a non-default port in Host, and leaves the default one out', () => {
    const host = (url: string) =>
      signRequest({ method: 'GET', url: new URL(url), headers: {} }, cred, now)['Host']
    expect(host('https://cce.example.com:8443/a')).toBe('cce.example.com:8443')
    expect(host('https://cce.example.com:443/a')).toBe('cce.example.com')
    expect(host('http://127.0.0.1:80/a')).toBe('127.0.0.1')
    expect(host('http://127.0.0.1:8080/a')).toBe('127.0.0.1:8080')
    expect(host('https://[::1]:9443/a')).toBe('[::1]:9443')
  })

  it('signs the Host it returns: a different port is a different signature', () => {
    const auth = (url: string) =>
      signRequest({ method: 'GET', url: new URL(url), headers: {} }, cred, now)['Authorization']
    expect(auth('https://h:8443/a')).not.toBe(auth('https://h/a'))
    expect(auth('https://h:443/a')).toBe(auth('https://h/a'))
  })

  it('sends and signs the security token of temporary credentials', () => {
    const h = signRequest(
      { method: 'GET', url: new URL('https://h/a'), headers: {} },
      { ...cred, securityToken: 'ST' },
      now
    )
    expect(h['X-Security-Token']).toBe('ST')
    expect(h['Authorization']).toContain('SignedHeaders=host;x-sdk-date;x-security-token,')
    const other = signRequest(
      { method: 'GET', url: new URL('https://h/a'), headers: {} },
      { ...cred, securityToken: 'ST2' },
      now
    )
    expect(other['Authorization']).not.toBe(h['Authorization'])
  })

  it('signs every given header, lower-cased and sorted, with trimmed values, and nothing else', () => {
    const h = signRequest(
      {
        method: 'POST',
        url: new URL('https://h/a'),
        headers: { 'X-Project-Id': ' p ', 'Content-Type': 'application/json' },
        body: '{}'
      },
      cred,
      now
    )
    expect(h['Authorization']).toContain('SignedHeaders=content-type;host;x-project-id;x-sdk-date,')
    expect(h['Authorization']).not.toContain('user-agent')
    const trimmed = signRequest(
      {
        method: 'POST',
        url: new URL('https://h/a'),
        headers: { 'x-project-id': 'p', 'content-type': 'application/json' },
        body: '{}'
      },
      cred,
      now
    )
    expect(trimmed['Authorization']).toBe(h['Authorization'])
  })

  it('refuses a header it adds itself, or one given twice', () => {
    const sign = (headers: Record<string, string>) => () =>
      signRequest({ method: 'GET', url: new URL('https://h/a'), headers }, cred, now)
    expect(sign({ host: 'h' })).toThrow('Header host is given twice')
    expect(sign({ 'x-sdk-date': '20191115T033655Z' })).toThrow('x-sdk-date')
    expect(sign({ Accept: 'a', accept: 'b' })).toThrow('accept')
  })

  it('changes the signature when anything signed changes', () => {
    const sig = (url: string, body?: string, sk = 'SK', method = 'POST') =>
      signRequest(
        { method, url: new URL(url), headers: { 'Content-Type': 'application/json' }, body },
        { accessKeyId: 'AK', secretAccessKey: sk },
        now
      )['Authorization']
    const base = sig('https://h/a?x=1', '{}')
    expect(sig('https://h/b?x=1', '{}')).not.toBe(base)
    expect(sig('https://h/a?x=2', '{}')).not.toBe(base)
    expect(sig('https://h/a?x=1', '{ }')).not.toBe(base)
    expect(sig('https://h/a?x=1', '{}', 'SK2')).not.toBe(base)
    expect(sig('https://h/a?x=1', '{}', 'SK', 'PUT')).not.toBe(base)
    expect(sig('https://h/a?x=1', '{}')).toBe(base)
  })
})

describe('canonical pieces', () => {
  it('hashes an empty or absent body to the empty-body constant', () => {
    expect(EMPTY_BODY_SHA256).toBe(createHash('sha256').update('').digest('hex'))
    const url = new URL('https://h/')
    for (const body of [undefined, ''])
      expect(
        canonicalRequest('GET', url, {}, body).canonical.endsWith(`\n${EMPTY_BODY_SHA256}`)
      ).toBe(true)
    expect(canonicalRequest('POST', url, {}, 'é').canonical).toMatch(
      new RegExp(`\\n${createHash('sha256').update(Buffer.from('é', 'utf8')).digest('hex')}$`)
    )
  })

  it.each([
    ['https://h', '/'],
    ['https://h/', '/'],
    ['https://h/a', '/a/'],
    ['https://h/a/', '/a/'],
    ['https://h/a//b', '/a//b/'],
    ['https://h/a b/ü/x%2Fy/', '/a%20b/%C3%BC/x%2Fy/'],
    ["https://h/a!'()*~._-", '/a%21%27%28%29%2A~._-/'],
    ['https://h/a:@$,;=+&[]', '/a%3A%40%24%2C%3B%3D%2B%26%5B%5D/'],
    ['https://h/%41%7e%e4%b8%ad', '/A~%E4%B8%AD/'],
    ['https://h/😀', '/%F0%9F%98%80/'],
    ['https://h/100%', '/100%25/'],
    [
      'https://cce.ap-southeast-1.myhuaweicloud.com/api/v3/projects/0605767b5e00d5762fc1c00d8d1f0e37/clusters/3c2f1f0e-1234-11ee-9b8a-0255ac100b03/operation/upgrade/tasks/a1b2',
      '/api/v3/projects/0605767b5e00d5762fc1c00d8d1f0e37/clusters/3c2f1f0e-1234-11ee-9b8a-0255ac100b03/operation/upgrade/tasks/a1b2/'
    ]
  ])('canonical URI of %s is %s', (url, uri) => {
    expect(canonicalUri(new URL(url))).toBe(uri)
  })

  it.each([
    ['https://h/', ''],
    ['https://h/?', ''],
    ['https://h/?limit=1', 'limit=1'],
    ['https://h/?b=2&a=1&a=0&c&d=x+y&e=%E2%9C%93', 'a=0&a=1&b=2&c=&d=x%2By&e=%E2%9C%93'],
    ['https://h/?name=ap-southeast-1', 'name=ap-southeast-1'],
    ['https://h/?a%20b=c%3Dd&&z=', 'a%20b=c%3Dd&z='],
    ["https://h/?k=!'()*", 'k=%21%27%28%29%2A'],
    ['https://h/?é=1&z=2&Z=3', 'Z=3&z=2&%C3%A9=1'],
    ['https://h/?bad=%E0%A4%A', 'bad=%25E0%25A4%25A']
  ])('canonical query of %s is %j', (url, query) => {
    expect(canonicalQuery(new URL(url))).toBe(query)
  })

  it('formats X-Sdk-Date in UTC, dropping milliseconds', () => {
    expect(formatSdkDate(new Date(Date.UTC(2006, 0, 2, 15, 4, 5, 999)))).toBe('20060102T150405Z')
    expect(formatSdkDate(now)).toBe('20191115T033655Z')
  })
})

/** mulberry32, so that a failure names a reproducible case */
function rng(seed: number): () => number {
  return () => {
    let x = (seed += 0x6d2b79f5)
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

const unreserved = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~'
// "!()*:@$,;=+&[]" are reserved characters the SDK's url.parse passes through; é 中 😀 are 2-, 3- and 4-byte UTF-8
const pathChars = [...`${unreserved}!()*:@$,;=+&[]é中😀`]
// what url.parse escapes itself (space " ' < > \ ^ ` { | }) and % are only in the query and the encoder test
const anyChars = [...`${unreserved} !"#$%&'()*+,/:;<=>?@[\\]^\`{|}é中😀\uff01\u00a0`]

describe('agreement with the official Node SDK signer', () => {
  const random = rng(20261124)
  const int = (n: number) => Math.floor(random() * n)
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!
  const word = (chars: readonly string[], min: number, max: number) =>
    Array.from({ length: min + int(max - min + 1) }, () => pick(chars)).join('')
  const hex = (n: number) => word([...'0123456789abcdef'], n, n)

  it.each(Array.from({ length: 200 }, (_, i) => i))('percent-encodes like the SDK (%i)', () => {
    const text = word(anyChars, 0, 16)
    expect(encodeRfc3986(text)).toBe(AKSKSigner.urlEncode(text))
    // the whole path, as the SDK would build it from an unescaped path (see the quirk below)
    const path = `/${text}/${hex(8)}`
    expect(canonicalUri(new URL(`https://h${path.replace(/[%#?\\]/g, encodeURIComponent)}`))).toBe(
      AKSKSigner.CanonicalURI(path)
    )
  })

  const cases = Array.from({ length: 300 }, (_, i) => {
    const method = pick(['GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE'])
    // [ours, the SDK's]: new URL() drops an explicit default port, url.parse keeps it (SDK quirk: it would sign
    // "h:443" while Node sends "Host: h"), so the SDK gets the host as Node sends it
    const [host, sdkHost] = pick([
      ['cce.ap-southeast-1.myhuaweicloud.com', 'cce.ap-southeast-1.myhuaweicloud.com'],
      ['cce.ap-southeast-1.myhuaweicloud.com:443', 'cce.ap-southeast-1.myhuaweicloud.com'],
      ['iam.myhuaweicloud.com', 'iam.myhuaweicloud.com'],
      ['127.0.0.1:8080', '127.0.0.1:8080'],
      ['[::1]:9443', '[::1]:9443'],
      ['cce.eu-west-101.myhuaweicloud.eu:4443', 'cce.eu-west-101.myhuaweicloud.eu:4443']
    ] as const)
    // "." and ".." segments are dropped by URL parsing before anything is sent, so they are never signed
    const segment = () =>
      pick([
        () => hex(32),
        () => `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`,
        () => pick(['api', 'v3', 'projects', 'clusters', 'operation', 'upgrade', 'tasks']),
        () => word(pathChars, 1, 12).replace(/^\.{1,2}$/, 'dot')
      ])()
    const path = `/${Array.from({ length: 1 + int(7) }, segment).join('/')}${random() < 0.1 ? '/' : ''}`
    const query: Record<string, string | string[]> = {}
    for (let q = int(4); q > 0; q--)
      query[word(anyChars, 1, 6)] =
        random() < 0.2
          ? Array.from({ length: 2 + int(2) }, () => word(anyChars, 0, 6))
          : word(anyChars, 0, 10)
    const data =
      method === 'POST' || method === 'PUT'
        ? { auth: { id: word(anyChars, 1, 20), n: i, ok: random() < 0.5 } }
        : undefined
    const headers: Record<string, string> = {}
    if (data) headers[pick(['Content-Type', 'content-type'])] = 'application/json;charset=utf8'
    // header names from letters, digits and "-" only: see the localeCompare quirk below
    for (let n = int(3); n > 0; n--)
      headers[
        `X-${word([...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-'], 1, 10)}`
      ] =
        `${pick(['', ' ', '\t'])}${word([...`${unreserved} ;,=/`], 1, 20).trim()}${pick(['', ' '])}`
    const token = random() < 0.3 ? word([...unreserved, '+', '/', '='], 20, 200) : undefined
    const date = new Date(
      Date.UTC(2020 + int(7), int(12), 1 + int(28), int(24), int(60), int(60), int(1000))
    )
    return {
      i,
      method,
      host,
      sdkHost,
      path,
      query,
      data,
      headers,
      token,
      date,
      ak: word([...unreserved], 16, 20),
      sk: word(anyChars, 30, 40)
    }
  })

  it.each(cases.map(c => [c.i, c] as const))('case %i', (_i, c) => {
    const qs = Object.entries(c.query)
      .flatMap(([k, v]) =>
        (Array.isArray(v) ? v : [v]).map(v => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      )
      .join('&')
    const url = new URL(`https://${c.host}${c.path}${qs ? `?${qs}` : ''}`)
    const body = c.data ? JSON.stringify(c.data) : undefined
    const ours = signRequest(
      { method: c.method, url, headers: c.headers, body },
      { accessKeyId: c.ak, secretAccessKey: c.sk, securityToken: c.token },
      c.date
    )

    const endpoint = `https://${c.sdkHost}${c.path}`
    // the SDK encodes url.parse's pathname, so the path must reach it unchanged (see the quirk below)
    expect(legacyParse(endpoint).pathname).toBe(c.path)
    // SDK quirk: it does not trim header values (§4 and the Go SDK do), so it gets them trimmed
    const sdkHeaders = Object.fromEntries(Object.entries(c.headers).map(([k, v]) => [k, v.trim()]))
    sdkHeaders['X-Sdk-Date'] = ours['X-Sdk-Date']!
    if (c.token) sdkHeaders['X-Security-Token'] = c.token
    const theirs = AKSKSigner.sign(
      {
        method: c.method,
        endpoint,
        headers: sdkHeaders,
        // the SDK sorts array values in place
        queryParams: structuredClone(c.query),
        // the SDK hashes JSON.stringify(data): an object gives the same bytes as our body
        data: c.data
      },
      new BasicCredentials().withAk(c.ak).withSk(c.sk)
    )
    expect(ours['Authorization']).toBe(theirs['Authorization'])
    expect(theirs['host']).toBe(ours['Host'])
  })
})

describe('known quirks of the official Node SDK signer, where it departs from §4', () => {
  it('encodes an already-escaped path again: a space is signed as %2520, not %20', () => {
    const pathname = legacyParse('https://h/a b/x%2Fy').pathname!
    expect(pathname).toBe('/a%20b/x%2Fy')
    expect(AKSKSigner.CanonicalURI(pathname)).toBe('/a%2520b/x%252Fy/')
    // §4 and the Go SDK decode first
    expect(canonicalUri(new URL('https://h/a b/x%2Fy'))).toBe('/a%20b/x%2Fy/')
  })

  it('does not trim header values', () => {
    expect(AKSKSigner.buildCanonicalHeaders({ 'x-a': ' v ' })).toBe('x-a: v \n')
    expect(canonicalRequest('GET', new URL('https://h/'), { 'x-a': ' v ' }).canonical).toContain(
      '\nx-a:v\n'
    )
  })

  it('orders canonical headers with localeCompare, which can disagree with its own SignedHeaders', () => {
    // "_" sorts before "-" and digits in ICU collation, after them in code units (§4, the Go SDK and ours)
    expect(AKSKSigner.buildCanonicalHeaders({ 'x-1': '1', x_a: 'a' })).toBe('x_a:a\nx-1:1\n')
    expect(
      canonicalRequest('GET', new URL('https://h/'), { 'x-1': '1', x_a: 'a' }).canonical
    ).toContain('\nx-1:1\nx_a:a\n\nx-1;x_a\n')
  })

  it('hashes JSON.stringify(data), so a string body would be hashed with quotes', () => {
    expect(AKSKSigner.buildPayloadHash({ headers: {}, data: '{}' })).toBe(
      createHash('sha256').update('"{}"').digest('hex')
    )
    expect(AKSKSigner.buildPayloadHash({ headers: {}, data: {} })).toBe(
      createHash('sha256').update('{}').digest('hex')
    )
  })
})
