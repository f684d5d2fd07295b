/**
 * Which upgrade the gate waits on when no task-id or workflow-id is given (pure): the cluster's newest upgrade
 * workflow or upgrade task, "newest" by instant.
 *
 * - A workflow in Init/Running always wins (its own Cluster task is newer than the workflow itself); of several,
 *   the newest.
 * - Otherwise an upgrade task that is not one of any workflow's steps and has not ended (started through the API,
 *   outside any workflow) wins; else one created after the newest workflow ended.
 * - Otherwise the newest workflow, else the newest task, else nothing.
 * - A workflow that waits for a person before its cluster upgrade, whose pre-check has expired, changed nothing
 *   and cannot go on; one cancelled before its cluster upgrade started changed nothing either: neither counts (the
 *   newest other upgrade decides, and their tasks, should they have any, count as outside any workflow).
 * - A workflow whose cluster upgrade is done and that waits only for a post-check nobody started has ended, for the
 *   choice: an upgrade started after it decides.
 * - In guard use (`guard`: no ID, no max-age), a workflow that waits for a person before its cluster upgrade (its
 *   pre-check valid) has changed nothing yet and is passed over too; once its cluster upgrade starts, it is
 *   under way and wins like any other.
 * - With `notBefore` (max-age), an upgrade that started earlier does not count: nothing qualifies yet.
 * - A list item that could not be read and may be newer than the choice (its time unreadable, or at or after the
 *   choice's start) is chosen instead: the gate must not pass on an upgrade it may hide.
 */
import { parseGoTime } from '../lib/go-time.js'
import type { Started, Upgrade } from './observation.js'
import { UnreadableItem, describeUnreadable } from '../cce/list.js'
import type { UpgradeTask } from '../cce/task.js'
import {
  Workflow,
  awaitingUpgradeStart,
  awaitsOnlyPostCheck,
  cancelledBeforeUpgrade,
  isAbandoned,
  isActive
} from '../cce/workflow.js'

/** The upgrade the gate follows when no ID is given; `none` while nothing qualifies. */
export type Choice = Upgrade

export interface ChooseOptions {
  /** With max-age: the earliest start an upgrade may have (epoch ms, the API's clock). */
  notBefore?: number
  /** The API's clock now, for pre-check expiry; without it no workflow counts as abandoned. */
  apiNow?: number
  /** The list items that could not be read (list.ts). */
  unreadable?: UnreadableItem[]
  /** Guard use: a workflow that waits for a person before its cluster upgrade is passed over (guardPassesOver). */
  guard?: boolean
}

/** An upgrade that has started (not `none`). */
type Found = Exclude<Upgrade, { kind: 'none' }>

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
const succeeded = (x: { phase: string }): boolean => x.phase === 'Success'

/**
 * A workflow that may still change the cluster: Init, Running or a phase added later, unless its cluster upgrade
 * is done and only a post-check nobody started is left.
 */
export function stillChanging(w: Workflow): boolean {
  return isActive(w) && !awaitsOnlyPostCheck(w)
}

/** When a workflow ended: its last step's end or its last update (only meaningful once it is not still changing). */
export function workflowEndedAt(w: Workflow): number | undefined {
  const stamps = [...w.steps.map(s => s.endedAt), w.updateTimestamp]
    .map(parseGoTime)
    .filter((t): t is number => t !== undefined)
  return stamps.length ? Math.max(...stamps) : parseGoTime(w.creationTimestamp)
}

/** An upgrade that ended longer than this before the step began is probably not the one meant. */
export const OLD_UPGRADE_MS = 24 * 3_600_000

/** When an upgrade ended (epoch ms), if it has and the time can be read. */
export function endedAtOf(u: Upgrade): number | undefined {
  if (u.kind === 'workflow')
    return stillChanging(u.workflow) ? undefined : workflowEndedAt(u.workflow)
  if (u.kind === 'task' && (u.task.phase === 'Success' || u.task.phase === 'Failed'))
    return parseGoTime(u.task.completionTime)
  return undefined
}

