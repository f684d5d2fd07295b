/**
 * What the tests of the fake API (__tests__/e2e/fake-api-*.test.ts) share: the demo IDs and paths, a plain HTTP
 * client, requests signed with Huawei's official Node SDK, scripted tasks and workflows, and the fakes each test
 * starts (`fake()`), closed by `closeFakes()` after each test.
 */
import * as http from 'node:http'
import { createRequire } from 'node:module'
import { DEMO, startFakeApi } from './fake-api.mjs'
import type {
  FakeApi,
  FakeApiOptions,
  FakeTask,
  FakeWorkflow,
  Step,
  WorkflowState
} from './fake-api.mjs'

const require = createRequire(import.meta.url)
const { AKSKSigner } = require('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js') as {
  AKSKSigner: { sign(req: unknown, cred: unknown): Record<string, string> }
}
const { BasicCredentials } =
  require('@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials.js') as {
    BasicCredentials: new () => { withAk(ak: string): { withSk(sk: string): unknown } }
  }

export const P = DEMO.projectId
export const C = DEMO.clusterId
export const T = DEMO.taskId
export const clusterPath = (c = C, p = P) =>
  `/api/v3/projects/${p}/clusters/${c}/operation/upgrade/tasks`
export const taskPath = (t = T, c = C) => `${clusterPath(c)}/${t}`
/** ShowCluster's path; the cluster's other endpoints are under it */
export const clusterBase = (c = C, prefix: 'api' | 'autopilot' = 'api') =>
  `/${prefix}/v3/projects/${P}/clusters/${c}`
export const KEY = `${P}/${C}`
export const TOKEN = { 'X-Auth-Token': 'demo-iam-token' }
/** 10:00:00 +0800 CST */
export const T0 = Date.UTC(2026, 10, 24, 2, 0, 0)

export interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
  json: () => any // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function call(
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
export function sdkSign(
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

export const task = (uid: string, timeline: Step[], extra: Partial<FakeTask> = {}): FakeTask => ({
  uid,
  version: 'v1.28.3-r4',
  targetVersion: 'v1.29.5-r0',
  creationTimestamp: '2026-11-24 10:00:00.123456 +0800 CST',
  timeline,
  ...extra
})

const started: FakeApi[] = []
export async function fake(options: FakeApiOptions = {}): Promise<FakeApi> {
  const api = await startFakeApi(options)
  started.push(api)
  return api
}
/** Closes every fake `fake()` started: each test file runs it after each test. */
export async function closeFakes(): Promise<void> {
  await Promise.all(started.splice(0).map(a => a.close()))
}

export const WF = '5b2f9a10-wf00-11ef-8d2c-0255ac100031'
export const PC = '9c3e0000-pc00-11ef-8d2c-0255ac100031'

/** A workflow state over PreCheck (its task PC) and Cluster (its task T), e.g. state('Running', 'Success', 'Running'). */
export const state = (
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

export const workflow = (
  timeline: WorkflowState[],
  extra: Partial<FakeWorkflow> = {}
): FakeWorkflow => ({
  uid: WF,
  creationTimestamp: '2026-11-24 09:59:00.5 +0800 CST',
  clusterVersion: 'v1.28',
  targetVersion: 'v1.29',
  timeline,
  ...extra
})

export const workflowsPath = (c = C, prefix: 'api' | 'autopilot' = 'api') =>
  `${clusterBase(c, prefix)}/operation/upgradeworkflows`
export const workflowPath = (id = WF, c = C, prefix: 'api' | 'autopilot' = 'api') =>
  `${workflowsPath(c, prefix)}/${id}`
export const preChecksPath = (c = C, prefix: 'api' | 'autopilot' = 'api') =>
  `${clusterBase(c, prefix)}/operation/precheck/tasks`
export const uids = (items: { metadata: { uid: string } }[]) => items.map(i => i.metadata.uid)
