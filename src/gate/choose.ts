/**
 * Which upgrade the gate waits on when no task-id or workflow-id is given (pure): the cluster's newest upgrade
 * workflow or upgrade task.
 *
 * - An upgrade under way wins over any that ended, whatever the timestamps and its age: a workflow in Init/Running
 *   (its own Cluster task is newer than the workflow itself), else a task outside any workflow that has not ended.
 * - Otherwise the newest that ended: two workflows, or two tasks, by creation; a task against a workflow by the
 *   task's creation against the end of the workflow's cluster upgrade (its Cluster step's endTimeStamp, else its
 *   task's completionTime), whatever the workflow did afterwards.
 * - Where that order is unknown (a time unreadable, or two equal), every upgrade that could be the newest is judged
 *   (verdict.ts): the gate passes only if each would pass; otherwise the worst decides (a failure, else one that
 *   holds). A time is unreadable when it does not parse, is Go's zero time, or lies more than 5 minutes in the
 *   future of the API's clock (go-time.ts).
 * - A workflow that waits for a person before its cluster upgrade, whose pre-check has expired, changed nothing
 *   and cannot go on; one cancelled before its cluster upgrade started changed nothing either (without max-age):
 *   neither counts (the newest other upgrade decides, and their tasks, should they have any, count as outside any
 *   workflow).
 * - A workflow whose cluster upgrade is done and that waits only for a post-check nobody started has ended, for the
 *   choice: an upgrade started after it decides.
 * - In guard use (`guard`: no ID, no max-age), a workflow that waits for a person before its cluster upgrade (its
 *   pre-check valid) has changed nothing yet and is passed over too; once its cluster upgrade starts, it is
 *   under way and wins like any other.
 * - With `notBefore` (max-age), an upgrade that ended earlier does not count (nothing qualifies yet); one under way
 *   always counts. An end that cannot be read counts unless the upgrade would pass.
 * - A list item that could not be read and may be newer than the choice (its time unreadable, or at or after the
 *   choice's start) is chosen instead: the gate must not pass on an upgrade it may hide.
 */
import { parseGoTime, readPastTime } from '../lib/go-time.js'
import type { Started, Upgrade } from './observation.js'
import { UnreadableItem, describeUnreadable } from '../cce/list.js'
import type { UpgradeTask } from '../cce/task.js'
import {
  Workflow,
  awaitingUpgradeStart,
  awaitsOnlyPostCheck,
  cancelledBeforeUpgrade,
  isAbandoned,
  isActive,
  isRunning,
  stepOf
} from '../cce/workflow.js'
import { Policy, judgeUpgrade } from './verdict.js'

/** The upgrade the gate follows when no ID is given; `none` while nothing qualifies. */
export type Choice = Upgrade

export interface ChooseOptions {
  /**
   * With max-age: the earliest end an upgrade that ended may have to count (epoch ms, the API's clock); one under
   * way counts whatever its age.
   */
  notBefore?: number
  /** The API's clock now: pre-check expiry, and times in its future are unreadable; without it neither applies. */
  apiNow?: number
  /** The list items that could not be read (list.ts). */
  unreadable?: UnreadableItem[]
  /** How each upgrade that could be the newest is judged when the order is unknown; by default as main.ts would. */
  policy?: Policy
  /** Guard use: a workflow that waits for a person before its cluster upgrade is passed over (guardPassesOver); by default the policy says (Policy.guard). */
  guard?: boolean
}

/** An upgrade that has started (not `none`). */
type Found = Exclude<Upgrade, { kind: 'none' }>
type Candidate = Extract<Upgrade, { kind: 'task' | 'workflow' }>

/**
 * The newest item by a timestamp read as an instant. Where the order is unknown (a timestamp unreadable, or two
 * equal) the gate must never pick the item that passes over one that does not: the one that has not `succeeded`
 * wins; between two alike, an unreadable timestamp ranks newest.
 */
export function newestBy<T>(
  items: T[],
  stamp: (item: T) => string,
  // Stryker disable next-line BooleanLiteral,ArrowFunction: any constant compares equal for every item
  succeeded: (item: T) => boolean = () => false
): T | undefined {
  let best: { item: T; at: number } | undefined
  for (const item of items) {
    const at = parseGoTime(stamp(item)) ?? Infinity
    if (best === undefined || ranksNewer(item, at, best.item, best.at, succeeded))
      best = { item, at }
  }
  return best?.item
}

