/** The cluster's own state (ShowCluster, docs/cce-api.md §10.4): part of the verdict once the upgrade itself has passed. */
import { obj, str } from '../lib/json.js'
import { isErrorBody } from './list.js'

export interface ClusterStatus {
  /** Available, Upgrading, RollingBack, RollbackFailed, Unavailable, Error, … */
  phase: string
  reason: string
  message: string
  /** spec.version, the cluster's Kubernetes minor version (e.g. v1.29); '' when absent. */
  version: string
  /** metadata.name, the cluster's name in the console; absent when the answer has none. */
  name?: string
}

export function decodeCluster(json: unknown): ClusterStatus | undefined {
  if (isErrorBody(json)) return undefined
  const root = obj(json)
  const status = obj(root['status'])
  const phase = str(status['phase'])
  if (!phase) return undefined
  const version = obj(root['spec'])['version']
  const name = obj(root['metadata'])['name']
  return {
    ...(typeof name === 'string' && name ? { name } : {}),
    phase,
    reason: str(status['reason']),
    message: str(status['message']),
    // a number here is not a version (str() would print it with two decimals): read as absent
    version: typeof version === 'string' ? version : ''
  }
}

/** Major and minor of a Kubernetes version as CCE writes it: v1.29, v1.29.5-r0, 1.29. */
export function minorVersion(version: string): [number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:$|[.-])/.exec(version.trim())
  return m ? [Number(m[1]), Number(m[2])] : undefined
}

/** Negative when `a` is an older minor version than `b`, 0 when the same, positive when newer. */
export function compareMinor(a: [number, number], b: [number, number]): number {
  return a[0] - b[0] || a[1] - b[1]
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
