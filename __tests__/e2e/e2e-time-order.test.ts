/**
 * End to end, issue 19 items 3–8: the committed dist/index.js against the fake CCE API where the time or the order
 * of upgrades is what an adversary would play with: Go's zero time, a local time labelled UTC, two upgrades whose
 * order is unknown, a workflow that ran on after its cluster upgrade, max-age against an upgrade under way, a
 * workflow cancelled before its cluster upgrade, and another cluster's item. Each of these passed or waited wrongly
 * before; every run has a short `timeout` input and a kill timeout, so a broken rule fails its test, never hangs it.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  DEMO,
  GO_ZERO_TIME,
  demoInputs,
  goTime,
  goTimeLabelledUtc,
  startFakeApi
} from '../support/fake-api.mjs'
import type {
  FakeApi,
  FakeCluster,
  FakeTask,
  FakeWorkflow,
  WorkflowState
} from '../support/fake-api.mjs'
import { errors, runAction, warnings } from '../support/run-action.js'

const P = DEMO.projectId
const C = DEMO.clusterId
const KEY = `${P}/${C}`
const OLD_TASK = '0ld00000-old0-11ef-8d2c-0255ac100031'
const NEW_TASK = 'a1b2c3d4-new0-11ef-8d2c-0255ac100031'
const API_TASK = 'a9a90000-api0-11ef-8d2c-0255ac100031'
const WF = '5b2f9a10-wf00-11ef-8d2c-0255ac100031'
const OTHER_WF = '5b2f9a10-0the-11ef-8d2c-0255ac100031'
const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
/** For the runs expected to time out: a few polls at interval 1s. */
const SHORT = '5s'
/** For the runs expected to end by themselves. */
const LONG = '20s'
const KILL_MS = 45_000
const TEST_MS = 60_000

let api: FakeApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

/** Last quarter's upgrade: a task that ended in Success 90 days ago. */
const oldTask = (now: number): FakeTask => ({
  uid: OLD_TASK,
  version: 'v1.27.3-r0',
  targetVersion: 'v1.28.3-r4',
  creationTimestamp: goTime(now - 91 * DAY),
  completionTime: goTime(now - 90 * DAY),
  timeline: [{ phase: 'Success', progress: '100.00' }]
})

const task = (
  uid: string,
  created: number,
  timeline: FakeTask['timeline'],
  completion?: number
) => ({
  uid,
  version: 'v1.28.3-r4',
  targetVersion: 'v1.29.5-r0',
  creationTimestamp: goTime(created),
  ...(completion === undefined ? {} : { completionTime: goTime(completion) }),
  timeline
})

/** A workflow state; the Cluster step's task is `clusterTask`. */
const state = (
  phase: string,
  steps: [string, string][],
  o: { ms?: number; polls?: number; clusterTask?: string } = {}
): WorkflowState => ({
  phase,
  ...(o.ms === undefined ? {} : { ms: o.ms }),
  ...(o.polls === undefined ? {} : { polls: o.polls }),
  steps: steps.map(([taskType, status]) => ({
    taskType,
    status,
    ...(taskType === 'Cluster' ? { taskID: o.clusterTask ?? NEW_TASK } : {})
  }))
})

const workflow = (
  uid: string,
  created: string,
  timeline: WorkflowState[],
  extra: Partial<FakeWorkflow> = {}
): FakeWorkflow => ({
  uid,
  creationTimestamp: created,
  clusterVersion: 'v1.28',
  targetVersion: 'v1.29',
  timeline,
  ...extra
})

async function fake(cluster: FakeCluster, tasks: FakeTask[], tokens?: string[]): Promise<FakeApi> {
  api = await startFakeApi({
    projects: [{ id: P, name: DEMO.region }],
    tasks: { [KEY]: tasks },
    clusters: { [KEY]: cluster },
    ...(tokens ? { tokens } : {})
  })
  return api
}

const run = (a: FakeApi, extra: Record<string, string> = {}) =>
  runAction({
    inputs: demoInputs(a.url, { 'task-id': '', timeout: LONG, ...extra }).inputs,
    timeoutMs: KILL_MS
  })

