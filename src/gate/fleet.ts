/**
 * The verdict of a step that gates several clusters, pure: each cluster's own wait result in (judged by the rules
 * for one cluster, independently), the step's result and the clusters that passed and did not out.
 */
import { EndState, WaitResult, passed } from './waiter.js'

export interface ClusterOutcome {
  clusterId: string
  /** metadata.name from ShowCluster, once read. */
  name?: string
  result: WaitResult
  /** The warnings its log gave, for the summary. */
  warnings: string[]
  /** Its wait was ended by fail-fast, after another cluster did not pass. */
  stoppedByFailFast?: boolean
}

/** Most severe first: the step's result is the first of these that any cluster ended with (README, Outputs). */
export const SEVERITY: readonly EndState[] = [
  'failed',
  'error',
  'timeout',
  'upgrading',
  'paused',
  'cancelled',
  'success'
]

export interface FleetVerdict {
  /** The most severe end of any cluster; `success` only when every cluster succeeded. */
  result: EndState
  /** The step passes only when every cluster passed. */
  passed: boolean
  /** IDs of the clusters that passed, in the order given. */
  passedIds: string[]
  /** Every other ID: failed, paused (with on-pause other than succeed), timed out, upgrading, cancelled, error. */
  failedIds: string[]
}

export function fleetVerdict(outcomes: readonly ClusterOutcome[]): FleetVerdict {
  const passedIds = outcomes.filter(o => passed(o.result)).map(o => o.clusterId)
  const failedIds = outcomes.filter(o => !passed(o.result)).map(o => o.clusterId)
  const ends = new Set(outcomes.map(o => o.result.end))
  // no cluster at all cannot happen (inputs refuse it); it is no success either
  const result = SEVERITY.find(e => ends.has(e)) ?? 'error'
  return { result, passed: outcomes.length > 0 && failedIds.length === 0, passedIds, failedIds }
}

/** The name from the cluster's last ShowCluster answer, if it gave one. */
export function clusterNameOf(r: WaitResult): string | undefined {
  return r.last?.cluster.kind === 'read' ? r.last.cluster.status.name : undefined
}