function ranksNewer<T>(item: T, at: number, best: T, bestAt: number, succeeded: (x: T) => boolean) {
  const unknownOrder = at === bestAt || at === Infinity || bestAt === Infinity
  if (unknownOrder && succeeded(item) !== succeeded(best)) return !succeeded(item)
  return at > bestAt
}

const created = (x: { creationTimestamp: string }): string => x.creationTimestamp

/**
 * A workflow that may still change the cluster: Init, Running or a phase added later, unless its cluster upgrade
 * is done and only a post-check nobody started is left.
 */
export function stillChanging(w: Workflow): boolean {
  return isActive(w) && !awaitsOnlyPostCheck(w)
}

/** The latest readable end of a workflow's steps and its last update, if any. */
function lastStampOf(w: Workflow, apiNow?: number): number | undefined {
  const stamps = [...w.steps.map(s => s.endedAt), w.updateTimestamp]
    .map(t => readPastTime(t, apiNow))
    .filter((t): t is number => t !== undefined)
  return stamps.length ? Math.max(...stamps) : undefined
}

/**
 * When a workflow ended: its last step's end or its last update, else its creation (only meaningful once it is not
 * still changing). `apiNow`: times in its future are unreadable.
 */
export function workflowEndedAt(w: Workflow, apiNow?: number): number | undefined {
  return lastStampOf(w, apiNow) ?? readPastTime(w.creationTimestamp, apiNow)
}

/** An upgrade that ended longer than this before the step began is probably not the one meant. */
export const OLD_UPGRADE_MS = 24 * 3_600_000

/** When an upgrade ended (epoch ms), if it has and the time can be read. */
export function endedAtOf(u: Upgrade, apiNow?: number): number | undefined {
  if (u.kind === 'workflow')
    return stillChanging(u.workflow) ? undefined : workflowEndedAt(u.workflow, apiNow)
  if (u.kind === 'task' && !isUnderWay(u.task)) return readPastTime(u.task.completionTime, apiNow)
  return undefined
}

export function startedOf(u: Found, apiNow?: number): Started {
  switch (u.kind) {
    case 'workflow':
      return {
        what: `upgrade workflow ${u.workflow.uid}`,
        phase: u.workflow.phase,
        at: readPastTime(u.workflow.creationTimestamp, apiNow)
      }
    case 'task':
      return {
        what: `upgrade task ${u.task.uid}`,
        phase: u.task.phase,
        at: readPastTime(u.task.creationTimestamp, apiNow)
      }
    case 'unreadable':
      return {
        what: describeUnreadable(u.item),
        phase: '',
        at: readPastTime(u.item.created, apiNow)
      }
  }
}

/** Whether two upgrades are one: the same ID, or a workflow and the task of its Cluster step. */
export function sameUpgrade(a: Found, b: Found): boolean {
  const ids = (u: Found): string[] => {
    switch (u.kind) {
      case 'task':
        return [u.task.uid]
      case 'workflow':
        return [
          u.workflow.uid,
          ...u.workflow.steps.filter(s => s.type === 'Cluster' && s.taskId).map(s => s.taskId)
        ]
      case 'unreadable':
        // an unreadable item without an ID matches nothing: every ID of a readable upgrade is non-empty
        return [u.item.uid]
    }
  }
  const other = ids(b)
  return ids(a).some(id => other.includes(id))
}

/**
 * An upgrade other than `named` that started after it (or at a time that cannot be compared): the cluster's
 * current upgrade, when `named` is a stale ID.
 */
export function newerThan(choice: Choice, named: Found): Started | undefined {
  if (choice.kind === 'none' || sameUpgrade(choice, named)) return undefined
  const current = startedOf(choice)
  // an unreadable time is NaN, which is not at or before anything: such a choice is named
  return (current.at ?? NaN) <= (startedOf(named).at ?? NaN) ? undefined : current
}

/** The workflows that wait for a person before their cluster upgrade with an expired pre-check (workflow.ts). */
export function abandonedWorkflows(workflows: Workflow[], apiNow: number | undefined): Workflow[] {
  // without the API's clock nothing has expired
  return workflows.filter(w => isAbandoned(w, apiNow ?? -Infinity))
}

/**
 * The workflows the choice passes over: abandoned, or cancelled before their cluster upgrade started. With max-age
 * (`maxAge`), a cancelled one counts like any upgrade that ended: the newest inside max-age fails as cancelled. In
 * guard use (`guard`), one waiting for a person before its cluster upgrade too (guardPassesOver).
 */
export function passedOverWorkflows(
  workflows: Workflow[],
  apiNow: number | undefined,
  maxAge = false,
  guard = false
): Workflow[] {
  return workflows.filter(
    w =>
      isAbandoned(w, apiNow ?? -Infinity) ||
      (!maxAge && cancelledBeforeUpgrade(w)) ||
      (guard && guardPassesOver(w))
  )
}

