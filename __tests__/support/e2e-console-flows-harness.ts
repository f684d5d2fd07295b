/**
 * What the end-to-end tests of real console flows (__tests__/e2e/e2e-console-flows-*.test.ts, issue 12) share: the
 * IDs and timeouts of their runs, the tasks and workflows they script, the fake each test starts (`fake()`, closed
 * by `closeFake()` after each test), the run of dist/index.js against it, and what they read from its log.
 */
import { expect } from '@jest/globals'
import { DEMO, demoInputs, goTime, startFakeApi } from './fake-api.mjs'
import type {
  FakeApi,
  FakeApiOptions,
  FakeCluster,
  FakeTask,
  FakeWorkflow,
  WorkflowState
} from './fake-api.mjs'
import { runAction, visible } from './run-action.js'
import type { ActionRun } from './run-action.js'

export const P = DEMO.projectId
export const C = DEMO.clusterId
const KEY = `${P}/${C}`
export const NEW_TASK = 'a1b2c3d4-new0-11ef-8d2c-0255ac100031'
export const OLD_TASK = '0ld00000-old0-11ef-8d2c-0255ac100031'
export const PREV_TASK = 'b0b00000-prev-11ef-8d2c-0255ac100031'
export const WF = '5b2f9a10-wf00-11ef-8d2c-0255ac100031'
export const PREV_WF = '5b2f9a10-prev-11ef-8d2c-0255ac100031'
export const ABANDONED = 'deadbeef-gone-11ef-8d2c-0255ac100031'
const PRECHECK = 'pc000000-pc00-11ef-8d2c-0255ac100031'
export const MIN = 60_000
export const HOUR = 60 * MIN
export const DAY = 24 * HOUR
/** A run's own timeout input, for the runs expected to time out: short, yet a few polls at interval 1s. */
export const SHORT = '5s'
/** For the runs expected to end by themselves: generous under load, well inside the kill timeout. */
const LONG = '25s'
/** The child process is killed after this; the test's own timeout is above it. */
const KILL_MS = 45_000
export const TEST_MS = 60_000
export const RID = '[0-9a-f]{32}'

let api: FakeApi | undefined
/** Closes the fake `fake()` started: each test file runs it after each test. */
export async function closeFake(): Promise<void> {
  await api?.close()
  api = undefined
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
/** An exact line, but for the parts given as regular expressions (request IDs, elapsed times). */
export const line = (...parts: (string | RegExp)[]) =>
  new RegExp(`^${parts.map(p => (typeof p === 'string' ? escape(p) : p.source)).join('')}$`)

/** Last quarter's upgrade: a task that ended in Success 90 days ago. */
export const oldTask = (at: number, extra: Partial<FakeTask> = {}): FakeTask => ({
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
export const newTask = (
  at: number,
  progress: string[] = [],
  extra: Partial<FakeTask> = {}
): FakeTask => ({
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
export const state = (
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

export const workflow = (
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

export async function fake(
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

export const run = (
  a: FakeApi,
  extra: Record<string, string> = {},
  env: Record<string, string> = {}
) => runAction({ inputs: inputs(a, extra), env, timeoutMs: KILL_MS })

/** The Polls row of the job summary. */
export function pollsOf(r: ActionRun): number {
  const m = /^\| Polls \| (\d+) \|$/m.exec(r.summary)
  if (!m) throw new Error(`no Polls row in the summary:\n${r.summary}`)
  return Number(m[1])
}

const CCE_KINDS = ['cluster', 'task', 'tasks', 'workflow', 'workflows', 'precheck', 'prechecks']
export const cceRequests = (a: FakeApi) => a.count(q => CCE_KINDS.includes(q.kind))

/**
 * While it only waits, the gate makes at most 2 requests per poll. A run that timed out may have begun one more
 * poll just before its deadline, cut short there (not counted in the summary, its requests made): allowed for.
 */
export function expectAtMostTwoPerPoll(a: FakeApi, r: ActionRun): void {
  const polls = pollsOf(r)
  expect(polls).toBeGreaterThanOrEqual(2)
  expect(cceRequests(a)).toBeLessThanOrEqual(
    2 * (polls + (r.outputs['result'] === 'timeout' ? 1 : 0))
  )
}

/** `n` requests of one kind per poll: one each poll, and maybe one of a last poll cut short by the deadline. */
export function expectOnePerPoll(n: number, polls: number): void {
  expect(n).toBeGreaterThanOrEqual(polls)
  expect(n).toBeLessThanOrEqual(polls + 1)
}

/** Lines that are neither workflow commands nor empty: the log a person reads. */
export const infoLines = (stdout: string) =>
  visible(stdout)
    .split('\n')
    .filter(l => l && !l.startsWith('::'))

export const debugLines = (stdout: string) =>
  stdout.split('\n').filter(l => l.startsWith('::debug::'))

/** A workflow whose steps all succeeded, PREV_WF unless `extra` says, its Cluster step's task `clusterTask`. */
export const succeededWorkflow = (
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
export const morning = (at: number): { workflow: FakeWorkflow; task: FakeTask } => ({
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
