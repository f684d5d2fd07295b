/**
 * The fake API is the judge of the end-to-end tests, so it is tested too (one file per part of it,
 * fake-api-*.test.ts). Here, the cluster itself (ShowCluster, its phases and a 403), Autopilot clusters and
 * clusters it does not know, as documented in fake-api.mjs.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  P,
  C,
  T,
  clusterPath,
  clusterBase,
  KEY,
  TOKEN,
  T0,
  call,
  sdkSign,
  task,
  fake,
  closeFakes,
  WF,
  PC,
  state,
  workflow,
  workflowsPath,
  workflowPath,
  preChecksPath
} from '../support/fake-api-harness.js'

afterEach(closeFakes)

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
