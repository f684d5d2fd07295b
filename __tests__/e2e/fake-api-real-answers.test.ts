/**
 * The fake API is the judge of the end-to-end tests, so it is tested too (one file per part of it,
 * fake-api-*.test.ts). Here, what the real API also sends (issue 12): expiry dates, workflows started long ago,
 * list answers without items, raw items, the APIG. gateway prefix and the cluster's spec.version.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { goTime } from '../support/fake-api.mjs'
import {
  P,
  C,
  T,
  clusterPath,
  taskPath,
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
  preChecksPath,
  uids
} from '../support/fake-api-harness.js'

afterEach(closeFakes)

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
