/**
 * End to end, issue 12: the committed dist/index.js against the fake CCE API in the flows real console users
 * produce (a post-check nobody starts, a skipped backup, an abandoned or idle workflow, list answers without
 * `items` or with an item the gate cannot read, the APIG. gateway prefix, the cluster's spec.version, a stale
 * task-id, a second pause), run as the runner runs it (see e2e.test.ts).
 *
 * Every run has a short `timeout` input and a kill timeout: a rule that breaks fails its test, it never hangs it.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { DEMO, demoInputs, goTime, startFakeApi } from '../support/fake-api.mjs'
import type {
  FakeApi,
  FakeApiOptions,
  FakeCluster,
  FakeTask,
  FakeWorkflow,
  WorkflowState
} from '../support/fake-api.mjs'
import { errors, runAction, visible, warnings } from '../support/run-action.js'
import type { ActionRun } from '../support/run-action.js'

const P = DEMO.projectId
const C = DEMO.clusterId
const KEY = `${P}/${C}`
const NEW_TASK = 'a1b2c3d4-new0-11ef-8d2c-0255ac100031'
const OLD_TASK = '0ld00000-old0-11ef-8d2c-0255ac100031'
const PREV_TASK = 'b0b00000-prev-11ef-8d2c-0255ac100031'
const WF = '5b2f9a10-wf00-11ef-8d2c-0255ac100031'
const PREV_WF = '5b2f9a10-prev-11ef-8d2c-0255ac100031'
const ABANDONED = 'deadbeef-gone-11ef-8d2c-0255ac100031'
const PRECHECK = 'pc000000-pc00-11ef-8d2c-0255ac100031'
const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
/** A run's own timeout input, for the runs expected to time out: short, yet a few polls at interval 1s. */
const SHORT = '5s'
/** For the runs expected to end by themselves: generous under load, well inside the kill timeout. */
const LONG = '25s'
/** The child process is killed after this; the test's own timeout is above it. */
const KILL_MS = 45_000
const TEST_MS = 60_000
const RID = '[0-9a-f]{32}'

let api: FakeApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
/** An exact line, but for the parts given as regular expressions (request IDs, elapsed times). */
const line = (...parts: (string | RegExp)[]) =>
  new RegExp(`^${parts.map(p => (typeof p === 'string' ? escape(p) : p.source)).join('')}$`)

/** Last quarter's upgrade: a task that ended in Success 90 days ago. */
const oldTask = (at: number, extra: Partial<FakeTask> = {}): FakeTask => ({
  uid: OLD_TASK,
  version: 'v1.27.3-r0',
  targetVersion: 'v1.28.3-r4',
  creationTimestamp: goTime(at - 91 * DAY),
  // half an hour past 90 days: ages are floored, and the API clock's offset is read to the second
  completionTime: goTime(at - 90 * DAY - HOUR / 2),
  timeline: [{ phase: 'Success', progress: '100.00' }],
  ...extra
})

/** The new upgrade's task: Running at each progress for one poll, then Success. */
const newTask = (at: number, progress: string[] = [], extra: Partial<FakeTask> = {}): FakeTask => ({
  uid: NEW_TASK,
  version: 'v1.28.3-r4',
  targetVersion: 'v1.29.5-r0',
  creationTimestamp: goTime(at),
  timeline: [
    ...progress.map(p => ({ phase: 'Running', progress: p, polls: 1 })),
    { phase: 'Success', progress: '100.00' }
  ],
  ...extra
})

/** A workflow state; the Cluster step's task is NEW_TASK, the PreCheck step's PRECHECK (unless `ids` says). */
const state = (
  phase: string,
  steps: [string, string][],
  polls?: number,
  ids: Record<string, string> = { PreCheck: PRECHECK, Cluster: NEW_TASK }
): WorkflowState => ({
  phase,
  ...(polls === undefined ? {} : { polls }),
  steps: steps.map(([taskType, status]) => ({
    taskType,
    status,
    ...(ids[taskType] === undefined ? {} : { taskID: ids[taskType] })
  }))
})

const workflow = (
  at: number,
  timeline: WorkflowState[],
  extra: Partial<FakeWorkflow> = {}
): FakeWorkflow => ({
  uid: WF,
  creationTimestamp: goTime(at - MIN),
  clusterVersion: 'v1.28',
  targetVersion: 'v1.29',
  timeline,
  ...extra
})

async function fake(
  cluster: FakeCluster,
  tasks: FakeTask[],
  extra: Partial<FakeApiOptions> = {}
): Promise<FakeApi> {
  await api?.close()
  api = await startFakeApi({
    projects: [{ id: P, name: DEMO.region }],
    tasks: { [KEY]: tasks },
    clusters: { [KEY]: cluster },
    ...extra
  })
  return api
}

/** The demo cluster's inputs, without task-id unless given: the gate looks for the current upgrade. */
const inputs = (a: FakeApi, extra: Record<string, string> = {}) =>
  demoInputs(a.url, { 'task-id': '', timeout: LONG, ...extra }).inputs

const run = (a: FakeApi, extra: Record<string, string> = {}, env: Record<string, string> = {}) =>
  runAction({ inputs: inputs(a, extra), env, timeoutMs: KILL_MS })