export function startedOf(u: Found): Started {
  switch (u.kind) {
    case 'workflow':
      return {
        what: `upgrade workflow ${u.workflow.uid}`,
        phase: u.workflow.phase,
        at: parseGoTime(u.workflow.creationTimestamp)
      }
    case 'task':
      return {
        what: `upgrade task ${u.task.uid}`,
        phase: u.task.phase,
        at: parseGoTime(u.task.creationTimestamp)
      }
    case 'unreadable':
      return { what: describeUnreadable(u.item), phase: '', at: parseGoTime(u.item.created) }
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

/** The workflows the choice passes over: abandoned, or cancelled before their cluster upgrade started. */
export function passedOverWorkflows(
  workflows: Workflow[],
  apiNow: number | undefined,
  guard = false
): Workflow[] {
  return workflows.filter(
    w =>
      isAbandoned(w, apiNow ?? -Infinity) ||
      cancelledBeforeUpgrade(w) ||
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
  const passedOver = passedOverWorkflows(all, o.apiNow, o.guard)
  const workflows = all.filter(w => !passedOver.includes(w))
  const choice = choose(workflows, tasks)
  const found = choice && { choice, started: startedOf(choice) }
  const hidden = o.unreadable?.find(u => mayBeCurrent(u, found?.started, o.notBefore))
  if (hidden) return { kind: 'unreadable', item: hidden }
  if (!found) {
    const last = newestBy(passedOver, created)
    return last
      ? { kind: 'none', abandoned: startedOf({ kind: 'workflow', workflow: last }) }
      : { kind: 'none' }
  }
  // with max-age, an upgrade that started earlier (or at an unreadable time) does not count
  if (o.notBefore !== undefined && !((found.started.at ?? -Infinity) >= o.notBefore))
    return { kind: 'none', newest: found.started }
  return found.choice
}

/**
 * Whether an item the gate could not read may be the cluster's current upgrade: its time is unreadable, or it
 * is not older than the upgrade chosen (or nothing was chosen), and max-age does not rule it out.
 */
function mayBeCurrent(
  u: UnreadableItem,
  chosen: Started | undefined,
  notBefore: number | undefined
): boolean {
  const at = parseGoTime(u.created)
  if (at === undefined) return true
  if (at < (notBefore ?? -Infinity)) return false
  return chosen?.at === undefined || at >= chosen.at
}

function choose(workflows: Workflow[], tasks: UpgradeTask[]): Found | undefined {
  // a workflow or task still under way wins over any that ended, whatever the timestamps say: passing on an ended
  // one while another runs is the one mistake the gate must not make
  const active = newestBy(workflows.filter(stillChanging), created)
  const w = active ?? newestBy(workflows, created, succeeded)
  const outside = tasks.filter(t => !partOfAWorkflow(t, workflows))
  const running = newestBy(outside.filter(isUnderWay), created)
  const t = newestBy(tasks, created, succeeded)
  if (active) return { kind: 'workflow', workflow: active }
  if (running) return { kind: 'task', task: running }
  if (t && (!w || standalone(t, w, workflows))) return { kind: 'task', task: t }
  if (w) return { kind: 'workflow', workflow: w }
  return undefined
}

/** A task that has not ended: Init, Queuing, Running, Pause, or a phase added later. */
function isUnderWay(t: UpgradeTask): boolean {
  return t.phase !== 'Success' && t.phase !== 'Failed'
}

function partOfAWorkflow(t: UpgradeTask, all: Workflow[]): boolean {
  return all.some(w => w.steps.some(s => s.taskId && s.taskId === t.uid))
}

/**
 * A task that belongs to no workflow and was created after the newest one ended; when that order is unknown
 * (a timestamp unreadable, or equal), the task counts as newer unless it succeeded: never pass over a failure.
 */
function standalone(t: UpgradeTask, newest: Workflow, all: Workflow[]): boolean {
  if (partOfAWorkflow(t, all)) return false
  const createdAt = parseGoTime(t.creationTimestamp)
  const ended = workflowEndedAt(newest)
  if (createdAt === undefined || ended === undefined) return !succeeded(t)
  return createdAt > ended || (createdAt === ended && !succeeded(t))
}
