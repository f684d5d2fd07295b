/**
 * End to end, issue 19 items 1, 2 and 10: which clock judges what, with the committed dist/index.js run as the
 * runner runs it. The API's clock is learnt from the answers' Date headers alone (token login: no signature is ever
 * refused), and the runner's wall clock is stepped inside the action's process (clock-step.cjs, preloaded with
 * NODE_OPTIONS) as NTP or a person would step it: a step changes no verdict and moves no deadline.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { join } from 'node:path'
import { DEMO, demoInputs, goTime, startFakeApi } from '../support/fake-api.mjs'
import type { FakeApi, FakeApiOptions, FakeCluster, FakeTask } from '../support/fake-api.mjs'
import { errors, runAction, warnings } from '../support/run-action.js'

const P = DEMO.projectId
const C = DEMO.clusterId
const KEY = `${P}/${C}`
const T = DEMO.taskId
const IDLE_WF = '1d1e0000-idle-11ef-8d2c-0255ac100031'
const PREV_WF = '5b2f9a10-prev-11ef-8d2c-0255ac100031'
const PREV_TASK = 'b0b00000-prev-11ef-8d2c-0255ac100031'
const MIN = 60_000
const HOUR = 60 * MIN
const TOKEN = 'clock-test-token'
/** The child process is killed after this: a wait that outlives its timeout fails its test, it never hangs it. */
const KILL_MS = 45_000
const TEST_MS = 60_000
/** When the wall clock steps, in the action's process time: after its first polls (interval 1s). */
const MID_RUN_MS = 2500
const PRELOAD = join(process.cwd(), '__tests__', 'support', 'clock-step.cjs')

let api: FakeApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

async function fake(
  tasks: FakeTask[],
  cluster: FakeCluster = {},
  extra: Partial<FakeApiOptions> = {}
): Promise<FakeApi> {
  api = await startFakeApi({
    projects: [{ id: P, name: DEMO.region }],
    tasks: { [KEY]: tasks },
    clusters: { [KEY]: cluster },
    tokens: [TOKEN],
    ...extra
  })
  return api
}

/** A token login: nothing is signed, so only the Date headers can say the API's time. */
const inputs = (a: FakeApi, extra: Record<string, string>) =>
  demoInputs(a.url, {
    'access-key-id': '',
    'secret-access-key': '',
    'auth-token': TOKEN,
    'task-id': '',
    ...extra
  }).inputs

/** Runs the action with its wall clock stepped by `stepMs` once it has run `atMs` ms (0: from its start). */
const run = (a: FakeApi, extra: Record<string, string>, step?: { stepMs: number; atMs: number }) =>
  runAction({
    inputs: inputs(a, extra),
    env: step
      ? {
          NODE_OPTIONS: `--require ${PRELOAD}`,
          CLOCK_STEP_MS: String(step.stepMs),
          CLOCK_STEP_AT_MS: String(step.atMs)
        }
      : {},
    timeoutMs: KILL_MS
  })

/** The line clock-step.cjs writes when the action first read the stepped clock. */
const stepped = (ms: number) => new RegExp(`^clock-step: the wall clock stepped by ${ms} ms$`, 'm')

/** A bare upgrade task of the demo cluster that ended `endedAgo` ms ago, by the fake's (the API's) clock. */
const endedTask = (apiNow: number, endedAgo: number): FakeTask => ({
  uid: T,
  version: 'v1.28.3-r4',
  targetVersion: 'v1.29.5-r0',
  creationTimestamp: goTime(apiNow - endedAgo - 10 * MIN),
  completionTime: goTime(apiNow - endedAgo),
  timeline: [{ phase: 'Success', progress: '100.00' }]
})