/** The Polls row of the job summary. */
function pollsOf(r: ActionRun): number {
  const m = /^\| Polls \| (\d+) \|$/m.exec(r.summary)
  if (!m) throw new Error(`no Polls row in the summary:\n${r.summary}`)
  return Number(m[1])
}

const CCE_KINDS = ['cluster', 'task', 'tasks', 'workflow', 'workflows', 'precheck', 'prechecks']
const cceRequests = (a: FakeApi) => a.count(q => CCE_KINDS.includes(q.kind))

/**
 * While it only waits, the gate makes at most 2 requests per poll. A run that timed out may have begun one more
 * poll just before its deadline, cut short there (not counted in the summary, its requests made): allowed for.
 */
function expectAtMostTwoPerPoll(a: FakeApi, r: ActionRun): void {
  const polls = pollsOf(r)
  expect(polls).toBeGreaterThanOrEqual(2)
  expect(cceRequests(a)).toBeLessThanOrEqual(
    2 * (polls + (r.outputs['result'] === 'timeout' ? 1 : 0))
  )
}

/** `n` requests of one kind per poll: one each poll, and maybe one of a last poll cut short by the deadline. */
function expectOnePerPoll(n: number, polls: number): void {
  expect(n).toBeGreaterThanOrEqual(polls)
  expect(n).toBeLessThanOrEqual(polls + 1)
}

/** Lines that are neither workflow commands nor empty: the log a person reads. */
const infoLines = (stdout: string) =>
  visible(stdout)
    .split('\n')
    .filter(l => l && !l.startsWith('::'))

const debugLines = (stdout: string) => stdout.split('\n').filter(l => l.startsWith('::debug::'))

describe('a post-check nobody starts (issue 12, rule 1)', () => {
  /**
   * The Cluster step runs (seen in the lists and at the first read of the workflow), then succeeds at the third
   * poll; the post-check stays Init for good.
   */
  const upgradedNoPostCheck = (at: number) =>
    fake(
      {
        workflows: [
          workflow(at, [
            state(
              'Running',
              [
                ['PreCheck', 'Success'],
                ['Snapshot', 'Success'],
                ['Cluster', 'Running'],
                ['PostCheck', 'Init']
              ],
              1
            ),
            state('Running', [
              ['PreCheck', 'Success'],
              ['Snapshot', 'Success'],
              ['Cluster', 'Success'],
              ['PostCheck', 'Init']
            ])
          ])
        ]
      },
      [oldTask(at), newTask(at, ['50.00'])]
    )

  it(
    'passes once the cluster is upgraded, with one warning saying where to start the post-check; workflowPhase Running',
    async () => {
      const a = await upgradedNoPostCheck(Date.now())
      const r = await run(a)
      expect(r.stderr).toBe('')
      expect(errors(r.stdout)).toEqual([])
      expect(r.code).toBe(0)
      expect(warnings(r.stdout)).toEqual([
        `::warning::The cluster upgrade of workflow ${WF} succeeded, but its post-check has not been started: the gate passes without it (wait-for-post-check: false); the workflow stays Running until it is done. Once your services are back, start the post-check in the CCE console (cluster → Upgrade); set wait-for-post-check: true to have the gate wait for it.`
      ])
      expect(infoLines(r.stdout).at(-1)).toMatch(
        line(
          `The cluster upgrade of the upgrade workflow ${WF} of cluster ${C} succeeded (v1.28.3-r4 → v1.29.5-r0, 100.00%) and cluster ${C} is Available, after `,
          /\d+s/,
          ' of waiting: the cluster is upgraded. Its post-check has not been started (the workflow stays Running): start it in the CCE console (cluster → Upgrade) once your services are back.'
        )
      )
      expect(r.outputs).toEqual({
        result: 'success',
        taskId: NEW_TASK,
        phase: 'Success',
        progress: '100.00',
        version: 'v1.28.3-r4',
        targetVersion: 'v1.29.5-r0',
        completionTime: expect.stringMatching(/^\d{4}-\d\d-\d\d /),
        workflowId: WF,
        workflowPhase: 'Running',
        failedStep: '',
        clusterPhase: 'Available',
        results: expect.stringContaining('"workflowPhase":"Running"'),
        passed: JSON.stringify([C]),
        failed: '[]'
      })
      expect(r.summary).toContain('| PostCheck | Init | — | — | — |')
      expect(r.summary).toContain('its post-check has not been started')
      // the cluster is read only once the upgrade passed, and the task never again after its end
      expect(a.count({ kind: 'cluster' })).toBe(1)
      expect(a.count({ kind: 'task', taskId: OLD_TASK })).toBe(0)
    },
    TEST_MS
  )

  it(
    'with wait-for-post-check: true, waits for it instead, says so once, and times out',
    async () => {
      const a = await upgradedNoPostCheck(Date.now())
      const r = await run(a, { 'wait-for-post-check': 'true', timeout: SHORT })
      expect(r.code).toBe(1)
      expect(warnings(r.stdout)).toEqual([
        `::warning::The Cluster step of upgrade workflow ${WF} succeeded; the workflow now waits for its post-check, and wait-for-post-check: true has the gate wait for it too. Start the post-check in the CCE console (cluster → Upgrade); the gate passes once the workflow succeeds and the cluster is Available.`
      ])
      expect(errors(r.stdout)).toEqual([
        expect.stringMatching(
          line(
            `::error::Timed out after 5s waiting for the upgrade workflow ${WF} of cluster ${C}: last seen: workflow Running, step PostCheck Init, task Success at 100.00%; request ID of the last response: `,
            new RegExp(RID),
            '. The cluster upgrade is done; the workflow waits for its post-check, which a person starts: start it in the CCE console (cluster → Upgrade) once your services are back, then re-run this job (or set wait-for-post-check: false to pass without it).'
          )
        )
      ])
      expect(r.outputs).toMatchObject({
        result: 'timeout',
        workflowId: WF,
        workflowPhase: 'Running',
        taskId: NEW_TASK,
        phase: 'Success',
        clusterPhase: ''
      })
      // waiting for the post-check is waiting for the workflow: the cluster is not read meanwhile
      expect(a.count({ kind: 'cluster' })).toBe(0)
      expectAtMostTwoPerPoll(a, r)
    },
    TEST_MS
  )

  it(
    'a post-check that runs is waited for, and one that fails fails the gate',
    async () => {
      const at = Date.now()
      const steps = (postCheck: string): [string, string][] => [
        ['PreCheck', 'Success'],
        ['Cluster', 'Success'],
        ['PostCheck', postCheck]
      ]
      const a = await fake(
        {
          workflows: [
            workflow(at, [state('Running', steps('Running'), 2), state('Pending', steps('Failed'))])
          ]
        },
        [oldTask(at), newTask(at)]
      )
      const r = await run(a)
      expect(r.code).toBe(1)
      expect(warnings(r.stdout)).toEqual([])
      expect(errors(r.stdout)).toEqual([
        expect.stringMatching(
          line(
            `::error::Step PostCheck of the upgrade workflow ${WF} of cluster ${C} failed (v1.28.3-r4 → v1.29.5-r0); request ID of the last response: `,
            new RegExp(RID),
            '. The cluster was upgraded but failed its post-upgrade check: do not deploy onto it until the check passes. See the workflow in the CCE console (cluster → Upgrade) and give Huawei support the request ID; re-run this job after the upgrade has been retried.'
          )
        )
      ])
      expect(r.outputs).toMatchObject({
        result: 'failed',
        workflowPhase: 'Pending',
        failedStep: 'PostCheck',
        clusterPhase: ''
      })
      // it waited through the post-check, never passing: the lists and two reads showed it Running, the next Failed
      expect(pollsOf(r)).toBe(4)
      expect(a.count({ kind: 'cluster' })).toBe(0)
    },
    TEST_MS
  )
})

