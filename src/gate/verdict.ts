/**
 * The gate's decision, pure: one observation of the upgrade (workflow, its task, the cluster) in, "wait / pass /
 * fail and why" out. Nothing here does I/O or reads a clock.
 */
import { ClusterStatus, compareMinor, healthOf, minorVersion } from '../cce/cluster.js'
import type { UnreadableItem } from '../cce/list.js'
import { PreCheckItem, blockingItems } from '../cce/precheck.js'
import type { UpgradeTask } from '../cce/task.js'
import {
  STEP_FAILED,
  STEP_UNDER_WAY,
  Workflow,
  WorkflowStep,
  awaitingUpgradeStart,
  decidingSteps,
  hasExpired,
  isKnownPhase,
  isRollback,
  isRunning,
  isSkipped,
  mayHaveRolledBack,
  stepOf
} from '../cce/workflow.js'
import type { OnPause, RequiredVersion } from '../lib/config.js'
import { Observation, Upgrade, targetVersionsOf } from './observation.js'
import { versionShortfall } from './require-version.js'

export interface Policy {
  onPause: OnPause
  /** With max-age: while no recent upgrade exists, keep waiting for one instead of failing. */
  waitForNewUpgrade: boolean
  /** wait-for-post-check: a workflow passes only once its post-check succeeded and it says Success. */
  waitForPostCheck: boolean
  /**
   * Guard use (no ID, no max-age): the step holds deploys only while an upgrade is under way or after a failed
   * one. No upgrade at all passes (on a healthy cluster), and a workflow waiting for a person before its cluster
   * upgrade holds nothing (choose.ts).
   */
  guard?: boolean
  /** require-version: a pass also needs the cluster's spec.version at least this major.minor. */
  requireVersion?: RequiredVersion
}

export type WaitReason =
  | { kind: 'no-upgrade-yet' }
  | { kind: 'upgrading' }
  | { kind: 'paused' }
  /** wait-for-post-check: the Cluster step succeeded; the workflow waits for its post-check, which a person starts. */
  | { kind: 'post-check-pending' }
  /** The pre-check passed; the cluster upgrade waits for a person to start it, while the pre-check is valid. */
  | { kind: 'upgrade-not-started'; expires: string }
  | { kind: 'cluster-settling'; phase: string }
  | { kind: 'cluster-unread' }
  /** The workflow says Success, but `step` (or, with step Cluster, its task) still says `status`. */
  | { kind: 'success-unconfirmed'; step: string; status: string }
  /** A workflow phase this action does not know: not taken as ended, either way. */
  | { kind: 'workflow-phase-unknown'; phase: string }
  /** A list item the gate could not read may be the current upgrade: it holds the gate until the timeout. */
  | { kind: 'list-item-unreadable'; item: UnreadableItem }
  /**
   * The workflow is Pending on its failed Cluster step, but that step's task runs again (retried), or it ended
   * Success and the workflow does not say so yet: followed like a running upgrade. `task`: the task's phase.
   */
  | { kind: 'retried'; task: string }
  /**
   * A Success workflow with a step without taskType (the Cluster step, or a Rollback?) and a cluster whose version
   * could not be compared with the target (`why`): only that comparison could tell.
   */
  | { kind: 'untyped-step-unverified'; why: string }

