import * as http from 'node:http'
import * as https from 'node:https'
import { HttpClient } from '@actions/http-client'
import type { OutgoingRequest } from './request.js'

export const MAX_BODY_BYTES = 1024 * 1024

export interface HttpRequest extends OutgoingRequest {
  method: 'GET' | 'POST'
  timeoutMs: number
  signal?: AbortSignal
}

export interface HttpResponse {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

export type Send = (req: HttpRequest) => Promise<HttpResponse>

/**
 * Why a request got no usable response. `transient` failures are retried until the deadline; the others are
 * configuration problems (a host that does not exist, a certificate that does not verify) and end the step.
 */
export type TransportFailure =
  | 'timeout'
  | 'aborted'
  | 'connection'
  | 'dns'
  | 'tls'
  | 'too-large'
  | 'invalid-request'
  | 'proxy-auth'

export class TransportError extends Error {
  override readonly name = 'TransportError'
  constructor(
    readonly kind: TransportFailure,
    message: string,
    /** A timeout after the host accepted the connection: it is there, only slow (a connection error never is). */
    readonly connected = false
  ) {
    super(message)
  }
  get transient(): boolean {
    return this.kind === 'timeout' || this.kind === 'connection'
  }
  /** Nothing answered: the connection was refused, reset or closed, or timed out before it was made. */
  get unreachable(): boolean {
    return this.kind === 'connection' || (this.kind === 'timeout' && !this.connected)
  }
}

const TLS_CODES =
  /^(CERT_|ERR_TLS_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_SSL_)/

export function classifyNetworkError(err: NodeJS.ErrnoException): TransportError {
  const code = err.code ?? ''
  // the `tunnel` agent reports a CONNECT refusal as ECONNRESET; a 407 will not pass on a retry
  if (/tunneling socket could not be established, statusCode=407\b/.test(err.message)) {
    return new TransportError(
      'proxy-auth',
      'the proxy (https_proxy) refused CONNECT with 407 Proxy Authentication Required: check the proxy user/password in https_proxy'
    )
  }
  if (code === 'ENOTFOUND') {
    return new TransportError('dns', `host name not found (${err.message})`)
  }
  if (TLS_CODES.test(code)) {
    return new TransportError('tls', `TLS certificate check failed: ${code} (${err.message})`)
  }
  const text =
    code && err.message.includes(code)
      ? err.message
      : `${code || 'connection error'}: ${err.message}`
  return new TransportError('connection', text)
}

/**
 * One HTTP exchange, no retries and no redirects (a token must never travel to another host). The proxy
 * agent comes from @actions/http-client so https_proxy/no_proxy behave as in every other action.
 */
export function createTransport(userAgent: string): { send: Send; close: () => void } {
  const client = new HttpClient(userAgent, [], {
    keepAlive: true,
    allowRedirects: false,
    maxRetries: 0
  })
  const agents = new Set<http.Agent>()

  const send: Send = req =>
    new Promise<HttpResponse>((resolve, reject) => {
      if (req.signal?.aborted) return reject(new TransportError('aborted', 'cancelled'))
      const agent = client.getAgent(req.url.href)
      agents.add(agent)
      const mod = req.url.protocol === 'https:' ? https : http
      const headers: Record<string, string | number> = { 'User-Agent': userAgent, ...req.headers }
      if (req.body !== undefined) headers['Content-Length'] = Buffer.byteLength(req.body)

      let settled = false
      let connected = false
      let request: http.ClientRequest | undefined
      const cleanup = (): void => {
        clearTimeout(timer)
        req.signal?.removeEventListener('abort', onAbort)
      }
      const fail = (e: TransportError): void => {
        if (settled) return
        settled = true
        cleanup()
        reject(e)
        request?.destroy()
      }
      const onAbort = (): void => fail(new TransportError('aborted', 'cancelled'))

      try {
        request = mod.request(
          {
            protocol: req.url.protocol,
            hostname: req.url.hostname.replace(/^\[(.*)\]$/, '$1'),
            port: req.url.port || undefined,
            path: req.url.pathname + req.url.search,
            method: req.method,
            headers,
            agent
          },
          res => {
            const chunks: Buffer[] = []
            let size = 0
            res.on('data', (chunk: Buffer) => {
              size += chunk.length
              if (size > MAX_BODY_BYTES) {
                fail(
                  new TransportError(
                    'too-large',
                    `response body larger than ${MAX_BODY_BYTES} bytes refused`
                  )
                )
                res.destroy()
                return
              }
              chunks.push(chunk)
            })
            res.on('error', err => fail(classifyNetworkError(err)))
            res.on('close', () =>
              fail(new TransportError('connection', 'connection closed before the response ended'))
            )
            res.on('end', () => {
              if (settled) return
              settled = true
              cleanup()
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                body: Buffer.concat(chunks).toString('utf8')
              })
            })
          }
        )
      } catch (e) {
        // Node refuses a header value it cannot send (a line break, a character beyond Latin-1) at once
        // (nothing is armed yet: no timer, no abort listener, no request to destroy)
        const what =
          typeof e === 'object' && e !== null && 'message' in e ? String(e.message) : String(e)
        settled = true
        return reject(new TransportError('invalid-request', `request not sent: ${what}`))
      }
      // armed only once the request exists: its events, the timer and an abort all end the same request
      const timer = setTimeout(() => {
        const ms = Math.round(req.timeoutMs)
        fail(
          connected
            ? new TransportError('timeout', `no response within ${ms} ms`, true)
            : new TransportError('timeout', `no connection within ${ms} ms`)
        )
      }, req.timeoutMs)
      req.signal?.addEventListener('abort', onAbort, { once: true })
      // a kept-alive socket is connected already; through a proxy, the socket comes once the tunnel stands
      request.on('socket', socket => {
        if (!socket.connecting) connected = true
        else socket.once('connect', () => (connected = true))
      })
      request.on('error', err => fail(classifyNetworkError(err)))
      request.end(req.body)
    })

  const close = (): void => {
    // the proxy tunnel agent (from the `tunnel` package) has no destroy(): it keeps no idle sockets
    for (const agent of agents) if (typeof agent.destroy === 'function') agent.destroy()
    agents.clear()
  }
  return { send, close }
}