describe("the API's clock, from the Date headers alone", () => {
  const AHEAD = 3 * HOUR

  it(
    'API 3 h ahead, token login: max-age: 2h does not let through an upgrade that ended 4 h 30 min ago',
    async () => {
      const apiNow = Date.now() + AHEAD
      const a = await fake(
        [endedTask(apiNow, 4 * HOUR + 30 * MIN)],
        {},
        {
          now: () => Date.now() + AHEAD
        }
      )
      const r = await run(a, { 'max-age': '2h', timeout: '4s' })
      expect(r.stderr).toBe('')
      expect(r.outputs['result']).toBe('timeout')
      expect(r.stdout).toContain(
        "This runner's clock is 3h behind the API's (its Date header): times the API gives are compared with the API's clock."
      )
      expect(r.stdout).toMatch(
        /No upgrade under way or ended in the last 2h yet \(the newest, upgrade task/
      )
      expect(a.count({ status: 401 })).toBe(0)
      expect(a.requests.every(q => q.auth === 'token')).toBe(true)
    },
    TEST_MS
  )

  it(
    'API 3 h ahead, token login: an upgrade that ended 1 h 30 min ago by its clock counts for max-age: 2h',
    async () => {
      const apiNow = Date.now() + AHEAD
      const a = await fake([endedTask(apiNow, 90 * MIN)], {}, { now: () => Date.now() + AHEAD })
      const r = await run(a, { 'max-age': '2h', timeout: '20s' })
      expect(r.stderr).toBe('')
      expect(errors(r.stdout)).toEqual([])
      expect(r.outputs).toMatchObject({ result: 'success', taskId: T })
      expect(a.count({ status: 401 })).toBe(0)
    },
    TEST_MS
  )
})

describe("a step of the runner's wall clock in the action's process", () => {
  it(
    '+2 h mid-run does not end the wait early: the upgrade that succeeds 7 s in passes',
    async () => {
      const a = await fake([
        {
          uid: T,
          version: 'v1.28.3-r4',
          targetVersion: 'v1.29.5-r0',
          creationTimestamp: goTime(Date.now() - MIN),
          timeline: [
            { phase: 'Running', progress: '40.00', ms: 7000 },
            { phase: 'Success', progress: '100.00' }
          ]
        }
      ])
      const r = await run(
        a,
        { 'task-id': T, timeout: '25s' },
        { stepMs: 2 * HOUR, atMs: MID_RUN_MS }
      )
      expect(r.stderr).toMatch(stepped(2 * HOUR))
      expect(errors(r.stdout)).toEqual([])
      expect(r.outputs).toMatchObject({ result: 'success', phase: 'Success' })
      expect(r.wallMs).toBeGreaterThanOrEqual(7000)
      // the elapsed times too are the monotonic clock's: none of the step's 2 hours in them
      expect(r.summary).toMatch(/^\| Waited \| \d+s \|$/m)
    },
    TEST_MS
  )

  it.each([
    ['from the start', 0],
    ['mid-run', MID_RUN_MS]
  ])(
    '+2 h %s does not change a max-age verdict: an upgrade that ended 1 h 30 min ago still counts',
    async (_, atMs) => {
      // the cluster settles for 5 s: the gate chooses again after the step, before it passes
      const a = await fake([endedTask(Date.now(), 90 * MIN)], {
        phases: [{ phase: 'Upgrading', ms: 5000 }, { phase: 'Available' }]
      })
      const r = await run(a, { 'max-age': '2h', timeout: '25s' }, { stepMs: 2 * HOUR, atMs })
      expect(r.stderr).toMatch(stepped(2 * HOUR))
      expect(errors(r.stdout)).toEqual([])
      expect(r.outputs).toMatchObject({ result: 'success', taskId: T, clusterPhase: 'Available' })
      expect(a.count({ status: 401 })).toBe(0)
    },
    TEST_MS
  )

  it(
    '+2 h mid-run does not expire a valid pre-check: the idle workflow holds the gate, the older Success does not pass',
    async () => {
      const now = Date.now()
      const a = await fake(
        [
          {
            uid: PREV_TASK,
            version: 'v1.28.3-r4',
            targetVersion: 'v1.29.5-r0',
            creationTimestamp: goTime(now - 3 * HOUR),
            completionTime: goTime(now - 2 * HOUR),
            timeline: [{ phase: 'Success', progress: '100.00' }]
          }
        ],
        {
          version: 'v1.29',
          workflows: [
            {
              uid: PREV_WF,
              creationTimestamp: goTime(now - 3 * HOUR),
              clusterVersion: 'v1.28',
              targetVersion: 'v1.29',
              startedAt: now - 2 * HOUR,
              timeline: [
                {
                  phase: 'Success',
                  steps: [
                    { taskType: 'PreCheck', taskID: 'pc-prev', status: 'Success' },
                    { taskType: 'Cluster', taskID: PREV_TASK, status: 'Success' },
                    { taskType: 'PostCheck', status: 'Success' }
                  ]
                }
              ]
            },
            {
              uid: IDLE_WF,
              creationTimestamp: goTime(now - 30 * MIN),
              clusterVersion: 'v1.29',
              targetVersion: 'v1.30',
              // its pre-check passed 30 minutes ago and is valid for an hour: 30 minutes left, not 2 hours
              startedAt: now - 30 * MIN,
              preCheckExpiry: { afterEndMs: HOUR },
              timeline: [
                {
                  phase: 'Running',
                  steps: [
                    { taskType: 'PreCheck', taskID: 'pc-idle', status: 'Success' },
                    { taskType: 'Cluster', taskID: 'task-never', status: 'Init' },
                    { taskType: 'PostCheck', status: 'Init' }
                  ]
                }
              ]
            }
          ]
        }
      )
      // max-age: a workflow waiting for a person holds the gate only when asked for (guard use passes over it)
      const r = await run(
        a,
        { timeout: '6s', 'max-age': '3h' },
        { stepMs: 2 * HOUR, atMs: MID_RUN_MS }
      )
      expect(r.stderr).toMatch(stepped(2 * HOUR))
      expect(r.outputs).toMatchObject({ result: 'timeout', workflowId: IDLE_WF })
      expect(warnings(r.stdout)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^::warning::Upgrade workflow ${IDLE_WF} \\(v1\\.29 → v1\\.30\\) passed its pre-check, but its cluster upgrade has not started: .* the pre-check result is valid until `
          )
        )
      ])
      expect(errors(r.stdout)).toEqual([
        expect.stringContaining('The pre-check passed, but nobody started the cluster upgrade')
      ])
    },
    TEST_MS
  )

  it(
    '−1 h mid-run does not let the step run past its timeout: it ends within the timeout plus a few seconds, with outputs and summary',
    async () => {
      const a = await fake([
        {
          uid: T,
          version: 'v1.28.3-r4',
          targetVersion: 'v1.29.5-r0',
          creationTimestamp: goTime(Date.now() - MIN),
          timeline: [{ phase: 'Running', progress: '40.00' }]
        }
      ])
      const r = await run(a, { 'task-id': T, timeout: '6s' }, { stepMs: -HOUR, atMs: MID_RUN_MS })
      expect(r.stderr).toMatch(stepped(-HOUR))
      expect(r.signal).toBeNull()
      expect(r.code).toBe(1)
      expect(r.wallMs).toBeLessThan(6000 + 5000)
      expect(r.outputs).toMatchObject({ result: 'timeout', phase: 'Running', progress: '40.00' })
      expect(errors(r.stdout)).toEqual([
        expect.stringMatching(/^::error::Timed out after 6s waiting for the upgrade task /)
      ])
      expect(r.summary).toContain('⌛ Timed out')
      // the last look came in the timeout's last second: polls at about 0, 1, … 5 s
      expect(a.count({ kind: 'task' })).toBeGreaterThanOrEqual(4)
    },
    TEST_MS
  )
})