describe('a skipped backup (rule 2)', () => {
  it(
    'a Snapshot step still Init while the Cluster step and the post-check succeeded holds nothing: passes',
    async () => {
      const at = Date.now()
      const steps = (cluster: string, postCheck: string): [string, string][] => [
        ['PreCheck', 'Success'],
        ['Snapshot', 'Init'],
        ['Cluster', cluster],
        ['PostCheck', postCheck]
      ]
      const a = await fake(
        {
          workflows: [
            workflow(at, [
              state('Running', steps('Running', 'Init'), 1),
              state('Running', steps('Success', 'Running'), 1),
              state('Success', steps('Success', 'Success'))
            ])
          ]
        },
        [oldTask(at), newTask(at, ['50.00'])]
      )
      const r = await run(a)
      expect(r.stderr).toBe('')
      expect(errors(r.stdout)).toEqual([])
      expect(warnings(r.stdout)).toEqual([])
      expect(r.code).toBe(0)
      expect(infoLines(r.stdout)).toContainEqual(
        expect.stringMatching(/^Upgrade workflow 5b2f9a10-wf00-.*: Success · /)
      )
      expect(r.outputs).toMatchObject({
        result: 'success',
        workflowId: WF,
        workflowPhase: 'Success',
        taskId: NEW_TASK,
        phase: 'Success',
        failedStep: '',
        clusterPhase: 'Available'
      })
      expect(r.summary).toContain('| Snapshot | Init | — | — | — |')
    },
    TEST_MS
  )
})

/** A workflow whose steps all succeeded, PREV_WF unless `extra` says, its Cluster step's task `clusterTask`. */
const succeededWorkflow = (
  at: number,
  clusterTask: string,
  extra: Partial<FakeWorkflow>
): FakeWorkflow =>
  workflow(
    at,
    [
      state(
        'Success',
        [
          ['PreCheck', 'Success'],
          ['Cluster', 'Success'],
          ['PostCheck', 'Success']
        ],
        undefined,
        { PreCheck: 'pc-prev', Cluster: clusterTask }
      )
    ],
    { uid: PREV_WF, ...extra }
  )

/** This morning's upgrade: a workflow that ended in Success 2 hours ago, and its task. */
const morning = (at: number): { workflow: FakeWorkflow; task: FakeTask } => ({
  workflow: succeededWorkflow(at, PREV_TASK, {
    creationTimestamp: goTime(at - 3 * HOUR),
    startedAt: at - 2 * HOUR
  }),
  task: {
    uid: PREV_TASK,
    version: 'v1.28.3-r4',
    targetVersion: 'v1.29.5-r0',
    creationTimestamp: goTime(at - 3 * HOUR + MIN),
    completionTime: goTime(at - 2 * HOUR),
    timeline: [{ phase: 'Success', progress: '100.00' }]
  }
})