export type Failure =
  | { kind: 'task-failed' }
  /**
   * `blocking`: the pre-check items that block the upgrade, when the pre-check could be read. `status`: what
   * showed the failure, when it is not the workflow's phase (e.g. `Error`, or `task Failed` for the Cluster task).
   */
  | { kind: 'step-failed'; step: string; status?: string; blocking?: PreCheckItem[] }
  | { kind: 'workflow-cancelled' }
  /** The workflow's Rollback step ran: the cluster is (going) back on its old version. */
  | { kind: 'workflow-rolled-back' }
  | { kind: 'paused' }
  | { kind: 'cluster-broken'; cluster: ClusterStatus }
  /** The upgrade passed, then the cluster rolled back to its old version. */
  | { kind: 'rolled-back'; cluster: ClusterStatus }
  /** The cluster reports an older minor version than the upgrade's target: the upgrade did not take. */
  | { kind: 'version-behind'; cluster: ClusterStatus; target: string }
  /** The workflow waited for a person to start its cluster upgrade until its pre-check expired: it never started. */
  | { kind: 'precheck-expired'; expires: string }
  /** wait-for-post-check: the workflow ended (Success, Cancel) with its post-check still Init: it can no longer run. */
  | { kind: 'post-check-never-run' }
  | { kind: 'no-upgrade' }
  /**
   * require-version: everything else passed, but the cluster runs an older major.minor (`have`), or its version
   * could not be read (`unreadable` says why).
   */
  | { kind: 'version-required'; want: string; have: string; unreadable?: string }

export interface Pass {
  kind: 'pass'
  /** Passed on a Pause because of on-pause: succeed. */
  paused: boolean
  /** ShowCluster said Available. */
  clusterChecked: boolean
  /** The workflow's post-check was never started (wait-for-post-check: false lets it pass). */
  postCheckNotStarted?: boolean
  /** Why the cluster's version could not be compared with the target (passed without that check). */
  versionUnchecked?: string
  /**
   * A step without a taskType succeeded: it may be the Cluster step, or a Rollback. Such a pass needs the cluster
   * read, Available and at or past the target version.
   */
  untypedStep?: boolean
}

export type Verdict = { kind: 'wait'; why: WaitReason } | Pass | { kind: 'fail'; failure: Failure }

const wait = (why: WaitReason): Verdict => ({ kind: 'wait', why })
const fail = (failure: Failure): Verdict => ({ kind: 'fail', failure })
const pass = (extra: Partial<Pass> = {}): Pass => ({
  kind: 'pass',
  paused: false,
  clusterChecked: false,
  ...extra
})

function onPause(policy: Policy): Verdict {
  switch (policy.onPause) {
    case 'wait':
      return wait({ kind: 'paused' })
    case 'fail':
      return fail({ kind: 'paused' })
    case 'succeed':
      return pass({ paused: true })
  }
}

function taskVerdict(task: UpgradeTask, policy: Policy): Verdict {
  switch (task.phase) {
    case 'Success':
      return pass()
    case 'Failed':
      return fail({ kind: 'task-failed' })
    case 'Pause':
      return onPause(policy)
    default:
      // Init, Queuing, Running, and any phase the API may add later
      return wait({ kind: 'upgrading' })
  }
}

/**
 * The step that failed: the first deciding step (of each type the one that started last) reported Failed, else
 * the first that did not succeed (nor was skipped).
 */
export function failedStepOf(w: Workflow): string {
  const steps = decidingSteps(w)
  const step =
    steps.find(s => s.status === 'Failed') ??
    steps.find(s => s.status !== 'Success' && !isSkipped(w, s))
  return step?.type || 'unknown'
}

const stepName = (s: WorkflowStep): string => s.type || '(no taskType)'
/** A failure: Failed, Error or a status the gate does not know. No status at all is unknown: it holds, never fails. */
const isFailure = (status: string): boolean =>
  status !== 'Success' && status !== '' && !STEP_UNDER_WAY.includes(status)

/**
 * A workflow Success is trusted only when its steps and its Cluster task agree with it: a failure among them fails,
 * anything still under way or without a status waits (the timeout ends a Success that never converges), a Rollback
 * that left Init (or says nothing) fails. Of several steps of one type, the one that started last decides; any
 * step Queuing or Running holds. A step skipped (still Init before a later step that ran) holds nothing, nor,
 * unless wait-for-post-check, a post-check nobody started; with wait-for-post-check that post-check can no longer
 * start, which fails. A step without a taskType may be the Cluster step: it passes once the cluster checks pass.
 */
