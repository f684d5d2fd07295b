/** The upgrade workflow (pre-check → snapshot → cluster upgrade → post-check) as the API reports it (docs/cce-api.md §10.1). */
import { parseGoTime, readPastTime } from '../lib/go-time.js'
import { listOf, obj, str } from '../lib/json.js'
import { ListAnswer, decodeList, isErrorBody, otherClusterOf } from './list.js'

export interface WorkflowStep {
  /** PreCheck, Snapshot, Cluster, PostCheck, Rollback, or a type added later. */
  type: string
  /** The step's task (for Cluster, the upgrade task; for PreCheck, the pre-check task); may be empty. */
  taskId: string
  /** Init, Queuing, Running, Success, Failed. */
  status: string
  startedAt: string
  endedAt: string
  /** Until when the step's result is valid (only pre-checks carry it); '' when absent. */
  expiresAt: string
}

export interface Workflow {
  uid: string
  creationTimestamp: string
  updateTimestamp: string
  clusterVersion: string
  targetVersion: string
  /** Init, Running, Pending (a step failed), Success, Cancel. */
  phase: string
  steps: WorkflowStep[]
}

export const WORKFLOW_PHASES = ['Init', 'Running', 'Pending', 'Success', 'Cancel'] as const
/** Phases after which a workflow changes no more. */
export const ENDED_WORKFLOW_PHASES: readonly string[] = ['Success', 'Pending', 'Cancel']
/** Step statuses that are not (yet) a failure; any other status, e.g. Failed or Error, is one. Case-sensitive. */
export const STEP_UNDER_WAY: readonly string[] = ['Init', 'Queuing', 'Running', 'Pause']
/** Step statuses that fail a workflow still under way: the documented Failed, and the Error CCE spells elsewhere. */
export const STEP_FAILED: readonly string[] = ['Failed', 'Error']
/** The order the steps run in, for showing steps the API lists in another order. */
const STEP_ORDER = ['PreCheck', 'Snapshot', 'Cluster', 'PostCheck', 'Rollback']

/** One of the phases the API documents (a later API may add others). */
export function isKnownPhase(phase: string): boolean {
  return (WORKFLOW_PHASES as readonly string[]).includes(phase)
}

/** Init, Running, or a phase the API may add later: a phase the gate does not know is never taken as ended. */
export function isActive(w: Workflow): boolean {
  return !ENDED_WORKFLOW_PHASES.includes(w.phase)
}

/**
 * Undefined unless the body is a workflow with an ID and a phase: anything else is retried as a broken answer.
 * A step's start that is unreadable (readPastTime: more than 5 min in the future of `apiNow`, the API's clock when
 * the answer came, Go's zero time, or no time) reads as '': the order of steps of one type is then unknown there
 * (stepOf), never led by it.
 */
export function decodeWorkflow(json: unknown, apiNow?: number): Workflow | undefined {
  if (isErrorBody(json)) return undefined
  const root = obj(json)
  const metadata = obj(root['metadata'])
  const spec = obj(root['spec'])
  const status = obj(root['status'])
  const uid = str(metadata['uid'])
  const phase = str(status['phase'])
  if (!uid || !phase) return undefined
  const steps = listOf(status['pointStatuses'])
    .map(p => {
      const s = obj(p)
      return {
        type: str(s['taskType']),
        taskId: str(s['taskID']),
        status: str(s['status']),
        startedAt: readableStart(str(s['startTimeStamp']), apiNow),
        endedAt: str(s['endTimeStamp']),
        expiresAt: str(s['expireTimeStamp'])
      }
    })
    // a step without a taskType is kept unless it carries nothing at all: a failure status must not be dropped
    .filter(s => s.type || s.status || s.taskId)
  const rank = (t: string): number => {
    const i = STEP_ORDER.indexOf(t)
    return i < 0 ? STEP_ORDER.length : i
  }
  steps.sort((a, b) => rank(a.type) - rank(b.type))
  return {
    uid,
    creationTimestamp: str(metadata['creationTimestamp']),
    updateTimestamp: str(metadata['updateTimestamp']),
    clusterVersion: str(spec['clusterVersion']),
    targetVersion: str(spec['targetVersion']),
    phase,
    steps
  }
}

/** A step's start as read: '' where it is unreadable (see decodeWorkflow), so that no rule reads it. */
function readableStart(text: string, apiNow: number | undefined): string {
  return readPastTime(text, apiNow) === undefined ? '' : text
}

/**
 * ShowUpgradeWorkFlow's answer for `workflowId`: an answer about another workflow, or about another cluster's
 * (`spec.clusterID` other than `clusterId`), is not an answer.
 */
export function decodeWorkflowOf(
  workflowId: string,
  clusterId?: string,
  apiNow?: () => number
): (json: unknown) => Workflow | undefined {
  return json => {
    const workflow = decodeWorkflow(json, apiNow?.())
    return workflow?.uid === workflowId && otherClusterOf(json, clusterId) === undefined
      ? workflow
      : undefined
  }
}

/**
 * ListUpgradeWorkFlows: `items` is an array (the SDK models) or one object (the API reference); see list.ts, which also
 * sets aside the items of a cluster other than `clusterId`.
 */
export function decodeWorkflowList(
  json: unknown,
  clusterId?: string,
  apiNow?: number
): ListAnswer<Workflow> | undefined {
  return decodeList(
    json,
    'upgrade workflow',
    item => decodeWorkflow(item, apiNow),
    ['metadata.uid', 'status.phase'],
    clusterId
  )
}

