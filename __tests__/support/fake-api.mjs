// @ts-check
/**
 * The project's fake Huawei Cloud API: CCE upgrade tasks, IAM (projects, OIDC token exchange) and the GitHub
 * OIDC token endpoint, on loopback. It checks every AK/SK signature with its own implementation of
 * SDK-HMAC-SHA256 (written from the spec, sharing nothing with src/), scripts phase timelines and faults,
 * throttles like one account's quota, and records every request.
 *
 * CLI: node __tests__/support/fake-api.mjs [--scenario success|failed] [--port N] [--max-seconds N]
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'
import { pathToFileURL } from 'node:url'

export const DEMO = {
  projectId: '0605767b5e00d5762fc1c00d8d1f0e37',
  region: 'ap-southeast-1',
  clusterId: 'c0ffee00-demo-4e1f-9a6b-000000000001',
  taskId: '4a1d7e0c-demo-11ef-8d2c-0255ac100031',
  ak: 'AKDEMO0000000000',
  sk: 'demo-secret-key'
}

const ISSUER = 'https://token.actions.githubusercontent.com'
const JWT_KEY = randomBytes(32)

/** @param {number} ms */
export function goTime(ms) {
  // Go's time.String() in China Standard Time, as CCE prints it
  const d = new Date(ms + 8 * 3600_000)
  const p = (/** @type {number} */ n, w = 2) => String(n).padStart(w, '0')
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}123 +0800 CST`
}

function demoTimeline(/** @type {boolean} */ fails) {
  const steps = [
    { phase: 'Init', progress: '0.00', ms: 1000 },
    { phase: 'Queuing', progress: '0.00', ms: 2000 },
    { phase: 'Running', progress: '12.50', ms: 2500 },
    { phase: 'Running', progress: '37.50', ms: 2500 },
    { phase: 'Running', progress: '62.50', ms: 2500 }
  ]
  if (fails)
    return [
      ...steps.slice(0, 4),
      { phase: 'Running', progress: '62.50', ms: 1500 },
      { phase: 'Failed', progress: '62.50' }
    ]
  return [
    ...steps,
    { phase: 'Running', progress: '87.50', ms: 2500 },
    { phase: 'Running', progress: '100.00', ms: 1500 },
    { phase: 'Success', progress: '100.00' }
  ]
}

/**
 * The demo cluster's task list with one upgrade task following `timeline`.
 * @param {Step[]} timeline
 */
export function demoTasks(timeline) {
  return {
    [`${DEMO.projectId}/${DEMO.clusterId}`]: [
      {
        uid: DEMO.taskId,
        version: 'v1.28.3-r4',
        targetVersion: 'v1.29.5-r0',
        creationTimestamp: goTime(Date.now() - 5000),
        timeline
      }
    ]
  }
}

/**
 * The inputs of a step that gates the demo cluster through this fake, and the INPUT_* variables the runner
 * would set for them.
 * @param {string} url
 * @param {Record<string, string>} [extra]
 */
export function demoInputs(url, extra = {}) {
  const inputs = {
    'cluster-id': DEMO.clusterId,
    'task-id': DEMO.taskId,
    region: DEMO.region,
    'project-id': DEMO.projectId,
    'access-key-id': DEMO.ak,
    'secret-access-key': DEMO.sk,
    endpoint: url,
    'iam-endpoint': url,
    timeout: '2m',
    interval: '1s',
    'on-pause': 'wait',
    ...extra
  }
  /** @type {Record<string, string>} */
  const env = {}
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v
  return { inputs, env }
}

export const scenarios = {
  success: {
    projects: [{ id: DEMO.projectId, name: DEMO.region }],
    tasks: demoTasks(demoTimeline(false))
  },
  failed: {
    projects: [{ id: DEMO.projectId, name: DEMO.region }],
    tasks: demoTasks(demoTimeline(true))
  }
}

// ---- signature check (cce-api.md §4), independent of src/signer.ts ----

const enc = (/** @type {string} */ s) =>
  Array.from(new TextEncoder().encode(s), b => {
    const c = String.fromCharCode(b)
    return /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`
  }).join('')

