/**
 * Upgrade workflows, tasks, pre-checks and clusters as the CCE API returns them (docs/cce-api.md §1 and §10), and the
 * same decoded by the real decoders: tests build their cases from the JSON a cluster would really send.
 */
import { ClusterStatus, decodeCluster } from '../../src/cce/cluster.js'
import { PreCheck, decodePreCheck } from '../../src/cce/precheck.js'
import { UpgradeTask, decodeTask } from '../../src/cce/task.js'
import { Workflow, decodeWorkflow } from '../../src/cce/workflow.js'

/** Go's time.String() in China Standard Time, the format CCE uses: `at('10:00')` is 2026-11-24 10:00 +0800. */
export function at(hhmm: string, day = 24): string {
  return `2026-11-${day} ${hhmm}:00.123456 +0800 CST`
}

/** Epoch ms of `at(hhmm, day)`. */
export function ms(hhmm: string, day = 24): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number]
  return Date.UTC(2026, 10, day, h - 8, m, 0, 123)
}

/** A step's task ID when a test does not name one: the steps that create a task have one once started. */
const DEFAULT_TASK: Record<string, string> = { PreCheck: 'precheck-1', Cluster: 'task-1' }

/**
 * Steps written compactly: `'PreCheck:Success Cluster:Running'`. A step's task ID is a default for PreCheck and
 * Cluster once they left Init; `Cluster:Running=task-9` names it, `PreCheck:Failed=` leaves it empty.
 */
export function stepsJson(spec: string, expires = at('10:00', 25)): Record<string, unknown>[] {
  return spec
    .split(/\s+/)
    .filter(Boolean)
    .map(word => {
      const [typeStatus = '', id] = word.split('=')
      const [taskType = '', status = ''] = typeStatus.split(':')
      const taskID = id ?? (status === 'Init' ? '' : (DEFAULT_TASK[taskType] ?? ''))
      const ended = status === 'Success' || status === 'Failed'
      return {
        taskType,
        taskID,
        status,
        startTimeStamp: status === 'Init' ? '' : at('10:05'),
        ...(ended ? { endTimeStamp: at('10:30') } : {}),
        // only a pre-check's result expires (Go SDK model_point_status.go); a day after it ran
        ...(taskType === 'PreCheck' && status === 'Success' && expires
          ? { expireTimeStamp: expires }
          : {})
      }
    })
}

export interface WorkflowSpec {
  uid?: string
  created?: string
  updated?: string
  steps?: string
  /** Raw pointStatuses, instead of `steps`. */
  pointStatuses?: unknown
  /** The PreCheck step's expireTimeStamp once it succeeded ('' leaves it out); a day after it ran by default. */
  expires?: string
}

export function workflowJson(phase: string, o: WorkflowSpec = {}): Record<string, unknown> {
  return {
    kind: 'WorkFlowTask',
    apiVersion: 'v3',
    metadata: {
      uid: o.uid ?? 'wf-1',
      name: 'upgrade-v1.28-to-v1.29',
      creationTimestamp: o.created ?? at('10:00'),
      updateTimestamp: o.updated ?? at('10:30')
    },
    spec: { clusterID: 'cluster-1', clusterVersion: 'v1.28', targetVersion: 'v1.29' },
    status: {
      phase,
      pointStatuses: o.pointStatuses ?? stepsJson(o.steps ?? '', o.expires),
      lineStatuses: [
        {
          startPoint: { taskType: 'PreCheck' },
          endPoint: { taskType: 'Cluster' },
          critical: 'true'
        }
      ]
    }
  }
}

function decoded<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`fixture ${what} does not decode`)
  return v
}

export function workflow(phase: string, steps = '', o: WorkflowSpec = {}): Workflow {
  return decoded(decodeWorkflow(workflowJson(phase, { ...o, steps })), 'workflow')
}

export interface TaskSpec {
  uid?: string
  progress?: string | number
  created?: string
}