/**
 * Guard use: a workflow that waits for a person to start its cluster upgrade has changed nothing, so it holds no
 * guard (with an ID or max-age it still holds the gate: that pipeline waits for it).
 */
export function guardPassesOver(w: Workflow): boolean {
  return awaitingUpgradeStart(w) !== undefined
}

export function chooseUpgrade(
  all: Workflow[],
  tasks: UpgradeTask[],
  o: ChooseOptions = {}
): Choice {
  const passedOver = passedOverWorkflows(
    all,
    o.apiNow,
    o.notBefore !== undefined,
    o.guard ?? o.policy?.guard ?? false
  )
  const workflows = all.filter(w => !passedOver.includes(w))
  const choice = choose(workflows, tasks, {
    notBefore: o.notBefore,
    apiNow: o.apiNow,
    tasks,
    policy: o.policy ?? {
      onPause: 'wait',
      waitForPostCheck: false,
      waitForNewUpgrade: o.notBefore !== undefined
    }
  })
  const chosen = choice && (choice.kind === 'none' ? choice.newest : startedOf(choice, o.apiNow))
  const hidden = o.unreadable?.find(u => mayBeCurrent(u, chosen, o.notBefore, o.apiNow))
  if (hidden) return { kind: 'unreadable', item: hidden }
  if (choice) return choice
  const last = newestBy(passedOver, created)
  return last
    ? { kind: 'none', abandoned: startedOf({ kind: 'workflow', workflow: last }, o.apiNow) }
    : { kind: 'none' }
}

/**
 * Whether an item the gate could not read may be the cluster's current upgrade: its time is unreadable, or it
 * is not older than the upgrade chosen (or nothing was chosen), and max-age does not rule it out.
 */
function mayBeCurrent(
  u: UnreadableItem,
  chosen: Started | undefined,
  notBefore: number | undefined,
  apiNow: number | undefined
): boolean {
  const at = readPastTime(u.created, apiNow)
  if (at === undefined) return true
  if (at < (notBefore ?? -Infinity)) return false
  return chosen?.at === undefined || at >= chosen.at
}

interface Context {
  notBefore?: number
  apiNow?: number
  policy: Policy
  /** Every task listed: a workflow's Cluster task, to judge the workflow by and to date its cluster upgrade. */
  tasks: UpgradeTask[]
}

/** The choice among the upgrades that count; undefined when there is none at all. */
function choose(workflows: Workflow[], tasks: UpgradeTask[], c: Context): Choice | undefined {
  const outside = tasks.filter(t => !partOfAWorkflow(t, workflows))
  // a workflow or task still under way wins over any that ended, whatever the timestamps say (passing on an ended
  // one while another runs is the one mistake the gate must not make), and whatever its age; of those, the newest
  // and every one that changes the cluster now (a task under way, a step running): the worst decides
  const underWay = [
    ...workflows.filter(stillChanging).map(asWorkflow),
    ...outside.filter(isUnderWay).map(asTask)
  ]
  if (underWay.length) {
    const newest = mayBeNewest(underWay, c)
    const running = underWay.filter(u => !newest.includes(u) && changesNow(u))
    return worstOf([...newest, ...running], c, false)
  }
  const ended = [...workflows.map(asWorkflow), ...outside.map(asTask)]
  return ended.length ? worstOf(mayBeNewest(ended, c), c, true) : undefined
}

const asWorkflow = (workflow: Workflow): Candidate => ({ kind: 'workflow', workflow })
const asTask = (task: UpgradeTask): Candidate => ({ kind: 'task', task })

/** The candidates no other one is known to be newer than (all of them, should the order go round in a circle). */
function mayBeNewest(all: Candidate[], c: Context): Candidate[] {
  const newest = all.filter(x => !all.some(y => y !== x && knownNewer(y, x, c)))
  return newest.length ? newest : all
}

/**
 * Whether `a` is known to be newer than `b`: two of a kind by creation; a task against a workflow by the task's
 * creation against the end of the workflow's cluster upgrade. An unreadable time or a tie: not known.
 */
function knownNewer(a: Candidate, b: Candidate, c: Context): boolean {
  const [x, y] =
    a.kind === b.kind
      ? [createdAt(a, c), createdAt(b, c)]
      : a.kind === 'task'
        ? [createdAt(a, c), upgradeEndOf(b, c)]
        : [upgradeEndOf(a, c), createdAt(b, c)]
  return x !== undefined && y !== undefined && x > y
}

