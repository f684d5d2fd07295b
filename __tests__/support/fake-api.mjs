// @ts-check
/**
 * The project's fake Huawei Cloud API: CCE upgrade tasks, IAM (projects, OIDC token exchange) and the GitHub
 * OIDC token endpoint, on loopback. It checks every AK/SK signature with its own implementation of
 * SDK-HMAC-SHA256 (written from the spec in docs/cce-api.md §4, sharing nothing with src/), scripts phase timelines
 * and faults, throttles like one account's quota, and records every request (never a secret).
 *
 * The CCE side (clusters, upgrade tasks, workflows, pre-checks and their timelines) is in fake-cce.mjs.
 *
 * CLI: node __tests__/support/fake-api.mjs [--scenario NAME] [--port N] [--max-seconds N] [--verbose] prints one
 * line, FAKE_API_URL=http://127.0.0.1:PORT, and serves a scenario of scenarios.mjs until SIGINT/SIGTERM or
 * --max-seconds (default 600), saying on stderr what it serves and when and why it stops; --verbose logs each request (no secrets) to stderr. --help prints the usage (all
 * flags and scenarios, cliUsage) and exits 0; an unknown flag or a bad value prints it to stderr and exits 2.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { realpathSync } from 'node:fs'
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { echoForms } from './echo-forms.mjs'
import {
  GO_ZERO_TIME,
  createCce,
  decode,
  goTime,
  goTimeLabelledUtc,
  parseRoute
} from './fake-cce.mjs'
// the scenarios (scenarios.mjs) use this file's builders, and this file uses them only inside functions
import { SCENARIOS } from './scenarios.mjs'

export { GO_ZERO_TIME, goTime, goTimeLabelledUtc }

/**
 * @typedef {import('./fake-cce.mjs').Step} Step
 * @typedef {import('./fake-cce.mjs').Fault} Fault
 * @typedef {import('./fake-cce.mjs').Task} Task
 * @typedef {import('./fake-cce.mjs').FakeCluster} FakeCluster
 * @typedef {import('./fake-cce.mjs').RouteKind | 'iam' | 'oidc' | 'other'} RequestKind
 * @typedef {{ t: number, method: string, path: string, status: number, clusterId?: string, taskId?: string,
 *   kind: RequestKind, throttled: boolean, auth: 'aksk'|'token'|'none', requestId: string }} RequestLog
 * @typedef {{ secret: string, securityToken?: string }} Credential
 * @typedef {{
 *   port?: number, host?: string,
 *   credentials?: Record<string, Credential>,
 *   tokens?: string[], projects?: {id: string, name: string}[], tasks?: Record<string, Task[]>,
 *   clusters?: Record<string, FakeCluster>,
 *   idpId?: string, audience?: string, oidcRequestToken?: string,
 *   rateLimit?: { rate: number, burst: number, retryAfter?: boolean | string },
 *   gatewayPrefix?: 'APIGW' | 'APIG', echo?: string[],
 *   now?: () => number, log?: (line: string) => void,
 *   rewrite?: (r: { kind: RequestKind, clusterId: string, id?: string, status?: number, body?: unknown })
 *     => { status: number, body: unknown } | undefined
 * }} FakeApiOptions
 * @typedef {((r: RequestLog) => boolean) | Partial<RequestLog>} RequestFilter
 */

export const DEMO = {
  projectId: '0605767b5e00d5762fc1c00d8d1f0e37',
  region: 'ap-southeast-1',
  clusterId: 'c0ffee00-demo-4e1f-9a6b-000000000001',
  taskId: '4a1d7e0c-demo-11ef-8d2c-0255ac100031',
  /** the demo cluster's previous upgrade (workflow scenario): ended in Success 90 days ago */
  oldTaskId: '0e1d0000-demo-11ef-8d2c-0255ac100031',
  workflowId: '5b2f9a10-demo-11ef-8d2c-0255ac100031',
  preCheckId: '9c3e0000-demo-11ef-8d2c-0255ac100031',
  ak: 'AKDEMO0000000000',
  sk: 'demo-secret-key'
}

const ISSUER = 'https://token.actions.githubusercontent.com'
const SUBJECT = 'repo:octo/app:ref:refs/heads/main'
const MAX_SKEW_MS = 15 * 60_000

/** The demo upgrade task's phases: Success after about 15 s, or Failed after about 10 s. @param {boolean} fails */
export function demoTimeline(fails) {
  /** @type {Step[]} */
  const start = [
    { phase: 'Init', progress: '0.00', ms: 1000 },
    { phase: 'Queuing', progress: '0.00', ms: 2000 },
    { phase: 'Running', progress: '12.50', ms: 2500 },
    { phase: 'Running', progress: '37.50', ms: 2500 }
  ]
  if (fails)
    return [
      ...start,
      { phase: 'Running', progress: '62.50', ms: 2000 },
      { phase: 'Failed', progress: '62.50' }
    ]
  return [
    ...start,
    { phase: 'Running', progress: '62.50', ms: 2500 },
    { phase: 'Running', progress: '87.50', ms: 2500 },
    { phase: 'Running', progress: '100.00', ms: 2000 },
    { phase: 'Success', progress: '100.00' }
  ]
}

