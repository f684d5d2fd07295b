import type { ClusterView, Observation, PreCheckView, Upgrade } from '../../src/gate/observation.js'
import type { Choice } from '../../src/gate/choose.js'
import type { ObserverEvent } from '../../src/gate/observer.js'
import type { UpgradeTask } from '../../src/cce/task.js'
import type { Workflow, WorkflowStep } from '../../src/cce/workflow.js'

/** Builders of the values the gate's logic works on, for unit tests. */

export function task(
  phase: string,
  progress = '0.00',
  extra: Partial<UpgradeTask> = {}
): UpgradeTask {
  return {
    uid: 'task-1',
    version: 'v1.28.3-r4',
    targetVersion: 'v1.29.5-r0',
    phase,
    progress,
    creationTimestamp: '',
    completionTime: '',
    ...extra
  }
}

/** Steps as [type, status, taskId?, startedAt?, endedAt?, expiresAt?]. */
export type StepSpec = [string, string, string?, string?, string?, string?]

export function workflow(
  phase: string,
  steps: StepSpec[],
  extra: Partial<Workflow> = {}
): Workflow {
  return {
    uid: 'wf-1',
    creationTimestamp: '',
    updateTimestamp: '',
    clusterVersion: 'v1.28',
    targetVersion: 'v1.29',
    phase,
    steps: steps.map(
      ([
        type,
        status,
        taskId = '',
        startedAt = '',
        endedAt = '',
        expiresAt = ''
      ]): WorkflowStep => ({
        type,
        status,
        taskId,
        startedAt,
        endedAt,
        expiresAt
      })
    ),
    ...extra
  }
}

/** The cluster as ShowCluster shows it; its version is the builders' target minor (v1.29) unless given. */
export function clusterView(
  phase?: string,
  reason = '',
  message = '',
  version = 'v1.29'
): ClusterView {
  if (phase === undefined) return { kind: 'unread' }
  if (phase === 'forbidden') return { kind: 'forbidden' }
  return { kind: 'read', status: { phase, reason, message, version }, rolledBack: false }
}

export function obs(
  upgrade: Upgrade,
  o: {
    at?: number
    /** By the API's clock; `at` unless given. */
    apiAt?: number
    cluster?: string
    precheck?: PreCheckView
    requestId?: string
  } = {}
): Observation {
  return {
    at: o.at ?? 0,
    apiAt: o.apiAt ?? o.at ?? 0,
    upgrade,
    cluster: clusterView(o.cluster),
    precheck: o.precheck ?? { kind: 'unread' },
    requestId: o.requestId
  }
}

export function onTask(t: UpgradeTask, o: Parameters<typeof obs>[1] = {}): Observation {
  return obs({ kind: 'task', task: t }, o)
}

export function onWorkflow(
  w: Workflow,
  t?: UpgradeTask,
  o: Parameters<typeof obs>[1] = {}
): Observation {
  return obs(t ? { kind: 'workflow', workflow: w, task: t } : { kind: 'workflow', workflow: w }, o)
}

type ChosenEvent = Extract<ObserverEvent, { kind: 'chosen' }>

/** The observer's `chosen` event: nothing passed over or left out, unless `extra` says. */
export function chosen(
  choice: Choice,
  extra: Partial<Omit<ChosenEvent, 'kind'>> = {}
): ChosenEvent {
  return {
    kind: 'chosen',
    choice,
    workflows: 0,
    tasks: 0,
    abandoned: [],
    cancelled: [],
    leftOut: [],
    ...extra
  }
}