const dec = (/** @type {string} */ s) => {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

const hex = (/** @type {string | Buffer} */ d) => createHash('sha256').update(d).digest('hex')

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {Buffer} body
 * @param {string[]} signed
 */
function canonical(req, body, signed) {
  const raw = req.url ?? '/'
  const q = raw.indexOf('?')
  const path = q < 0 ? raw : raw.slice(0, q)
  const query = q < 0 ? '' : raw.slice(q + 1)
  let uri = path
    .split('/')
    .map(s => enc(dec(s)))
    .join('/')
  if (!uri.endsWith('/')) uri += '/'
  const pairs = query
    .split('&')
    .filter(Boolean)
    .map(kv => {
      const i = kv.indexOf('=')
      return i < 0 ? [dec(kv), ''] : [dec(kv.slice(0, i)), dec(kv.slice(i + 1))]
    })
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
  const headers = signed.map(h => `${h}:${String(req.headers[h] ?? '').trim()}\n`).join('')
  return [
    req.method,
    uri,
    pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&'),
    headers,
    signed.join(';'),
    hex(body)
  ].join('\n')
}

/** @returns {string | undefined} why the signature is refused, or undefined when it is good */
function checkSignature(
  /** @type {any} */ req,
  /** @type {Buffer} */ body,
  /** @type {Record<string, {secret: string, securityToken?: string}>} */ creds,
  /** @type {number} */ now
) {
  const m = /^SDK-HMAC-SHA256 Access=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]+)$/.exec(
    req.headers.authorization ?? ''
  )
  if (!m) return 'malformed Authorization header'
  const [, ak, signedList, sig] = m
  const cred = creds[ak]
  if (!cred) return `unknown access key ${ak}`
  const signed = signedList.split(';')
  if (!signed.includes('host') || !signed.includes('x-sdk-date'))
    return 'host and x-sdk-date must be signed'
  const date = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(
    String(req.headers['x-sdk-date'] ?? '')
  )
  if (!date) return 'bad X-Sdk-Date'
  const at = Date.UTC(+date[1], +date[2] - 1, +date[3], +date[4], +date[5], +date[6])
  if (Math.abs(at - now) > 15 * 60_000)
    return 'request expired: X-Sdk-Date is more than 15 minutes off'
  if (
    cred.securityToken &&
    (req.headers['x-security-token'] !== cred.securityToken || !signed.includes('x-security-token'))
  ) {
    return 'temporary credentials need the signed X-Security-Token'
  }
  const can = canonical(req, body, signed)
  const expected = createHmac('sha256', cred.secret)
    .update(`SDK-HMAC-SHA256\n${req.headers['x-sdk-date']}\n${hex(can)}`)
    .digest('hex')
  const a = Buffer.from(expected)
  const b = Buffer.from(sig)
  if (a.length !== b.length || !timingSafeEqual(a, b))
    return `verify aksk signature fail, canonicalRequest: ${can.replace(/\n/g, '|')}`
  return undefined
}

// ---- JWTs for the OIDC flow ----

const b64u = (/** @type {string | Buffer} */ s) => Buffer.from(s).toString('base64url')

function issueJwt(/** @type {string} */ aud, /** @type {number} */ now) {
  const head = b64u(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))
  const payload = b64u(
    JSON.stringify({
      iss: ISSUER,
      aud,
      sub: 'repo:octo/app:ref:refs/heads/main',
      iat: Math.floor(now / 1000),
      exp: Math.floor(now / 1000) + 300
    })
  )
  return `${head}.${payload}.${b64u(createHmac('sha256', JWT_KEY).update(`${head}.${payload}`).digest())}`
}

/** @returns {any} the payload, or undefined when the JWT was not issued here */
function readJwt(/** @type {string} */ jwt) {
  const [head, payload, sig] = String(jwt).split('.')
  if (!head || !payload || !sig) return undefined
  if (b64u(createHmac('sha256', JWT_KEY).update(`${head}.${payload}`).digest()) !== sig)
    return undefined
  return JSON.parse(Buffer.from(payload, 'base64url').toString())
}