function successVerdict(w: Workflow, task: UpgradeTask | undefined, policy: Policy): Verdict {
  const others = decidingSteps(w).filter(s => !isRollback(s))
  const failed = others.find(s => isFailure(s.status))
  if (failed) return fail({ kind: 'step-failed', step: stepName(failed), status: failed.status })
  if (task && isFailure(task.phase))
    return fail({ kind: 'step-failed', step: 'Cluster', status: `task ${task.phase}` })
  if (w.steps.some(mayHaveRolledBack)) return fail({ kind: 'workflow-rolled-back' })
  if (policy.waitForPostCheck && stepOf(w, 'PostCheck')?.status === 'Init')
    return fail({ kind: 'post-check-never-run' })
  const untyped = others.some(s => !s.type)
  if (!stepOf(w, 'Cluster') && !untyped)
    return wait({ kind: 'success-unconfirmed', step: 'Cluster', status: 'absent' })
  const unfinished = holdingStep(w, policy)
  if (unfinished)
    return wait({
      kind: 'success-unconfirmed',
      step: stepName(unfinished),
      status: unfinished.status
    })
  if (task && task.phase !== 'Success')
    return wait({ kind: 'success-unconfirmed', step: 'Cluster', status: `task ${task.phase}` })
  const passed = upgradePassed(w, policy)
  return untyped ? { ...passed, untypedStep: true } : passed
}

/** The post-check is listed, still Init, and wait-for-post-check does not ask for it. */
function postCheckNotStarted(w: Workflow, policy: Policy): boolean {
  return !policy.waitForPostCheck && stepOf(w, 'PostCheck')?.status === 'Init'
}

/**
 * The first step that holds a pass: not Rollback (judged apart), and either Queuing or Running, or deciding for
 * its type (stepOf) and not Success, not skipped, and not a post-check nobody started that wait-for-post-check
 * does not ask for.
 */
function holdingStep(w: Workflow, policy: Policy): WorkflowStep | undefined {
  const postCheckIdle = postCheckNotStarted(w, policy)
  const deciding = decidingSteps(w)
  return w.steps.find(
    s =>
      !isRollback(s) &&
      (isRunning(s) ||
        (deciding.includes(s) &&
          s.status !== 'Success' &&
          !isSkipped(w, s) &&
          !(postCheckIdle && s.type === 'PostCheck')))
  )
}

/** A pass, noting a post-check nobody started. */
function upgradePassed(w: Workflow, policy: Policy): Pass {
  return postCheckNotStarted(w, policy) ? pass({ postCheckNotStarted: true }) : pass()
}

/**
 * A workflow still under way whose Cluster step succeeded: the cluster is upgraded and only the post-check is
 * left, which a person starts (or never does). Without wait-for-post-check that passes, once every other step
 * succeeded or was skipped and the Cluster task (when read) agrees; a post-check that runs is waited for.
 */
function upgradedVerdict(w: Workflow, task: UpgradeTask | undefined, policy: Policy): Verdict {
  if (policy.waitForPostCheck)
    return wait({
      kind: stepOf(w, 'PostCheck')?.status === 'Init' ? 'post-check-pending' : 'upgrading'
    })
  if (holdingStep(w, policy) || (task && task.phase !== 'Success'))
    return wait({ kind: 'upgrading' })
  return upgradePassed(w, policy)
}

/**
 * A workflow that waits for a person to start its cluster upgrade: waiting is right while its pre-check is valid
 * (by the API's clock `apiAt`); once that expired, the upgrade can no longer start from this workflow.
 */
function idleVerdict(precheck: WorkflowStep, apiAt: number): Verdict {
  return hasExpired(precheck, apiAt)
    ? fail({ kind: 'precheck-expired', expires: precheck.expiresAt })
    : wait({ kind: 'upgrade-not-started', expires: precheck.expiresAt })
}