/**
 * The demo cluster's task list with one upgrade task (v1.28.3-r4 → v1.29.5-r0) following `timeline`.
 * @param {Step[]} timeline
 * @returns {Record<string, Task[]>}
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

const DAY = 86_400_000

/**
 * The demo workflow's pace: each step's length (ms), and the Cluster task's progress steps [progress, ms].
 * @type {{ preCheckMs: number, snapshotMs: number, clusterMs: number, postCheckMs: number,
 *   progress: [string, number][] }}
 */
export const DEMO_PACE = {
  preCheckMs: 2000,
  snapshotMs: 2000,
  clusterMs: 8000,
  postCheckMs: 2000,
  progress: [
    ['12.50', 1500],
    ['37.50', 2000],
    ['62.50', 2000],
    ['87.50', 1500]
  ]
}

/**
 * The demo cluster in the middle of a console upgrade (v1.28 → v1.29), as `tasks` and `clusters` options: a
 * workflow running PreCheck (2 s) → Snapshot (2 s) → Cluster (8 s; its upgrade task, DEMO.taskId, hidden until
 * then, rises to 100 % in 7 s from its first poll) → PostCheck (2 s) → Success, timed from the first request that
 * shows it; the cluster Upgrading from 4 s to 13 s after the first request to it, Available before and after; and
 * last quarter's upgrade task (DEMO.oldTaskId), Success since 90 days, which a gate that reads only the task
 * list would take at once.
 * @param {number} [at] when the scenario is set up (ms): the timestamps are relative to it
 * @param {typeof DEMO_PACE} [pace] how long each step takes (the bench stretches them)
 * @returns {{ tasks: Record<string, Task[]>, clusters: Record<string, FakeCluster> }}
 */
export function demoWorkflowCluster(at = Date.now(), pace = DEMO_PACE) {
  const key = `${DEMO.projectId}/${DEMO.clusterId}`
  const ids = /** @type {Record<string, string>} */ ({
    PreCheck: DEMO.preCheckId,
    Cluster: DEMO.taskId
  })
  /** @param {string} phase @param {string[]} statuses PreCheck, Snapshot, Cluster, PostCheck @param {number} [ms] */
  const state = (phase, statuses, ms) => ({
    phase,
    ...(ms !== undefined ? { ms } : {}),
    steps: ['PreCheck', 'Snapshot', 'Cluster', 'PostCheck'].map((taskType, i) => ({
      taskType,
      ...(ids[taskType] !== undefined ? { taskID: ids[taskType] } : {}),
      status: statuses[i] ?? 'Init'
    }))
  })
  return {
    tasks: {
      [key]: [
        {
          uid: DEMO.oldTaskId,
          version: 'v1.27.3-r0',
          targetVersion: 'v1.28.3-r4',
          creationTimestamp: goTime(at - 90 * DAY),
          completionTime: goTime(at - 90 * DAY + 2_700_000),
          timeline: [{ phase: 'Success', progress: '100.00' }]
        },
        {
          uid: DEMO.taskId,
          version: 'v1.28.3-r4',
          targetVersion: 'v1.29.5-r0',
          creationTimestamp: goTime(at),
          timeline: [
            ...pace.progress.map(([progress, ms]) => ({ phase: 'Running', progress, ms })),
            { phase: 'Success', progress: '100.00' }
          ]
        }
      ]
    },
    clusters: {
      [key]: {
        phasesStart: 'first-request',
        phases: [
          { phase: 'Available', ms: pace.preCheckMs + pace.snapshotMs },
          { phase: 'Upgrading', ms: pace.clusterMs + 1000 },
          { phase: 'Available' }
        ],
        workflows: [
          {
            uid: DEMO.workflowId,
            creationTimestamp: goTime(at - 1000),
            clusterVersion: 'v1.28',
            targetVersion: 'v1.29',
            timeline: [
              state('Running', ['Running'], pace.preCheckMs),
              state('Running', ['Success', 'Running'], pace.snapshotMs),
              state('Running', ['Success', 'Success', 'Running'], pace.clusterMs),
              state('Running', ['Success', 'Success', 'Success', 'Running'], pace.postCheckMs),
              state('Success', ['Success', 'Success', 'Success', 'Success'])
            ]
          }
        ],
        prechecks: [
          {
            uid: DEMO.preCheckId,
            phase: 'Success',
            clusterItems: [
              {
                name: 'DeprecatedAPI',
                kind: 'Exception',
                group: 'LimitCheck',
                level: 'Info',
                message: 'no deprecated API in use'
              }
            ],
            addonItems: [],
            nodes: [
              {
                uid: 'node-0001',
                name: '192.168.0.11',
                items: [
                  {
                    name: 'NodeDiskSpace',
                    kind: 'Exception',
                    group: 'NodeCheck',
                    level: 'Info',
                    message: 'enough disk space'
                  }
                ]
              }
            ]
          }
        ]
      }
    }
  }
}

