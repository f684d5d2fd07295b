/**
 * The gate's decision, pure: one observation of the upgrade (workflow, its task, the cluster) in, "wait / pass /
 * fail and why" out. Nothing here does I/O or reads a clock.
 */
import { ClusterStatus, healthOf } from '../cce/cluster.js'
import type { OnPause } from '../lib/config.js'
import { Observation, Upgrade } from './observation.js'
import { PreCheckItem, blockingItems } from '../cce/precheck.js'
import type { UpgradeTask } from '../cce/task.js'
import {
  STEP_UNDER_WAY,
  Workflow,
  WorkflowStep,
  isKnownPhase,
  isRollback,
  stepOf
} from '../cce/workflow.js'

export interface Policy {
  onPause: OnPause
  /** With max-age: while no recent upgrade exists, keep waiting for one instead of failing. */
  waitForNewUpgrade: boolean
}

export type WaitReason =
  | { kind: 'no-upgrade-yet' }
  | { kind: 'upgrading' }
  | { kind: 'paused' }
  /** The Cluster step succeeded; the workflow waits for its post-check, which a person starts. */
  | { kind: 'post-check-pending' }
  | { kind: 'cluster-settling'; phase: string }
  | { kind: 'cluster-unread' }
  /** The workflow says Success, but `step` (or, with step Cluster, its task) still says `status`. */
  | { kind: 'success-unconfirmed'; step: string; status: string }
  /** A workflow phase this action does not know: not taken as ended, either way. */
  | { kind: 'workflow-phase-unknown'; phase: string }

export type Failure =
  | { kind: 'task-failed' }
  /**
   * `blocking`: the pre-check items that block the upgrade, when the pre-check could be read. `status`: what
   * showed the failure, when it is not the workflow's phase (e.g. `Error`, or `task Failed` for the Cluster task).
   */
  | { kind: 'step-failed'; step: string; status?: string; blocking?: PreCheckItem[] }
  | { kind: 'workflow-cancelled' }
  /** The workflow reports Success, yet its Rollback step ran: the cluster is back on its old version. */
  | { kind: 'workflow-rolled-back' }
  | { kind: 'paused' }
  | { kind: 'cluster-broken'; cluster: ClusterStatus }
  /** The upgrade passed, then the cluster rolled back to its old version. */
  | { kind: 'rolled-back'; cluster: ClusterStatus }
  | { kind: 'no-upgrade' }

export type Verdict =
  | { kind: 'wait'; why: WaitReason }
  /** `paused`: passed on a Pause because of on-pause: succeed. `clusterChecked`: ShowCluster said Available. */
  | { kind: 'pass'; paused: boolean; clusterChecked: boolean }
  | { kind: 'fail'; failure: Failure }

const wait = (why: WaitReason): Verdict => ({ kind: 'wait', why })
const fail = (failure: Failure): Verdict => ({ kind: 'fail', failure })

function onPause(policy: Policy): Verdict {
  switch (policy.onPause) {
    case 'wait':
      return wait({ kind: 'paused' })
    case 'fail':
      return fail({ kind: 'paused' })
    case 'succeed':
      return { kind: 'pass', paused: true, clusterChecked: false }
  }
}

function taskVerdict(task: UpgradeTask, policy: Policy): Verdict {
  switch (task.phase) {
    case 'Success':
      return { kind: 'pass', paused: false, clusterChecked: false }
    case 'Failed':
      return fail({ kind: 'task-failed' })
    case 'Pause':
      return onPause(policy)
    default:
      // Init, Queuing, Running, and any phase the API may add later
      return wait({ kind: 'upgrading' })
  }
}

/** The step that failed: the first one reported Failed, else the first that did not succeed. */
export function failedStepOf(w: Workflow): string {
  const step = w.steps.find(s => s.status === 'Failed') ?? w.steps.find(s => s.status !== 'Success')
  return step?.type || 'unknown'
}

const stepName = (s: WorkflowStep): string => s.type || '(no taskType)'
const isFailure = (status: string): boolean =>
  status !== 'Success' && !STEP_UNDER_WAY.includes(status)

/**
 * A workflow Success is trusted only when its steps and its Cluster task agree with it: a failure among them fails,
 * anything still under way waits (the timeout ends a Success that never converges), a Rollback that left Init fails.
 */