describe('an abandoned workflow: its pre-check expired before anyone started the upgrade (rule 3)', () => {
  /**
   * This morning's upgrade (a workflow that ended in Success 2 hours ago) and, newer, a workflow whose pre-check
   * passed 30 minutes ago but nobody started its cluster upgrade; its pre-check expired a minute before the step.
   * Every time is the API's: `apiAhead` ms ahead of the runner's clock.
   */
  async function abandonedAfterSuccess(runnerAt: number, apiAhead = 0) {
    const at = runnerAt + apiAhead
    const expired = at - MIN
    const ids = { PreCheck: 'pc-gone', Cluster: 'task-never' }
    const a = await fake(
      {
        // the cluster is on the previous upgrade's version: the abandoned one's target never took
        version: 'v1.29',
        workflows: [
          morning(at).workflow,
          workflow(
            at,
            [
              state(
                'Running',
                [
                  ['PreCheck', 'Success'],
                  ['Cluster', 'Init'],
                  ['PostCheck', 'Init']
                ],
                undefined,
                ids
              )
            ],
            {
              uid: ABANDONED,
              creationTimestamp: goTime(at - 30 * MIN),
              // its pre-check passed 30 minutes ago, and was valid for 29 minutes
              startedAt: at - 30 * MIN,
              clusterVersion: 'v1.29',
              targetVersion: 'v1.30',
              preCheckExpiry: { afterEndMs: 29 * MIN }
            }
          )
        ]
      },
      [morning(at).task],
      apiAhead ? { now: () => Date.now() + apiAhead } : {}
    )
    return { a, expires: goTime(expired) }
  }

  it(
    'without an ID it does not hold the gate: one warning names it, and the older Success decides',
    async () => {
      const { a, expires } = await abandonedAfterSuccess(Date.now())
      const r = await run(a)
      expect(r.stderr).toBe('')
      expect(errors(r.stdout)).toEqual([])
      expect(r.code).toBe(0)
      expect(warnings(r.stdout)).toEqual([
        expect.stringMatching(
          line(
            `::warning::Upgrade workflow ${ABANDONED} (v1.29 → v1.30, created `,
            /30m(\d+s)?|29m5\ds/,
            ` before this step) passed its pre-check but its cluster upgrade was never started, and the pre-check expired at ${expires}: it changed nothing and cannot go on, so it does not hold the gate (the choice passes over it). Cancel it in the CCE console (cluster → Upgrade), or run a new pre-check to upgrade.`
          )
        )
      ])
      expect(infoLines(r.stdout)).toContainEqual(
        expect.stringMatching(
          line(
            `Waiting on upgrade workflow ${PREV_WF} (v1.28 → v1.29, Success, started `,
            /3h/,
            " before this step): the cluster's current upgrade among 2 upgrade workflow(s) and 1 upgrade task(s)."
          )
        )
      )
      expect(r.outputs).toMatchObject({
        result: 'success',
        workflowId: PREV_WF,
        workflowPhase: 'Success',
        taskId: PREV_TASK,
        targetVersion: 'v1.29.5-r0',
        clusterPhase: 'Available'
      })
      expect(a.count({ kind: 'workflow', taskId: ABANDONED })).toBe(0)
    },
    TEST_MS
  )

  it(
    'expired by the API’s clock, though not yet by the runner’s (10 minutes behind): passed over all the same',
    async () => {
      const { a, expires } = await abandonedAfterSuccess(Date.now(), 10 * MIN)
      const r = await run(a)
      expect(r.stderr).toBe('')
      expect(errors(r.stdout)).toEqual([])
      expect(r.code).toBe(0)
      // (the age is the runner's reckoning: see the report on ages under clock skew)
      expect(warnings(r.stdout)).toEqual([
        expect.stringMatching(
          line(
            `::warning::Upgrade workflow ${ABANDONED} (v1.29 → v1.30, created `,
            /\d+m(\d+s)?/,
            ` before this step) passed its pre-check but its cluster upgrade was never started, and the pre-check expired at ${expires}: it changed nothing and cannot go on, so it does not hold the gate (the choice passes over it). Cancel it in the CCE console (cluster → Upgrade), or run a new pre-check to upgrade.`
          )
        )
      ])
      expect(r.outputs).toMatchObject({ result: 'success', workflowId: PREV_WF })
      // the skew is within what a signature may be off: nothing was refused
      expect(a.count({ status: 401 })).toBe(0)
    },
    TEST_MS
  )

  it(
    'named by workflow-id it fails fast: the pre-check expired and the upgrade never started',
    async () => {
      const { a, expires } = await abandonedAfterSuccess(Date.now())
      const r = await run(a, { 'workflow-id': ABANDONED })
      expect(r.code).toBe(1)
      expect(errors(r.stdout)).toEqual([
        `::error::The upgrade workflow ${ABANDONED} of cluster ${C} passed its pre-check, but its cluster upgrade was never started and the pre-check expired at ${expires} (v1.29 → v1.30): the cluster was not upgraded, and this workflow cannot go on. Run the pre-check again and start the upgrade in the CCE console (cluster → Upgrade), or cancel the workflow; then re-run this job with the new workflow's ID, or without workflow-id.`
      ])
      expect(warnings(r.stdout)).toEqual([])
      expect(r.outputs).toMatchObject({
        result: 'failed',
        workflowId: ABANDONED,
        workflowPhase: 'Running',
        failedStep: '',
        taskId: '',
        clusterPhase: ''
      })
      // at the first poll: one read of the workflow, nothing else
      expect(pollsOf(r)).toBe(1)
      expect(cceRequests(a)).toBe(1)
      expect(r.wallMs).toBeLessThan(15_000)
    },
    TEST_MS
  )
})

