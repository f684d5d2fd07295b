/**
 * The fake API is the judge of the end-to-end tests, so it is tested too (one file per part of it,
 * fake-api-*.test.ts). Here, its upgrade tasks and pre-check tasks: their timelines and faults must behave as
 * documented in fake-api.mjs.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { computeSignature, goTime } from '../support/fake-api.mjs'
import type { FakePreCheck } from '../support/fake-api.mjs'
import {
  P,
  C,
  T,
  clusterPath,
  taskPath,
  KEY,
  TOKEN,
  T0,
  call,
  task,
  fake,
  closeFakes,
  PC,
  state,
  workflow,
  preChecksPath,
  uids
} from '../support/fake-api-harness.js'

afterEach(closeFakes)

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