/**
 * A workflow Pending on a failed step fails, unless that step is its Cluster step and the upgrade runs again after
 * a retry (console, or POST …/operation/upgrade/retry): the Cluster step shows Queuing or Running again, or its
 * task (when read) no longer says Failed. That is followed like a running upgrade: the workflow then ends it.
 */
function pendingVerdict(w: Workflow, task: UpgradeTask | undefined, policy: Policy): Verdict {
  const cluster = stepOf(w, 'Cluster')
  const othersFailed = decidingSteps(w).some(
    s => s !== cluster && !isRollback(s) && isFailure(s.status)
  )
  const retried =
    cluster !== undefined &&
    cluster.status !== 'Init' &&
    cluster.status !== 'Success' &&
    !othersFailed &&
    !w.steps.some(mayHaveRolledBack) &&
    (task ? task.phase !== 'Failed' : isRunning(cluster))
  if (!retried) return fail({ kind: 'step-failed', step: failedStepOf(w) })
  if (task?.phase === 'Pause') return onPause(policy)
  return wait({ kind: 'retried', task: task?.phase ?? '' })
}

function workflowVerdict(
  w: Workflow,
  task: UpgradeTask | undefined,
  policy: Policy,
  apiAt: number
): Verdict {
  switch (w.phase) {
    case 'Success':
      return successVerdict(w, task, policy)
    case 'Pending':
      return pendingVerdict(w, task, policy)
    case 'Cancel':
      // wait-for-post-check: cancelled after its cluster upgrade succeeded, the post-check never ran
      return policy.waitForPostCheck &&
        stepOf(w, 'Cluster')?.status === 'Success' &&
        stepOf(w, 'PostCheck')?.status === 'Init' &&
        !w.steps.some(mayHaveRolledBack)
        ? fail({ kind: 'post-check-never-run' })
        : fail({ kind: 'workflow-cancelled' })
  }
  // Init, Running, or a phase added later: the upgrade goes on, unless its task or a step already says otherwise
  if (task?.phase === 'Failed') return fail({ kind: 'step-failed', step: 'Cluster' })
  // an unknown phase is neither ended nor known to be running: say only that it is unknown
  if (!isKnownPhase(w.phase)) return wait({ kind: 'workflow-phase-unknown', phase: w.phase })
  // a Rollback that left Init, or says nothing, may have run: the same in every phase
  if (w.steps.some(mayHaveRolledBack)) return fail({ kind: 'workflow-rolled-back' })
  const failed = decidingSteps(w).find(s => STEP_FAILED.includes(s.status))
  if (failed) return fail({ kind: 'step-failed', step: stepName(failed), status: failed.status })
  // a pause, only after the rollback and the failed steps: on-pause: succeed never passes over either
  if (task?.phase === 'Pause') return onPause(policy)
  if (stepOf(w, 'Cluster')?.status === 'Success') return upgradedVerdict(w, task, policy)
  const precheck = awaitingUpgradeStart(w)
  if (precheck) return idleVerdict(precheck, apiAt)
  return wait({ kind: 'upgrading' })
}

/**
 * The verdict from the upgrade alone (workflow or task), before the cluster's own state is looked at. `apiAt`:
 * now by the API's clock, which dates a pre-check's expiry.
 */
export function judgeUpgrade(u: Upgrade, policy: Policy, apiAt: number): Verdict {
  switch (u.kind) {
    case 'none':
      // guard use: no upgrade under way and none failed; the cluster's own state decides
      if (policy.guard) return pass()
      return policy.waitForNewUpgrade
        ? wait({ kind: 'no-upgrade-yet' })
        : fail({ kind: 'no-upgrade' })
    case 'unreadable':
      return wait({ kind: 'list-item-unreadable', item: u.item })
    case 'task':
      return taskVerdict(u.task, policy)
    case 'workflow':
      return workflowVerdict(u.workflow, u.task, policy, apiAt)
  }
}