describe('an idle workflow: pre-check passed, nobody started the upgrade yet (rule 4)', () => {
  // with max-age it holds the gate; in guard use (neither ID nor max-age) it holds nothing: e2e-guard.test.ts
  it(
    'with max-age, keeps waiting, saying once that a person must start the upgrade in the CCE console; times out',
    async () => {
      const at = Date.now()
      const validUntil = goTime(at + 2 * HOUR)
      const a = await fake(
        {
          workflows: [
            workflow(
              at,
              [
                state('Running', [
                  ['PreCheck', 'Success'],
                  ['Cluster', 'Init'],
                  ['PostCheck', 'Init']
                ])
              ],
              { creationTimestamp: goTime(at - 5 * MIN), preCheckExpiry: { at: at + 2 * HOUR } }
            )
          ]
        },
        [oldTask(at)]
      )
      const r = await run(a, { timeout: SHORT, 'max-age': '2h' })
      expect(r.code).toBe(1)
      expect(warnings(r.stdout)).toEqual([
        `::warning::Upgrade workflow ${WF} (v1.28 → v1.29) passed its pre-check, but its cluster upgrade has not started: a person must start it in the CCE console (cluster → Upgrade). The gate keeps waiting; the pre-check result is valid until ${validUntil}, after which this workflow cannot go on (cancel it or run a new pre-check).`
      ])
      expect(errors(r.stdout)).toEqual([
        expect.stringMatching(
          line(
            `::error::Timed out after 5s waiting for the upgrade workflow ${WF} of cluster ${C}: last seen: workflow Running, step Cluster Init; request ID of the last response: `,
            new RegExp(RID),
            '. The pre-check passed, but nobody started the cluster upgrade: start it in the CCE console (cluster → Upgrade), then re-run this job.'
          )
        )
      ])
      expect(r.outputs).toMatchObject({
        result: 'timeout',
        workflowId: WF,
        workflowPhase: 'Running',
        taskId: '',
        clusterPhase: ''
      })
      // chosen once from the lists, then only the workflow by ID
      expect([a.count({ kind: 'workflows' }), a.count({ kind: 'tasks' })]).toEqual([1, 1])
      expectOnePerPoll(a.count({ kind: 'workflow' }), pollsOf(r) - 1)
      expectAtMostTwoPerPoll(a, r)
    },
    TEST_MS
  )
})

describe('lists, fail-safe (rule 5)', () => {
  it(
    'a workflow list without items and an old task without status.phase: follows the current task and passes; the old one only in a debug line',
    async () => {
      const at = Date.now()
      const old = oldTask(at, { omit: ['status.phase'] })
      const a = await fake({ lists: { workflows: 'omit-empty' }, workflows: [] }, [
        old,
        newTask(at, ['40.00', '80.00'])
      ])
      const r = await run(a, {}, { RUNNER_DEBUG: '1' })
      expect(r.stderr).toBe('')
      expect(errors(r.stdout)).toEqual([])
      expect(warnings(r.stdout)).toEqual([])
      expect(r.code).toBe(0)
      expect(r.outputs).toMatchObject({
        result: 'success',
        taskId: NEW_TASK,
        phase: 'Success',
        workflowId: '',
        workflowPhase: '',
        clusterPhase: 'Available'
      })
      expect(infoLines(r.stdout)).toContainEqual(
        expect.stringMatching(
          line(
            `Waiting on upgrade task ${NEW_TASK} (v1.28.3-r4 → v1.29.5-r0, Running, started `,
            /\d+s/,
            " before this step): the cluster's current upgrade among 0 upgrade workflow(s) and 1 upgrade task(s)."
          )
        )
      )
      // the item left out is named in a debug line (shown only with ACTIONS_STEP_DEBUG / RUNNER_DEBUG), nowhere else
      const mentions = r.stdout.split('\n').filter(l => l.includes(OLD_TASK))
      expect(mentions).toEqual([
        `::debug::Left out of the choice, unreadable but older than it: upgrade task ${OLD_TASK} (created ${old.creationTimestamp}): no status.phase`
      ])
      expect(debugLines(r.stdout)).toContain(mentions[0])
      expect(r.summary).not.toContain(OLD_TASK)
    },
    TEST_MS
  )

  it(
    'an unreadable item newer than everything (and a workflow list with items: null): no pass, the timeout ends it naming the item',
    async () => {
      const at = Date.now()
      const created = goTime(at)
      const mystery = newTask(at, [], { uid: 'mystery-task', omit: ['status.phase'] })
      const a = await fake({ lists: { workflows: 'null-empty' }, workflows: [] }, [
        oldTask(at),
        mystery
      ])
      const r = await run(a, { timeout: SHORT })
      expect(r.code).toBe(1)
      const item = `upgrade task mystery-task (created ${created}): no status.phase`
      expect(warnings(r.stdout)).toEqual([
        `::warning::The cluster's list of upgrades holds an item the gate cannot read, which may be its current upgrade: ${item}. The gate does not pass over it: it keeps waiting until the item can be read or the timeout ends the wait. Give workflow-id or task-id to wait on a known upgrade, and please report the item.`
      ])
      expect(errors(r.stdout)).toEqual([
        expect.stringMatching(
          line(
            `::error::Timed out after 5s waiting for the current upgrade of cluster ${C}: an item of the upgrade lists could not be read and may be the current upgrade: ${item}; request ID of the last response: `,
            new RegExp(RID),
            '. The gate does not pass while an item it cannot read may be the current upgrade: give workflow-id or task-id of the upgrade to wait on, and please report the item; then re-run this job.'
          )
        )
      ])
      expect(r.outputs).toMatchObject({ result: 'timeout', taskId: '', workflowId: '' })
      // never on to the cluster, nor to last quarter's Success: only the two lists, each poll
      expect(a.count({ kind: 'cluster' })).toBe(0)
      expect(a.count({ kind: 'task' })).toBe(0)
      expectOnePerPoll(a.count({ kind: 'workflows' }), pollsOf(r))
      expectOnePerPoll(a.count({ kind: 'tasks' }), pollsOf(r))
      expectAtMostTwoPerPoll(a, r)
    },
    TEST_MS
  )
})

