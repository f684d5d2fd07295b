/** The cluster's own state (ShowCluster, docs/cce-api.md §10.4): part of the verdict once the upgrade itself has passed. */
import { obj, str } from '../lib/json.js'

export interface ClusterStatus {
  /** Available, Upgrading, RollingBack, RollbackFailed, Unavailable, Error, … */
  phase: string
  reason: string
  message: string
}

export function decodeCluster(json: unknown): ClusterStatus | undefined {
  const status = obj(obj(json)['status'])
  const phase = str(status['phase'])
  if (!phase) return undefined
  return { phase, reason: str(status['reason']), message: str(status['message']) }
}

/** ShowCluster's answer for `clusterId`: one naming another cluster (metadata.uid) is not an answer. */
export function decodeClusterOf(clusterId: string): (json: unknown) => ClusterStatus | undefined {
  return json => {
    const uid = str(obj(obj(json)['metadata'])['uid'])
    return uid === '' || uid === clusterId ? decodeCluster(json) : undefined
  }
}

/** What each phase means for a gate whose upgrade has passed. */
export type ClusterHealth = 'ready' | 'settling' | 'broken' | 'other'

const SETTLING = ['Upgrading', 'RollingBack']
/** Deploying onto these cannot be right; Deleting is added to the documented abnormal phases for the same reason. */
const BROKEN = ['RollbackFailed', 'Unavailable', 'Error', 'Deleting']
/** Documented phases that are neither: the cluster is busy with something else (or asleep); the gate keeps waiting. */
export const OTHER_KNOWN_PHASES = [
  'Creating',
  'ScalingUp',
  'ScalingDown',
  'Resizing',
  'Hibernating',
  'Hibernation',
  'Awaking',
  'Empty'
]

export function healthOf(phase: string): ClusterHealth {
  if (phase === 'Available') return 'ready'
  if (SETTLING.includes(phase)) return 'settling'
  if (BROKEN.includes(phase)) return 'broken'
  return 'other'
}