/** A workflow whose Cluster step failed 10 minutes ago (Pending). */
const failedRecently = (now: number, uid = WF, created = goTime(now - 10 * MIN)) =>
  workflow(
    uid,
    created,
    [
      state(
        'Running',
        [
          ['PreCheck', 'Running'],
          ['Cluster', 'Init']
        ],
        { ms: 2 * MIN, clusterTask: 'c1c1c1c1-fail-11ef-8d2c-0255ac100031' }
      ),
      state(
        'Pending',
        [
          ['PreCheck', 'Success'],
          ['Cluster', 'Failed']
        ],
        { clusterTask: 'c1c1c1c1-fail-11ef-8d2c-0255ac100031' }
      )
    ],
    { startedAt: now - 10 * MIN }
  )

describe('unreadable times (item 3)', () => {
  it(
    "Go's zero time as a waiting workflow's expireTimeStamp is not expired: it holds, it is not passed over for last quarter's Success",
    async () => {
      const now = Date.now()
      const a = await fake(
        {
          zeroTimes: true,
          workflows: [
            workflow(
              WF,
              goTime(now - 20 * MIN),
              [
                state(
                  'Running',
                  [
                    ['PreCheck', 'Running'],
                    ['Cluster', 'Init'],
                    ['PostCheck', 'Init']
                  ],
                  { ms: 5 * MIN }
                ),
                state('Running', [
                  ['PreCheck', 'Success'],
                  ['Cluster', 'Init'],
                  ['PostCheck', 'Init']
                ])
              ],
              { startedAt: now - 20 * MIN }
            )
          ]
        },
        [oldTask(now)]
      )
      // with max-age a workflow waiting for a person holds the gate (guard use, without it, passes over one)
      const r = await run(a, { timeout: SHORT, 'max-age': '2h' })
      expect(r.code).toBe(1)
      expect(r.outputs).toMatchObject({ result: 'timeout', workflowId: WF })
      expect(warnings(r.stdout).join('\n')).toMatch(/start/i)
    },
    TEST_MS
  )

  it(
    "a creation time in the future (a local time labelled UTC) does not rank last quarter's Success newest: the failure decides",
    async () => {
      const now = Date.now()
      const old = workflow(
        '5b2f9a10-0ld0-11ef-8d2c-0255ac100031',
        goTimeLabelledUtc(now - 3 * HOUR),
        [
          state(
            'Success',
            [
              ['PreCheck', 'Success'],
              ['Cluster', 'Success'],
              ['PostCheck', 'Success']
            ],
            { clusterTask: OLD_TASK }
          )
        ],
        { startedAt: now - 3 * HOUR }
      )
      const a = await fake({ workflows: [old, failedRecently(now)] }, [])
      const r = await run(a)
      expect(r.code).toBe(1)
      expect(r.outputs).toMatchObject({ result: 'failed', workflowId: WF, failedStep: 'Cluster' })
    },
    TEST_MS
  )
})

describe('unknown order is fail-safe (item 4)', () => {
  it(
    'a workflow created at an unreadable time that would pass without its post-check does not beat a 10-minute-old failure',
    async () => {
      const now = Date.now()
      const atRest = workflow(
        OTHER_WF,
        '',
        [
          state('Running', [
            ['PreCheck', 'Success'],
            ['Cluster', 'Success'],
            ['PostCheck', 'Init']
          ])
        ],
        { startedAt: now - HOUR }
      )
      const a = await fake({ workflows: [atRest, failedRecently(now)] }, [])
      const r = await run(a)
      expect(r.code).toBe(1)
      expect(r.outputs).toMatchObject({ result: 'failed', workflowId: WF, failedStep: 'Cluster' })
    },
    TEST_MS
  )
})