function successVerdict(w: Workflow, task: UpgradeTask | undefined): Verdict {
  const others = w.steps.filter(s => !isRollback(s))
  const failed = others.find(s => isFailure(s.status))
  if (failed) return fail({ kind: 'step-failed', step: stepName(failed), status: failed.status })
  if (task && isFailure(task.phase))
    return fail({ kind: 'step-failed', step: 'Cluster', status: `task ${task.phase}` })
  if (w.steps.some(s => isRollback(s) && s.status !== 'Init'))
    return fail({ kind: 'workflow-rolled-back' })
  const cluster = stepOf(w, 'Cluster')
  if (!cluster) return wait({ kind: 'success-unconfirmed', step: 'Cluster', status: 'absent' })
  const unfinished = others.find(s => s.status !== 'Success')
  if (unfinished)
    return wait({
      kind: 'success-unconfirmed',
      step: stepName(unfinished),
      status: unfinished.status
    })
  if (task && task.phase !== 'Success')
    return wait({ kind: 'success-unconfirmed', step: 'Cluster', status: `task ${task.phase}` })
  return { kind: 'pass', paused: false, clusterChecked: false }
}

function workflowVerdict(w: Workflow, task: UpgradeTask | undefined, policy: Policy): Verdict {
  switch (w.phase) {
    case 'Success':
      return successVerdict(w, task)
    case 'Pending':
      return fail({ kind: 'step-failed', step: failedStepOf(w) })
    case 'Cancel':
      return fail({ kind: 'workflow-cancelled' })
  }
  // Init, Running, or a phase added later: the upgrade goes on, unless its task already says otherwise
  if (task?.phase === 'Failed') return fail({ kind: 'step-failed', step: 'Cluster' })
  if (task?.phase === 'Pause') return onPause(policy)
  // an unknown phase is neither ended nor known to be running: say only that it is unknown
  if (!isKnownPhase(w.phase)) return wait({ kind: 'workflow-phase-unknown', phase: w.phase })
  const cluster = stepOf(w, 'Cluster')
  const postCheck = stepOf(w, 'PostCheck')
  if (cluster?.status === 'Success' && postCheck && postCheck.status === 'Init')
    return wait({ kind: 'post-check-pending' })
  return wait({ kind: 'upgrading' })
}

/** The verdict from the upgrade alone (workflow or task), before the cluster's own state is looked at. */
export function judgeUpgrade(u: Upgrade, policy: Policy): Verdict {
  switch (u.kind) {
    case 'none':
      return policy.waitForNewUpgrade
        ? wait({ kind: 'no-upgrade-yet' })
        : fail({ kind: 'no-upgrade' })
    case 'task':
      return taskVerdict(u.task, policy)
    case 'workflow':
      return workflowVerdict(u.workflow, u.task, policy)
  }
}

/** The whole verdict: a passing upgrade passes only once the cluster is Available (or may not be read). */
export function judge(obs: Observation, policy: Policy): Verdict {
  const v = judgeUpgrade(obs.upgrade, policy)
  if (v.kind === 'fail') {
    const f = v.failure
    if (f.kind === 'step-failed' && f.step === 'PreCheck' && obs.precheck.kind === 'read')
      return fail({ ...f, blocking: blockingItems(obs.precheck.precheck) })
    return v
  }
  if (v.kind === 'wait') return v
  switch (obs.cluster.kind) {
    case 'unread':
      return wait({ kind: 'cluster-unread' })
    case 'forbidden':
      return v
    case 'read': {
      const status = obs.cluster.status
      const health = healthOf(status.phase)
      if (health === 'broken') return fail({ kind: 'cluster-broken', cluster: status })
      if (health === 'ready' && obs.cluster.rolledBack)
        return fail({ kind: 'rolled-back', cluster: status })
      // on-pause: succeed accepts a partly upgraded cluster, not a broken or rolling-back one
      if (v.paused)
        return status.phase === 'RollingBack'
          ? wait({ kind: 'cluster-settling', phase: status.phase })
          : v
      return health === 'ready'
        ? { kind: 'pass', paused: false, clusterChecked: true }
        : wait({ kind: 'cluster-settling', phase: status.phase })
    }
  }
}

/** What else an observation needs before its verdict is final: the cluster's state, or the failed pre-check. */
export function nextRead(obs: Observation, policy: Policy): 'cluster' | 'precheck' | undefined {
  const v = judgeUpgrade(obs.upgrade, policy)
  if (v.kind === 'pass' && obs.cluster.kind === 'unread') return 'cluster'
  if (
    v.kind === 'fail' &&
    v.failure.kind === 'step-failed' &&
    v.failure.step === 'PreCheck' &&
    obs.precheck.kind === 'unread' &&
    obs.upgrade.kind === 'workflow' &&
    stepOf(obs.upgrade.workflow, 'PreCheck')?.taskId
  )
    return 'precheck'
  return undefined
}