/**
 * The inputs of a step that gates the demo cluster through this fake, and the INPUT_* variables the runner
 * would set for them.
 * @param {string} url
 * @param {Record<string, string>} [extra]
 */
export function demoInputs(url, extra = {}) {
  /** @type {Record<string, string>} */
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

/**
 * Built-in scenarios (also what the CLI serves): the demo upgrade task succeeding in ≈15 s, or failing in ≈10 s;
 * or the demo cluster's upgrade workflow passing through all its steps in ≈14 s (demoWorkflowCluster).
 */
export const scenarios = {
  success: {
    projects: [{ id: DEMO.projectId, name: DEMO.region }],
    tasks: demoTasks(demoTimeline(false))
  },
  failed: {
    projects: [{ id: DEMO.projectId, name: DEMO.region }],
    tasks: demoTasks(demoTimeline(true))
  },
  workflow: {
    projects: [{ id: DEMO.projectId, name: DEMO.region }],
    ...demoWorkflowCluster()
  }
}

// ---- SDK-HMAC-SHA256 (docs/cce-api.md §4), independent of src/signer.ts ----

const UNRESERVED = /^[A-Za-z0-9\-_.~]$/

/** Percent-encodes UTF-8 bytes; only A–Z a–z 0–9 - _ . ~ stay, upper-case %XX. @param {string} s */
const encode = s =>
  Array.from(Buffer.from(s, 'utf8'), b => {
    const c = String.fromCharCode(b)
    return UNRESERVED.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`
  }).join('')

/** @param {string | Buffer} d */
const sha256hex = d => createHash('sha256').update(d).digest('hex')

/** @param {string} a @param {string} b */
const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The canonical request and signature for a request as it arrived (what the gateway recomputes).
 * @param {{ method: string, url: string, headers: Record<string, string | string[] | undefined>,
 *   body?: string | Buffer, signedHeaders: string[], secret: string }} r
 *   `url` is the raw request target (path and query, as sent); header names are lower-case.
 * @returns {{ canonical: string, stringToSign: string, signature: string }}
 */
export function computeSignature(r) {
  const q = r.url.indexOf('?')
  const path = q < 0 ? r.url : r.url.slice(0, q)
  const query = q < 0 ? '' : r.url.slice(q + 1)
  let uri = path
    .split('/')
    .map(s => encode(decode(s)))
    .join('/')
  if (!uri.endsWith('/')) uri += '/'
  const pairs = query
    .split('&')
    .filter(Boolean)
    .map(kv => {
      const i = kv.indexOf('=')
      const [k, v] = i < 0 ? [kv, ''] : [kv.slice(0, i), kv.slice(i + 1)]
      // form decoding, as Go's url.ParseQuery does: '+' is a space
      return [encode(decode(k.replace(/\+/g, ' '))), encode(decode(v.replace(/\+/g, ' ')))]
    })
    .sort((a, b) => cmp(a[0] ?? '', b[0] ?? '') || cmp(a[1] ?? '', b[1] ?? ''))
  const headerValue = (/** @type {string} */ h) => {
    const v = r.headers[h]
    return (Array.isArray(v) ? v.join(',') : (v ?? '')).trim()
  }
  const canonical = [
    r.method,
    uri,
    pairs.map(([k, v]) => `${k}=${v}`).join('&'),
    r.signedHeaders.map(h => `${h}:${headerValue(h)}\n`).join(''),
    r.signedHeaders.join(';'),
    sha256hex(r.body ?? '')
  ].join('\n')
  const date = headerValue('x-sdk-date')
  const stringToSign = `SDK-HMAC-SHA256\n${date}\n${sha256hex(canonical)}`
  const signature = createHmac('sha256', r.secret).update(stringToSign).digest('hex')
  return { canonical, stringToSign, signature }
}

/**
 * Checks an AK/SK-signed request.
 * @param {import('node:http').IncomingMessage} req
 * @param {Buffer} body
 * @param {Record<string, Credential>} creds
 * @param {number} now
 * @returns {string | undefined} why the signature is refused, or undefined when it is good
 */
function signatureProblem(req, body, creds, now) {
  const auth = String(req.headers.authorization ?? '')
  const m =
    /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)$/.exec(
      auth.trim()
    )
  if (!m) return 'Authorization is not SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…'
  const [, ak = '', signedList = '', sig = ''] = m
  if (!Object.prototype.hasOwnProperty.call(creds, ak)) return `unknown access key ${ak}`
  const cred = /** @type {Credential} */ (creds[ak])
  const signed = signedList.split(';')
  const sorted = [...new Set(signed.map(h => h.toLowerCase()))].sort()
  if (sorted.join(';') !== signedList)
    return 'SignedHeaders must be lower-case, sorted, without duplicates'
  for (const h of ['host', 'x-sdk-date'])
    if (!signed.includes(h)) return `header ${h} must be signed`
  for (const h of signed) if (req.headers[h] === undefined) return `signed header ${h} was not sent`
  const date = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(String(req.headers['x-sdk-date']))
  if (!date) return 'X-Sdk-Date is not YYYYMMDDTHHMMSSZ'
  const [, y, mo, d, h, mi, s] = date.map(Number)
  const at = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s))
  if (!(Math.abs(at - now) <= MAX_SKEW_MS)) {
    const serverTime = new Date(now)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '')
    return `signature expired, signature time:${date[0]},server time:${serverTime}`
  }
  if (cred.securityToken !== undefined) {
    if (req.headers['x-security-token'] === undefined)
      return 'temporary credentials need X-Security-Token'
    if (!signed.includes('x-security-token')) return 'X-Security-Token must be signed'
    if (!safeEqual(String(req.headers['x-security-token']), cred.securityToken))
      return 'the security token does not belong to this access key'
  }
  const { canonical, signature } = computeSignature({
    method: req.method ?? '',
    url: req.url ?? '/',
    headers: req.headers,
    body,
    signedHeaders: signed,
    secret: cred.secret
  })
  if (!safeEqual(signature, sig.toLowerCase())) {
    // the gateway shows its canonical request; a security token is a secret, so it is masked here
    const shown = canonical
      .split('\n')
      .map(l => (l.startsWith('x-security-token:') ? 'x-security-token:***' : l))
      .join('|')
    return `verify aksk signature fail, canonicalRequest: ${shown}`
  }
  return undefined
}

/** @param {string} a @param {string} b */
function safeEqual(a, b) {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

// ---- echoing secrets (the echo option) ----

/**
 * The credentials a request carried: the AK of its signature, its security token, IAM token, OIDC request
 * bearer and the ID token in an exchange's body.
 * @param {import('node:http').IncomingMessage} req @param {Buffer} body
 */
function credentialsOf(req, body) {
  const auth = String(req.headers.authorization ?? '')
  const found = [
    /Access=([^,\s]+)/.exec(auth)?.[1],
    /^Bearer (.+)$/.exec(auth)?.[1],
    req.headers['x-security-token'],
    req.headers['x-auth-token']
  ]
  try {
    found.push(JSON.parse(body.toString('utf8'))?.auth?.id_token?.id)
  } catch {
    // not JSON: no ID token in it
  }
  return found.filter(v => typeof v === 'string' && v !== '')
}

/** Every form of each value, as one line. @param {string[]} values */
const echoOf = values => values.flatMap(v => Object.values(echoForms(v))).join(' | ')

/**
 * An error payload with the echo appended to its message fields (or one added).
 * @param {unknown} payload @param {string} echo
 */
function withEcho(payload, echo) {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return payload
  const p = /** @type {Record<string, any>} */ ({ ...payload })
  let added = false
  for (const k of ['error_msg', 'errorMessage', 'message']) {
    if (typeof p[k] === 'string') {
      p[k] = `${p[k]} [echo: ${echo}]`
      added = true
    }
  }
  if (p['error'] && typeof p['error'] === 'object') {
    p['error'] = { ...p['error'], message: `${p['error'].message ?? ''} [echo: ${echo}]` }
    added = true
  }
  if (!added) p['error_msg'] = `[echo: ${echo}]`
  return p
}

/** `{{echo}}` in the strings of a fault's body replaced. @param {unknown} v @param {string} echo @returns {unknown} */
function fillEcho(v, echo) {
  if (typeof v === 'string') return v.split('{{echo}}').join(echo)
  if (Array.isArray(v)) return v.map(x => fillEcho(x, echo))
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fillEcho(x, echo)]))
  return v
}

// ---- the server ----

/**
 * Starts the fake on loopback.
 * @param {FakeApiOptions} [options]
 */
export async function startFakeApi(options = {}) {
  let now = options.now ?? Date.now
  const credentials = options.credentials ?? { [DEMO.ak]: { secret: DEMO.sk } }
  const tokens = new Set(options.tokens ?? ['demo-iam-token'])
  const projects = options.projects ?? [{ id: DEMO.projectId, name: DEMO.region }]
  const tasks = options.tasks ?? {}
  const idpId = options.idpId ?? 'github-actions'
  const oidcRequestToken = options.oidcRequestToken ?? 'oidc-request-token'
  const host = options.host ?? '127.0.0.1'
  const log = options.log ?? (() => {})
  const jwtKey = randomBytes(32)
  /**
   * The gateway's error code for `number`: Huawei's gateways write APIGW.0301 and APIG.0301 alike. Without
   * gatewayPrefix, as the fake always wrote them: APIG.0308 (throttled), APIGW. for the others.
   * @param {string} number
   */
  const gw = number =>
    `${options.gatewayPrefix ?? (number === '0308' ? 'APIG' : 'APIGW')}.${number}`
  const cce = createCce({ tasks, clusters: options.clusters ?? {}, now: () => now() })

  /** @type {RequestLog[]} */
  const requests = []
  /** @type {string[]} the ID tokens and IAM tokens it issued, for tests that look for them in a log */
  const issued = []
  const limit = options.rateLimit
  let bucket = limit?.burst ?? 0
  let refilledAt = now()
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set()

  /** Takes one token from the shared bucket; false when the quota is spent. */
  function take() {
    if (!limit) return true
    const t = now()
    bucket = Math.min(limit.burst, bucket + (Math.max(0, t - refilledAt) / 1000) * limit.rate)
    refilledAt = t
    if (bucket < 1) return false
    bucket -= 1
    return true
  }

  /** @param {string} aud */
  function issueJwt(aud) {
    const b64u = (/** @type {unknown} */ o) => Buffer.from(JSON.stringify(o)).toString('base64url')
    const iat = Math.floor(now() / 1000)
    const head = b64u({ alg: 'HS256', typ: 'JWT', kid: 'fake-api' })
    const payload = b64u({ iss: ISSUER, aud, sub: SUBJECT, iat, nbf: iat, exp: iat + 300 })
    const sig = createHmac('sha256', jwtKey).update(`${head}.${payload}`).digest('base64url')
    return `${head}.${payload}.${sig}`
  }

  /** @param {unknown} jwt @returns {Record<string, unknown> | undefined} claims of a JWT issued here */
  function readJwt(jwt) {
    const [head, payload, sig, extra] = String(jwt).split('.')
    if (!head || !payload || !sig || extra !== undefined) return undefined
    const expected = createHmac('sha256', jwtKey).update(`${head}.${payload}`).digest('base64url')
    if (!safeEqual(expected, sig)) return undefined
    return JSON.parse(Buffer.from(payload, 'base64url').toString())
  }

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   */
  async function handle(req, res) {
    /** @type {Buffer[]} */
    const chunks = []
    for await (const c of req) chunks.push(c)
    const body = Buffer.concat(chunks)
    const url = new URL(req.url ?? '/', 'http://fake.invalid')
    const requestId = randomBytes(16).toString('hex')
    const route = parseRoute(url.pathname)
    /** @type {RequestLog} */
    const entry = {
      t: now(),
      method: req.method ?? '',
      path: url.pathname,
      status: 0,
      ...logged(url.pathname, route),
      throttled: false,
      auth: 'none',
      requestId
    }
    requests.push(entry)
    const echo = options.echo && echoOf([...options.echo, ...credentialsOf(req, body)])
    const iam = url.pathname.startsWith('/v3')
    /** @param {number} status @param {unknown} payload @param {Record<string, string>} [headers] */
    const send = (status, payload, headers = {}) => {
      entry.status = status
      const echoed = echo && status >= 300 ? withEcho(payload, echo) : payload
      const location = headers['Location']
      res.writeHead(status, {
        Date: new Date(now()).toUTCString(),
        'Content-Type': 'application/json',
        'X-Request-Id': requestId,
        ...(iam ? { 'X-IAM-Trace-Id': requestId } : {}),
        ...headers,
        // a header stays under the client's 16 KiB limit: as many whole forms as fit in 8000 characters
        ...(echo && location !== undefined
          ? { Location: `${location}#${echo.slice(0, echo.lastIndexOf(' | ', 8000))}` }
          : {})
      })
      const text = typeof echoed === 'string' ? echoed : JSON.stringify(echoed)
      // as PHP's json_encode writes it: every / escaped
      res.end(echo && typeof echoed !== 'string' ? text.replace(/\//g, '\\/') : text)
      const where = entry.taskId ? ` task ${entry.taskId}` : ''
      log(`${entry.method} ${entry.path}${where} → ${status} (${entry.auth}) ${requestId}`)
    }
    /** @param {number} status @param {string} code @param {string} msg */
    const gatewayError = (status, code, msg, headers = {}) =>
      send(status, { error_msg: msg, error_code: code, request_id: requestId }, headers)
    /** @param {number} status @param {string} title @param {string} msg */
    const iamError = (status, title, msg) =>
      send(status, { error: { code: status, message: msg, title } })

    // GitHub's OIDC token endpoint (what ACTIONS_ID_TOKEN_REQUEST_URL points at): not Huawei's quota
    if (url.pathname === '/oidc/token') {
      if (req.method !== 'GET') return send(405, { message: 'Method Not Allowed' })
      if (req.headers.authorization !== `Bearer ${oidcRequestToken}`)
        return send(401, { message: 'Bad credentials: the request token is missing or wrong' })
      const aud = url.searchParams.get('audience') || 'https://github.com/octo'
      const jwt = issueJwt(aud)
      issued.push(jwt)
      return send(200, { count: 1, value: jwt })
    }

    if (!take()) {
      entry.throttled = true
      const retry = limit?.retryAfter
      return gatewayError(
        429,
        gw('0308'),
        `The throttling threshold has been reached: policy user over ratelimit,limit:${limit?.rate},time:1 second`,
        retry ? { 'Retry-After': retry === true ? '1' : String(retry) } : {}
      )
    }

    // IAM: exchange a GitHub OIDC token (unsigned)
    if (url.pathname === '/v3.0/OS-AUTH/id-token/tokens') {
      if (req.method !== 'POST') return iamError(405, 'Method Not Allowed', 'Use POST.')
      const idp = req.headers['x-idp-id']
      if (!idp) return iamError(400, 'Bad Request', 'The X-Idp-Id header is missing.')
      if (idp !== idpId)
        return iamError(404, 'Not Found', `The identity provider ${idp} could not be found.`)
      /** @type {any} */
      let parsed
      try {
        parsed = JSON.parse(body.toString('utf8'))
      } catch {
        return iamError(400, 'Bad Request', 'The request body is not valid JSON.')
      }
      const claims = readJwt(parsed?.auth?.id_token?.id)
      if (!claims) return iamError(401, 'Unauthorized', 'The id_token is invalid: bad signature.')
      if (claims['iss'] !== ISSUER)
        return iamError(401, 'Unauthorized', `The id_token issuer ${claims['iss']} is not trusted.`)
      if (Number(claims['exp']) * 1000 < now())
        return iamError(401, 'Unauthorized', 'The id_token has expired.')
      if (options.audience !== undefined && claims['aud'] !== options.audience)
        return iamError(
          401,
          'Unauthorized',
          `The id_token audience ${claims['aud']} does not match the identity provider's client_id.`
        )
      const scope = parsed?.auth?.scope?.project
      if (!scope || (typeof scope.id !== 'string' && typeof scope.name !== 'string'))
        return iamError(400, 'Bad Request', 'auth.scope.project needs an id or a name.')
      const matches = projects.filter(p =>
        typeof scope.id === 'string' ? p.id === scope.id : p.name === scope.name
      )
      const label = typeof scope.id === 'string' ? `id ${scope.id}` : `name ${scope.name}`
      if (matches.length === 0)
        return iamError(404, 'Not Found', `The project with ${label} could not be found.`)
      if (matches.length > 1)
        return iamError(
          400,
          'Bad Request',
          `The project ${label} matches ${matches.length} projects.`
        )
      const project = /** @type {{id: string, name: string}} */ (matches[0])
      const token = `MIIfake${randomBytes(24).toString('hex')}`
      tokens.add(token)
      issued.push(token)
      return send(
        201,
        {
          token: {
            expires_at: new Date(now() + 86_400_000).toISOString(),
            issued_at: new Date(now()).toISOString(),
            methods: ['token'],
            project: { id: project.id, name: project.name, domain: { id: 'd0', name: 'octo' } },
            user: {
              id: 'u0',
              name: `${idpId}:${claims['sub']}`,
              domain: { id: 'd0', name: 'octo' },
              'OS-FEDERATION': { identity_provider: { id: idpId }, protocol: { id: 'oidc' } }
            },
            roles: [],
            catalog: []
          }
        },
        { 'X-Subject-Token': token }
      )
    }

    // everything else is authenticated: an IAM token or an AK/SK signature
    const token = req.headers['x-auth-token']
    if (token !== undefined) {
      if (typeof token !== 'string' || !tokens.has(token))
        return gatewayError(401, gw('0307'), 'The token must be updated.')
      entry.auth = 'token'
    } else if (req.headers.authorization !== undefined) {
      const problem = signatureProblem(req, body, credentials, now())
      if (problem)
        return gatewayError(401, gw('0301'), `Incorrect IAM authentication information: ${problem}`)
      entry.auth = 'aksk'
    } else {
      return gatewayError(
        401,
        gw('0301'),
        'Incorrect IAM authentication information: Authorization not found.'
      )
    }

    if (url.pathname === '/v3/projects') {
      if (req.method !== 'GET') return iamError(405, 'Method Not Allowed', 'Use GET.')
      const name = url.searchParams.get('name')
      return send(200, {
        projects: projects
          .filter(p => name === null || p.name === name)
          .map(p => ({
            id: p.id,
            name: p.name,
            description: '',
            domain_id: 'd0',
            parent_id: 'd0',
            enabled: true,
            is_domain: false,
            links: { self: `https://iam.example.invalid/v3/projects/${p.id}` }
          })),
        links: {
          self: `https://iam.example.invalid${url.pathname}${url.search}`,
          next: null,
          previous: null
        }
      })
    }

    if (route) {
      if (req.method !== 'GET')
        return gatewayError(405, gw('0101'), `${req.method} is not allowed on ${url.pathname}`)
      const answer = cce.serve(route)
      // a test's own answer in place of the one built (the timelines have moved as for any request)
      const built = 'status' in answer ? answer : undefined
      const replaced = options.rewrite?.({
        kind: route.kind,
        clusterId: route.clusterId,
        ...(route.id === undefined ? {} : { id: route.id }),
        ...(built ? { status: built.status, body: built.body } : {})
      })
      if (replaced) return send(replaced.status, replaced.body)
      if ('fault' in answer) return applyFault(answer.fault, req, res, send, entry, echo ?? '')
      if ('gateway' in answer) {
        const g = answer.gateway
        return gatewayError(g.status, gw(g.number), `${g.message}: ${req.method} ${url.pathname}`)
      }
      return send(answer.status, answer.body)
    }
    return gatewayError(
      404,
      gw('0101'),
      `The API does not exist or has not been published in the environment: ${req.method} ${url.pathname}`
    )
  }

  /**
   * @param {Fault} fault
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {(s: number, p: unknown, h?: Record<string, string>) => void} send
   * @param {RequestLog} entry
   * @param {string} echo what the echo option has the fake echo ('' without it)
   */
  function applyFault(fault, req, res, send, entry, echo) {
    switch (fault.kind) {
      case 'status':
        return send(
          fault.status ?? 500,
          fault.body !== undefined
            ? fillEcho(fault.body, echo)
            : {
                error_code: gw('0101'),
                error_msg: `fault injected: HTTP ${fault.status ?? 500}`,
                request_id: entry.requestId
              },
          fault.retryAfter !== undefined ? { 'Retry-After': fault.retryAfter } : {}
        )
      case 'reset':
        entry.status = -1
        log(`${entry.method} ${entry.path} → connection reset (fault)`)
        return req.socket.destroy()
      case 'badjson':
        return send(200, `{"kind":"Upgr${echo ? ` ${echo}` : ''}`)
      case 'html':
      case 'text': {
        const status = fault.kind === 'html' ? 200 : (fault.status ?? 400)
        entry.status = status
        res.writeHead(status, {
          Date: new Date(now()).toUTCString(),
          'Content-Type': fault.kind === 'html' ? 'text/html' : 'text/plain',
          'X-Request-Id': entry.requestId
        })
        if (fault.kind === 'text')
          return res.end(
            typeof fault.body === 'string'
              ? fillEcho(fault.body, echo)
              : `Request refused by the proxy. ${echo}`
          )
        return res.end(
          `<!DOCTYPE html><html><body><h1>Gateway maintenance</h1>${echo ? `<p>${echo}</p>` : ''}</body></html>`
        )
      }
      case 'redirect':
        return send(302, '', { Location: fault.location ?? 'https://elsewhere.example.com/' })
      case 'hang':
        entry.status = -2
        log(`${entry.method} ${entry.path} → hangs (fault)`)
        return undefined
      default:
        throw new Error(`unknown fault kind ${/** @type {any} */ (fault).kind}`)
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(err => {
      log(`internal error: ${err instanceof Error ? err.message : String(err)}`)
      if (!res.headersSent) {
        res.writeHead(500, {
          Date: new Date(now()).toUTCString(),
          'Content-Type': 'application/json'
        })
        res.end(JSON.stringify({ error_msg: 'fake API internal error', error_code: 'FAKE.0500' }))
      } else res.destroy()
    })
  })
  server.keepAliveTimeout = 30_000
  server.on('connection', s => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolve(undefined))
  })
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port
  let closing = /** @type {Promise<void> | undefined} */ (undefined)
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    requests,
    issued,
    /**
     * How many logged requests match: a predicate, or fields that must all be equal.
     * @param {RequestFilter} [filter]
     */
    count(filter) {
      if (filter === undefined) return requests.length
      if (typeof filter === 'function') return requests.filter(filter).length
      const want = Object.entries(filter)
      return requests.filter(r =>
        want.every(([k, v]) => r[/** @type {keyof RequestLog} */ (k)] === v)
      ).length
    },
    /** Replaces the clock (ms) used for timelines, date checks, tokens and the rate limit. @param {() => number} fn */
    setClock(fn) {
      now = fn
    },
    /** Stops listening and drops every connection, hanging ones included. @returns {Promise<void>} */
    close() {
      closing ??= new Promise(resolve => {
        server.close(() => resolve())
        for (const s of sockets) s.destroy()
      })
      return closing
    }
  }
}

