/**
 * Which upgrade the gate waits on when no task-id or workflow-id is given (pure): the cluster's newest upgrade
 * workflow or upgrade task, "newest" by instant.
 *
 * - A workflow in Init/Running always wins (its own Cluster task is newer than the workflow itself); of several,
 *   the newest.
 * - Otherwise an upgrade task that is not one of any workflow's steps and has not ended (started through the API,
 *   outside any workflow) wins; else one created after the newest workflow ended.
 * - Otherwise the newest workflow, else the newest task, else nothing.
 * - With `notBefore` (max-age), an upgrade that started earlier does not count: nothing qualifies yet.
 */
import { parseGoTime } from '../lib/go-time.js'
import type { Started, Upgrade } from './observation.js'
import type { UpgradeTask } from '../cce/task.js'
import { Workflow, isActive } from '../cce/workflow.js'

export type Choice = Exclude<Upgrade, { kind: 'none' }> | { kind: 'none'; newest?: Started }

/**
 * The newest item by a timestamp read as an instant. Where the order is unknown (a timestamp unreadable, or two
 * equal) the gate must never pick the item that passes over one that does not: the one that has not `succeeded`
 * wins; between two alike, an unreadable timestamp ranks newest.
 */
export function newestBy<T>(
  items: T[],
  stamp: (item: T) => string,
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

/** When a workflow ended: its last step's end or its last update (only meaningful once it is not active). */
export function workflowEndedAt(w: Workflow): number | undefined {
  const stamps = [...w.steps.map(s => s.endedAt), w.updateTimestamp]
    .map(parseGoTime)
    .filter((t): t is number => t !== undefined)
  return stamps.length ? Math.max(...stamps) : parseGoTime(w.creationTimestamp)
}

export function startedOf(u: Exclude<Upgrade, { kind: 'none' }>): Started {
  return u.kind === 'workflow'
    ? {
        what: `upgrade workflow ${u.workflow.uid}`,
        phase: u.workflow.phase,
        at: parseGoTime(u.workflow.creationTimestamp)
      }
    : {
        what: `upgrade task ${u.task.uid}`,
        phase: u.task.phase,
        at: parseGoTime(u.task.creationTimestamp)
      }
}

export function chooseUpgrade(
  workflows: Workflow[],
  tasks: UpgradeTask[],
  notBefore?: number
): Choice {
  // a workflow or task still under way wins over any that ended, whatever the timestamps say: passing on an ended
  // one while another runs is the one mistake the gate must not make
  const active = newestBy(workflows.filter(isActive), created)
  const w = active ?? newestBy(workflows, created, succeeded)
  const outside = tasks.filter(t => !partOfAWorkflow(t, workflows))
  const running = newestBy(outside.filter(isUnderWay), created)
  const t = newestBy(tasks, created, succeeded)
  let choice: Exclude<Upgrade, { kind: 'none' }> | undefined
  if (active) choice = { kind: 'workflow', workflow: active }
  else if (running) choice = { kind: 'task', task: running }
  else if (t && (!w || standalone(t, w, workflows))) choice = { kind: 'task', task: t }
  else if (w) choice = { kind: 'workflow', workflow: w }
  if (!choice) return { kind: 'none' }
  const started = startedOf(choice)
  if (notBefore !== undefined && !(started.at !== undefined && started.at >= notBefore))
    return { kind: 'none', newest: started }
  return choice
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
  if (createdAt === undefined || ended === undefined || createdAt === ended) return !succeeded(t)
  return createdAt > ended
}
