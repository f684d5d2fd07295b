/**
 * End to end, issue 22: the committed dist/index.js against the fake CCE API in guard use (no task-id, workflow-id
 * or max-age), with wait: false, and with require-version, run as the runner runs it (see e2e.test.ts).
 *
 * Every run has a short `timeout` input and a kill timeout: a rule that breaks fails its test, it never hangs it.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { DEMO, demoInputs, goTime, startFakeApi } from '../support/fake-api.mjs'
import type {
  FakeApi,
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
const OLD_TASK = '0ld00000-old0-11ef-8d2c-0255ac100031'
const API_TASK = 'a9100000-api0-11ef-8d2c-0255ac100031'
const NEW_TASK = 'a1b2c3d4-new0-11ef-8d2c-0255ac100031'
const WF = '5b2f9a10-wf00-11ef-8d2c-0255ac100031'
const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
/** For the runs expected to time out: short, yet a few polls at interval 1s. */
const SHORT = '6s'
/** For the runs expected to end by themselves: generous under load, well inside the kill timeout. */
const LONG = '25s'
const KILL_MS = 45_000
const TEST_MS = 60_000

let api: FakeApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

/** Last month's upgrade: a task that ended in Success (or `phase`) 12 days ago. */
const oldTask = (phase = 'Success', extra: Partial<FakeTask> = {}): FakeTask => ({
  uid: OLD_TASK,
  version: 'v1.28.3-r4',
  targetVersion: 'v1.29.5-r0',
  creationTimestamp: goTime(Date.now() - 12 * DAY - HOUR),
  // half an hour past 12 days: the API clock's estimate (a Date header's second) never rounds the age to 11d
  completionTime: goTime(Date.now() - 12 * DAY - HOUR / 2),
  timeline: [{ phase, progress: phase === 'Success' ? '100.00' : '40.00' }],
  ...extra
})

/** An upgrade task started through the API, outside any workflow: Running for `polls` reads, then Success. */
const apiTask = (polls: number, progress = '45.00'): FakeTask => ({
  uid: API_TASK,
  version: 'v1.29.5-r0',
  targetVersion: 'v1.30.1-r0',
  creationTimestamp: goTime(Date.now() - 10 * MIN),
  timeline: [
    { phase: 'Running', progress, polls },
    { phase: 'Success', progress: '100.00' }
  ]
})

const steps = (pre: string, cluster: string, post = 'Init'): WorkflowState['steps'] => [
  { taskType: 'PreCheck', status: pre, taskID: 'pc-1' },
  { taskType: 'Cluster', status: cluster, taskID: NEW_TASK },
  { taskType: 'PostCheck', status: post }
]

/** A workflow whose pre-check passed 20 minutes ago (valid 2 h more), waiting for a person to start the upgrade. */
const waiting = (later: WorkflowState[] = []): FakeWorkflow => ({
  uid: WF,
  creationTimestamp: goTime(Date.now() - 30 * MIN),
  clusterVersion: 'v1.29',
  targetVersion: 'v1.30',
  preCheckExpiry: { at: Date.now() + 2 * HOUR },
  timeline: [
    { phase: 'Running', steps: steps('Success', 'Init'), ...(later.length ? { ms: 1500 } : {}) },
    ...later
  ]
})

/** The waiting workflow's cluster upgrade task, once a person started it: Running for good. */
const clusterTask: FakeTask = {
  uid: NEW_TASK,
  version: 'v1.29.5-r0',
  targetVersion: 'v1.30.1-r0',
  creationTimestamp: goTime(Date.now()),
  timeline: [{ phase: 'Running', progress: '5.00' }]
}

async function fake(cluster: FakeCluster, tasks: FakeTask[]): Promise<FakeApi> {
  await api?.close()
  api = await startFakeApi({
    projects: [{ id: P, name: DEMO.region }],
    tasks: { [KEY]: tasks },
    clusters: { [KEY]: cluster }
  })
  return api
}