describe('both gateway prefixes (rule 6)', () => {
  it(
    'a clock skew answered with 401 APIG.0301 "signature expired" is corrected, and the gate passes',
    async () => {
      const at = Date.now()
      const a = await fake({}, [newTask(at, ['50.00'])], {
        // the gateway's clock is 20 minutes ahead of the runner's
        now: () => Date.now() + 20 * MIN,
        gatewayPrefix: 'APIG'
      })
      const r = await run(a, { 'task-id': NEW_TASK })
      expect(r.stderr).toBe('')
      expect(errors(r.stdout)).toEqual([])
      expect(r.code).toBe(0)
      expect(warnings(r.stdout)).toEqual([
        expect.stringMatching(
          line(
            "::warning::This runner's clock is ",
            /(19m5\ds|20m|20m1s)/,
            " behind the API's; correcting (signing with the API's time from now on)"
          )
        )
      ])
      // one refusal measured the skew; every request after it was signed right
      expect(a.count({ status: 401 })).toBe(1)
      expect(a.requests.find(q => q.status === 401)?.kind).toBe('task')
      expect(r.outputs).toMatchObject({ result: 'success', taskId: NEW_TASK, phase: 'Success' })
    },
    TEST_MS
  )

  it(
    'a workflow list answered 404 APIG.0101 is an endpoint without workflows: fails at once, pointing at task-id',
    async () => {
      const a = await fake({ noWorkflowApi: true }, [newTask(Date.now())], {
        gatewayPrefix: 'APIG'
      })
      const r = await run(a)
      expect(r.code).toBe(1)
      const path = `/api/v3/projects/${P}/clusters/${C}/operation/upgradeworkflows`
      expect(errors(r.stdout)).toEqual([
        expect.stringMatching(
          line(
            `::error::This endpoint does not offer upgrade workflows (HTTP 404 APIG.0101: The API does not exist or has not been published in the environment: GET ${path} (request ID `,
            new RegExp(RID),
            ')): give task-id to wait on the upgrade task, or check the endpoint input.'
          )
        )
      ])
      expect(a.count({ kind: 'workflows' })).toBe(1)
      expect(r.outputs).toMatchObject({ result: 'error' })
    },
    TEST_MS
  )
})

describe('the cluster’s version against the upgrade’s target (rule 7)', () => {
  const succeeded = (at: number, version: FakeCluster['version']) =>
    fake(
      {
        version,
        workflows: [
          workflow(at, [
            state('Success', [
              ['PreCheck', 'Success'],
              ['Cluster', 'Success'],
              ['PostCheck', 'Success']
            ])
          ])
        ]
      },
      [oldTask(at), newTask(at)]
    )

  it(
    'a cluster still on an older minor version fails, naming both versions',
    async () => {
      const a = await succeeded(Date.now(), 'v1.28')
      const r = await run(a)
      expect(r.code).toBe(1)
      expect(errors(r.stdout)).toEqual([
        expect.stringMatching(
          line(
            `::error::The upgrade workflow ${WF} of cluster ${C} ended, but cluster ${C} runs Kubernetes v1.28, older than the upgrade's target v1.29.5-r0; request ID of the last response: `,
            new RegExp(RID),
            ': it was rolled back, or the upgrade never took effect. Do not deploy what needs the new version; see the cluster and its upgrade history in the CCE console (cluster → Upgrade), upgrade again, then re-run this job.'
          )
        )
      ])
      expect(r.outputs).toMatchObject({
        result: 'failed',
        workflowId: WF,
        workflowPhase: 'Success',
        targetVersion: 'v1.29.5-r0',
        failedStep: '',
        clusterPhase: 'Available'
      })
    },
    TEST_MS
  )

  it(
    'no spec.version, or one that is not a version: passes, saying so in a debug line only',
    async () => {
      for (const [version, why] of [
        [null, 'ShowCluster reported no spec.version'],
        ['latest', 'spec.version "latest" is not a version']
      ] as const) {
        const a = await succeeded(Date.now(), version)
        const r = await run(a)
        expect([version, r.code, errors(r.stdout)]).toEqual([version, 0, []])
        expect(warnings(r.stdout)).toEqual([])
        expect(r.stdout.split('\n').filter(l => l.includes('not compared'))).toEqual([
          `::debug::Cluster version not compared with the upgrade's target: ${why}`
        ])
        expect(r.outputs).toMatchObject({ result: 'success', clusterPhase: 'Available' })
      }
    },
    TEST_MS
  )
})

