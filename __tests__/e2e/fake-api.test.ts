/**
 * The fake API is the judge of the end-to-end tests, so it is tested too: its signature check must accept what
 * Huawei's official Node SDK signs and refuse anything else; its timelines, faults, throttling, IAM and OIDC
 * must behave as documented in fake-api.mjs.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import * as http from 'node:http'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { parseGoTime } from '../../src/lib/go-time.js'
import {
  DEMO,
  cliUsage,
  computeSignature,
  demoWorkflowCluster,
  goTime,
  scenarios,
  startFakeApi
} from '../support/fake-api.mjs'
import type {
  FakeApi,
  FakeApiOptions,
  FakePreCheck,
  FakeTask,
  FakeWorkflow,
  Step,
  WorkflowState
} from '../support/fake-api.mjs'

const require = createRequire(import.meta.url)
const { AKSKSigner } = require('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js') as {
  AKSKSigner: { sign(req: unknown, cred: unknown): Record<string, string> }
}
const { BasicCredentials } =
  require('@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials.js') as {
    BasicCredentials: new () => { withAk(ak: string): { withSk(sk: string): unknown } }
  }

const P = DEMO.projectId
const C = DEMO.clusterId
const T = DEMO.taskId
const clusterPath = (c = C, p = P) => `/api/v3/projects/${p}/clusters/${c}/operation/upgrade/tasks`
const taskPath = (t = T, c = C) => `${clusterPath(c)}/${t}`
/** ShowCluster's path; the cluster's other endpoints are under it */
const clusterBase = (c = C, prefix: 'api' | 'autopilot' = 'api') =>
  `/${prefix}/v3/projects/${P}/clusters/${c}`
const KEY = `${P}/${C}`
const TOKEN = { 'X-Auth-Token': 'demo-iam-token' }
/** 10:00:00 +0800 CST */
const T0 = Date.UTC(2026, 10, 24, 2, 0, 0)

interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
  json: () => any // eslint-disable-line @typescript-eslint/no-explicit-any
}