/** Step statuses of a step that runs now: it holds a pass, whichever step of its type decides. */
export const STEP_RUNNING: readonly string[] = ['Queuing', 'Running']

/**
 * How bad a status reads, for started steps of one type whose order is unknown: the worst decides. A failure (or
 * a status the gate does not know) is worst, then no status at all, then a step under way, Success.
 */
function severity(status: string): number {
  if (status === 'Success') return 0
  if (STEP_UNDER_WAY.includes(status)) return 1
  return status === '' ? 2 : 3
}

/**
 * The step of `type` that decides for its type: of several, the one that started last (a re-run); where that is
 * unknown (a start time unreadable, or two equal), the worst of those that may have. A step still Init has not
 * started; one without a status may have. Undefined when the workflow lists no step of that type.
 */
export function stepOf(w: Workflow, type: string): WorkflowStep | undefined {
  const all = w.steps.filter(s => s.type === type)
  const started = all.filter(s => s.status !== 'Init')
  if (!started.length) return all[0]
  const at = started.map(s => parseGoTime(s.startedAt))
  const latest = Math.max(...at.map(t => t ?? -Infinity))
  const candidates = started.filter((_, i) => at[i] === undefined || at[i] === latest)
  return candidates.reduce((worst, s) => (severity(s.status) > severity(worst.status) ? s : worst))
}

/**
 * The steps that decide the workflow: of each type the one that started last (stepOf), and every step without a
 * taskType (its type is unknown). In the listed order. (Rollback steps are judged all together: any that left
 * Init is a rollback, mayHaveRolledBack.)
 */
export function decidingSteps(w: Workflow): WorkflowStep[] {
  return w.steps.filter(s => !s.type || stepOf(w, s.type) === s)
}

/** A step that runs now (Queuing, Running): it holds a pass, whichever step of its type decides. */
export function isRunning(s: WorkflowStep): boolean {
  return STEP_RUNNING.includes(s.status)
}

/** A Rollback step that left Init, or says nothing (no status): the cluster may be (going) back. */
export function mayHaveRolledBack(s: WorkflowStep): boolean {
  return isRollback(s) && s.status !== 'Init'
}

/** The Rollback step: CCE's own spellings differ (`Rollback`, `RollBack`). */
export function isRollback(s: WorkflowStep): boolean {
  return s.type.toLowerCase() === 'rollback'
}

/** A step has started once it left Init; an empty status (the API may omit it) says nothing either way. */
export function hasStarted(s: WorkflowStep): boolean {
  return s.status !== '' && s.status !== 'Init'
}

/**
 * A step still Init while a later step has started was skipped (the console's backup is optional) and holds
 * nothing. Never the Cluster step, which is the upgrade itself, nor Rollback: Init until it runs, after a failure.
 */
export function isSkipped(w: Workflow, s: WorkflowStep): boolean {
  if (s.status !== 'Init' || s.type === 'Cluster' || isRollback(s)) return false
  return w.steps
    .slice(w.steps.indexOf(s) + 1)
    .some(later => !isRollback(later) && hasStarted(later))
}

/**
 * The PreCheck step of a workflow that waits for a person to start its cluster upgrade: the pre-check succeeded
 * (and the optional backup, if it ran), nothing else has started. Undefined for any other workflow.
 */
export function awaitingUpgradeStart(w: Workflow): WorkflowStep | undefined {
  if (!isActive(w) || !isKnownPhase(w.phase)) return undefined
  const precheck = stepOf(w, 'PreCheck')
  if (precheck?.status !== 'Success') return undefined
  const idle =
    !w.steps.some(isRunning) &&
    decidingSteps(w).every(
      s =>
        s === precheck || s.status === 'Init' || (s.type === 'Snapshot' && s.status === 'Success')
    )
  return idle ? precheck : undefined
}

/**
 * A workflow that waits for a person before its cluster upgrade and whose pre-check result has expired (by `now`,
 * the API's clock): it changed nothing and cannot go on. An unreadable expiry counts as not expired.
 */
export function isAbandoned(w: Workflow, now: number): boolean {
  const precheck = awaitingUpgradeStart(w)
  return precheck !== undefined && hasExpired(precheck, now)
}

/** Whether a step's result (a pre-check's) expired before `now`; an expiry that is absent or unreadable never does. */
export function hasExpired(step: WorkflowStep, now: number): boolean {
  return (parseGoTime(step.expiresAt) ?? Infinity) < now
}

/**
 * A Running workflow whose cluster upgrade is done (the Cluster step and every step before the post-check
 * succeeded or were skipped, no rollback) and which waits only for a post-check nobody has started: a person starts
 * it, or never does. It changes the cluster no more: for the choice it has ended.
 */
export function awaitsOnlyPostCheck(w: Workflow): boolean {
  if (w.phase !== 'Running') return false
  if (stepOf(w, 'Cluster')?.status !== 'Success' || stepOf(w, 'PostCheck')?.status !== 'Init')
    return false
  return (
    !w.steps.some(isRunning) &&
    decidingSteps(w).every(s =>
      isRollback(s)
        ? s.status === 'Init'
        : s.type === 'PostCheck' || s.status === 'Success' || isSkipped(w, s)
    )
  )
}

/** A workflow cancelled before its cluster upgrade started (its Cluster step still Init): it changed nothing. */
export function cancelledBeforeUpgrade(w: Workflow): boolean {
  return (
    w.phase === 'Cancel' &&
    stepOf(w, 'Cluster')?.status === 'Init' &&
    !w.steps.some(mayHaveRolledBack)
  )
}
