/**
 * Shared pieces of the adversarial probes (__tests__/e2e/probe-*.test.ts): the demo cluster, a task, a workflow, a
 * fake API around them, and a run of the committed dist/index.js with short timeouts.
 */
import { DEMO, demoInputs, goTime, startFakeApi } from './fake-api.mjs'
import type {
  FakeApi,
  FakeApiOptions,
  FakeCluster,
  FakeTask,
  FakeWorkflow,
  WorkflowState,
  WorkflowStep
} from './fake-api.mjs'
import { type ActionRun, runAction } from './run-action.js'

export const P = DEMO.projectId
export const C = DEMO.clusterId
export const KEY = `${P}/${C}`
export const MIN = 60_000
export const HOUR = 60 * MIN
export const TASK = 'a1b2c3d4-prob-11ef-8d2c-0255ac100031'
export const WF = '5b2f9a10-prob-11ef-8d2c-0255ac100031'
/** A run expected to end by itself. */
export const LONG = '20s'
/** A run expected to hold until its timeout. */
export const SHORT = '6s'
export const KILL_MS = 45_000
export const TEST_MS = 60_000

export function task(
  uid: string,
  timeline: FakeTask['timeline'] = [{ phase: 'Success', progress: '100.00' }],
  extra: Partial<FakeTask> = {}
): FakeTask {
  return {
    uid,
    version: 'v1.28.3-r4',
    targetVersion: 'v1.29.5-r0',
    creationTimestamp: goTime(Date.now() - 30 * MIN),
    timeline,
    ...extra
  }
}

/** `Type:Status` words; the Cluster step names `clusterTask`. */
export function steps(spec: string, clusterTask = TASK): WorkflowStep[] {
  return spec.split(' ').map(word => {
    const [taskType = '', status = ''] = word.split(':')
    return {
      ...(taskType ? { taskType } : {}),
      ...(status ? { status } : {}),
      ...(taskType === 'Cluster' ? { taskID: clusterTask } : {}),
      ...(taskType === 'PreCheck' ? { taskID: 'pc-probe-1' } : {})
    }
  })
}

export const state = (phase: string, spec: string, extra: Partial<WorkflowState> = {}) => ({
  phase,
  steps: steps(spec),
  ...extra
})

export function workflow(
  timeline: WorkflowState[],
  extra: Partial<FakeWorkflow> = {}
): FakeWorkflow {
  return {
    uid: WF,
    creationTimestamp: goTime(Date.now() - 40 * MIN),
    clusterVersion: 'v1.28',
    targetVersion: 'v1.29',
    timeline,
    ...extra
  }
}

export async function fake(
  clusters: Record<string, FakeCluster>,
  tasks: Record<string, FakeTask[]>,
  extra: Partial<FakeApiOptions> = {}
): Promise<FakeApi> {
  return startFakeApi({ projects: [{ id: P, name: DEMO.region }], tasks, clusters, ...extra })
}

/** The demo cluster's inputs (task-id empty unless given) with a short timeout, run as the runner runs it. */
export function run(
  a: FakeApi,
  extra: Record<string, string> = {},
  env: Record<string, string> = {}
): Promise<ActionRun> {
  return runAction({
    inputs: demoInputs(a.url, { 'task-id': '', timeout: LONG, ...extra }).inputs,
    env,
    timeoutMs: KILL_MS
  })
}

export { goTime }