function call(
  base: string,
  path: string,
  headers: Record<string, string> = {},
  opts: { method?: string; body?: string; agent?: http.Agent; timeoutMs?: number } = {}
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${base}${path}`,
      { method: opts.method ?? 'GET', headers, agent: opts.agent },
      res => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', c => (body += c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json: () => JSON.parse(body)
          })
        )
      }
    )
    req.on('error', reject)
    if (opts.timeoutMs)
      req.setTimeout(opts.timeoutMs, () => req.destroy(new Error('client timeout')))
    req.end(opts.body)
  })
}

const stamp = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')

/** Signs with the official SDK; returns the headers to send. */
function sdkSign(
  base: string,
  path: string,
  o: {
    at: number
    query?: Record<string, string>
    ak?: string
    sk?: string
    method?: string
    headers?: Record<string, string>
    data?: unknown
  }
) {
  return AKSKSigner.sign(
    {
      method: o.method ?? 'GET',
      endpoint: `${base}${path}`,
      headers: { 'X-Sdk-Date': stamp(o.at), ...o.headers },
      queryParams: o.query ?? {},
      data: o.data
    },
    new BasicCredentials().withAk(o.ak ?? DEMO.ak).withSk(o.sk ?? DEMO.sk)
  )
}

const task = (uid: string, timeline: Step[], extra: Partial<FakeTask> = {}): FakeTask => ({
  uid,
  version: 'v1.28.3-r4',
  targetVersion: 'v1.29.5-r0',
  creationTimestamp: '2026-11-24 10:00:00.123456 +0800 CST',
  timeline,
  ...extra
})

const started: FakeApi[] = []
async function fake(options: FakeApiOptions = {}): Promise<FakeApi> {
  const api = await startFakeApi(options)
  started.push(api)
  return api
}
afterEach(async () => {
  await Promise.all(started.splice(0).map(a => a.close()))
})

describe('signature check, against the official Node SDK signer', () => {
  let api: FakeApi
  const now = Date.UTC(2026, 10, 24, 2, 0, 0)
  beforeAll(async () => {
    api = await startFakeApi({
      now: () => now,
      credentials: {
        [DEMO.ak]: { secret: DEMO.sk },
        AKTEMP0001: { secret: 'temp-sk', securityToken: 'st-secret-1' }
      },
      tasks: { [`${P}/${C}`]: [task(T, [{ phase: 'Running', progress: '10.00' }])] }
    })
  })
  afterAll(() => api.close())
  const sign = (path: string, o: Partial<Parameters<typeof sdkSign>[2]> = {}) =>
    sdkSign(api.url, path, { at: now, ...o })

  it('matches the published Go SDK test vector', () => {
    const { signature } = computeSignature({
      method: 'GET',
      url: '/path?limit=1',
      headers: { 'x-sdk-date': '20060102T150405Z' },
      signedHeaders: ['x-sdk-date'],
      secret: 'SecretKey'
    })
    expect(signature).toBe('5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624')
  })

  it('canonicalises path segments and the query as the spec says', () => {
    const sig = (url: string) =>
      computeSignature({
        method: 'GET',
        url,
        headers: { 'x-sdk-date': '20060102T150405Z', host: 'h' },
        signedHeaders: ['host', 'x-sdk-date'],
        secret: 'k'
      })
    expect(sig('/a%2Db/c~d?b=2&a=x%20y').canonical).toBe(
      'GET\n/a-b/c~d/\na=x%20y&b=2\nhost:h\nx-sdk-date:20060102T150405Z\n\nhost;x-sdk-date\n' +
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    )
    expect(sig('/a-b/c%7ed?a=x+y&b=2').signature).toBe(sig('/a%2Db/c~d?b=2&a=x%20y').signature)
    expect(sig('/%C3%A9/x*').canonical.split('\n')[1]).toBe('/%C3%A9/x%2A/')
  })

  it('accepts what the SDK signs: a GET, a signed query, extra headers, a body', async () => {
    const ok = await call(api.url, taskPath(), sign(taskPath()))
    expect(ok.status).toBe(200)
    expect(ok.json().status.phase).toBe('Running')
    const q = await call(
      api.url,
      '/v3/projects?name=ap-southeast-1',
      sign('/v3/projects', { query: { name: 'ap-southeast-1' } })
    )
    expect(q.status).toBe(200)
    const extra = await call(
      api.url,
      taskPath(),
      sign(taskPath(), { headers: { 'Content-Type': 'application/json', 'X-Project-Id': P } })
    )
    expect(extra.status).toBe(200)
    // no such route, but the signature over the body must pass first: 404, not 401
    const path = `/api/v3/projects/${P}/clusters/${C}/operation/upgrade`
    const data = { metadata: { apiVersion: 'v3', kind: 'UpgradeTask' }, spec: { version: 'v1.29' } }
    const headers = sign(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      data
    })
    const body = JSON.stringify(data)
    expect((await call(api.url, path, headers, { method: 'POST', body })).status).toBe(404)
    const tampered = await call(api.url, path, headers, {
      method: 'POST',
      body: body.replace('1.29', '1.30')
    })
    expect([tampered.status, tampered.json().error_code]).toEqual([401, 'APIGW.0301'])
    expect(api.count({ auth: 'aksk', status: 200 })).toBe(3)
  })

  it('accepts an equivalent spelling of the path (decoded, then re-encoded)', async () => {
    const sent = taskPath().replace('4a1d7e0c-demo', '4a1d7e0c%2ddemo')
    const res = await call(api.url, sent, sign(taskPath()))
    expect(res.status).toBe(200)
    expect(res.json().metadata.uid).toBe(T)
  })

  it('refuses a changed path, query, signature, date, host or key with 401 APIGW.0301', async () => {
    const signed = sign(taskPath())
    const query = sign('/v3/projects', { query: { name: 'ap-southeast-1' } })
    const flip = (text: string) => text.replace(/\d(?=\D*$)/, d => String((Number(d) + 1) % 10))
    const cases: [string, Record<string, string>][] = [
      [`${taskPath()}x`, signed],
      [taskPath().replace('/api/v3', '/api/v3/'), signed],
      ['/v3/projects?name=ap-southeast-2', query],
      ['/v3/projects?name=ap-southeast-1&limit=1', query],
      [taskPath(), { ...signed, Authorization: flip(signed['Authorization']!) }],
      [taskPath(), { ...signed, 'X-Sdk-Date': flip(signed['X-Sdk-Date']!) }],
      [taskPath(), { ...signed, host: 'evil.example.com' }],
      [taskPath(), sign(taskPath(), { sk: 'wrong-secret' })]
    ]
    for (const [path, headers] of cases) {
      const res = await call(api.url, path, headers)
      const body = res.json()
      expect([path, res.status, body.error_code]).toEqual([path, 401, 'APIGW.0301'])
      expect(body.error_msg).toMatch(
        /^Incorrect IAM authentication information: verify aksk signature fail, canonicalRequest: (GET|POST)\|\//
      )
      expect(body.request_id).toBe(res.headers['x-request-id'])
    }
  })

  it('refuses a stale or future date, an unknown key, a missing or malformed Authorization', async () => {
    const expectRefused = async (headers: Record<string, string>, why: RegExp) => {
      const res = await call(api.url, taskPath(), headers)
      expect([res.status, res.json().error_code]).toEqual([401, 'APIGW.0301'])
      expect(res.json().error_msg).toMatch(why)
    }
    await expectRefused(sign(taskPath(), { at: now - 16 * 60_000 }), /expired/)
    await expectRefused(sign(taskPath(), { at: now + 16 * 60_000 }), /expired/)
    expect(
      (await call(api.url, taskPath(), sign(taskPath(), { at: now - 14 * 60_000 }))).status
    ).toBe(200)
    await expectRefused(sign(taskPath(), { ak: 'AKNOBODY', sk: 'x' }), /unknown access key/)
    await expectRefused({}, /Authorization not found/)
    await expectRefused({ Authorization: 'Bearer abc' }, /SDK-HMAC-SHA256/)
    const signed = sign(taskPath())
    const auth = signed['Authorization']!
    await expectRefused(
      { ...signed, Authorization: auth.replace('host;x-sdk-date', 'x-sdk-date') },
      /host must be signed/
    )
    await expectRefused(
      { ...signed, Authorization: auth.replace('host;x-sdk-date', 'x-sdk-date;host') },
      /sorted/
    )
    await expectRefused(
      { ...signed, Authorization: auth.replace('host;x-sdk-date', 'host;x-project-id;x-sdk-date') },
      /x-project-id was not sent/
    )
    const undated = { ...signed }
    delete undated['X-Sdk-Date']
    await expectRefused(undated, /x-sdk-date was not sent/)
  })

  it('checks temporary credentials: the security token must be sent, signed and right', async () => {
    const temp = { ak: 'AKTEMP0001', sk: 'temp-sk' }
    const good = sign(taskPath(), { ...temp, headers: { 'X-Security-Token': 'st-secret-1' } })
    expect((await call(api.url, taskPath(), good)).status).toBe(200)
    const refused = async (headers: Record<string, string>) => {
      const res = await call(api.url, taskPath(), headers)
      expect(res.status).toBe(401)
      expect(res.body).not.toContain('st-secret-1')
      return res.json().error_msg as string
    }
    expect(await refused(sign(taskPath(), temp))).toMatch(/need X-Security-Token/)
    expect(await refused({ ...sign(taskPath(), temp), 'X-Security-Token': 'st-secret-1' })).toMatch(
      /must be signed/
    )
    expect(
      await refused(sign(taskPath(), { ...temp, headers: { 'X-Security-Token': 'st-other' } }))
    ).toMatch(/does not belong/)
    expect(
      await refused(
        sign(taskPath(), { ak: temp.ak, sk: 'bad', headers: { 'X-Security-Token': 'st-secret-1' } })
      )
    ).toMatch(/x-security-token:\*\*\*/)
  })

  it('accepts a known IAM token instead, and refuses an unknown one', async () => {
    expect((await call(api.url, taskPath(), TOKEN)).status).toBe(200)
    const bad = await call(api.url, taskPath(), { 'X-Auth-Token': 'not-issued' })
    expect([bad.status, bad.json().error_code]).toEqual([401, 'APIGW.0307'])
  })
})

describe('upgrade tasks', () => {
  it('plays a timeline by polls; faults neither answer normally nor advance it', async () => {
    const api = await fake({
      tasks: {
        [`${P}/${C}`]: [
          task(
            T,
            [
              { phase: 'Init', progress: '0.00', polls: 1 },
              { phase: 'Running', progress: '50.00', polls: 2 },
              { phase: 'Success', progress: '100.00' }
            ],
            {
              faults: [
                { poll: 3, kind: 'status', status: 503, retryAfter: '3', body: { x: 1 } },
                { poll: 4, kind: 'reset' },
                { poll: 5, kind: 'badjson' },
                { poll: 6, kind: 'html' },
                { poll: 7, kind: 'redirect', location: 'http://127.0.0.2:9/steal' },
                { poll: 8, kind: 'status', status: 429 }
              ]
            }
          )
        ]
      }
    })
    const get = () => call(api.url, taskPath(), TOKEN)
    expect((await get()).json().status).toEqual({
      phase: 'Init',
      progress: '0.00',
      completionTime: ''
    })
    expect((await get()).json().status.phase).toBe('Running')
    const s503 = await get()
    expect([s503.status, s503.headers['retry-after'], s503.json()]).toEqual([503, '3', { x: 1 }])
    await expect(get()).rejects.toThrow(/socket hang up|ECONNRESET/)
    const bad = await get()
    expect([bad.status, bad.headers['content-type'], bad.body]).toEqual([
      200,
      'application/json',
      '{"kind":"Upgr'
    ])
    const html = await get()
    expect([html.status, html.headers['content-type']]).toEqual([200, 'text/html'])
    expect(html.body).toMatch(/^<!DOCTYPE html>/)
    const moved = await get()
    expect([moved.status, moved.headers['location']]).toEqual([302, 'http://127.0.0.2:9/steal'])
    const s429 = await get()
    expect([s429.status, s429.json().error_code]).toEqual([429, 'APIGW.0101'])
    const phases = []
    for (let i = 0; i < 3; i++) phases.push((await get()).json().status.phase)
    expect(phases).toEqual(['Running', 'Success', 'Success'])
    expect(api.requests.map(r => r.status)).toEqual([
      200, 200, 503, -1, 200, 200, 302, 429, 200, 200, 200
    ])
    expect(api.requests.every(r => r.taskId === T && r.clusterId === C && r.auth === 'token')).toBe(
      true
    )
  })

  it('plays a timeline by time from the first poll, with an injected and a replaced clock', async () => {
    let now = Date.UTC(2026, 10, 24, 2, 0, 0)
    const api = await fake({
      now: () => now,
      tasks: {
        [`${P}/${C}`]: [
          task(T, [
            { phase: 'Init', progress: '0.00', ms: 1000 },
            { phase: 'Running', progress: '40.00', polls: 1 },
            { phase: 'Running', progress: '60.00', ms: 2000 },
            { phase: 'Failed', progress: '60.00' }
          ])
        ]
      }
    })
    const status = async () => (await call(api.url, taskPath(), TOKEN)).json().status
    const listed = async () =>
      (await call(api.url, clusterPath(), TOKEN)).json().items[0].status.phase
    now += 60_000
    expect(await listed()).toBe('Init') // a list does not start the clock
    now += 60_000
    const start = now
    expect((await status()).phase).toBe('Init')
    now += 999
    expect((await status()).phase).toBe('Init')
    now += 1
    expect(await status()).toMatchObject({ phase: 'Running', progress: '40.00' })
    now += 5000
    expect(await status()).toMatchObject({ phase: 'Running', progress: '60.00' }) // began now
    now += 1999
    expect((await status()).phase).toBe('Running')
    api.setClock(() => now + 1)
    const failed = await status()
    expect(failed).toEqual({
      phase: 'Failed',
      progress: '60.00',
      completionTime: goTime(start + 1000 + 5000 + 2000)
    })
    api.setClock(() => now + 3_600_000)
    expect((await status()).completionTime).toBe(failed.completionTime)
    expect(failed.completionTime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} \+0800 CST$/)
  })

  it('times each ms step from when the previous one ended, not from the poll that saw it', async () => {
    let now = 5_000_000
    const api = await fake({
      now: () => now,
      tasks: {
        [`${P}/${C}`]: [
          task(T, [
            { phase: 'Init', progress: '0.00', ms: 1000 },
            { phase: 'Queuing', progress: '0.00', ms: 1000 },
            { phase: 'Success', progress: '100.00' }
          ])
        ]
      }
    })
    const status = async () => (await call(api.url, taskPath(), TOKEN)).json().status
    expect((await status()).phase).toBe('Init')
    now += 1500
    expect((await status()).phase).toBe('Queuing')
    now += 500
    expect(await status()).toMatchObject({ phase: 'Success', completionTime: goTime(now) })
  })

  it('keeps a task’s timestamps still once shown: listed before its first poll, and polled after it ended', async () => {
    let now = T0
    const ended = [{ phase: 'Success', progress: '100.00' }]
    const api = await fake({
      now: () => now,
      tasks: {
        [KEY]: [
          task('old', ended),
          task('given', ended, { completionTime: '2026-08-26 11:00:00.5 +0800 CST' }),
          task(T, [{ phase: 'Running', progress: '50.00', polls: 1 }, ...ended])
        ]
      }
    })
    type Shown = { metadata: { uid: string; updateTimestamp: string }; status: object }
    const listed = async (uid: string) =>
      ((await call(api.url, clusterPath(), TOKEN)).json().items as Shown[]).find(
        t => t.metadata.uid === uid
      )!
    const polled = async (uid: string) => (await call(api.url, taskPath(uid), TOKEN)).json()
    const stamps = (t: Shown) => [t.metadata.updateTimestamp, t.status]
    const first = await listed('old')
    expect(first.status).toEqual({
      phase: 'Success',
      progress: '100.00',
      completionTime: goTime(T0)
    })
    now += 60_000
    expect(stamps(await listed('old'))).toEqual(stamps(first))
    now += 60_000
    expect(stamps(await polled('old'))).toEqual(stamps(first))
    now += 60_000
    expect(stamps(await polled('old'))).toEqual(stamps(first))
    // a task that ended before the test began
    expect(stamps(await listed('given'))).toEqual([
      '2026-08-26 11:00:00.5 +0800 CST',
      { phase: 'Success', progress: '100.00', completionTime: '2026-08-26 11:00:00.5 +0800 CST' }
    ])
    // one that ends while polled
    expect((await polled(T)).status.phase).toBe('Running')
    now += 1000
    const done = await polled(T)
    expect(done.status.completionTime).toBe(goTime(now))
    for (let i = 0; i < 3; i++) {
      now += 30_000
      expect(stamps(await polled(T))).toEqual(stamps(done))
      expect(stamps(await listed(T))).toEqual(stamps(done))
    }
  })

  it('trims the signed header values', () => {
    const sig = (date: string) =>
      computeSignature({
        method: 'GET',
        url: '/',
        headers: { 'x-sdk-date': date },
        signedHeaders: ['x-sdk-date'],
        secret: 'k'
      }).canonical
    expect(sig('  20060102T150405Z ')).toBe(sig('20060102T150405Z'))
  })

  it('answers the task body in the documented shape', async () => {
    const api = await fake({
      tasks: { [`${P}/${C}`]: [task(T, [{ phase: 'Queuing', progress: '0.00' }])] }
    })
    const res = await call(api.url, taskPath(), TOKEN)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/)
    expect(res.headers['x-iam-trace-id']).toBeUndefined()
    expect(res.json()).toEqual({
      kind: 'UpgradeTask',
      apiVersion: 'v3',
      metadata: {
        uid: T,
        creationTimestamp: '2026-11-24 10:00:00.123456 +0800 CST',
        updateTimestamp: expect.stringMatching(/ \+0800 CST$/)
      },
      spec: { version: 'v1.28.3-r4', targetVersion: 'v1.29.5-r0', items: {} },
      status: { phase: 'Queuing', progress: '0.00', completionTime: '' }
    })
  })

  it('lists a cluster’s tasks out of order, and an empty list', async () => {
    const uids = ['t1', 't2', 't3', 't4', 't5']
    const api = await fake({
      tasks: {
        [`${P}/${C}`]: uids.map((u, i) =>
          task(u, [{ phase: 'Success', progress: '100.00' }], {
            creationTimestamp: `2026-11-2${i} 10:00:00 +0800 CST`
          })
        ),
        [`${P}/empty`]: []
      }
    })
    const list = (await call(api.url, clusterPath(), TOKEN)).json()
    expect([list.apiVersion, list.kind, list.metadata]).toEqual(['v3', 'UpgradeTaskList', {}])
    const order = list.items.map((t: { metadata: { uid: string } }) => t.metadata.uid)
    expect([...order].sort()).toEqual(uids)
    expect(order).not.toEqual(uids)
    expect(order).not.toEqual([...uids].reverse())
    expect(list.items[0].status.completionTime).not.toBe('')
    const empty = await call(api.url, clusterPath('empty'), TOKEN)
    expect([empty.status, empty.json().items]).toEqual([200, []])
  })

  it('says whether the cluster or the task was not found, CCE-style', async () => {
    const api = await fake({
      tasks: { [`${P}/${C}`]: [task(T, [{ phase: 'Init', progress: '0' }])] }
    })
    const noTask = await call(api.url, taskPath('nope'), TOKEN)
    expect(noTask.status).toBe(404)
    expect(noTask.json()).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      code: 404,
      errorCode: 'CCE.01404001',
      errorMessage: 'Upgrade task nope not found',
      error_code: 'CCE_CM.0003',
      error_msg: 'Upgrade task nope not found',
      message: 'Upgrade task nope not found',
      reason: 'NotFound'
    })
    for (const path of [clusterPath('gone'), taskPath(T, 'gone')]) {
      const res = await call(api.url, path, TOKEN)
      expect([res.status, res.json().errorMessage]).toEqual([404, 'Cluster gone not found'])
    }
    const otherProject = await call(api.url, clusterPath(C, 'other'), TOKEN)
    expect(otherProject.json().errorMessage).toBe(`Cluster ${C} not found`)
    const route = await call(api.url, '/api/v3/nothing', TOKEN)
    expect([route.status, route.json().error_code]).toEqual([404, 'APIGW.0101'])
  })
})

const WF = '5b2f9a10-wf00-11ef-8d2c-0255ac100031'
const PC = '9c3e0000-pc00-11ef-8d2c-0255ac100031'

/** A workflow state over PreCheck (its task PC) and Cluster (its task T), e.g. state('Running', 'Success', 'Running'). */
const state = (
  phase: string,
  preCheck: string,
  cluster: string,
  timing: { polls?: number; ms?: number } = {}
): WorkflowState => ({
  phase,
  steps: [
    { taskType: 'PreCheck', taskID: PC, status: preCheck },
    { taskType: 'Cluster', taskID: T, status: cluster }
  ],
  ...timing
})

const workflow = (timeline: WorkflowState[], extra: Partial<FakeWorkflow> = {}): FakeWorkflow => ({
  uid: WF,
  creationTimestamp: '2026-11-24 09:59:00.5 +0800 CST',
  clusterVersion: 'v1.28',
  targetVersion: 'v1.29',
  timeline,
  ...extra
})

const workflowsPath = (c = C, prefix: 'api' | 'autopilot' = 'api') =>
  `${clusterBase(c, prefix)}/operation/upgradeworkflows`
const workflowPath = (id = WF, c = C, prefix: 'api' | 'autopilot' = 'api') =>
  `${workflowsPath(c, prefix)}/${id}`
const preChecksPath = (c = C, prefix: 'api' | 'autopilot' = 'api') =>
  `${clusterBase(c, prefix)}/operation/precheck/tasks`
const uids = (items: { metadata: { uid: string } }[]) => items.map(i => i.metadata.uid)

describe('the cluster (ShowCluster)', () => {
  it('answers a known cluster as Available by default; plays phases by polls from its first GET', async () => {
    const api = await fake({
      tasks: { [KEY]: [task(T, [{ phase: 'Success', progress: '100.00' }])] },
      clusters: {
        [`${P}/c2`]: {
          phases: [
            { phase: 'Upgrading', polls: 2 },
            { phase: 'RollbackFailed', reason: 'RollbackError', message: 'etcd restore failed' }
          ]
        }
      }
    })
    const show = async (c: string) => (await call(api.url, clusterBase(c), TOKEN)).json()
    expect(await show(C)).toEqual({
      kind: 'Cluster',
      apiVersion: 'v3',
      metadata: { uid: C, name: expect.any(String) },
      spec: expect.objectContaining({ type: 'VirtualMachine' }),
      status: { phase: 'Available' }
    })
    // other endpoints do not count as polls of the cluster
    for (const path of [workflowsPath('c2'), clusterPath('c2'), preChecksPath('c2')])
      expect((await call(api.url, path, TOKEN)).json().items).toEqual([])
    const seen = []
    for (let i = 0; i < 4; i++) seen.push((await show('c2')).status)
    expect(seen).toEqual([
      { phase: 'Upgrading' },
      { phase: 'Upgrading' },
      { phase: 'RollbackFailed', reason: 'RollbackError', message: 'etcd restore failed' },
      { phase: 'RollbackFailed', reason: 'RollbackError', message: 'etcd restore failed' }
    ])
    // a tasks-only cluster has no workflows and no pre-checks
    expect((await call(api.url, workflowsPath(), TOKEN)).json()).toEqual({
      kind: 'List',
      apiVersion: 'v3',
      items: []
    })
  })

  it('plays phases by time from the first GET, or from the first request with phasesStart', async () => {
    let now = T0
    const phases = [{ phase: 'Upgrading', ms: 2000 }, { phase: 'Available' }]
    const api = await fake({
      now: () => now,
      clusters: {
        [KEY]: { phases },
        [`${P}/early`]: { phases, phasesStart: 'first-request' }
      }
    })
    const phase = async (c: string) =>
      (await call(api.url, clusterBase(c), TOKEN)).json().status.phase
    await call(api.url, workflowsPath(), TOKEN)
    await call(api.url, workflowsPath('early'), TOKEN)
    now += 5000
    expect(await phase(C)).toBe('Upgrading')
    expect(await phase('early')).toBe('Available')
    now += 1999
    expect(await phase(C)).toBe('Upgrading')
    now += 1
    expect(await phase(C)).toBe('Available')
  })

  it('answers 403 naming cce:cluster:get when forbidden; the other endpoints still answer', async () => {
    const api = await fake({ clusters: { [KEY]: { forbidden: true, workflows: [] } } })
    const res = await call(api.url, clusterBase(), TOKEN)
    expect(res.status).toBe(403)
    expect(res.json()).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      code: 403,
      errorCode: 'CCE.01403001',
      errorMessage: expect.stringContaining('cce:cluster:get'),
      reason: 'Forbidden'
    })
    expect((await call(api.url, workflowsPath(), TOKEN)).status).toBe(200)
    expect(api.count({ kind: 'cluster', status: 403 })).toBe(1)
  })
})

describe('Autopilot clusters and unknown clusters', () => {
  const everyPath = (c: string, prefix: 'api' | 'autopilot') => [
    clusterBase(c, prefix),
    `${clusterBase(c, prefix)}/operation/upgrade/tasks`,
    `${clusterBase(c, prefix)}/operation/upgrade/tasks/${T}`,
    workflowsPath(c, prefix),
    workflowPath(WF, c, prefix),
    preChecksPath(c, prefix),
    `${preChecksPath(c, prefix)}/${PC}`
  ]

  it('serves an Autopilot cluster only under /autopilot/v3, a CCE cluster only under /api/v3', async () => {
    const cluster = {
      workflows: [workflow([state('Running', 'Success', 'Running')])],
      prechecks: [{ uid: PC, phase: 'Success' }]
    }
    const api = await fake({
      tasks: {
        [`${P}/ap`]: [task(T, [{ phase: 'Running', progress: '5.00' }])],
        [KEY]: [task(T, [{ phase: 'Running', progress: '5.00' }])]
      },
      clusters: { [`${P}/ap`]: { ...cluster, type: 'autopilot' }, [KEY]: cluster }
    })
    for (const [c, good, bad] of [
      ['ap', 'autopilot', 'api'],
      [C, 'api', 'autopilot']
    ] as const) {
      for (const path of everyPath(c, good)) {
        // signed with the official SDK: the autopilot prefix is part of the signed path like any other
        const res = await call(api.url, path, sdkSign(api.url, path, { at: Date.now() }))
        expect([path, res.status]).toEqual([path, 200])
      }
      for (const path of everyPath(c, bad)) {
        const res = await call(api.url, path, TOKEN)
        expect([path, res.status, res.json().errorCode, res.json().errorMessage]).toEqual([
          path,
          404,
          'CCE.01404001',
          `Cluster ${c} not found`
        ])
      }
    }
  })

  it('answers 404 on every endpoint for a cluster it does not know, and 405 for other methods', async () => {
    const api = await fake({ clusters: { [KEY]: {} } })
    for (const path of everyPath('gone', 'api')) {
      const res = await call(api.url, path, TOKEN)
      expect([res.status, res.json().errorMessage]).toEqual([404, 'Cluster gone not found'])
    }
    for (const [method, path] of [
      ['DELETE', clusterBase()],
      ['PATCH', workflowPath()],
      ['POST', preChecksPath()]
    ] as const) {
      const res = await call(api.url, path, TOKEN, { method })
      expect([res.status, res.json().error_code]).toEqual([405, 'APIGW.0101'])
    }
    for (const path of [workflowPath('nope'), `${preChecksPath()}/nope`]) {
      const res = await call(api.url, path, TOKEN)
      expect([res.status, res.json().reason]).toEqual([404, 'NotFound'])
      expect(res.json().errorMessage).toMatch(/^(Upgrade workflow|Pre-check task) nope not found$/)
    }
  })
})

describe('upgrade workflows', () => {
  it('answers a workflow by ID in the documented shape, timing its steps as they start and end', async () => {
    let now = T0
    const api = await fake({
      now: () => now,
      clusters: {
        [KEY]: {
          workflows: [
            workflow([
              state('Running', 'Running', 'Init', { polls: 1 }),
              state('Running', 'Success', 'Running', { polls: 1 }),
              state('Success', 'Success', 'Success')
            ])
          ]
        }
      }
    })
    const get = async () => (await call(api.url, workflowPath(), TOKEN)).json()
    const line = { startPoint: { taskType: 'PreCheck' }, endPoint: { taskType: 'Cluster' } }
    expect(await get()).toEqual({
      kind: 'WorkFlowTask',
      apiVersion: 'v3',
      metadata: {
        uid: WF,
        name: expect.any(String),
        creationTimestamp: '2026-11-24 09:59:00.5 +0800 CST',
        updateTimestamp: goTime(T0)
      },
      spec: { clusterID: C, clusterVersion: 'v1.28', targetVersion: 'v1.29' },
      status: {
        phase: 'Running',
        pointStatuses: [
          { taskType: 'PreCheck', taskID: PC, status: 'Running', startTimeStamp: goTime(T0) },
          { taskType: 'Cluster', taskID: T, status: 'Init' }
        ],
        lineStatuses: [{ ...line, critical: 'true' }]
      }
    })
    now += 5000
    const second = await get()
    expect([second.metadata.updateTimestamp, second.status.phase]).toEqual([
      goTime(T0 + 5000),
      'Running'
    ])
    expect(second.status.pointStatuses).toEqual([
      {
        taskType: 'PreCheck',
        taskID: PC,
        status: 'Success',
        startTimeStamp: goTime(T0),
        endTimeStamp: goTime(T0 + 5000)
      },
      { taskType: 'Cluster', taskID: T, status: 'Running', startTimeStamp: goTime(T0 + 5000) }
    ])
    now += 5000
    const done = await get()
    expect(done.status.phase).toBe('Success')
    expect(done.status.pointStatuses[1]).toEqual({
      taskType: 'Cluster',
      taskID: T,
      status: 'Success',
      startTimeStamp: goTime(T0 + 5000),
      endTimeStamp: goTime(T0 + 10_000)
    })
    now += 3_600_000
    expect(await get()).toEqual(done)
  })

  it('advances by GETs of the workflow; a list shows it without counting a poll', async () => {
    const api = await fake({
      clusters: {
        [KEY]: {
          workflows: [
            workflow([
              state('Running', 'Running', 'Init', { polls: 2 }),
              state('Pending', 'Failed', 'Init')
            ])
          ]
        }
      }
    })
    const listed = async () =>
      (await call(api.url, workflowsPath(), TOKEN)).json().items[0].status.phase
    const got = async () => (await call(api.url, workflowPath(), TOKEN)).json().status.phase
    expect([await listed(), await listed(), await listed()]).toEqual([
      'Running',
      'Running',
      'Running'
    ])
    expect([await got(), await got(), await got(), await listed()]).toEqual([
      'Running',
      'Running',
      'Pending',
      'Pending'
    ])
    expect([api.count({ kind: 'workflows' }), api.count({ kind: 'workflow', taskId: WF })]).toEqual(
      [4, 3]
    )
  })

  it('advances by time from the first request that shows it, each state timed from the end of the last', async () => {
    let now = T0
    const other = workflow(
      [state('Init', 'Init', 'Init', { ms: 1000 }), state('Cancel', 'Init', 'Init')],
      {
        uid: 'other'
      }
    )
    const api = await fake({
      now: () => now,
      clusters: {
        [KEY]: {
          workflows: [
            workflow([
              state('Running', 'Running', 'Init', { ms: 2000 }),
              state('Running', 'Success', 'Running', { ms: 3000 }),
              state('Pending', 'Success', 'Failed')
            ])
          ]
        },
        [`${P}/c2`]: { workflows: [other] }
      }
    })
    const phaseOf = async (c = C, id = WF) =>
      (await call(api.url, workflowPath(id, c), TOKEN)).json().status
    await call(api.url, workflowsPath(), TOKEN) // starts the clock
    now += 1999
    expect((await phaseOf()).phase).toBe('Running')
    expect((await phaseOf()).pointStatuses[1].status).toBe('Init')
    now += 1
    expect((await phaseOf()).pointStatuses[1]).toMatchObject({
      status: 'Running',
      startTimeStamp: goTime(T0 + 2000)
    })
    now += 60_000
    const failed = await phaseOf()
    expect(failed.phase).toBe('Pending')
    expect(failed.pointStatuses[1]).toMatchObject({
      status: 'Failed',
      endTimeStamp: goTime(T0 + 5000)
    })
    // a workflow nobody asked for has not started: it shows its first state now
    expect((await phaseOf('c2', 'other')).phase).toBe('Init')
    now += 1000
    expect((await phaseOf('c2', 'other')).phase).toBe('Cancel')
  })

  it('lists workflows out of order; or, as the Go SDK types it, only the newest as one object', async () => {
    const stamps = [
      '2026-11-20 10:00:00 +0800 CST',
      '2026-11-21 10:00:00 +0800 CST',
      // the newest as an instant, though not as text: 11:30 +0800
      '2026-11-22 03:30:00.25 +0000 UTC',
      '2026-11-22 11:00:00 +0800 CST'
    ]
    const workflows = stamps.map((creationTimestamp, i) =>
      workflow([state('Success', 'Success', 'Success')], { uid: `w${i}`, creationTimestamp })
    )
    const api = await fake({
      clusters: {
        [KEY]: { workflows },
        [`${P}/obj`]: { workflows, workflowListAsObject: true },
        [`${P}/none`]: { workflowListAsObject: true }
      }
    })
    const list = (await call(api.url, workflowsPath(), TOKEN)).json()
    expect([list.kind, list.apiVersion]).toEqual(['List', 'v3'])
    const order = uids(list.items)
    expect([...order].sort()).toEqual(['w0', 'w1', 'w2', 'w3'])
    expect(order).not.toEqual(['w0', 'w1', 'w2', 'w3'])
    expect(order).not.toEqual(['w3', 'w2', 'w1', 'w0'])
    const one = (await call(api.url, workflowsPath('obj'), TOKEN)).json()
    expect(Array.isArray(one.items)).toBe(false)
    expect(one.items).toMatchObject({ kind: 'WorkFlowTask', metadata: { uid: 'w2' } })
    expect((await call(api.url, workflowsPath('none'), TOKEN)).json()).toEqual({
      kind: 'List',
      apiVersion: 'v3'
    })
  })

  it('reads the workflow and task lists live: a test may add an upgrade while the fake runs', async () => {
    const workflows: FakeWorkflow[] = []
    const tasks: FakeTask[] = []
    const api = await fake({ tasks: { [KEY]: tasks }, clusters: { [KEY]: { workflows } } })
    expect((await call(api.url, workflowsPath(), TOKEN)).json().items).toEqual([])
    workflows.push(workflow([state('Running', 'Success', 'Running')]))
    tasks.push(task(T, [{ phase: 'Running', progress: '30.00' }]))
    expect(uids((await call(api.url, workflowsPath(), TOKEN)).json().items)).toEqual([WF])
    expect(uids((await call(api.url, clusterPath(), TOKEN)).json().items)).toEqual([T])
  })
})

describe('an upgrade task that belongs to a workflow step', () => {
  it('is hidden until the workflow reaches its step, then follows its own timeline from its first GET', async () => {
    const api = await fake({
      tasks: {
        [KEY]: [
          task('old', [{ phase: 'Success', progress: '100.00' }]),
          task(T, [
            { phase: 'Running', progress: '10.00', polls: 1 },
            { phase: 'Success', progress: '100.00' }
          ])
        ]
      },
      clusters: {
        [KEY]: {
          workflows: [
            workflow([
              state('Running', 'Running', 'Init', { polls: 1 }),
              state('Running', 'Success', 'Running', { polls: 1 }),
              state('Success', 'Success', 'Success')
            ])
          ]
        }
      }
    })
    const listed = async () => uids((await call(api.url, clusterPath(), TOKEN)).json().items)
    const getTask = () => call(api.url, taskPath(), TOKEN)
    const getWorkflow = () => call(api.url, workflowPath(), TOKEN)
    expect(await listed()).toEqual(['old'])
    const hidden = await getTask()
    expect([hidden.status, hidden.json().errorMessage]).toEqual([
      404,
      `Upgrade task ${T} not found`
    ])
    await getWorkflow() // PreCheck Running: shown once, its one poll used
    expect(await listed()).toEqual(['old']) // still: only a GET of the workflow moves a polls step
    expect((await getTask()).status).toBe(404)
    expect((await getWorkflow()).json().status.pointStatuses[1].status).toBe('Running')
    expect((await listed()).sort()).toEqual(['old', T].sort())
    // its first visible GET starts its clock: the 404s before did not count as polls
    expect((await getTask()).json().status).toMatchObject({ phase: 'Running', progress: '10.00' })
    expect((await getTask()).json().status.phase).toBe('Success')
    await getWorkflow()
    expect((await getTask()).status).toBe(200)
    expect(api.count({ kind: 'task', taskId: T, status: 404 })).toBe(2)
  })

  it('appears when the workflow reaches its step by time, without a request for the workflow', async () => {
    let now = T0
    const api = await fake({
      now: () => now,
      tasks: { [KEY]: [task(T, [{ phase: 'Running', progress: '1.00' }])] },
      clusters: {
        [KEY]: {
          workflows: [
            workflow([
              state('Running', 'Running', 'Init', { ms: 1000 }),
              state('Running', 'Success', 'Queuing')
            ])
          ]
        }
      }
    })
    expect((await call(api.url, taskPath(), TOKEN)).status).toBe(404)
    now += 60_000 // the workflow's clock has not started: nobody has been shown it
    expect((await call(api.url, taskPath(), TOKEN)).status).toBe(404)
    await call(api.url, workflowsPath(), TOKEN)
    now += 999
    expect((await call(api.url, taskPath(), TOKEN)).status).toBe(404)
    now += 1
    expect((await call(api.url, taskPath(), TOKEN)).status).toBe(200)
  })
})

describe('what the real API also sends (issue 12)', () => {
  it('dates the PreCheck step’s expiry once it ended: after its end, at an instant, or sent as it is', async () => {
    let now = T0
    const twoSteps = [
      state('Running', 'Running', 'Init', { polls: 1 }),
      state('Running', 'Success', 'Init')
    ]
    const api = await fake({
      now: () => now,
      clusters: {
        [KEY]: {
          workflows: [workflow(twoSteps, { preCheckExpiry: { afterEndMs: 3_600_000 } })],
          prechecks: [{ uid: PC, phase: 'Success' }]
        },
        [`${P}/at`]: {
          workflows: [workflow(twoSteps, { preCheckExpiry: { at: T0 - 60_000 } })]
        },
        [`${P}/raw`]: { workflows: [workflow(twoSteps, { preCheckExpiry: { raw: 'soon' } })] },
        [`${P}/num`]: { workflows: [workflow(twoSteps, { preCheckExpiry: { raw: 0 } })] },
        [`${P}/none`]: { workflows: [workflow(twoSteps)] }
      }
    })
    const steps = async (c = C) =>
      (await call(api.url, workflowPath(WF, c), TOKEN)).json().status.pointStatuses
    // while the pre-check runs, its result has no expiry
    expect((await steps())[0]).toEqual({
      taskType: 'PreCheck',
      taskID: PC,
      status: 'Running',
      startTimeStamp: goTime(T0)
    })
    now += 5000
    const ended = (await steps())[0]
    expect(ended).toEqual({
      taskType: 'PreCheck',
      taskID: PC,
      status: 'Success',
      startTimeStamp: goTime(T0),
      endTimeStamp: goTime(T0 + 5000),
      expireTimeStamp: goTime(T0 + 5000 + 3_600_000)
    })
    // the list and the pre-check task say the same
    const listed = (await call(api.url, workflowsPath(), TOKEN)).json().items[0]
    expect(listed.status.pointStatuses[0].expireTimeStamp).toBe(ended.expireTimeStamp)
    const preCheck = (await call(api.url, `${preChecksPath()}/${PC}`, TOKEN)).json()
    expect(preCheck.status.expireTimeStamp).toBe(ended.expireTimeStamp)
    // the Cluster step never carries one
    expect(ended).toHaveProperty('expireTimeStamp')
    expect((await steps())[1]).not.toHaveProperty('expireTimeStamp')

    for (const [c, want] of [
      ['at', goTime(T0 - 60_000)],
      ['raw', 'soon'],
      ['num', 0]
    ] as const) {
      expect((await steps(c))[0]).not.toHaveProperty('expireTimeStamp')
      expect([c, (await steps(c))[0].expireTimeStamp]).toEqual([c, want])
    }
    await steps('none')
    expect((await steps('none'))[0]).not.toHaveProperty('expireTimeStamp')
  })

  it('plays a workflow from startedAt when given: ended long ago, or part-way through its timeline', async () => {
    const longAgo = T0 - 90 * 86_400_000
    const api = await fake({
      now: () => T0,
      tasks: { [`${P}/midway`]: [task(T, [{ phase: 'Running', progress: '10.00' }])] },
      clusters: {
        [KEY]: {
          workflows: [
            workflow([state('Success', 'Success', 'Success')], {
              startedAt: longAgo,
              preCheckExpiry: { afterEndMs: 3_600_000 }
            })
          ]
        },
        [`${P}/midway`]: {
          workflows: [
            workflow(
              [
                state('Running', 'Running', 'Init', { ms: 60_000 }),
                state('Running', 'Success', 'Running', { ms: 600_000 }),
                state('Success', 'Success', 'Success')
              ],
              { startedAt: T0 - 90_000 }
            )
          ]
        }
      }
    })
    const old = (await call(api.url, workflowPath(), TOKEN)).json()
    expect(old.metadata.updateTimestamp).toBe(goTime(longAgo))
    expect(old.status.pointStatuses).toEqual([
      {
        taskType: 'PreCheck',
        taskID: PC,
        status: 'Success',
        startTimeStamp: goTime(longAgo),
        endTimeStamp: goTime(longAgo),
        expireTimeStamp: goTime(longAgo + 3_600_000)
      },
      {
        taskType: 'Cluster',
        taskID: T,
        status: 'Success',
        startTimeStamp: goTime(longAgo),
        endTimeStamp: goTime(longAgo)
      }
    ])
    // part-way: its Cluster step began 30 s ago, so its task is listed before any request showed the workflow
    const tasks = (
      await call(api.url, `${clusterBase('midway')}/operation/upgrade/tasks`, TOKEN)
    ).json()
    expect(uids(tasks.items)).toEqual([T])
    const midway = (await call(api.url, workflowPath(WF, 'midway'), TOKEN)).json()
    expect(midway.status.pointStatuses[1]).toEqual({
      taskType: 'Cluster',
      taskID: T,
      status: 'Running',
      startTimeStamp: goTime(T0 - 30_000)
    })
    await expect(
      fake({
        clusters: {
          [KEY]: { workflows: [workflow([state('Init', 'Init', 'Init')], { startedAt: NaN })] }
        }
      })
    ).rejects.toThrow(/startedAt must be epoch ms/)
  })

  it('answers a list without items, with items null, or with one object, as the cluster says', async () => {
    const wf = workflow([state('Running', 'Running', 'Init')])
    // not the workflow's Cluster task (T), which stays hidden until that step starts
    const running = task('running', [{ phase: 'Running', progress: '5.00' }])
    const older = task('older', [{ phase: 'Success', progress: '100.00' }], {
      creationTimestamp: '2026-11-20 10:00:00 +0800 CST'
    })
    const api = await fake({
      tasks: { [`${P}/full`]: [older, running] },
      clusters: {
        [KEY]: { lists: { workflows: 'omit-empty', tasks: 'omit-empty' } },
        [`${P}/nulls`]: { lists: { workflows: 'null-empty', tasks: 'null-empty' } },
        [`${P}/full`]: {
          workflows: [wf],
          lists: { workflows: 'omit-empty', tasks: 'object' }
        }
      }
    })
    const get = async (path: string) => (await call(api.url, path, TOKEN)).json()
    expect(await get(workflowsPath())).toEqual({ kind: 'List', apiVersion: 'v3' })
    expect(await get(clusterPath())).toEqual({
      apiVersion: 'v3',
      kind: 'UpgradeTaskList',
      metadata: {}
    })
    expect(await get(workflowsPath('nulls'))).toEqual({
      kind: 'List',
      apiVersion: 'v3',
      items: null
    })
    expect((await get(clusterPath('nulls'))).items).toBeNull()
    // not empty: an array, or the newest item as one object
    expect(uids((await get(workflowsPath('full'))).items)).toEqual([WF])
    const one = (await get(clusterPath('full'))).items
    expect(Array.isArray(one)).toBe(false)
    expect(one.metadata.uid).toBe('running')
    await expect(
      fake({ clusters: { [KEY]: { workflowListAsObject: true, lists: { workflows: 'array' } } } })
    ).rejects.toThrow(/workflowListAsObject contradicts lists.workflows/)
    await expect(
      fake({ clusters: { [KEY]: { lists: { tasks: 'maybe' as 'array' } } } })
    ).rejects.toThrow(/lists.tasks must be one of array, object, omit-empty, null-empty/)
  })

  it('leaves out the fields an item is scripted without, and lists raw items as they are', async () => {
    const oldTask = task('old', [{ phase: 'Success', progress: '100.00' }], {
      creationTimestamp: '2026-08-01 10:00:00 +0800 CST',
      omit: ['status.phase']
    })
    const noUid = workflow([state('Success', 'Success', 'Success')], {
      uid: 'hidden-uid',
      omit: ['metadata.uid']
    })
    const noTime = workflow([state('Running', 'Running', 'Init')], {
      uid: 'no-time',
      omit: ['metadata.creationTimestamp', 'status.pointStatuses']
    })
    const raw = [
      'not an object',
      { metadata: { uid: 'raw-1' }, status: {} },
      { metadata: { creationTimestamp: '2026-11-24 10:00:00 +0800 CST' } }
    ]
    const api = await fake({
      tasks: { [KEY]: [oldTask] },
      clusters: {
        [KEY]: { workflows: [noUid, noTime], rawItems: { workflows: raw, tasks: [42] } },
        [`${P}/obj`]: {
          workflows: [noTime],
          rawItems: { workflows: raw },
          workflowListAsObject: true
        }
      }
    })
    const tasks = (await call(api.url, clusterPath(), TOKEN)).json().items
    expect(tasks).toHaveLength(2)
    expect(tasks).toContain(42)
    const listedOld = tasks.find((t: unknown) => typeof t === 'object')
    expect(listedOld.metadata.uid).toBe('old')
    expect(listedOld.status).toEqual({
      progress: '100.00',
      completionTime: expect.any(String)
    })
    // the same item by ID
    expect((await call(api.url, taskPath('old'), TOKEN)).json().status).not.toHaveProperty('phase')

    const items = (await call(api.url, workflowsPath(), TOKEN)).json().items
    expect(items).toHaveLength(5)
    for (const r of raw) expect(items).toContainEqual(r)
    const scripted = items.filter((i: { kind?: string }) => i?.kind === 'WorkFlowTask')
    expect(scripted).toHaveLength(2)
    const [withoutUid] = scripted.filter((i: { metadata: object }) => !('uid' in i.metadata))
    expect(withoutUid.status.phase).toBe('Success')
    const [withoutTime] = scripted.filter(
      (i: { metadata: { uid?: string } }) => i.metadata.uid === 'no-time'
    )
    expect(withoutTime.metadata).not.toHaveProperty('creationTimestamp')
    expect(withoutTime.status).toEqual({ phase: 'Running', lineStatuses: expect.any(Array) })
    // the object shape shows only the newest scripted workflow, never a raw item
    const one = (await call(api.url, workflowsPath('obj'), TOKEN)).json().items
    expect(one.metadata.uid).toBe('no-time')
    await expect(
      fake({ tasks: { [KEY]: [{ ...oldTask, omit: 'status.phase' as unknown as string[] }] } })
    ).rejects.toThrow(/omit must be a list of field paths/)
    await expect(
      fake({
        clusters: {
          [KEY]: {
            workflows: [
              workflow([state('Init', 'Init', 'Init')], { preCheckExpiry: { in: 1 } as never })
            ]
          }
        }
      })
    ).rejects.toThrow(/preCheckExpiry must be \{ afterEndMs \}, \{ at \} or \{ raw \}/)
  })

  it('writes every gateway code with the APIG. prefix when asked: skew, no such API, throttling', async () => {
    // the gateway's clock is 20 minutes ahead of the caller's
    const api = await fake({
      now: () => Date.now() + 20 * 60_000,
      gatewayPrefix: 'APIG',
      rateLimit: { rate: 100, burst: 100 },
      tasks: { [KEY]: [task(T, [{ phase: 'Running', progress: '5.00' }])] },
      clusters: { [KEY]: { noWorkflowApi: true } }
    })
    const skewed = await call(api.url, taskPath(), sdkSign(api.url, taskPath(), { at: Date.now() }))
    expect([skewed.status, skewed.json().error_code]).toEqual([401, 'APIG.0301'])
    expect(skewed.json().error_msg).toMatch(
      /^Incorrect IAM authentication information: signature expired, signature time:\d{8}T\d{6}Z,server time:\d{8}T\d{6}Z$/
    )
    // signed with the gateway's time, the same request passes
    const right = await call(
      api.url,
      taskPath(),
      sdkSign(api.url, taskPath(), { at: Date.now() + 20 * 60_000 })
    )
    expect(right.status).toBe(200)
    for (const path of [workflowsPath(), workflowPath()]) {
      const res = await call(api.url, path, TOKEN)
      expect([path, res.status, res.json().error_code]).toEqual([path, 404, 'APIG.0101'])
      expect(res.json().error_msg).toBe(
        `The API does not exist or has not been published in the environment: GET ${path}`
      )
    }
    expect((await call(api.url, '/nothing', TOKEN)).json().error_code).toBe('APIG.0101')
    expect((await call(api.url, taskPath(), { 'X-Auth-Token': 'nope' })).json().error_code).toBe(
      'APIG.0307'
    )
    expect(api.count({ kind: 'workflows', status: 404 })).toBe(1)

    const apigw = await fake({ gatewayPrefix: 'APIGW', rateLimit: { rate: 1, burst: 1 } })
    await call(apigw.url, '/x', TOKEN)
    expect((await call(apigw.url, '/x', TOKEN)).json().error_code).toBe('APIGW.0308')
  })

  it('answers ShowCluster’s spec.version: the highest target by default, or as scripted', async () => {
    const t = (uid: string, targetVersion: string) =>
      task(uid, [{ phase: 'Success', progress: '100.00' }], { targetVersion })
    const api = await fake({
      tasks: {
        [KEY]: [t('a', 'v1.28.3-r4'), t('b', 'v1.30.1-r0'), t('c', 'not a version')],
        [`${P}/wf`]: [t('a', 'v1.28.3-r4')],
        [`${P}/bare`]: []
      },
      clusters: {
        [`${P}/wf`]: { workflows: [workflow([state('Success', 'Success', 'Success')])] },
        [`${P}/set`]: {
          version: 'v1.27',
          phases: [{ phase: 'Upgrading', polls: 1, version: 'v1.26' }, { phase: 'Available' }]
        },
        [`${P}/none`]: {
          version: null,
          workflows: [workflow([state('Success', 'Success', 'Success')])]
        },
        [`${P}/num`]: { version: 1.29 }
      }
    })
    const spec = async (c = C) => (await call(api.url, clusterBase(c), TOKEN)).json().spec
    expect(await spec()).toEqual({
      category: 'CCE',
      type: 'VirtualMachine',
      flavor: 'cce.s1.small',
      version: 'v1.30'
    })
    expect((await spec('wf')).version).toBe('v1.29')
    expect(await spec('bare')).not.toHaveProperty('version')
    expect([(await spec('set')).version, (await spec('set')).version]).toEqual(['v1.26', 'v1.27'])
    expect(await spec('none')).not.toHaveProperty('version')
    expect((await spec('num')).version).toBe(1.29)
  })
})

describe('pre-check tasks', () => {
  const preCheck: FakePreCheck = {
    uid: PC,
    phase: 'Failed',
    message: 'pre-check found 2 problems',
    clusterItems: [
      {
        name: 'DeprecatedAPI',
        kind: 'Exception',
        group: 'LimitCheck',
        level: 'Fatal',
        message: 'extensions/v1beta1 Ingress in use',
        errorCodes: ['Cluster.0001']
      }
    ],
    addonItems: [{ name: 'CoreDNS', kind: 'Risk', level: 'Info', message: 'fine' }],
    nodes: [
      {
        uid: 'n1',
        name: 'node-a',
        items: [
          {
            name: 'NodeDisk',
            kind: 'Exception',
            level: 'Warning',
            phase: 'Success',
            message: 'ok'
          },
          { name: 'NodeRuntime', kind: 'Risk', level: 'Warning', message: 'old containerd' }
        ]
      }
    ]
  }

  it('answers a pre-check by ID in the Go SDK’s nesting, and lists them', async () => {
    const api = await fake({
      now: () => T0,
      clusters: {
        [KEY]: {
          workflows: [workflow([state('Pending', 'Failed', 'Init')])],
          prechecks: [preCheck, { uid: 'pc-running', phase: 'Running' }]
        }
      }
    })
    const res = await call(api.url, `${preChecksPath()}/${PC}`, TOKEN)
    expect(res.json()).toEqual({
      kind: 'PreCheckTask',
      apiVersion: 'v3',
      // versions and creation time from the workflow whose PreCheck step it is
      metadata: { uid: PC, creationTimestamp: '2026-11-24 09:59:00.5 +0800 CST' },
      spec: { clusterID: C, clusterVersion: 'v1.28', targetVersion: 'v1.29' },
      status: {
        phase: 'Failed',
        message: 'pre-check found 2 problems',
        clusterCheckStatus: {
          phase: 'Failed',
          itemsStatus: [
            {
              name: 'DeprecatedAPI',
              kind: 'Exception',
              group: 'LimitCheck',
              level: 'Fatal',
              phase: 'Failed',
              message: 'extensions/v1beta1 Ingress in use',
              errorCodes: ['Cluster.0001']
            }
          ]
        },
        addonCheckStatus: {
          phase: 'Success',
          itemsStatus: [
            {
              name: 'CoreDNS',
              kind: 'Risk',
              group: '',
              level: 'Info',
              phase: 'Success',
              message: 'fine',
              errorCodes: []
            }
          ]
        },
        nodeCheckStatus: {
          phase: 'Failed',
          nodeStageStatus: [
            {
              nodeInfo: { uid: 'n1', name: 'node-a', status: 'Active', nodeType: 'VM' },
              itemsStatus: [
                expect.objectContaining({ name: 'NodeDisk', phase: 'Success' }),
                expect.objectContaining({ name: 'NodeRuntime', phase: 'Failed' })
              ]
            }
          ]
        }
      }
    })
    const running = (await call(api.url, `${preChecksPath()}/pc-running`, TOKEN)).json()
    expect(running.spec).toEqual({ clusterID: C, clusterVersion: '', targetVersion: '' })
    expect(running.metadata.creationTimestamp).toBe(goTime(T0))
    expect(running.status.clusterCheckStatus).toEqual({ phase: 'Running', itemsStatus: [] })
    const list = (await call(api.url, preChecksPath(), TOKEN)).json()
    expect([list.kind, [...uids(list.items)].sort()]).toEqual(['List', [PC, 'pc-running'].sort()])
    expect([api.count({ kind: 'precheck', taskId: PC }), api.count({ kind: 'prechecks' })]).toEqual(
      [1, 1]
    )
  })
})

describe('the request log', () => {
  it('names the endpoint of every request, answered, refused or throttled', async () => {
    const api = await fake({
      now: () => T0,
      tasks: { [KEY]: [task(T, [{ phase: 'Running', progress: '1.00' }])] },
      clusters: {
        [KEY]: {
          workflows: [workflow([state('Running', 'Success', 'Running')])],
          prechecks: [{ uid: PC, phase: 'Success' }]
        }
      },
      rateLimit: { rate: 1, burst: 10 }
    })
    const paths = [
      clusterBase(),
      clusterPath(),
      taskPath(),
      workflowsPath(),
      workflowPath(),
      preChecksPath(),
      `${preChecksPath()}/${PC}`,
      '/v3/projects',
      '/api/v3/nothing'
    ]
    for (const path of paths) await call(api.url, path, TOKEN)
    await call(api.url, '/oidc/token?audience=x', { Authorization: 'Bearer oidc-request-token' })
    await call(api.url, clusterBase(), {}) // 401: still a cluster request
    await call(api.url, workflowPath(), TOKEN) // throttled
    const kinds = api.requests.map(r => [r.kind, r.status])
    expect(kinds).toEqual([
      ['cluster', 200],
      ['tasks', 200],
      ['task', 200],
      ['workflows', 200],
      ['workflow', 200],
      ['prechecks', 200],
      ['precheck', 200],
      ['iam', 200],
      ['other', 404],
      ['oidc', 200],
      ['cluster', 401],
      ['workflow', 429]
    ])
    expect(api.requests.map(r => r.taskId)).toEqual([
      undefined,
      undefined,
      T,
      undefined,
      WF,
      undefined,
      PC,
      undefined,
      undefined,
      undefined,
      undefined,
      WF
    ])
    expect(api.count({ clusterId: C })).toBe(9)
    expect(api.count({ kind: 'workflow' })).toBe(2)
  })
})

describe('rate limit', () => {
  it('is one token bucket for all requests; 429 APIG.0308 with or without Retry-After', async () => {
    let now = 1_000_000
    const api = await fake({
      now: () => now,
      tasks: { [`${P}/${C}`]: [task(T, [{ phase: 'Init', progress: '0.00' }])] },
      rateLimit: { rate: 2, burst: 3, retryAfter: true }
    })
    const statuses = async (n: number) => {
      const out = []
      for (let i = 0; i < n; i++)
        out.push((await call(api.url, i % 2 ? '/v3/projects' : taskPath(), TOKEN)).status)
      return out
    }
    expect(await statuses(4)).toEqual([200, 200, 200, 429])
    const limited = await call(api.url, taskPath(), TOKEN)
    expect([limited.status, limited.headers['retry-after']]).toEqual([429, '1'])
    expect(limited.json()).toEqual({
      error_msg:
        'The throttling threshold has been reached: policy user over ratelimit,limit:2,time:1 second',
      error_code: 'APIG.0308',
      request_id: limited.headers['x-request-id']
    })
    now += 500
    expect(await statuses(2)).toEqual([200, 429])
    now += 10_000
    expect(await statuses(4)).toEqual([200, 200, 200, 429])
    expect(api.count({ throttled: true })).toBe(4)
    expect(api.count(r => r.throttled && r.status === 429)).toBe(4)
    // GitHub's OIDC endpoint is not part of the Huawei account's quota
    const oidc = await call(api.url, '/oidc/token?audience=x', {
      Authorization: 'Bearer oidc-request-token'
    })
    expect(oidc.status).toBe(200)

    for (const [retryAfter, header] of [
      ['7', '7'],
      [undefined, undefined]
    ] as const) {
      const other = await fake({ rateLimit: { rate: 1, burst: 1, retryAfter } })
      await call(other.url, '/x', TOKEN)
      const res = await call(other.url, '/x', TOKEN)
      expect([res.status, res.headers['retry-after']]).toEqual([429, header])
    }
  })
})

describe('IAM and OIDC', () => {
  const project2 = { id: '1111aaaa2222bbbb3333cccc4444dddd', name: 'cn-north-4' }
  const oidcHeaders = { Authorization: 'Bearer oidc-request-token' }

  it('looks up projects by name, signed or with a token', async () => {
    const now = Date.now()
    const api = await fake({ projects: [{ id: P, name: DEMO.region }, project2] })
    const res = await call(
      api.url,
      '/v3/projects?name=cn-north-4',
      sdkSign(api.url, '/v3/projects', { at: now, query: { name: 'cn-north-4' } })
    )
    expect(res.status).toBe(200)
    expect(res.headers['x-iam-trace-id']).toMatch(/^[0-9a-f]{32}$/)
    expect(res.json().projects).toEqual([expect.objectContaining(project2)])
    expect(res.json().links.self).toMatch(/\/v3\/projects\?name=cn-north-4$/)
    const none = await call(api.url, '/v3/projects?name=mars-1', TOKEN)
    expect(none.json().projects).toEqual([])
    expect((await call(api.url, '/v3/projects', TOKEN)).json().projects).toHaveLength(2)
    expect((await call(api.url, '/v3/projects?name=x', {})).status).toBe(401)
  })

  it('issues a GitHub-like OIDC token and exchanges it for an IAM token', async () => {
    let now = Date.now()
    const api = await fake({
      now: () => now,
      projects: [{ id: P, name: DEMO.region }, project2, { id: 'dup', name: 'cn-north-4' }],
      tasks: { [`${P}/${C}`]: [task(T, [{ phase: 'Running', progress: '5.00' }])] }
    })
    expect((await call(api.url, '/oidc/token?audience=huaweicloud', {})).status).toBe(401)
    const issued = await call(
      api.url,
      '/oidc/token?api-version=2.0&audience=huaweicloud',
      oidcHeaders
    )
    expect(issued.status).toBe(200)
    const jwt: string = issued.json().value
    const [head, payload, sig] = jwt.split('.')
    expect(sig).toMatch(/^[\w-]+$/)
    expect(JSON.parse(Buffer.from(head!, 'base64url').toString())).toMatchObject({ typ: 'JWT' })
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString())
    expect(claims).toMatchObject({
      iss: 'https://token.actions.githubusercontent.com',
      aud: 'huaweicloud',
      sub: 'repo:octo/app:ref:refs/heads/main'
    })
    expect(claims.exp * 1000).toBeGreaterThan(now)

    const exchange = (scope: object, id: string = jwt, idp = 'github-actions') =>
      call(api.url, '/v3.0/OS-AUTH/id-token/tokens', idp ? { 'X-Idp-Id': idp } : {}, {
        method: 'POST',
        body: JSON.stringify({ auth: { id_token: { id }, scope: { project: scope } } })
      })
    const byId = await exchange({ id: P })
    expect(byId.status).toBe(201)
    const token = byId.headers['x-subject-token'] as string
    expect(token).toMatch(/^MII/)
    expect(byId.json().token).toMatchObject({
      methods: ['token'],
      project: { id: P, name: DEMO.region },
      expires_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/)
    })
    const cce = await call(api.url, taskPath(), { 'X-Auth-Token': token })
    expect(cce.status).toBe(200)
    expect(api.requests.at(-1)?.auth).toBe('token')
    const byName = await exchange({ name: DEMO.region })
    expect([byName.status, byName.json().token.project.id]).toEqual([201, P])
    expect(byName.headers['x-subject-token']).not.toBe(token)

    const iamError = async (res: Promise<Answer>, status: number, message: RegExp) => {
      const r = await res
      expect(r.status).toBe(status)
      expect(r.headers['x-iam-trace-id']).toMatch(/^[0-9a-f]{32}$/)
      expect(r.json().error).toMatchObject({
        code: status,
        message: expect.stringMatching(message)
      })
      expect(r.headers['x-subject-token']).toBeUndefined()
    }
    await iamError(exchange({ name: 'mars-1' }), 404, /could not be found/)
    await iamError(exchange({ id: 'nope' }), 404, /could not be found/)
    await iamError(exchange({ name: 'cn-north-4' }), 400, /matches 2 projects/)
    await iamError(exchange({}), 400, /id or a name/)
    await iamError(exchange({ id: P }, jwt, 'other-idp'), 404, /identity provider/)
    await iamError(exchange({ id: P }, jwt, ''), 400, /X-Idp-Id/)
    const forged = `${head}.${Buffer.from(JSON.stringify({ ...claims, sub: 'repo:evil/x' })).toString('base64url')}.${sig}`
    await iamError(exchange({ id: P }, forged), 401, /invalid/)
    await iamError(exchange({ id: P }, 'not-a-jwt'), 401, /invalid/)
    const notJson = call(
      api.url,
      '/v3.0/OS-AUTH/id-token/tokens',
      { 'X-Idp-Id': 'github-actions' },
      {
        method: 'POST',
        body: '{'
      }
    )
    await iamError(notJson, 400, /JSON/)
    now += 10 * 60_000
    await iamError(exchange({ id: P }), 401, /expired/)
  })

  it('checks the audience when one is configured', async () => {
    const api = await fake({ audience: 'huaweicloud' })
    const token = async (aud: string) =>
      (await call(api.url, `/oidc/token?audience=${aud}`, oidcHeaders)).json().value
    const exchange = async (jwt: string) =>
      call(
        api.url,
        '/v3.0/OS-AUTH/id-token/tokens',
        { 'X-Idp-Id': 'github-actions' },
        {
          method: 'POST',
          body: JSON.stringify({ auth: { id_token: { id: jwt }, scope: { project: { id: P } } } })
        }
      )
    expect((await exchange(await token('huaweicloud'))).status).toBe(201)
    const wrong = await exchange(await token('sts.amazonaws.com'))
    expect([wrong.status, wrong.json().error.message]).toEqual([
      401,
      expect.stringMatching(/audience sts.amazonaws.com/)
    ])
    // a token from another fake is not one of ours
    const other = await fake()
    const foreign = (await call(other.url, '/oidc/token?audience=huaweicloud', oidcHeaders)).json()
    expect((await exchange(foreign.value)).status).toBe(401)
  })
})

describe('server', () => {
  it('serves many concurrent keep-alive requests, each with its own request ID', async () => {
    const lines: string[] = []
    const api = await fake({
      tasks: { [`${P}/${C}`]: [task(T, [{ phase: 'Running', progress: '1.00' }])] },
      log: line => lines.push(line)
    })
    const agent = new http.Agent({ keepAlive: true, maxSockets: 30 })
    try {
      const answers = await Promise.all(
        Array.from({ length: 90 }, () => call(api.url, taskPath(), TOKEN, { agent }))
      )
      expect(answers.every(a => a.status === 200)).toBe(true)
      expect(new Set(answers.map(a => a.headers['x-request-id'])).size).toBe(90)
      expect(api.count()).toBe(90)
      expect(api.count({ taskId: T })).toBe(90)
      expect(lines).toHaveLength(90)
      expect(lines.join('\n')).not.toContain('demo-iam-token')
    } finally {
      agent.destroy()
    }
  })

  it('closes promptly while a request hangs', async () => {
    const api = await startFakeApi({
      tasks: {
        [`${P}/${C}`]: [
          task(T, [{ phase: 'Running', progress: '1.00' }], { faults: [{ poll: 1, kind: 'hang' }] })
        ]
      }
    })
    const pending = call(api.url, taskPath(), TOKEN)
    while (api.count() === 0) await new Promise(r => setTimeout(r, 5))
    const t0 = Date.now()
    await api.close()
    expect(Date.now() - t0).toBeLessThan(500)
    await expect(pending).rejects.toThrow()
    expect(api.requests[0]?.status).toBe(-2)
    await api.close() // twice is fine
  })

  /** Runs the fake's CLI with a scenario, hands `use` its URL, then stops it with SIGTERM. */
  async function withCli(scenario: string, use: (url: string) => Promise<void>) {
    const script = fileURLToPath(new URL('../support/fake-api.mjs', import.meta.url))
    const child = spawn(process.execPath, [script, '--scenario', scenario, '--port', '0'], {
      // its stderr says what it serves and when it stops (checked in scenarios.test.ts), not for jest's output
      stdio: ['ignore', 'pipe', 'pipe']
    })
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = ''
        child.stdout.on('data', c => {
          out += c
          if (out.includes('\n')) resolve(out)
        })
        child.on('error', reject)
        child.on('exit', code => reject(new Error(`exited ${code}`)))
      })
      const m = /^FAKE_API_URL=(http:\/\/127\.0\.0\.1:\d+)\n$/.exec(line)
      expect(m).not.toBeNull()
      await use(m![1]!)
    } finally {
      const exited = new Promise(r => child.on('exit', (code, signal) => r([code, signal])))
      child.kill('SIGTERM')
      expect(await exited).toEqual([0, null])
    }
  }
  const signedGet = (url: string, path: string) =>
    call(url, path, sdkSign(url, path, { at: Date.now() }))

  it('runs from the command line with a built-in scenario', async () => {
    expect(Object.keys(scenarios)).toEqual(['success', 'failed', 'workflow'])
    await withCli('failed', async url => {
      const res = await signedGet(url, taskPath())
      expect([res.status, res.json().status.phase]).toEqual([200, 'Init'])
      const listed = await signedGet(url, clusterPath())
      expect(listed.json().items[0].spec).toEqual({
        version: 'v1.28.3-r4',
        targetVersion: 'v1.29.5-r0',
        items: {}
      })
    })
  })

  /** Runs the fake's CLI with `args` to its end; kills it (and fails) when it is still running after 20 s. */
  function cliRun(args: string[]) {
    const script = fileURLToPath(new URL('../support/fake-api.mjs', import.meta.url))
    return new Promise<{ code: number | null; stdout: string; stderr: string; killed: boolean }>(
      (resolve, reject) => {
        const child = spawn(process.execPath, [script, ...args], {
          stdio: ['ignore', 'pipe', 'pipe']
        })
        let stdout = ''
        let stderr = ''
        let killed = false
        child.stdout.on('data', c => (stdout += c))
        child.stderr.on('data', c => (stderr += c))
        const timer = setTimeout(() => {
          killed = true
          child.kill('SIGKILL')
        }, 20_000)
        child.on('error', reject)
        child.on('close', code => {
          clearTimeout(timer)
          resolve({ code, stdout, stderr, killed })
        })
      }
    )
  }

  it('--help prints the usage (every flag, every scenario) and exits 0 without serving', async () => {
    for (const flag of ['--help', '-h']) {
      const r = await cliRun([flag])
      expect({ killed: r.killed, code: r.code, stderr: r.stderr }).toEqual({
        killed: false,
        code: 0,
        stderr: ''
      })
      expect(r.stdout).toBe(`${cliUsage()}\n`)
    }
    const usage = cliUsage()
    expect(usage.split('\n')[0]).toBe(
      'usage: node __tests__/support/fake-api.mjs [--scenario NAME] [--port N] [--max-seconds N] [--verbose]'
    )
    for (const flag of [
      '--scenario NAME',
      '--port N',
      '--max-seconds N',
      '--verbose',
      '-h, --help'
    ])
      expect(usage).toMatch(new RegExp(`^  ${flag.replace(/[-,]/g, '\\$&')}  `, 'm'))
    for (const name of Object.keys(scenarios))
      expect(usage).toMatch(new RegExp(`^ {23}${name} +\\S`, 'm'))
    expect(usage).not.toContain(DEMO.sk)
  })

  it('an unknown flag, a missing value or a bad one: the problem and the usage on stderr, exit 2', async () => {
    const cases: [string[], string][] = [
      [['--bogus'], "fake-api.mjs: Unknown option '--bogus'"],
      [['--scenario', 'workflow', '--prot', '18080'], "fake-api.mjs: Unknown option '--prot'"],
      [['--port'], "fake-api.mjs: Option '--port <value>' argument missing"],
      [['workflow'], "fake-api.mjs: Unexpected argument 'workflow'"],
      [['--port', 'eighty'], 'fake-api.mjs: --port eighty: expected a port number, 0 to 65535'],
      [
        ['--scenario', 'rollback'],
        'fake-api.mjs: unknown scenario rollback: use success, failed, workflow'
      ],
      [
        ['--max-seconds', '0'],
        'fake-api.mjs: --max-seconds 0: expected a number of seconds above 0'
      ]
    ]
    for (const [args, problem] of cases) {
      const r = await cliRun(args)
      expect({ args, killed: r.killed, code: r.code, stdout: r.stdout }).toEqual({
        args,
        killed: false,
        code: 2,
        stdout: ''
      })
      expect(r.stderr.startsWith(problem)).toBe(true)
      expect(r.stderr.endsWith(`\n\n${cliUsage()}\n`)).toBe(true)
    }
  })

  it('serves the workflow scenario from the command line', async () => {
    await withCli('workflow', async url => {
      const workflows = (await signedGet(url, `${clusterBase()}/operation/upgradeworkflows`)).json()
      expect(workflows.items.map((w: { metadata: { uid: string } }) => w.metadata.uid)).toEqual([
        DEMO.workflowId
      ])
      expect(workflows.items[0].status.pointStatuses[0]).toMatchObject({
        taskType: 'PreCheck',
        status: 'Running'
      })
      const tasks = (await signedGet(url, clusterPath())).json().items
      expect(tasks.map((t: { metadata: { uid: string } }) => t.metadata.uid)).toEqual([
        DEMO.oldTaskId
      ])
      expect((await signedGet(url, taskPath())).status).toBe(404)
      const cluster = await signedGet(url, clusterBase())
      expect([cluster.status, cluster.json().status.phase]).toEqual([200, 'Available'])
    })
  })

  it('the workflow scenario passes through PreCheck, Snapshot, Cluster and PostCheck in about 14 s', async () => {
    let now = 0
    const api = await fake({ ...scenarios.workflow, now: () => now })
    const json = async (path: string) => {
      const res = await call(api.url, path, TOKEN)
      return res.status === 200 ? res.json() : res.status
    }
    const seen: [string, number][] = []
    const last = new Map<string, string>()
    /** notes each change of what one source shows, and when */
    const note = (source: string, shown: string) => {
      if (last.get(source) !== shown) seen.push([`${source} ${shown}`, now])
      last.set(source, shown)
    }
    let oldTask: { status: { phase: string; completionTime: string } } | undefined
    for (now = 0; now <= 20_000; now += 250) {
      const w = await json(workflowPath(DEMO.workflowId))
      const running = (w.status.pointStatuses as { taskType: string; status: string }[]).filter(
        p => p.status === 'Running'
      )
      note('workflow', `${w.status.phase} ${running.map(p => p.taskType).join()}`)
      const t = await json(taskPath())
      note('task', t === 404 ? 'hidden' : `${t.status.phase} ${t.status.progress}`)
      note('cluster', (await json(clusterBase())).status.phase)
      oldTask ??= await json(taskPath(DEMO.oldTaskId))
      if (w.status.phase === 'Success') break
    }
    expect(seen).toEqual([
      ['workflow Running PreCheck', 0],
      ['task hidden', 0],
      ['cluster Available', 0],
      ['workflow Running Snapshot', 2000],
      ['workflow Running Cluster', 4000],
      ['task Running 12.50', 4000],
      ['cluster Upgrading', 4000],
      ['task Running 37.50', 5500],
      ['task Running 62.50', 7500],
      ['task Running 87.50', 9500],
      ['task Success 100.00', 11_000],
      ['workflow Running PostCheck', 12_000],
      ['cluster Available', 13_000],
      ['workflow Success ', 14_000]
    ])
    // last quarter's upgrade: Success 90 days ago, visible from the start
    expect(oldTask!.status.phase).toBe('Success')
    const days = (Date.now() - parseGoTime(oldTask!.status.completionTime)!) / 86_400_000
    expect(Math.round(days)).toBe(90)
    // the helper builds the same cluster for other tests, relative to a given time
    const built = demoWorkflowCluster(T0)
    expect(built.tasks[KEY]!.map(t => t.uid)).toEqual([DEMO.oldTaskId, DEMO.taskId])
    expect(built.clusters[KEY]!.workflows![0]!.creationTimestamp).toBe(goTime(T0 - 1000))
  })

  it('scenarios end in Success after about 15 s and in Failed after about 10 s', async () => {
    for (const [name, phase, seconds] of [
      ['success', 'Success', 15],
      ['failed', 'Failed', 10]
    ] as const) {
      let now = 0
      const api = await fake({ ...scenarios[name], now: () => now })
      const seen: string[] = []
      for (now = 0; now <= 20_000; now += 250) {
        const s = (await call(api.url, taskPath(), TOKEN)).json().status
        const last = seen.at(-1)
        if (last !== `${s.phase} ${s.progress}`) seen.push(`${s.phase} ${s.progress}`)
        if (s.phase === phase) break
      }
      expect(seen.at(-1)).toBe(`${phase} ${phase === 'Success' ? '100.00' : '62.50'}`)
      expect(Math.abs(now - seconds * 1000)).toBeLessThanOrEqual(500)
      expect(seen.slice(0, 3)).toEqual(['Init 0.00', 'Queuing 0.00', 'Running 12.50'])
    }
  })
})
