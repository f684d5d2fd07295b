/**
 * End to end, issue 19 items 8, 9 and 11: the committed dist/index.js against the fake API's scripted workflows,
 * where each step must count for what it is (several steps of one type, steps without a status or a taskType),
 * where an end that cannot change must end the wait (wait-for-post-check on an ended workflow, a Pending workflow
 * whose Cluster task runs again after a retry), and where a fresh task-id must cost no extra request.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { DEMO, demoInputs, goTime, startFakeApi } from '../support/fake-api.mjs'
import type {
  FakeApi,
  FakeApiOptions,
  FakeCluster,
  FakeWorkflow,
  WorkflowStep
} from '../support/fake-api.mjs'
import { errors, runAction, warnings } from '../support/run-action.js'

const P = DEMO.projectId
const C = DEMO.clusterId
const KEY = `${P}/${C}`
const TASK = 'a1b2c3d4-step-11ef-8d2c-0255ac100031'
const WF = '5b2f9a10-step-11ef-8d2c-0255ac100031'
const GO_ZERO = '0001-01-01 00:00:00 +0000 UTC'

let api: FakeApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

/** The workflow's upgrade task: `timeline` as given, Success by default. */
const clusterTask = (
  timeline: { phase: string; progress: string; polls?: number }[] = [
    { phase: 'Success', progress: '100.00' }
  ],
  extra: object = {}
) => ({
  uid: TASK,
  version: 'v1.28.3-r4',
  targetVersion: 'v1.29.5-r0',
  creationTimestamp: goTime(Date.now() - 30 * 60_000),
  timeline,
  ...extra
})

/** `Type:Status` words; `Type:` leaves the status out, `:Status` the taskType. The Cluster step names TASK. */
function steps(spec: string): WorkflowStep[] {
  return spec.split(' ').map(word => {
    const [taskType = '', status = ''] = word.split(':')
    return {
      ...(taskType ? { taskType } : {}),
      ...(status ? { status } : {}),
      ...(taskType === 'Cluster' || (!taskType && status !== 'Init') ? { taskID: TASK } : {})
    }
  })
}

const state = (phase: string, spec: string, polls?: number) => ({
  phase,
  steps: steps(spec),
  ...(polls === undefined ? {} : { polls })
})

const workflow = (timeline: ReturnType<typeof state>[]): FakeWorkflow => ({
  uid: WF,
  creationTimestamp: goTime(Date.now() - 40 * 60_000),
  clusterVersion: 'v1.28',
  targetVersion: 'v1.29',
  timeline
})

async function fake(cluster: FakeCluster, tasks: object[] = [clusterTask()]) {
  api = await startFakeApi({
    projects: [{ id: P, name: 'ap-southeast-1' }],
    tasks: { [KEY]: tasks } as FakeApiOptions['tasks'],
    clusters: { [KEY]: cluster }
  })
  return api
}

/** Waits on the workflow by ID (each poll one GET of it), unless `extra` says otherwise. */
const inputs = (a: FakeApi, extra: Record<string, string> = {}) =>
  demoInputs(a.url, { 'task-id': '', 'workflow-id': WF, timeout: '30s', ...extra }).inputs

const DONE = 'PreCheck:Success Snapshot:Success Cluster:Success PostCheck:Success'

describe('several steps of one type, end to end', () => {
  it('two PostCheck steps: the running one holds the gate until the workflow succeeds (it passed at once)', async () => {
    const a = await fake({
      workflows: [
        workflow([
          state(
            'Running',
            'PreCheck:Success Snapshot:Success Cluster:Success PostCheck:Init PostCheck:Running',
            3
          ),
          state('Success', `${DONE} PostCheck:Success`)
        ])
      ]
    })
    const r = await runAction({ inputs: inputs(a) })
    expect(errors(r.stdout)).toEqual([])
    expect(r.code).toBe(0)
    expect(r.outputs).toMatchObject({ result: 'success', workflowPhase: 'Success' })
    expect(a.count({ kind: 'workflow' })).toBeGreaterThanOrEqual(4)
    // no "passes without its post-check" note: a post-check ran
    expect(warnings(r.stdout).join('\n')).not.toMatch(/post-check has not been started/)
  })
})