/** Guard use: the demo cluster's inputs without task-id, workflow-id or max-age. */
const run = (a: FakeApi, extra: Record<string, string> = {}): Promise<ActionRun> =>
  runAction({
    inputs: demoInputs(a.url, { 'task-id': '', timeout: LONG, ...extra }).inputs,
    timeoutMs: KILL_MS
  })

const CCE_KINDS = ['cluster', 'task', 'tasks', 'workflow', 'workflows', 'precheck', 'prechecks']
const cceRequests = (a: FakeApi) => a.count(q => CCE_KINDS.includes(q.kind))

function pollsOf(r: ActionRun): number {
  const m = /^\| Polls \| (\d+) \|$/m.exec(r.summary)
  if (!m) throw new Error(`no Polls row in the summary:\n${r.summary}`)
  return Number(m[1])
}

const infoLines = (stdout: string) =>
  visible(stdout)
    .split('\n')
    .filter(l => l && !l.startsWith('::'))

describe('guard use: no ID, no max-age (issue 22.1)', () => {
  it(
    'a healthy cluster whose last upgrade succeeded 12 days ago passes at once, with no warning',
    async () => {
      const a = await fake({ workflows: [] }, [oldTask()])
      const r = await run(a)
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      expect(warnings(r.stdout)).toEqual([])
      expect(infoLines(r.stdout)).toContainEqual(
        `The last upgrade of cluster ${C}, upgrade task ${OLD_TASK} (v1.28.3-r4 → v1.29.5-r0), ended Success 12d before this step; no upgrade is under way.`
      )
      expect(r.stdout).not.toMatch(/set max-age/)
      expect(r.outputs).toMatchObject({
        result: 'success',
        taskId: OLD_TASK,
        clusterPhase: 'Available'
      })
      expect(r.summary).not.toContain('### Warnings')
      expect(pollsOf(r)).toBe(1)
    },
    TEST_MS
  )

  it(
    'an upgrade under way holds the step until it ends, then passes',
    async () => {
      const a = await fake({ workflows: [] }, [oldTask(), apiTask(3)])
      const r = await run(a)
      expect(r.code).toBe(0)
      expect(warnings(r.stdout)).toEqual([])
      expect(r.outputs).toMatchObject({ result: 'success', taskId: API_TASK, phase: 'Success' })
      expect(pollsOf(r)).toBeGreaterThanOrEqual(4)
    },
    TEST_MS
  )

  it(
    'a last upgrade that failed fails the step, as before',
    async () => {
      const a = await fake({ workflows: [] }, [oldTask('Failed')])
      const r = await run(a)
      expect(r.code).toBe(1)
      expect(errors(r.stdout)[0]).toMatch(
        new RegExp(`^::error::The upgrade task ${OLD_TASK} of cluster ${C} Failed at 40.00%`)
      )
      expect(r.outputs).toMatchObject({ result: 'failed', phase: 'Failed' })
    },
    TEST_MS
  )

  it(
    'a workflow waiting for a person before its cluster upgrade holds nothing: a line names it',
    async () => {
      const a = await fake({ workflows: [waiting()], version: 'v1.29' }, [oldTask()])
      const r = await run(a)
      expect(r.code).toBe(0)
      expect(warnings(r.stdout)).toEqual([])
      expect(infoLines(r.stdout)).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^Passing over upgrade workflow ${WF} \\(v1\\.29 → v1\\.30, created 30m(\\d+s)? before this step\\): it passed its pre-check \\(valid until .*\\) and waits for a person to start its cluster upgrade, so it has changed nothing and holds no deploy\\. Once its cluster upgrade starts, the gate holds\\.$`
          )
        )
      )
      expect(r.outputs).toMatchObject({ result: 'success', taskId: OLD_TASK, workflowId: '' })
    },
    TEST_MS
  )

  it(
    'with max-age the same workflow still holds the gate, as before',
    async () => {
      const a = await fake({ workflows: [waiting()], version: 'v1.29' }, [oldTask()])
      const r = await run(a, { 'max-age': '2h', timeout: SHORT })
      expect(r.code).toBe(1)
      expect(r.outputs).toMatchObject({ result: 'timeout', workflowId: WF })
      expect(warnings(r.stdout)[0]).toMatch(
        /its cluster upgrade has not started: a person must start it/
      )
    },
    TEST_MS
  )

  it(
    'holds when that workflow’s cluster upgrade starts while the gate waits on another upgrade',
    async () => {
      const wf = waiting([{ phase: 'Running', steps: steps('Success', 'Running') }])
      const a = await fake({ workflows: [wf] }, [oldTask(), apiTask(2), clusterTask])
      const r = await run(a, { timeout: SHORT })
      expect(r.code).toBe(1)
      // first seen waiting for a person (passed over), then followed once its cluster upgrade ran
      expect(infoLines(r.stdout)).toContainEqual(
        expect.stringMatching(new RegExp(`^Passing over upgrade workflow ${WF} `))
      )
      expect(infoLines(r.stdout)).toContainEqual(
        expect.stringMatching(new RegExp(`^Waiting on upgrade task ${API_TASK} `))
      )
      expect(r.outputs).toMatchObject({ result: 'timeout', workflowId: WF, taskId: NEW_TASK })
      expect(errors(r.stdout)[0]).toMatch(
        new RegExp(
          `^::error::Timed out after 6s waiting for the upgrade workflow ${WF} of cluster ${C}: last seen: workflow Running, step Cluster Running`
        )
      )
    },
    TEST_MS
  )

  it(
    'a cluster that is not Available holds the step, even with no upgrade at all',
    async () => {
      const a = await fake({ workflows: [], phases: [{ phase: 'Hibernating' }] }, [])
      const r = await run(a, { timeout: SHORT })
      expect(r.code).toBe(1)
      expect(r.outputs).toMatchObject({ result: 'timeout', clusterPhase: 'Hibernating' })
      expect(errors(r.stdout)[0]).toMatch(
        /no upgrade under way, cluster Hibernating; request ID of the last response: [0-9a-f]{32}\. No upgrade is under way, but the cluster never became Available/
      )
    },
    TEST_MS
  )
})

describe('wait: false looks once (issue 22.2)', () => {
  it(
    'an upgrade under way fails at once with result upgrading, naming it with its phase and progress',
    async () => {
      const a = await fake({ workflows: [] }, [oldTask(), apiTask(100, '45.00')])
      const r = await run(a, { wait: 'false' })
      expect(r.code).toBe(1)
      expect(errors(r.stdout)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^::error::An upgrade is under way: the upgrade task ${API_TASK} of cluster ${C} \\(v1\\.29\\.5-r0 → v1\\.30\\.1-r0; phase Running, progress 45\\.00%\\); request ID of the last response: [0-9a-f]{32}\\. wait: false looked once and does not wait, so the step fails: re-run this job later, or set wait: true to wait for it \\(up to timeout\\)\\.$`
          )
        )
      ])
      expect(r.outputs).toMatchObject({
        result: 'upgrading',
        taskId: API_TASK,
        phase: 'Running',
        progress: '45.00'
      })
      expect(r.summary).toContain('| Result | ⏳ Upgrade under way (step failed) |')
      expect(pollsOf(r)).toBe(1)
      // the one poll: the two lists; no task read again, no cluster
      expect(cceRequests(a)).toBe(2)
      expect(r.stdout).toContain('Looking once for any upgrade under way')
    },
    TEST_MS
  )

  it(
    'a task in a phase this action does not know fails as upgrading, never passes',
    async () => {
      const t = { ...apiTask(1), timeline: [{ phase: 'Rebooting', progress: '50.00' }] }
      const a = await fake({ workflows: [] }, [t])
      const r = await run(a, { wait: 'false' })
      expect(r.code).toBe(1)
      expect(r.outputs).toMatchObject({ result: 'upgrading', phase: 'Rebooting' })
    },
    TEST_MS
  )

  it(
    'a healthy cluster passes in one poll; a failed one fails',
    async () => {
      let a = await fake({ workflows: [] }, [oldTask()])
      let r = await run(a, { wait: 'false' })
      expect(r.code).toBe(0)
      expect(r.outputs['result']).toBe('success')
      expect(pollsOf(r)).toBe(1)
      // the lists, then the cluster
      expect(cceRequests(a)).toBe(3)

      a = await fake({ workflows: [] }, [oldTask('Failed')])
      r = await run(a, { wait: 'false' })
      expect(r.code).toBe(1)
      expect(r.outputs['result']).toBe('failed')
    },
    TEST_MS
  )

  it(
    'a task-id whose upgrade runs fails at once; with max-age a workflow waiting for a person does too',
    async () => {
      let a = await fake({ workflows: [] }, [apiTask(100)])
      let r = await run(a, { wait: 'false', 'task-id': API_TASK })
      expect(r.code).toBe(1)
      expect(r.outputs).toMatchObject({ result: 'upgrading', taskId: API_TASK })
      expect(a.count({ kind: 'task' })).toBe(1)

      a = await fake({ workflows: [waiting()], version: 'v1.29' }, [oldTask()])
      r = await run(a, { wait: 'false', 'max-age': '2h' })
      expect(r.code).toBe(1)
      expect(r.outputs).toMatchObject({ result: 'upgrading', workflowId: WF })
      expect(errors(r.stdout)[0]).toMatch(/waits for a person to start its cluster upgrade/)
      // guard use: it holds nothing
      r = await run(a, { wait: 'false' })
      expect(r.code).toBe(0)
    },
    TEST_MS
  )
})