describe('a stale ID (rule 8)', () => {
  it(
    'a task-id that succeeded 90 days ago while a new workflow runs: the warning names the newer upgrade',
    async () => {
      const at = Date.now()
      const a = await fake(
        {
          // the new upgrade is under way: the cluster is Upgrading at first
          phases: [{ phase: 'Upgrading', polls: 2 }, { phase: 'Available' }],
          workflows: [
            workflow(at, [
              state('Running', [
                ['PreCheck', 'Success'],
                ['Cluster', 'Running'],
                ['PostCheck', 'Init']
              ])
            ])
          ]
        },
        [oldTask(at), newTask(at, ['30.00'])]
      )
      const r = await run(a, { 'task-id': OLD_TASK })
      expect(r.code).toBe(0)
      expect(warnings(r.stdout)).toEqual([
        expect.stringMatching(
          line(
            `::warning::The upgrade task ${OLD_TASK} that task-id names ended 90d before this step: it is probably not the upgrade this pipeline means, yet it decides the gate. The cluster's current upgrade is another one: upgrade workflow ${WF} (Running, started `,
            /1m(\d+s)?|5\ds/,
            " before this step). Pass the ID from the step that starts the upgrade (its metadata.uid), or leave task-id empty and set max-age (e.g. max-age: 2h) to wait on the cluster's current upgrade."
          )
        )
      ])
      expect(r.summary).toContain(
        `The cluster's current upgrade is another one: upgrade workflow ${WF}`
      )
      expect(r.outputs).toMatchObject({
        result: 'success',
        taskId: OLD_TASK,
        targetVersion: 'v1.28.3-r4',
        workflowId: ''
      })
      // the lists are read once, for the warning
      expect([a.count({ kind: 'workflows' }), a.count({ kind: 'tasks' })]).toEqual([1, 1])
    },
    TEST_MS
  )

  it(
    'a workflow-id of a workflow that ended 90 days ago while an upgrade task runs: the warning names the task',
    async () => {
      const at = Date.now()
      const a = await fake(
        {
          workflows: [
            succeededWorkflow(at, OLD_TASK, {
              creationTimestamp: goTime(at - 91 * DAY),
              startedAt: at - 90 * DAY - HOUR / 2,
              clusterVersion: 'v1.27',
              targetVersion: 'v1.28'
            })
          ]
        },
        // today's upgrade, started through the API: a task of no workflow
        [oldTask(at), newTask(at, ['30.00', '60.00'])]
      )
      const r = await run(a, { 'workflow-id': PREV_WF })
      expect(r.code).toBe(0)
      expect(warnings(r.stdout)).toEqual([
        expect.stringMatching(
          line(
            `::warning::The upgrade workflow ${PREV_WF} that workflow-id names ended 90d before this step: it is probably not the upgrade this pipeline means, yet it decides the gate. The cluster's current upgrade is another one: upgrade task ${NEW_TASK} (Running, started `,
            /\d+s/,
            " before this step). Pass the ID from the step that starts the upgrade (its metadata.uid), or leave workflow-id empty and set max-age (e.g. max-age: 2h) to wait on the cluster's current upgrade."
          )
        )
      ])
      expect(r.outputs).toMatchObject({
        result: 'success',
        workflowId: PREV_WF,
        workflowPhase: 'Success',
        taskId: OLD_TASK,
        targetVersion: 'v1.28.3-r4'
      })
      expect(r.summary).toMatch(/\| Cluster \| Success \| \d{4}-.* \| \d{4}-.* \| 0ld00000/)
      expect([a.count({ kind: 'workflows' }), a.count({ kind: 'tasks' })]).toEqual([1, 1])
    },
    TEST_MS
  )
})

describe('pauses (rule 9)', () => {
  it(
    'two pauses of the same task: two warnings, one as each begins',
    async () => {
      const at = Date.now()
      const step = (phase: string, progress: string) => ({ phase, progress, polls: 1 })
      const a = await fake({}, [
        newTask(at, [], {
          timeline: [
            step('Running', '20.00'),
            step('Pause', '40.00'),
            { phase: 'Pause', progress: '40.00', polls: 1 },
            step('Running', '50.00'),
            step('Pause', '60.00'),
            step('Running', '80.00'),
            { phase: 'Success', progress: '100.00' }
          ]
        })
      ])
      const r = await run(a, { 'task-id': NEW_TASK })
      expect(r.code).toBe(0)
      const pause = (progress: string) =>
        expect.stringMatching(
          line(
            `::warning::Upgrade task ${NEW_TASK} is paused at ${progress}% (v1.28.3-r4 → v1.29.5-r0): a person must resume it in the CCE console (cluster → Upgrade page). Still waiting (on-pause: wait); the pause counts toward the timeout, `,
            /\d+s/,
            ' left.'
          )
        )
      expect(warnings(r.stdout)).toEqual([pause('40.00'), pause('60.00')])
      expect(r.outputs).toMatchObject({ result: 'success', taskId: NEW_TASK, phase: 'Success' })
    },
    TEST_MS
  )
})