it('a re-run PostCheck whose start lies 3 h in the future of the API clock does not outrank the failed one (it passed)', async () => {
  const future = goTime(Date.now() + 3 * 3600_000)
  const postChecks = [
    { taskType: 'PostCheck', status: 'Failed' },
    { taskType: 'PostCheck', status: 'Success', startTimeStamp: future }
  ]
  const a = await fake({
    workflows: [
      workflow([
        {
          phase: 'Success',
          steps: [...steps('PreCheck:Success Snapshot:Success Cluster:Success'), ...postChecks]
        }
      ])
    ]
  })
  const r = await runAction({ inputs: inputs(a) })
  expect(r.code).toBe(1)
  expect(r.outputs).toMatchObject({ result: 'failed', failedStep: 'PostCheck' })
  expect(errors(r.stdout).join('\n')).toMatch(/PostCheck/)
})

describe('a step without a status, end to end', () => {
  it('a Rollback step without one fails a running workflow as a possible rollback (it passed)', async () => {
    const a = await fake({
      workflows: [
        workflow([
          state(
            'Running',
            'PreCheck:Success Snapshot:Success Cluster:Success PostCheck:Init Rollback:'
          )
        ])
      ]
    })
    const r = await runAction({ inputs: inputs(a) })
    expect(r.code).toBe(1)
    expect(r.outputs).toMatchObject({ result: 'failed', workflowPhase: 'Running' })
    const [error] = errors(r.stdout)
    expect(error).toMatch(new RegExp(`^::error::The upgrade workflow ${WF} .*Rollback step ran`))
    expect(a.count({ kind: 'cluster' })).toBe(0)
  })

  it('another step without one holds, named in a warning, until it says Success (it failed)', async () => {
    const a = await fake({
      workflows: [
        workflow([
          state('Success', 'PreCheck:Success Snapshot:Success Cluster:Success PostCheck:', 2),
          state('Success', DONE)
        ])
      ]
    })
    const r = await runAction({ inputs: inputs(a) })
    expect(errors(r.stdout)).toEqual([])
    expect(r.code).toBe(0)
    expect(r.outputs).toMatchObject({ result: 'success', workflowPhase: 'Success' })
    expect(warnings(r.stdout).join('\n')).toMatch(
      new RegExp(`Upgrade workflow ${WF} says Success, but step PostCheck is still \\(no status\\)`)
    )
  })
})

describe('a step without a taskType, end to end', () => {
  it('a Success workflow whose Cluster step lacks it passes once the cluster checks pass (it timed out)', async () => {
    const a = await fake({
      workflows: [
        workflow([state('Success', 'PreCheck:Success Snapshot:Success :Success PostCheck:Success')])
      ]
    })
    const r = await runAction({ inputs: inputs(a, { timeout: '20s' }) })
    expect(errors(r.stdout)).toEqual([])
    expect(r.code).toBe(0)
    expect(r.outputs).toMatchObject({
      result: 'success',
      workflowPhase: 'Success',
      clusterPhase: 'Available'
    })
    expect(a.count({ kind: 'cluster' })).toBeGreaterThanOrEqual(1)
  })

  it('the same, on a cluster at an older version: fails as a rollback or an upgrade that did not take', async () => {
    const a = await fake({
      version: 'v1.28',
      workflows: [
        workflow([state('Success', 'PreCheck:Success Snapshot:Success :Success PostCheck:Success')])
      ]
    })
    const r = await runAction({ inputs: inputs(a, { timeout: '20s' }) })
    expect(r.code).toBe(1)
    expect(errors(r.stdout)[0]).toMatch(
      /runs Kubernetes v1\.28, older than the upgrade's target v1\.29/
    )
  })
})