/**
 * The cluster's version against the upgrade's target, by major.minor: `behind` when the cluster's is older (the
 * upgrade did not take, or was rolled back); `why` when the two cannot be compared (passed without the check).
 */
export function versionCheck(
  cluster: ClusterStatus,
  target: string
): { behind: boolean; why?: string } {
  const have = minorVersion(cluster.version)
  const want = minorVersion(target)
  if (!cluster.version) return { behind: false, why: 'ShowCluster reported no spec.version' }
  if (!have) return { behind: false, why: `spec.version "${cluster.version}" is not a version` }
  if (!want)
    return {
      behind: false,
      why: target ? `the target version "${target}" is not a version` : 'no target version'
    }
  return { behind: compareMinor(have, want) < 0 }
}

/**
 * The whole verdict: a passing upgrade passes only once the cluster is Available (or may not be read), and, with
 * require-version, only on a cluster that runs at least that version.
 */
export function judge(obs: Observation, policy: Policy): Verdict {
  const v = judgeWithCluster(obs, policy)
  const want = policy.requireVersion
  if (v.kind !== 'pass' || !want) return v
  const short = versionShortfall(obs.cluster, want)
  return short ? fail({ kind: 'version-required', want: want.text, ...short }) : v
}

function judgeWithCluster(obs: Observation, policy: Policy): Verdict {
  const v = judgeUpgrade(obs.upgrade, policy, obs.apiAt)
  if (v.kind === 'fail') {
    const f = v.failure
    // Stryker disable next-line ConditionalExpression: narrows the type; only a step-failed failure has a step
    if (f.kind === 'step-failed' && f.step === 'PreCheck' && obs.precheck.kind === 'read')
      return fail({ ...f, blocking: blockingItems(obs.precheck.precheck) })
    return v
  }
  if (v.kind === 'wait') return v
  switch (obs.cluster.kind) {
    case 'unread':
      return wait({ kind: 'cluster-unread' })
    case 'forbidden':
      return v.untypedStep
        ? wait({ kind: 'untyped-step-unverified', why: 'ShowCluster is forbidden (HTTP 403)' })
        : v
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
      if (health !== 'ready') return wait({ kind: 'cluster-settling', phase: status.phase })
      // the task's target and the workflow's: the cluster must meet each that can be read
      const checks = targetVersionsOf(obs.upgrade).map(target => ({
        target,
        ...versionCheck(status, target)
      }))
      const behind = checks.find(c => c.behind)
      if (behind) return fail({ kind: 'version-behind', cluster: status, target: behind.target })
      const version = checks.find(c => !c.why) ?? checks[0] ?? versionCheck(status, '')
      if (v.untypedStep && version.why)
        return wait({ kind: 'untyped-step-unverified', why: version.why })
      return { ...v, clusterChecked: true, versionUnchecked: version.why }
    }
  }
}

/** What else an observation needs before its verdict is final: the cluster's state, or the failed pre-check. */
export function nextRead(obs: Observation, policy: Policy): 'cluster' | 'precheck' | undefined {
  const v = judgeUpgrade(obs.upgrade, policy, obs.apiAt)
  if (v.kind === 'pass' && obs.cluster.kind === 'unread') return 'cluster'
  // Stryker disable ConditionalExpression,OptionalChaining: the kind checks narrow the types (only a step-failed
  // failure names PreCheck, only a workflow has a PreCheck step, and then stepOf finds it)
  if (
    v.kind === 'fail' &&
    v.failure.kind === 'step-failed' &&
    v.failure.step === 'PreCheck' &&
    obs.precheck.kind === 'unread' &&
    obs.upgrade.kind === 'workflow' &&
    stepOf(obs.upgrade.workflow, 'PreCheck')?.taskId
  )
    return 'precheck'
  // Stryker restore ConditionalExpression,OptionalChaining
  return undefined
}
