/**
 * The fake API is the judge of the end-to-end tests, so it is tested too: its signature check must accept what
 * Huawei's official Node SDK signs and refuse anything else.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as http from 'node:http'
import { createRequire } from 'node:module'
import { DEMO, goTime, startFakeApi } from './support/fake-api.mjs'
import type { FakeApi } from './support/fake-api.mjs'

const require = createRequire(import.meta.url)
const { AKSKSigner } = require('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js') as {
  AKSKSigner: { sign(req: unknown, cred: unknown): Record<string, string> }
}
const { BasicCredentials } =
  require('@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials.js') as {
    BasicCredentials: new () => { withAk(ak: string): { withSk(sk: string): unknown } }
  }

let api: FakeApi
let now = Date.now()
const taskPath = `/api/v3/projects/${DEMO.projectId}/clusters/${DEMO.clusterId}/operation/upgrade/tasks/${DEMO.taskId}`

beforeAll(async () => {
  api = await startFakeApi({
    now: () => now,
    tasks: {
      [`${DEMO.projectId}/${DEMO.clusterId}`]: [
        {
          uid: DEMO.taskId,
          version: 'v1',
          targetVersion: 'v2',
          creationTimestamp: goTime(now),
          timeline: [
            { phase: 'Init', progress: '0.00', polls: 1 },
            { phase: 'Running', progress: '50.00', ms: 60_000 },
            { phase: 'Success', progress: '100.00' }
          ],
          faults: [{ poll: 2, kind: 'status', status: 503 }]
        }
      ]
    }
  })
})
afterAll(() => api.close())

function get(
  path: string,
  headers: Record<string, string>
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${api.url}${path}`, { headers }, res => {
      let body = ''
      res.on('data', c => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

function sdkSigned(
  path: string,
  query: Record<string, string> = {},
  sk = DEMO.sk,
  date = new Date(now)
) {
  const stamp = date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
  return AKSKSigner.sign(
    {
      method: 'GET',
      endpoint: `${api.url}${path}`,
      headers: { 'X-Sdk-Date': stamp },
      queryParams: query
    },
    new BasicCredentials().withAk(DEMO.ak).withSk(sk)
  )
}

describe('the fake API', () => {
  it('accepts what the official SDK signs, and scripts the timeline by polls, faults and time', async () => {
    const headers = () => sdkSigned(taskPath)
    const first = await get(taskPath, headers())
    expect(first.status).toBe(200)
    expect(JSON.parse(first.body).status.phase).toBe('Init')
    expect((await get(taskPath, headers())).status).toBe(503)
    expect(JSON.parse((await get(taskPath, headers())).body).status.phase).toBe('Running')
    now += 61_000
    const done = JSON.parse((await get(taskPath, sdkSigned(taskPath))).body)
    expect(done.status).toMatchObject({ phase: 'Success', progress: '100.00' })
    expect(done.status.completionTime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \+0800 CST$/)
  })

  it('accepts a signed query', async () => {
    const res = await get(
      '/v3/projects?name=ap-southeast-1',
      sdkSigned('/v3/projects', { name: 'ap-southeast-1' })
    )
    expect(JSON.parse(res.body).projects).toEqual([
      expect.objectContaining({ id: DEMO.projectId, name: 'ap-southeast-1' })
    ])
  })

  it('refuses anything that differs from what was signed with 401 APIGW.0301', async () => {
    const signed = sdkSigned(taskPath)
    const query = sdkSigned('/v3/projects', { name: 'ap-southeast-1' })
    const flip = (text: string) => text.replace(/\d(?=\D*$)/, d => String((Number(d) + 1) % 10))
    const tampered: [string, Record<string, string>][] = [
      [`${taskPath}x`, signed],
      ['/v3/projects?name=cn-north-4', query],
      [taskPath, { ...signed, Authorization: flip(signed['Authorization']!) }],
      [taskPath, { ...signed, 'X-Sdk-Date': flip(signed['X-Sdk-Date']!) }],
      [taskPath, { ...signed, host: 'evil.example.com' }]
    ]
    for (const [path, headers] of tampered) {
      const res = await get(path, headers)
      expect([path, res.status, JSON.parse(res.body).error_code]).toEqual([path, 401, 'APIGW.0301'])
    }
  })

  it('refuses a wrong key, a stale date, an unknown key and no credentials', async () => {
    expect((await get(taskPath, sdkSigned(taskPath, {}, 'wrong'))).status).toBe(401)
    expect(
      (await get(taskPath, sdkSigned(taskPath, {}, DEMO.sk, new Date(now - 16 * 60_000)))).status
    ).toBe(401)
    const unknown = AKSKSigner.sign(
      { method: 'GET', endpoint: `${api.url}${taskPath}`, headers: {} },
      new BasicCredentials().withAk('AKNOBODY').withSk('x')
    )
    expect(JSON.parse((await get(taskPath, unknown)).body).error_msg).toMatch(/unknown access key/)
    expect((await get(taskPath, {})).status).toBe(401)
    expect((await get(taskPath, { 'X-Auth-Token': 'not-issued' })).status).toBe(401)
  })

  it('tells a missing cluster from a missing task', async () => {
    const missingTask = `${taskPath}-nope`
    expect(JSON.parse((await get(missingTask, sdkSigned(missingTask))).body).errorMessage).toMatch(
      /^Upgrade task .* not found$/
    )
    const missingCluster = `/api/v3/projects/${DEMO.projectId}/clusters/nope/operation/upgrade/tasks`
    expect(
      JSON.parse((await get(missingCluster, sdkSigned(missingCluster))).body).errorMessage
    ).toBe('Cluster nope not found')
  })
})