/** What these runs first showed to be wrong in src/, now fixed. */
describe('bugs these flows found', () => {
  it(
    'after waiting for a post-check nobody starts (wait-for-post-check: true), the timeout asks a person to start it, not "the upgrade may still be running"',
    async () => {
      const at = Date.now()
      const a = await fake(
        {
          workflows: [
            workflow(at, [
              state('Running', [
                ['PreCheck', 'Success'],
                ['Cluster', 'Success'],
                ['PostCheck', 'Init']
              ])
            ])
          ]
        },
        [oldTask(at), newTask(at)]
      )
      const r = await run(a, { 'wait-for-post-check': 'true', timeout: SHORT })
      const [error] = errors(r.stdout)
      // not "The upgrade may still be running": the cluster upgrade is done; only a person can end this wait
      expect(error).toMatch(new RegExp(`request ID of the last response: ${RID}\\. .*post-check`))
    },
    TEST_MS
  )

  it(
    'ages in the log are reckoned by the API’s clock: a workflow created 30 minutes before the step shows as 30m, not 20m, under a 10-minute skew',
    async () => {
      const at = Date.now()
      const apiAt = at + 10 * MIN
      const a = await fake(
        {
          workflows: [
            workflow(
              apiAt,
              [
                state('Running', [
                  ['PreCheck', 'Success'],
                  ['Cluster', 'Init']
                ])
              ],
              { creationTimestamp: goTime(apiAt - 30 * MIN), preCheckExpiry: { at: apiAt - MIN } }
            )
          ]
        },
        [],
        { now: () => Date.now() + 10 * MIN }
      )
      const r = await run(a)
      // the Date header gives the API's clock to the second: 29m59s is the same age
      expect(warnings(r.stdout)[0]).toMatch(/created (30m(\d+s)?|29m5\ds) before this step/)
    },
    TEST_MS
  )
})

describe('workflows that hold nothing after a review of real flows', () => {
  it(
    'a workflow cancelled before its cluster upgrade (as the abandoned warning advises) is passed over in a log line; the older Success decides',
    async () => {
      const at = Date.now()
      const before = morning(at)
      const a = await fake(
        {
          version: 'v1.29',
          workflows: [
            before.workflow,
            workflow(
              at,
              [
                state(
                  'Cancel',
                  [
                    ['PreCheck', 'Success'],
                    ['Cluster', 'Init'],
                    ['PostCheck', 'Init']
                  ],
                  undefined,
                  { PreCheck: 'pc-gone' }
                )
              ],
              { uid: ABANDONED, creationTimestamp: goTime(at - 30 * MIN), targetVersion: 'v1.30' }
            )
          ]
        },
        [before.task]
      )
      const r = await run(a)
      expect(r.stderr).toBe('')
      expect(errors(r.stdout)).toEqual([])
      expect(warnings(r.stdout)).toEqual([])
      expect(r.code).toBe(0)
      expect(infoLines(r.stdout)).toContainEqual(
        expect.stringMatching(
          line(
            `Passing over upgrade workflow ${ABANDONED} (v1.28 → v1.30, created `,
            /30m(\d+s)?|29m5\ds/,
            ' before this step): it was cancelled before its cluster upgrade started, so it changed nothing.'
          )
        )
      )
      expect(r.outputs).toMatchObject({
        result: 'success',
        workflowId: PREV_WF,
        workflowPhase: 'Success',
        taskId: PREV_TASK
      })
    },
    TEST_MS
  )

  it(
    'a workflow left Running two days ago on a post-check nobody started does not outrank a newer task that failed: the step fails',
    async () => {
      const at = Date.now()
      const a = await fake(
        {
          version: 'v1.29',
          workflows: [
            workflow(
              at,
              [
                state(
                  'Running',
                  [
                    ['PreCheck', 'Success'],
                    ['Cluster', 'Success'],
                    ['PostCheck', 'Init']
                  ],
                  undefined,
                  { PreCheck: 'pc-prev', Cluster: PREV_TASK }
                )
              ],
              {
                uid: PREV_WF,
                creationTimestamp: goTime(at - 2 * DAY - HOUR),
                startedAt: at - 2 * DAY
              }
            )
          ]
        },
        [
          {
            uid: PREV_TASK,
            version: 'v1.28.3-r4',
            targetVersion: 'v1.29.5-r0',
            creationTimestamp: goTime(at - 2 * DAY),
            completionTime: goTime(at - 2 * DAY + HOUR),
            timeline: [{ phase: 'Success', progress: '100.00' }]
          },
          newTask(at - 10 * MIN, [], {
            version: 'v1.29.5-r0',
            targetVersion: 'v1.30.1-r0',
            timeline: [{ phase: 'Failed', progress: '35.00' }]
          })
        ]
      )
      const r = await run(a)
      expect(r.code).toBe(1)
      expect(r.outputs).toMatchObject({
        result: 'failed',
        taskId: NEW_TASK,
        phase: 'Failed',
        workflowId: ''
      })
      expect(errors(r.stdout)).toEqual([expect.stringContaining(`upgrade task ${NEW_TASK}`)])
    },
    TEST_MS
  )
})
