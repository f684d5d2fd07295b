/** One look at an upgrade: what the gate's decision (verdict.ts) is made from. Gathered by observer.ts. */
import type { ClusterStatus } from '../cce/cluster.js'
import type { UnreadableItem } from '../cce/list.js'
import type { PreCheck } from '../cce/precheck.js'
import type { UpgradeTask } from '../cce/task.js'
import type { Workflow } from '../cce/workflow.js'

/** The upgrade waited on, as last seen. */
export type Upgrade =
  /**
   * No upgrade qualifies (yet): none at all, or only ones that started before `max-age` (`newest`), or only
   * workflows that never started their cluster upgrade, abandoned or cancelled (`abandoned`, the newest of them).
   */
  | { kind: 'none'; newest?: Started; abandoned?: Started }
  | { kind: 'task'; task: UpgradeTask }
  /** `task` is the Cluster step's upgrade task, once it exists and could be read (its progress). */
  | { kind: 'workflow'; workflow: Workflow; task?: UpgradeTask }
  /** A list item the gate could not read, which may be the cluster's current upgrade: nothing may pass over it. */
  | { kind: 'unreadable'; item: UnreadableItem }

/** An upgrade's identity and start, for messages about which upgrade was (not) taken. */
export interface Started {
  what: string
  /** Its phase when seen, e.g. Running. */
  phase: string
  /** Epoch ms; undefined when the timestamp could not be read. */
  at?: number
}

export type ClusterView =
  | { kind: 'unread' }
  /** `rolledBack`: the cluster was seen RollingBack during this wait, so Available means the old version. */
  | { kind: 'read'; status: ClusterStatus; rolledBack: boolean }
  /** 403: the identity may not read the cluster; the verdict rests on the workflow or task. */
  | { kind: 'forbidden' }

export type PreCheckView =
  { kind: 'unread' } | { kind: 'read'; precheck: PreCheck } | { kind: 'unavailable'; why: string }

export interface Observation {
  /** When the observation was complete, on the monotonic clock (for elapsed times, never compared with the API's). */
  at: number
  /** The same instant by the API's clock, which stamps the upgrades (e.g. when a pre-check expires). */
  apiAt: number
  upgrade: Upgrade
  cluster: ClusterView
  precheck: PreCheckView
  /** Of the last response that went into this observation. */
  requestId?: string
}

/** The upgrade task an observation shows, if any: the task waited on, or the workflow's Cluster task. */
export function taskOf(u: Upgrade): UpgradeTask | undefined {
  return u.kind === 'task' || u.kind === 'workflow' ? u.task : undefined
}

/**
 * Every target the upgrade names: its task's and its workflow's, where set (a task that answers `latest`, or
 * another version than its workflow, must not stand in for the workflow's).
 */
export function targetVersionsOf(u: Upgrade): string[] {
  return [taskOf(u)?.targetVersion ?? '', workflowOf(u)?.targetVersion ?? ''].filter(Boolean)
}

export function workflowOf(u: Upgrade): Workflow | undefined {
  return u.kind === 'workflow' ? u.workflow : undefined
}

/** The observation's state without progress: what the timeline records a change of. */
export function stateKey(obs: Observation): string {
  const u = obs.upgrade
  const parts: string[] = [u.kind]
  if (u.kind === 'none') parts.push(u.newest?.what ?? '')
  if (u.kind === 'unreadable') parts.push(u.item.uid, u.item.created)
  if (u.kind === 'task') parts.push(u.task.uid, u.task.phase)
  if (u.kind === 'workflow')
    parts.push(
      u.workflow.uid,
      u.workflow.phase,
      ...u.workflow.steps.map(s => `${s.type}:${s.status}`),
      u.task?.phase ?? ''
    )
  parts.push(obs.cluster.kind === 'read' ? obs.cluster.status.phase : obs.cluster.kind)
  return parts.join('|')
}