export function taskJson(phase: string, o: TaskSpec = {}): Record<string, unknown> {
  return {
    kind: 'UpgradeTask',
    apiVersion: 'v3',
    metadata: {
      uid: o.uid ?? 'task-1',
      creationTimestamp: o.created ?? at('10:10'),
      updateTimestamp: at('10:20')
    },
    spec: { version: 'v1.28.3-r0', targetVersion: 'v1.29.1-r0', items: {} },
    status: {
      phase,
      progress: o.progress ?? (phase === 'Success' ? '100.00' : '0.00'),
      completionTime: phase === 'Success' || phase === 'Failed' ? at('10:30') : ''
    }
  }
}

export function task(phase: string, o: TaskSpec = {}): UpgradeTask {
  return decoded(decodeTask(taskJson(phase, o)), 'task')
}

export function clusterJson(phase: string, reason = '', message = ''): Record<string, unknown> {
  return {
    kind: 'Cluster',
    apiVersion: 'v3',
    metadata: { uid: 'cluster-1', name: 'prod' },
    spec: { type: 'VirtualMachine', flavor: 'cce.s2.small', version: 'v1.29' },
    status: { phase, ...(reason ? { reason } : {}), ...(message ? { message } : {}) }
  }
}

/** The cluster's state as decoded, without its name (which the verdict never reads). */
export function cluster(phase: string, reason = '', message = ''): ClusterStatus {
  const { name: _name, ...status } = decoded(
    decodeCluster(clusterJson(phase, reason, message)),
    'cluster'
  )
  return status
}

export interface ItemJson {
  name: string
  kind: string
  level: string
  phase?: string
  message?: string
}

function itemJson(i: ItemJson): Record<string, unknown> {
  return { group: 'LimitCheck', errorCodes: [], phase: 'Failed', message: '', ...i }
}

/** A failed pre-check: cluster, addon and node items, as ShowPreCheck nests them. */
export function precheckJson(
  items: {
    cluster?: ItemJson[]
    addon?: ItemJson[]
    nodes?: { name: string; items: ItemJson[] }[]
  },
  phase = 'Failed'
): Record<string, unknown> {
  return {
    kind: 'PreCheckTask',
    apiVersion: 'v3',
    metadata: { uid: 'precheck-1', creationTimestamp: at('10:01') },
    spec: { clusterID: 'cluster-1', clusterVersion: 'v1.28', targetVersion: 'v1.29' },
    status: {
      phase,
      message: 'pre-check failed: 2 items must be fixed',
      clusterCheckStatus: { phase: 'Failed', itemsStatus: (items.cluster ?? []).map(itemJson) },
      addonCheckStatus: { phase: 'Failed', itemsStatus: (items.addon ?? []).map(itemJson) },
      nodeCheckStatus: {
        phase: 'Failed',
        nodeStageStatus: (items.nodes ?? []).map(n => ({
          nodeInfo: { uid: `uid-${n.name}`, name: n.name, status: 'Active', nodeType: 'VM' },
          itemsStatus: n.items.map(itemJson)
        }))
      }
    }
  }
}

export function precheck(items: Parameters<typeof precheckJson>[0], phase = 'Failed'): PreCheck {
  return decoded(decodePreCheck(precheckJson(items, phase)), 'pre-check')
}

/** A pre-check with items of every kind: the blocking ones are named `block-…`, the others `ok-…`. */
export function mixedPrecheck(): PreCheck {
  return precheck({
    cluster: [
      { name: 'block-exception', kind: 'Exception', level: 'Warning', message: 'PSP is in use' },
      { name: 'ok-risk-warning', kind: 'Risk', level: 'Warning', message: 'deprecated API' },
      { name: 'ok-exception-passed', kind: 'Exception', level: 'Fatal', phase: 'Success' }
    ],
    addon: [
      { name: 'block-fatal-risk', kind: 'Risk', level: 'Fatal', message: 'coredns too old' },
      { name: 'ok-risk-info', kind: 'Risk', level: 'Info', message: 'note' }
    ],
    nodes: [
      {
        name: 'node-a',
        items: [
          { name: 'block-node-disk', kind: 'Exception', level: 'Fatal', message: 'disk full' },
          { name: 'ok-node-risk', kind: 'Risk', level: 'Warning', message: 'kernel' }
        ]
      }
    ]
  })
}
