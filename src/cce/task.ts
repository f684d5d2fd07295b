/** The upgrade task as the API reports it (docs/cce-api.md §1). */
import { obj, str } from '../lib/json.js'
import { ListAnswer, decodeList, isErrorBody, otherClusterOf } from './list.js'

export interface UpgradeTask {
  uid: string
  version: string
  targetVersion: string
  phase: string
  /** As the API reports it, e.g. "45.00". */
  progress: string
  creationTimestamp: string
  completionTime: string
}

export const KNOWN_PHASES = ['Init', 'Queuing', 'Running', 'Pause', 'Success', 'Failed'] as const

/** Undefined unless the body is an upgrade task with a phase: anything else is retried as a broken answer. */
export function decodeTask(json: unknown): UpgradeTask | undefined {
  if (isErrorBody(json)) return undefined
  const root = obj(json)
  const metadata = obj(root['metadata'])
  const spec = obj(root['spec'])
  const status = obj(root['status'])
  const phase = str(status['phase'])
  if (!phase) return undefined
  return {
    uid: str(metadata['uid']),
    version: str(spec['version']),
    targetVersion: str(spec['targetVersion']),
    phase,
    progress: str(status['progress']),
    creationTimestamp: str(metadata['creationTimestamp']),
    completionTime: str(status['completionTime'])
  }
}

/**
 * ShowUpgradeClusterTask's answer for `taskId`: an answer about another task, or about a task without an ID, is not
 * an answer (undefined, so it is retried as a broken one, and never passes): a generic 200 carrying
 * `status.phase: Success` (a cache, a gateway's stub) must not count as the task asked for. Nor does one whose
 * `spec.clusterID` names a cluster other than `clusterId`.
 */
export function decodeTaskOf(
  taskId: string,
  clusterId?: string
): (json: unknown) => UpgradeTask | undefined {
  return json => {
    const task = decodeTask(json)
    return task?.uid === taskId && otherClusterOf(json, clusterId) === undefined ? task : undefined
  }
}

/** ListUpgradeClusterTasks; an item without an ID or a phase is kept aside as unreadable (list.ts). */
export function decodeTaskList(
  json: unknown,
  clusterId?: string
): ListAnswer<UpgradeTask> | undefined {
  return decodeList(
    json,
    'upgrade task',
    item => {
      const task = decodeTask(item)
      // a task without an ID cannot be followed or told apart from another: not readable as a list item
      return task?.uid ? task : undefined
    },
    ['metadata.uid', 'status.phase'],
    clusterId
  )
}