// ---- the server ----

/**
 * @typedef {{ phase: string, progress: string, polls?: number, ms?: number }} Step
 * @typedef {{ poll: number, kind: string, status?: number, body?: unknown, retryAfter?: string, location?: string }} Fault
 * @typedef {{ uid: string, version: string, targetVersion: string, creationTimestamp: string, timeline: Step[], faults?: Fault[] }} Task
 * @typedef {{ t: number, method: string, path: string, status: number, clusterId?: string, taskId?: string, throttled: boolean, auth: 'aksk'|'token'|'none' }} RequestLog
 */

/**
 * @param {{
 *   port?: number, host?: string,
 *   credentials?: Record<string, {secret: string, securityToken?: string}>,
 *   tokens?: string[], projects?: {id: string, name: string}[], tasks?: Record<string, Task[]>,
 *   idpId?: string, audience?: string, oidcRequestToken?: string,
 *   rateLimit?: { rate: number, burst: number, retryAfter?: boolean | string },
 *   now?: () => number, log?: (line: string) => void
 * }} [options]
 */
export async function startFakeApi(options = {}) {
  const now = options.now ?? Date.now
  const credentials = options.credentials ?? { [DEMO.ak]: { secret: DEMO.sk } }
  const tokens = new Set(options.tokens ?? ['demo-iam-token'])
  const projects = options.projects ?? [{ id: DEMO.projectId, name: DEMO.region }]
  const tasks = options.tasks ?? {}
  const idpId = options.idpId ?? 'github-actions'
  const oidcRequestToken = options.oidcRequestToken ?? 'oidc-request-token'
  const log = options.log ?? (() => {})
  /** @type {RequestLog[]} */
  const requests = []
  /** @type {Map<Task, { polls: number, advanced: number, startedAt?: number }>} */
  const state = new Map()
  const limit = options.rateLimit
  let bucket = limit?.burst ?? 0
  let refilledAt = now()
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set()

  /** @param {Task} task */
  function view(task) {
    const s = state.get(task) ?? { polls: 0, advanced: 0 }
    state.set(task, s)
    const t = now()
    s.startedAt ??= t
    let step = task.timeline[task.timeline.length - 1]
    let polls = 0
    let ms = s.startedAt
    for (const candidate of task.timeline) {
      if (candidate.polls !== undefined) {
        polls += candidate.polls
        if (s.advanced < polls) {
          step = candidate
          break
        }
      } else if (candidate.ms !== undefined) {
        ms += candidate.ms
        if (t < ms) {
          step = candidate
          break
        }
      } else {
        step = candidate
        break
      }
    }
    const ended = step.phase === 'Success' || step.phase === 'Failed'
    return {
      kind: 'UpgradeTask',
      apiVersion: 'v3',
      metadata: {
        uid: task.uid,
        creationTimestamp: task.creationTimestamp,
        updateTimestamp: goTime(t)
      },
      spec: { version: task.version, targetVersion: task.targetVersion, items: {} },
      status: { phase: step.phase, progress: step.progress, completionTime: ended ? goTime(t) : '' }
    }
  }

  const server = createServer(async (req, res) => {
    const chunks = []
    for await (const c of req) chunks.push(c)
    const body = Buffer.concat(chunks)
    const url = new URL(req.url ?? '/', 'http://fake')
    const requestId = randomBytes(16).toString('hex')
    /** @type {RequestLog} */
    const entry = {
      t: now(),
      method: req.method ?? '',
      path: url.pathname,
      status: 0,
      throttled: false,
      auth: 'none'
    }
    requests.push(entry)
    const iam = url.pathname.startsWith('/v3')
    /** @param {number} status @param {unknown} payload @param {Record<string, string>} [headers] */
    const send = (status, payload, headers = {}) => {
      entry.status = status
      const extra = iam ? { 'X-IAM-Trace-Id': requestId } : {}
      res.writeHead(status, {
        'Content-Type': 'application/json',
        'X-Request-Id': requestId,
        ...extra,
        ...headers
      })
      res.end(typeof payload === 'string' ? payload : JSON.stringify(payload))
      log(`${entry.method} ${entry.path} → ${status}`)
    }
    const gatewayError = (
      /** @type {number} */ status,
      /** @type {string} */ code,
      /** @type {string} */ msg
    ) => send(status, { error_msg: msg, error_code: code, request_id: requestId })
    const iamError = (
      /** @type {number} */ status,
      /** @type {string} */ title,
      /** @type {string} */ msg
    ) => send(status, { error: { code: status, message: msg, title } })

    if (limit) {
      const t = now()
      bucket = Math.min(limit.burst, bucket + ((t - refilledAt) / 1000) * limit.rate)
      refilledAt = t
      if (bucket < 1) {
        entry.throttled = true
        const headers = limit.retryAfter
          ? { 'Retry-After': limit.retryAfter === true ? '1' : String(limit.retryAfter) }
          : {}
        return send(
          429,
          {
            error_msg: `The throttling threshold has been reached: policy user over ratelimit,limit:${limit.rate},time:1 second`,
            error_code: 'APIG.0308',
            request_id: requestId
          },
          headers
        )
      }
      bucket -= 1
    }

    // GitHub's OIDC token endpoint (what ACTIONS_ID_TOKEN_REQUEST_URL points at)
    if (req.method === 'GET' && url.pathname === '/oidc/token') {
      if (req.headers.authorization !== `Bearer ${oidcRequestToken}`)
        return send(401, { message: 'bad request token' })
      return send(200, {
        value: issueJwt(url.searchParams.get('audience') ?? 'https://github.com/octo', now())
      })
    }

    // IAM: exchange a GitHub OIDC token (unsigned)
    if (req.method === 'POST' && url.pathname === '/v3.0/OS-AUTH/id-token/tokens') {
      if (req.headers['x-idp-id'] !== idpId)
        return iamError(
          404,
          'Not Found',
          `The identity provider ${req.headers['x-idp-id']} could not be found.`
        )
      let parsed
      try {
        parsed = JSON.parse(body.toString())
      } catch {
        return iamError(400, 'Bad Request', 'The request body is not JSON.')
      }
      const claims = readJwt(parsed?.auth?.id_token?.id)
      if (!claims) return iamError(401, 'Unauthorized', 'The id_token is invalid.')
      if (options.audience && claims.aud !== options.audience)
        return iamError(401, 'Unauthorized', `The aud ${claims.aud} does not match the client_id.`)
      const scope = parsed?.auth?.scope?.project ?? {}
      const matches = projects.filter(p => (scope.id ? p.id === scope.id : p.name === scope.name))
      if (matches.length !== 1)
        return iamError(
          400,
          'Bad Request',
          `Project ${scope.id ?? scope.name} ${matches.length ? 'is ambiguous' : 'could not be found'}.`
        )
      const token = `MII${randomBytes(24).toString('hex')}`
      tokens.add(token)
      entry.auth = 'none'
      return send(
        201,
        {
          token: {
            expires_at: new Date(now() + 86_400_000).toISOString(),
            methods: ['token'],
            project: { ...matches[0], domain: { id: 'd1', name: 'octo' } },
            issued_at: new Date(now()).toISOString()
          }
        },
        { 'X-Subject-Token': token }
      )
    }

    // everything else is authenticated: AK/SK signature or an IAM token
    const token = req.headers['x-auth-token']
    if (typeof token === 'string') {
      if (!tokens.has(token)) return gatewayError(401, 'APIGW.0307', 'The token must be updated.')
      entry.auth = 'token'
    } else if (req.headers.authorization) {
      const problem = checkSignature(req, body, credentials, now())
      if (problem)
        return gatewayError(
          401,
          'APIGW.0301',
          `Incorrect IAM authentication information: ${problem}`
        )
      entry.auth = 'aksk'
    } else {
      return gatewayError(
        401,
        'APIGW.0301',
        'Incorrect IAM authentication information: Authorization not found.'
      )
    }

    if (req.method === 'GET' && url.pathname === '/v3/projects') {
      const name = url.searchParams.get('name')
      return send(200, {
        projects: projects
          .filter(p => !name || p.name === name)
          .map(p => ({ ...p, enabled: true, domain_id: 'd1' })),
        links: { self: `${url.pathname}${url.search}` }
      })
    }

    const m =
      /^\/api\/v3\/projects\/([^/]+)\/clusters\/([^/]+)\/operation\/upgrade\/tasks(?:\/([^/]+))?$/.exec(
        url.pathname
      )
    if (req.method === 'GET' && m) {
      const [, projectId, clusterId, taskId] = m
      entry.clusterId = clusterId
      entry.taskId = taskId
      const list = tasks[`${projectId}/${clusterId}`]
      const notFound = (/** @type {string} */ what) =>
        send(404, {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          code: 404,
          errorCode: 'CCE.01404001',
          errorMessage: `${what} not found`,
          error_code: 'CCE_CM.0003',
          error_msg: `${what} not found`,
          message: `${what} not found`,
          reason: 'NotFound'
        })
      if (!list) return notFound(`Cluster ${clusterId}`)
      if (!taskId) {
        // scrambled: the API documents no order
        const items = list
          .map(view)
          .sort(
            (a, b) =>
              (a.metadata.uid.length % 3) - (b.metadata.uid.length % 3) ||
              (a.metadata.uid < b.metadata.uid ? 1 : -1)
          )
        return send(200, { apiVersion: 'v3', kind: 'UpgradeTaskList', metadata: {}, items })
      }
      const task = list.find(t => t.uid === taskId)
      if (!task) return notFound(`Upgrade task ${taskId}`)
      const s = state.get(task) ?? { polls: 0, advanced: 0 }
      state.set(task, s)
      s.polls++
      const fault = task.faults?.find(f => f.poll === s.polls)
      if (fault) return applyFault(fault, req, res, send, entry)
      const answer = view(task)
      s.advanced++
      return send(200, answer)
    }
    return send(404, { message: `no route for ${req.method} ${url.pathname}` })
  })

  /** @param {Fault} fault @param {any} req @param {import('node:http').ServerResponse} res @param {(s: number, p: unknown, h?: Record<string,string>) => void} send @param {RequestLog} entry */
  function applyFault(fault, req, res, send, entry) {
    switch (fault.kind) {
      case 'status':
        return send(
          fault.status ?? 500,
          fault.body ?? { error_code: 'APIGW.0101', error_msg: 'fault injected' },
          fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {}
        )
      case 'reset':
        entry.status = -1
        return req.socket.destroy()
      case 'badjson':
        return send(200, '{"kind":"Upgr')
      case 'html':
        entry.status = 200
        res.writeHead(200, { 'Content-Type': 'text/html' })
        return res.end('<html><body>Gateway maintenance</body></html>')
      case 'redirect':
        return send(302, '', { Location: fault.location ?? 'https://elsewhere.example.com/' })
      case 'hang':
        entry.status = -2
        return undefined
      default:
        throw new Error(`unknown fault ${fault.kind}`)
    }
  }

  server.on('connection', s => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise(resolve =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve(undefined))
  )
  const address = /** @type {import('node:net').AddressInfo} */ (server.address())
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${address.port}`,
    port: address.port,
    requests,
    /** @param {(r: RequestLog) => boolean} [filter] */
    count: (filter = () => true) => requests.filter(filter).length,
    close: () =>
      new Promise(resolve => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve(undefined))
      })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (/** @type {string} */ name, /** @type {string} */ fallback) => {
    const i = process.argv.indexOf(`--${name}`)
    return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback
  }
  const scenario = arg('scenario', 'success')
  if (!(scenario in scenarios)) {
    console.error(`unknown scenario ${scenario}: ${Object.keys(scenarios).join(', ')}`)
    process.exit(2)
  }
  const api = await startFakeApi({
    ...scenarios[/** @type {'success'|'failed'} */ (scenario)],
    port: Number(arg('port', '0'))
  })
  console.log(`FAKE_API_URL=${api.url}`)
  const stop = () => api.close().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  setTimeout(stop, Number(arg('max-seconds', '600')) * 1000).unref()
}