function createdAt(u: Candidate, c: Context): number | undefined {
  return readPastTime(
    u.kind === 'task' ? u.task.creationTimestamp : u.workflow.creationTimestamp,
    c.apiNow
  )
}

/**
 * When a workflow's cluster upgrade ended, for its order against a task: its Cluster step's endTimeStamp, else its
 * task's completionTime (undefined when neither is readable); a workflow whose Cluster step did not end, when the
 * workflow ended. Only a workflow has one; a task is dated by its creation.
 */
function upgradeEndOf(u: Candidate, c: Context): number | undefined {
  if (u.kind === 'task') return createdAt(u, c)
  const step = stepOf(u.workflow, 'Cluster')
  if (!step || !TASK_ENDED.includes(step.status)) return workflowEndedAt(u.workflow, c.apiNow)
  return (
    readPastTime(step.endedAt, c.apiNow) ??
    readPastTime(clusterTaskOf(u.workflow, c)?.completionTime ?? '', c.apiNow)
  )
}

function clusterTaskOf(w: Workflow, c: Context): UpgradeTask | undefined {
  const id = stepOf(w, 'Cluster')?.taskId
  return id ? c.tasks.find(t => t.uid === id) : undefined
}

const TASK_ENDED = ['Success', 'Failed']

/** A reading of one candidate: itself, or (max-age leaves it out) no upgrade yet. */
interface Reading {
  choice: Choice
  severity: number
  /** Its start, for the tie-break: the newest readable one. */
  at?: number
}

/**
 * Of the upgrades that could be the newest, the worst reading: one that fails, else one that holds (no upgrade yet,
 * too), else one that passes. `ended`: they have ended, so max-age may leave them out (an end it cannot read: both
 * readings). Between two alike, the one that started last by a readable time; then the list's order.
 */
function worstOf(candidates: Candidate[], c: Context, ended: boolean): Choice {
  const readings = candidates.flatMap(u => readingsOf(u, c, ended))
  let worst = readings[0] as Reading
  for (const r of readings.slice(1))
    if (
      r.severity > worst.severity ||
      (r.severity === worst.severity && (r.at ?? -Infinity) > (worst.at ?? -Infinity))
    )
      worst = r
  return worst.choice
}

function readingsOf(u: Candidate, c: Context, ended: boolean): Reading[] {
  const started = startedOf(u, c.apiNow)
  const self: Reading = { choice: u, severity: severityOf(u, c), at: started.at }
  if (!ended || c.notBefore === undefined) return [self]
  const none: Reading = { choice: { kind: 'none', newest: started }, severity: WAIT }
  const counts = countsUnderMaxAge(u, started.at, c.notBefore, c.apiNow)
  return counts === undefined ? [self, none] : [counts ? self : none]
}

const FAIL = 2
const WAIT = 1

function severityOf(u: Candidate, c: Context): number {
  const task = u.kind === 'workflow' ? clusterTaskOf(u.workflow, c) : undefined
  const judged = task && u.kind === 'workflow' ? { ...u, task } : u
  const v = judgeUpgrade(judged, c.policy, c.apiNow ?? -Infinity)
  return v.kind === 'fail' ? FAIL : v.kind === 'wait' ? WAIT : 0
}

/**
 * Whether an upgrade that ended counts under max-age: it ended at or after `notBefore`; or, its end unreadable, it
 * started at or after it. Undefined when that cannot be told.
 */
function countsUnderMaxAge(
  u: Candidate,
  startedAt: number | undefined,
  notBefore: number,
  apiNow: number | undefined
): boolean | undefined {
  const end =
    u.kind === 'workflow'
      ? lastStampOf(u.workflow, apiNow)
      : readPastTime(u.task.completionTime, apiNow)
  if (end !== undefined) return end >= notBefore
  return startedAt !== undefined && startedAt >= notBefore ? true : undefined
}

/** An upgrade at work on the cluster now: a task under way, or a workflow with a step Queuing or Running. */
function changesNow(u: Candidate): boolean {
  return u.kind === 'task' ? isUnderWay(u.task) : u.workflow.steps.some(isRunning)
}

/** A task that has not ended: Init, Queuing, Running, Pause, or a phase added later. */
function isUnderWay(t: UpgradeTask): boolean {
  return !TASK_ENDED.includes(t.phase)
}

function partOfAWorkflow(t: UpgradeTask, all: Workflow[]): boolean {
  return all.some(w => w.steps.some(s => s.taskId && s.taskId === t.uid))
}