describe('require-version (issue 22.3)', () => {
  it(
    'passes on a cluster that runs the version, fails on an older one naming both',
    async () => {
      const a = await fake({ workflows: [], version: 'v1.29' }, [oldTask()])
      expect((await run(a, { 'require-version': 'v1.29' })).code).toBe(0)
      expect((await run(a, { 'require-version': '1.28' })).code).toBe(0)
      const r = await run(a, { 'require-version': 'v1.30' })
      expect(r.code).toBe(1)
      expect(errors(r.stdout)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^::error::Cluster ${C} runs Kubernetes v1\\.29, older than require-version v1\\.30; request ID of the last response: [0-9a-f]{32}: every other check passed, but this deploy needs v1\\.30 or newer\\.`
          )
        )
      ])
      expect(r.outputs).toMatchObject({ result: 'failed', clusterPhase: 'Available' })
    },
    TEST_MS
  )

  it(
    'an unreadable spec.version fails',
    async () => {
      const a = await fake({ workflows: [], version: 1.29 }, [oldTask()])
      const r = await run(a, { 'require-version': 'v1.29' })
      expect(r.code).toBe(1)
      expect(errors(r.stdout)[0]).toMatch(
        /^::error::Input require-version asks for Kubernetes v1\.29 or newer, but the version of cluster .* could not be read \(ShowCluster reported no spec\.version\)/
      )
      expect(r.outputs['result']).toBe('failed')
    },
    TEST_MS
  )

  it(
    'is refused before any request when it is not a version',
    async () => {
      const a = await fake({ workflows: [] }, [oldTask()])
      const r = await run(a, { 'require-version': 'v1.29.5' })
      expect(r.code).toBe(1)
      expect(errors(r.stdout)).toEqual([
        '::error::Input require-version is "v1.29.5": expected a Kubernetes major.minor version such as v1.29 (or 1.29); only major and minor are compared, so give no patch or suffix'
      ])
      expect(a.requests).toEqual([])
      expect(r.outputs['result']).toBe('error')
    },
    TEST_MS
  )
})