/**
 * Which endpoint a request is for, and the cluster and ID its path names, so that tests can count requests per
 * endpoint (refused and throttled ones too).
 * @param {string} pathname @param {import('./fake-cce.mjs').Route | undefined} route
 * @returns {Pick<RequestLog, 'kind' | 'clusterId' | 'taskId'>}
 */
function logged(pathname, route) {
  if (route)
    return {
      kind: route.kind,
      clusterId: route.clusterId,
      ...(route.id !== undefined ? { taskId: route.id } : {})
    }
  if (pathname === '/oidc/token') return { kind: 'oidc' }
  return { kind: pathname.startsWith('/v3') ? 'iam' : 'other' }
}

/** The command line's flags; throws on an unknown flag, a missing value or a stray argument. */
function parseCli() {
  return parseArgs({
    args: process.argv.slice(2),
    options: {
      scenario: { type: 'string' },
      port: { type: 'string' },
      'max-seconds': { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' }
    },
    strict: true,
    allowPositionals: false
  }).values
}

/** @returns {boolean} */
function isMain() {
  try {
    const self = realpathSync(fileURLToPath(import.meta.url))
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === self
  } catch {
    return false
  }
}

/** The command line's usage: every flag it takes, and the scenarios. */
export function cliUsage() {
  const width = Math.max(...Object.keys(SCENARIOS).map(n => n.length))
  const notes = Object.entries(SCENARIOS).map(
    ([name, { note }]) => `                       ${name.padEnd(width)}  ${note}`
  )
  return [
    'usage: node __tests__/support/fake-api.mjs [--scenario NAME] [--port N] [--max-seconds N] [--verbose]',
    '',
    "The project's fake Huawei Cloud API (CCE upgrade tasks and workflows, clusters, IAM, GitHub OIDC) on 127.0.0.1.",
    'Prints FAKE_API_URL=http://127.0.0.1:PORT once it listens, then serves until Ctrl-C, SIGTERM or --max-seconds.',
    '',
    `  --scenario NAME    what it serves (default success):`,
    ...notes,
    '  --port N           the port on 127.0.0.1 (default 0: any free port)',
    '  --max-seconds N    stop after N seconds (default 600)',
    '  --verbose          log each request (never a secret) to stderr',
    '  -h, --help         print this and exit',
    '',
    `It accepts the demo account (DEMO in this file; the values in .env.example): access-key-id ${DEMO.ak},`,
    `region ${DEMO.region}, cluster-id ${DEMO.clusterId}. .env.example expects --port 18080.`
  ].join('\n')
}

if (isMain()) {
  /** Usage on stderr, exit 2: for any command line it cannot follow. @param {string} problem @returns {never} */
  const usageError = problem => {
    process.stderr.write(`fake-api.mjs: ${problem}\n\n${cliUsage()}\n`)
    process.exit(2)
  }
  /** @type {ReturnType<typeof parseCli>} */
  let cli
  try {
    cli = parseCli()
  } catch (e) {
    usageError(e instanceof Error ? e.message : String(e))
  }
  if (cli.help) {
    process.stdout.write(`${cliUsage()}\n`)
    process.exit(0)
  }
  const scenario = cli.scenario ?? 'success'
  const port = Number(cli.port ?? '0')
  const maxSeconds = Number(cli['max-seconds'] ?? '600')
  if (!Object.prototype.hasOwnProperty.call(SCENARIOS, scenario))
    usageError(`unknown scenario ${scenario}: use ${Object.keys(SCENARIOS).join(', ')}`)
  if (!/^\d+$/.test(cli.port ?? '0') || port > 65535)
    usageError(`--port ${cli.port}: expected a port number, 0 to 65535`)
  if (!(maxSeconds > 0))
    usageError(`--max-seconds ${cli['max-seconds']}: expected a number of seconds above 0`)
  const chosen = /** @type {import('./scenarios.mjs').Scenario} */ (SCENARIOS[scenario])
  const api = await startFakeApi({
    ...chosen.options(Date.now()),
    port,
    ...(cli.verbose
      ? { log: (/** @type {string} */ line) => process.stderr.write(`${line}\n`) }
      : {})
  })
  process.stdout.write(`FAKE_API_URL=${api.url}\n`)
  // when and why it stops go to stderr: stdout is the one line a script reads
  const until = new Date(Date.now() + maxSeconds * 1000).toISOString().slice(11, 19)
  const inputs = Object.entries(chosen.inputs ?? {})
    .map(([k, v]) => `${k}: ${v || '(empty)'}`)
    .join(', ')
  process.stderr.write(
    `fake-api.mjs: serving scenario ${scenario} (${chosen.note})${inputs ? `; the gate's inputs for it: ${inputs}` : ''}. Stops on Ctrl-C, SIGTERM or after --max-seconds ${maxSeconds} (at ${until} UTC).\n`
  )
  const stop = (/** @type {string} */ why) => {
    process.stderr.write(`fake-api.mjs: stopping (${why}); ${api.url} no longer answers.\n`)
    return api.close().then(() => process.exit(0))
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
  setTimeout(
    () =>
      stop(`--max-seconds ${maxSeconds} reached; start it again, or give a larger --max-seconds`),
    maxSeconds * 1000
  ).unref()
}