describe('"after its cluster upgrade" is after the Cluster step ended (item 5)', () => {
  it(
    'a bare task that failed 30 min ago decides over a workflow whose cluster upgrade ended 60 min ago and that ran its post-check since',
    async () => {
      const now = Date.now()
      const w = workflow(
        WF,
        goTime(now - 70 * MIN),
        [
          state(
            'Running',
            [
              ['PreCheck', 'Success'],
              ['Cluster', 'Running'],
              ['PostCheck', 'Init']
            ],
            { ms: 10 * MIN }
          ),
          state(
            'Running',
            [
              ['PreCheck', 'Success'],
              ['Cluster', 'Success'],
              ['PostCheck', 'Running']
            ],
            { ms: 55 * MIN }
          ),
          state('Success', [
            ['PreCheck', 'Success'],
            ['Cluster', 'Success'],
            ['PostCheck', 'Success']
          ])
        ],
        { startedAt: now - 70 * MIN }
      )
      const own = task(
        NEW_TASK,
        now - 69 * MIN,
        [{ phase: 'Success', progress: '100.00' }],
        now - 60 * MIN
      )
      const failed = task(
        API_TASK,
        now - 30 * MIN,
        [{ phase: 'Failed', progress: '40.00' }],
        now - 29 * MIN
      )
      const a = await fake({ workflows: [w] }, [own, failed])
      const r = await run(a)
      expect(r.code).toBe(1)
      expect(r.outputs).toMatchObject({ result: 'failed', taskId: API_TASK })
    },
    TEST_MS
  )
})

describe('max-age counts from the end (item 6)', () => {
  it(
    'max-age: 2h follows a workflow created 3 h ago whose cluster upgrade runs now, and passes when it succeeds',
    async () => {
      const now = Date.now()
      const w = workflow(
        WF,
        goTime(now - 3 * HOUR),
        [
          state(
            'Running',
            [
              ['PreCheck', 'Running'],
              ['Cluster', 'Init'],
              ['PostCheck', 'Init']
            ],
            { ms: 10 * MIN }
          ),
          // the cluster upgrade runs until 4 s after the step starts
          state(
            'Running',
            [
              ['PreCheck', 'Success'],
              ['Cluster', 'Running'],
              ['PostCheck', 'Init']
            ],
            { ms: 3 * HOUR - 10 * MIN + 4000 }
          ),
          state('Success', [
            ['PreCheck', 'Success'],
            ['Cluster', 'Success'],
            ['PostCheck', 'Success']
          ])
        ],
        { startedAt: now - 3 * HOUR }
      )
      const own = task(NEW_TASK, now - 170 * MIN, [
        { phase: 'Running', progress: '60.00', ms: 4000 },
        { phase: 'Success', progress: '100.00' }
      ])
      const a = await fake({ workflows: [w] }, [oldTask(now), own])
      const r = await run(a, { 'max-age': '2h' })
      expect(r.code).toBe(0)
      expect(r.outputs).toMatchObject({ result: 'success', workflowId: WF })
    },
    TEST_MS
  )

  it(
    'max-age: 2h follows a bare task started 2 h 30 min ago and still running',
    async () => {
      const now = Date.now()
      const slow = task(API_TASK, now - 150 * MIN, [
        { phase: 'Running', progress: '80.00', polls: 2 },
        { phase: 'Success', progress: '100.00' }
      ])
      const a = await fake({ workflows: [] }, [oldTask(now), slow])
      const r = await run(a, { 'max-age': '2h' })
      expect(r.code).toBe(0)
      expect(r.outputs).toMatchObject({ result: 'success', taskId: API_TASK })
    },
    TEST_MS
  )
})

