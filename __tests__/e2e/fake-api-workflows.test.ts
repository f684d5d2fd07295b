/**
 * The fake API is the judge of the end-to-end tests, so it is tested too (one file per part of it,
 * fake-api-*.test.ts). Here, its upgrade workflows and the upgrade task of a workflow's Cluster step: their
 * timelines must behave as documented in fake-api.mjs.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { goTime } from '../support/fake-api.mjs'
import type { FakeTask, FakeWorkflow } from '../support/fake-api.mjs'
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
  WF,
  PC,
  state,
  workflow,
  workflowsPath,
  workflowPath,
  uids
} from '../support/fake-api-harness.js'

afterEach(closeFakes)

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