describe('wait-for-post-check: true on a workflow that has ended, end to end', () => {
  const upgraded = 'PreCheck:Success Snapshot:Success Cluster:Success PostCheck:Init'

  it('Success with its post-check Init fails at once: the post-check was never run (it waited to the timeout)', async () => {
    const a = await fake({ workflows: [workflow([state('Success', upgraded)])] })
    const r = await runAction({ inputs: inputs(a, { 'wait-for-post-check': 'true' }) })
    expect(r.code).toBe(1)
    const [error] = errors(r.stdout)
    expect(error).toMatch(
      new RegExp(
        `^::error::The upgrade workflow ${WF} of cluster ${C} says Success, but its post-check was never run`
      )
    )
    expect(error).not.toMatch(/Timed out/)
    expect(r.outputs).toMatchObject({
      result: 'failed',
      workflowPhase: 'Success',
      failedStep: 'PostCheck'
    })
    expect(r.summary).not.toBe('')
    // one look decided it
    expect(a.count({ kind: 'workflow' })).toBe(1)
  })

  it('Cancel after the cluster upgrade, post-check Init: the same (it said only "cancelled")', async () => {
    const a = await fake({ workflows: [workflow([state('Cancel', upgraded)])] })
    const r = await runAction({ inputs: inputs(a, { 'wait-for-post-check': 'true' }) })
    expect(r.code).toBe(1)
    expect(errors(r.stdout)[0]).toMatch(
      new RegExp(
        `^::error::The upgrade workflow ${WF} of cluster ${C} was cancelled, but its post-check was never run`
      )
    )
    expect(r.outputs).toMatchObject({
      result: 'failed',
      workflowPhase: 'Cancel',
      failedStep: 'PostCheck'
    })
  })
})

describe('a Pending workflow whose Cluster task runs again after a retry, end to end', () => {
  const failed = 'PreCheck:Success Snapshot:Success Cluster:Failed PostCheck:Init'
  const retrying = () => [
    clusterTask([
      { phase: 'Running', progress: '40.00', polls: 2 },
      { phase: 'Success', progress: '100.00' }
    ])
  ]
  const timeline = () => [state('Pending', failed, 4), state('Success', DONE)]

  it('re-run without an ID: the gate follows the retry and passes, as the README promises (it failed at once)', async () => {
    const a = await fake({ workflows: [workflow(timeline())] }, retrying())
    const r = await runAction({ inputs: inputs(a, { 'workflow-id': '' }) })
    expect(errors(r.stdout)).toEqual([])
    expect(r.code).toBe(0)
    expect(r.outputs).toMatchObject({ result: 'success', workflowPhase: 'Success', taskId: TASK })
    expect(warnings(r.stdout).join('\n')).toMatch(
      new RegExp(
        `Upgrade workflow ${WF} is Pending on its failed Cluster step, but the upgrade runs again after a retry`
      )
    )
  })

  it('named by workflow-id: the same', async () => {
    const a = await fake({ workflows: [workflow(timeline())] }, retrying())
    const r = await runAction({ inputs: inputs(a) })
    expect(errors(r.stdout)).toEqual([])
    expect(r.code).toBe(0)
    expect(r.outputs).toMatchObject({ result: 'success', workflowPhase: 'Success' })
  })

  it('a Pending workflow whose task failed and was not retried still fails at once', async () => {
    const a = await fake({ workflows: [workflow([state('Pending', failed)])] }, [
      clusterTask([{ phase: 'Failed', progress: '40.00' }])
    ])
    const r = await runAction({ inputs: inputs(a) })
    expect(r.code).toBe(1)
    expect(r.outputs).toMatchObject({
      result: 'failed',
      workflowPhase: 'Pending',
      failedStep: 'Cluster'
    })
    expect(a.count({ kind: 'workflow' })).toBe(1)
  })
})

describe('a fresh task-id costs nothing extra, end to end', () => {
  it('a task-id from the step before: one task read and one cluster read, though its unset end is Go’s zero time', async () => {
    const a = await fake({}, [clusterTask(undefined, { completionTime: GO_ZERO })])
    const r = await runAction({ inputs: inputs(a, { 'workflow-id': '', 'task-id': TASK }) })
    expect(errors(r.stdout)).toEqual([])
    expect(r.code).toBe(0)
    expect(a.count({ kind: 'task' })).toBe(1)
    expect(a.count({ kind: 'cluster' })).toBe(1)
    expect(a.count()).toBe(2)
    expect(warnings(r.stdout).join('\n')).not.toMatch(/probably not the upgrade/)
  })
})