describe('a workflow cancelled before its cluster upgrade: the same verdict whenever the gate looks (item 7)', () => {
  const cancelling = (now: number, o: { polls?: number; startedAt?: number } = {}) =>
    workflow(
      WF,
      goTime(o.startedAt ?? now),
      [
        state(
          'Running',
          [
            ['PreCheck', 'Running'],
            ['Cluster', 'Init'],
            ['PostCheck', 'Init']
          ],
          o.startedAt === undefined ? { polls: o.polls ?? 1 } : { ms: 5 * MIN }
        ),
        state('Cancel', [
          ['PreCheck', 'Success'],
          ['Cluster', 'Init'],
          ['PostCheck', 'Init']
        ])
      ],
      o.startedAt === undefined ? {} : { startedAt: o.startedAt }
    )

  it(
    'without an ID or max-age, the run that watched it being cancelled passes over it, as a re-run does',
    async () => {
      const now = Date.now()
      const a = await fake({ workflows: [cancelling(now, { polls: 2 })] }, [oldTask(now)])
      const r = await run(a)
      expect(r.code).toBe(0)
      expect(r.outputs).toMatchObject({ result: 'success', taskId: OLD_TASK })
      expect(r.stdout).toMatch(new RegExp(`Passing over upgrade workflow ${WF}`))
      // it followed the workflow first: it saw it under way
      expect(a.count({ kind: 'workflow' })).toBeGreaterThanOrEqual(1)
    },
    TEST_MS
  )

  it(
    'with max-age, the newest upgrade inside it fails at once as cancelled when first seen cancelled',
    async () => {
      const now = Date.now()
      const a = await fake({ workflows: [cancelling(now, { startedAt: now - 30 * MIN })] }, [
        oldTask(now)
      ])
      const r = await run(a, { 'max-age': '2h' })
      expect(r.code).toBe(1)
      expect(r.outputs).toMatchObject({ result: 'failed', workflowId: WF, workflowPhase: 'Cancel' })
      expect(errors(r.stdout)[0]).toMatch(new RegExp(`upgrade workflow ${WF} .*was cancelled`))
      expect(r.wallMs).toBeLessThan(15_000)
    },
    TEST_MS
  )

  it(
    'with max-age, the run that watched it being cancelled fails as cancelled too',
    async () => {
      const now = Date.now()
      const a = await fake({ workflows: [cancelling(now, { polls: 2 })] }, [oldTask(now)])
      const r = await run(a, { 'max-age': '2h' })
      expect(r.code).toBe(1)
      expect(r.outputs).toMatchObject({ result: 'failed', workflowId: WF, workflowPhase: 'Cancel' })
    },
    TEST_MS
  )
})

describe("another cluster's item never decides (item 8)", () => {
  it(
    "a failed workflow of another cluster in the list is left out, with a debug line; this cluster's own upgrade decides",
    async () => {
      const now = Date.now()
      const theirs = {
        ...failedRecently(now, OTHER_WF),
        clusterID: 'c0ffee00-0the-4e1f-9a6b-000000000002'
      }
      const a = await fake({ workflows: [theirs] }, [oldTask(now)])
      const r = await run(a)
      expect(r.code).toBe(0)
      expect(r.outputs).toMatchObject({ result: 'success', taskId: OLD_TASK })
      expect(r.stdout).toMatch(
        new RegExp(
          `::debug::Left out of the choice, an item of another cluster: upgrade workflow ${OTHER_WF}.*of cluster c0ffee00-0the`
        )
      )
      expect(a.count({ kind: 'workflow' })).toBe(0)
    },
    TEST_MS
  )
})

describe('the fake API speaks these times', () => {
  it("writes Go's zero time for every unset time with zeroTimes, and another cluster's ID with clusterID", async () => {
    const now = Date.now()
    const a = await fake(
      {
        zeroTimes: true,
        workflows: [
          {
            ...workflow(WF, goTime(now), [
              state('Running', [
                ['PreCheck', 'Running'],
                ['Cluster', 'Init']
              ])
            ]),
            clusterID: 'other'
          }
        ]
      },
      [{ ...task(API_TASK, now, [{ phase: 'Running', progress: '1.00' }]), clusterID: 'other' }],
      ['t0ken']
    )
    const get = async (path: string) => {
      const r = await fetch(`${a.url}/api/v3/projects/${P}/clusters/${C}${path}`, {
        headers: { 'X-Auth-Token': 't0ken' }
      })
      type Item = { spec: Record<string, string>; status: Record<string, unknown> }
      return (await r.json()) as { items: Item[] }
    }
    const [w] = (await get('/operation/upgradeworkflows')).items
    expect(w?.spec['clusterID']).toBe('other')
    const steps = w?.status['pointStatuses'] as Record<string, string>[]
    expect(steps[0]).toMatchObject({
      status: 'Running',
      endTimeStamp: GO_ZERO_TIME,
      expireTimeStamp: GO_ZERO_TIME
    })
    expect(steps[1]).toMatchObject({
      status: 'Init',
      startTimeStamp: GO_ZERO_TIME,
      endTimeStamp: GO_ZERO_TIME
    })
    const [t] = (await get('/operation/upgrade/tasks')).items
    expect(t?.spec['clusterID']).toBe('other')
    expect(t?.status['completionTime']).toBe(GO_ZERO_TIME)
    expect(goTimeLabelledUtc(Date.UTC(2026, 10, 24, 2, 0, 0))).toBe(
      '2026-11-24 10:00:00.000123 +0000 UTC'
    )
  })
})
