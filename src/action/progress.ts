import type { Logger } from '../huawei/api.js'
import { UnreadableItem, describeUnreadable } from '../cce/list.js'
import { endedAtOf, startedOf, stillChanging } from '../gate/choose.js'
import { OTHER_KNOWN_PHASES, healthOf } from '../cce/cluster.js'
import type { Clock } from '../lib/clock.js'
import { formatDuration, formatElapsed } from '../lib/duration.js'
import { Observation, Started, Upgrade, taskOf, workflowOf } from '../gate/observation.js'
import type { ObserverEvent } from '../gate/observer.js'
import { KNOWN_PHASES, UpgradeTask } from '../cce/task.js'
import type { Pass, Verdict } from '../gate/verdict.js'
import { HEARTBEAT_MS, WaitHooks } from '../gate/waiter.js'
import { Workflow, isActive, isKnownPhase, stepOf } from '../cce/workflow.js'
import { parseGoTime } from '../lib/go-time.js'

const STEP_STATUSES = ['Init', 'Queuing', 'Running', 'Success', 'Failed']

export function versions(v: { version: string; targetVersion: string }): string {
  return `${v.version || '?'} → ${v.targetVersion || '?'}`
}

export function upgradeVersions(u: Upgrade): string {
  switch (u.kind) {
    case 'none':
    case 'unreadable':
      return '? → ?'
    case 'task':
      return versions(u.task)
    case 'workflow':
      return versions(
        u.task ?? { version: u.workflow.clusterVersion, targetVersion: u.workflow.targetVersion }
      )
  }
}

export function percent(progress: string): string {
  return progress ? `${progress}%` : 'progress unknown'
}

/** "3d", "5h20m", "45s": an age for people. */
export function formatAge(ms: number): string {
  const days = Math.floor(ms / 86_400_000)
  return days >= 2 ? `${days}d` : formatElapsed(ms)
}

/** Estimates the time left from the progress made since the first poll that saw the task Running. */
export class EtaEstimator {
  private origin?: { at: number; progress: number }

  update(at: number, task: UpgradeTask | undefined): number | undefined {
    const p = Number.parseFloat(task?.progress ?? '')
    if (task?.phase !== 'Running' || !Number.isFinite(p)) return undefined
    if (!this.origin || p < this.origin.progress) this.origin = { at, progress: p }
    const done = p - this.origin.progress
    if (done <= 0 || p >= 100) return undefined
    return ((at - this.origin.at) / done) * (100 - p)
  }
}

/**
 * The log a person reads while the step waits: a line per change (each workflow step, the task's progress, the
 * cluster's phase), a heartbeat at least every minute when nothing changes, and one warning for each state that
 * needs a person. Every warning is also kept for the job summary.
 */
export class ProgressLog implements WaitHooks {
  private readonly eta = new EtaEstimator()
  private lastLineAt = -Infinity
  private lastLine = ''
  private readonly said = new Set<string>()
  /** The last observation waited on a pause: the next pause is a new one only after this turns false. */
  private pausedBefore = false
  /** The warnings given, for the job summary. */
  readonly warnings: string[] = []

  constructor(
    private readonly log: Logger,
    private readonly clock: Clock,
    private readonly o: {
      clusterId: string
      /** The run's start, epoch ms. */
      startedAt: number
      deadline: number
      maxAgeMs?: number
      /** Guard use (no ID, no max-age): no advice about an old upgrade; a line on how the last one ended. */
      guard?: boolean
      /** How far the API's clock, which stamps the upgrades, is ahead of the runner's (ms); 0 by default. */
      apiClockOffsetMs?: () => number
      /** false: no heartbeat of this cluster's own (several clusters share one heartbeat for the step). */
      heartbeat?: boolean
    }
  ) {}

  /** The step's start by the API's clock: ages of upgrades are told against it. */
  private stepStart(): number {
    return this.o.startedAt + (this.o.apiClockOffsetMs?.() ?? 0)
  }

  observed(obs: Observation, verdict: Verdict, previous: Observation | undefined): void {
    const lines = this.changes(obs, previous)
    this.warnAbout(obs, verdict)
    const eta = this.eta.update(obs.at, taskOf(obs.upgrade))
    const tail = [`${formatElapsed(obs.at - this.o.startedAt)} elapsed`]
    if (eta !== undefined)
      tail.push(`ETA ~${eta < 60_000 ? '<1m' : formatDuration(Math.round(eta / 60_000) * 60_000)}`)
    // versions only once an upgrade is known: `? → ?` says nothing
    const known = obs.upgrade.kind === 'task' || obs.upgrade.kind === 'workflow'
    const summary = [...(known ? [upgradeVersions(obs.upgrade)] : []), ...tail].join(' · ')
    if (lines.length) {
      for (const line of lines) this.emit(`${line} · ${summary}`)
    } else if (
      this.o.heartbeat !== false &&
      this.clock.monotonic() - this.lastLineAt >= HEARTBEAT_MS
    ) {
      this.emit(`${this.headline(obs)} · ${summary}`)
    }
    this.lastLine = `${this.headline(obs)} · ${summary}`
  }

  idle(): void {
    if (
      this.o.heartbeat !== false &&
      this.lastLine &&
      this.clock.monotonic() - this.lastLineAt >= HEARTBEAT_MS
    ) {
      this.emit(
        `${this.lastLine} (still waiting, ${formatElapsed(this.clock.monotonic() - this.o.startedAt)} so far)`
      )
    }
  }

  event(e: ObserverEvent): void {
    switch (e.kind) {
      case 'chosen':
        return this.chosen(e)
      case 'stale-target':
        return this.stale(e)
      case 'cluster-forbidden':
        return this.warnOnce(
          'cluster-forbidden',
          `This identity may not read cluster ${this.o.clusterId} (HTTP 403 ${e.message}): the verdict rests on the upgrade alone, without waiting for the cluster to be Available. Grant the permission cce:cluster:get (e.g. the CCE ReadOnlyAccess policy) to have the gate check the cluster too.`
        )
      case 'left-lists':
        return this.warnOnce(
          `left-lists ${e.what}`,
          `The cluster's lists no longer show ${e.what}, which this step followed: it is read by its ID, and what became of it decides (not found: the step fails). Only a newer upgrade is followed instead.`
        )
      case 'no-task-detail':
        return this.emit(
          `Upgrade task ${e.taskId} of the Cluster step has no detail yet (HTTP 404); its progress shows once it does.`
        )
      case 'precheck-unavailable':
        return this.warnOnce(
          'precheck-unavailable',
          `The failed pre-check's items could not be read: ${e.why}. See them in the CCE console (cluster → Upgrade → pre-check).`
        )
    }
  }

  /** What the observation shows, in a few words: the current workflow step, or the task's phase. */
  private headline(obs: Observation): string {
    const u = obs.upgrade
    if (u.kind === 'none') return this.noneYet(u.newest)
    if (u.kind === 'unreadable') return unreadableLine(u.item)
    if (obs.cluster.kind === 'read' && healthOf(obs.cluster.status.phase) !== 'ready')
      return `Cluster ${obs.cluster.status.phase}`
    if (u.kind === 'task') return `${u.task.phase} ${percent(u.task.progress)}`
    const step =
      u.workflow.steps.find(s => s.status !== 'Success') ?? u.workflow.steps.at(-1) ?? undefined
    if (!step) return `Workflow ${u.workflow.phase}`
    return stepLine(step.type, step.status, u.task)
  }

  /** One line per thing that changed since the previous observation. */
  private changes(obs: Observation, previous: Observation | undefined): string[] {
    const u = obs.upgrade
    const p = previous?.upgrade
    const lines: string[] = []
    if (u.kind === 'none') {
      // the first look was reported when the observer chose (nothing); later, only a new newest one is news
      if (p && (p.kind !== 'none' || p.newest?.what !== u.newest?.what))
        lines.push(this.noneYet(u.newest))
    } else if (u.kind === 'unreadable') {
      if (p?.kind !== 'unreadable' || p.item.uid !== u.item.uid) lines.push(unreadableLine(u.item))
    } else if (u.kind === 'task') {
      const before = p?.kind === 'task' ? p.task : undefined
      if (before?.phase !== u.task.phase || before.progress !== u.task.progress)
        lines.push(`${u.task.phase} ${percent(u.task.progress)}`)
    } else {
      const w = u.workflow
      const before = workflowOf(p ?? { kind: 'none' })
      const beforeTask = p ? taskOf(p) : undefined
      if (before?.uid !== w.uid || before.phase !== w.phase)
        lines.push(`Upgrade workflow ${w.uid}: ${w.phase}`)
      for (const step of w.steps) {
        const old = before?.uid === w.uid ? before.steps.find(s => s.type === step.type) : undefined
        const progressed =
          step.type === 'Cluster' &&
          u.task !== undefined &&
          (beforeTask?.phase !== u.task.phase || beforeTask.progress !== u.task.progress)
        if (old?.status !== step.status || progressed)
          lines.push(stepLine(step.type, step.status, step.type === 'Cluster' ? u.task : undefined))
      }
    }
    if (obs.cluster.kind === 'read') {
      const phase = obs.cluster.status.phase
      const old = previous?.cluster.kind === 'read' ? previous.cluster.status.phase : undefined
      if (old !== phase) lines.push(clusterLine(this.o.clusterId, obs.cluster.status))
    }
    return lines
  }

  private warnAbout(obs: Observation, verdict: Verdict): void {
    const u = obs.upgrade
    const task = taskOf(u)
    // "it keeps waiting" is only true while the verdict waits (a Success workflow fails on an unknown status)
    const waiting = verdict.kind === 'wait'
    if (waiting && task && !(KNOWN_PHASES as readonly string[]).includes(task.phase))
      this.warnOnce(
        `task-phase ${task.phase}`,
        `Upgrade task ${task.uid} reports phase "${task.phase}", which this action does not know; it keeps waiting for Success or Failed. Please report it if it persists.`
      )
    const w = workflowOf(u)
    if (waiting && w && !isKnownPhase(w.phase))
      this.warnOnce(
        `workflow-phase ${w.phase}`,
        `Upgrade workflow ${w.uid} reports phase "${w.phase}", which this action does not know; it keeps waiting for Success, Pending or Cancel. Please report it if it persists.`
      )
    for (const s of w?.steps ?? [])
      if (waiting && !STEP_STATUSES.includes(s.status))
        this.warnOnce(
          s.status ? `step-status ${s.status}` : `step-status ${s.type} (none)`,
          s.status
            ? `Step ${s.type || '(no taskType)'} of upgrade workflow ${w?.uid} reports status "${s.status}", which this action does not know; it keeps waiting. See the workflow in the CCE console (cluster → Upgrade); the timeout ends the wait if the step never moves on. Please report the status.`
            : `Step ${s.type || '(no taskType)'} of upgrade workflow ${w?.uid} reports no status: the gate cannot tell whether it ran, so it never passes on it and keeps waiting for one. See the workflow in the CCE console (cluster → Upgrade); the timeout ends the wait if it never reports one.`
        )
    if (obs.cluster.kind === 'read') {
      const phase = obs.cluster.status.phase
      if (healthOf(phase) === 'other')
        this.warnOnce(
          `cluster-phase ${phase}`,
          `Cluster ${this.o.clusterId} is ${phase}${OTHER_KNOWN_PHASES.includes(phase) ? '' : ' (a phase this action does not know)'}, not Available: the gate waits until it is Available. If it stays ${phase}, see the cluster in the CCE console.`
        )
    }
    // each pause is news, the second of the same task too: warned when it begins
    const paused = verdict.kind === 'wait' && verdict.why.kind === 'paused'
    if (paused && task && !this.pausedBefore)
      this.warn(
        `Upgrade task ${task.uid} is paused at ${percent(task.progress)} (${versions(task)}): a person must resume it in the CCE console (cluster → Upgrade page). Still waiting (on-pause: wait); the pause counts toward the timeout, ${formatElapsed(Math.max(0, this.o.deadline - this.clock.monotonic()))} left.`
      )
    this.pausedBefore = paused
    if (verdict.kind === 'pass') return this.passNotes(verdict, w)
    if (verdict.kind !== 'wait') return
    const why = verdict.why
    if (why.kind === 'success-unconfirmed' && w) {
      const { step, status } = why
      const what =
        status === 'absent'
          ? `it has no ${step} step`
          : status.startsWith('task ')
            ? `the ${step} step's upgrade task is still ${status.slice(5)}`
            : `step ${step} is still ${status || '(no status)'}`
      this.warnOnce(
        `success-unconfirmed ${w.uid}`,
        `Upgrade workflow ${w.uid} says Success, but ${what}: the gate keeps waiting until they agree, and the timeout ends the wait if they never do. See the workflow in the CCE console (cluster → Upgrade).`
      )
    }
    if (why.kind === 'post-check-pending' && w)
      this.warnOnce(
        `post-check ${w.uid}`,
        `The Cluster step of upgrade workflow ${w.uid} succeeded; the workflow now waits for its post-check, and wait-for-post-check: true has the gate wait for it too. Start the post-check in the CCE console (cluster → Upgrade); the gate passes once the workflow succeeds and the cluster is Available.`
      )
    if (why.kind === 'upgrade-not-started' && w)
      this.warnOnce(
        `not-started ${w.uid}`,
        `Upgrade workflow ${w.uid} (${upgradeVersions(u)}) passed its pre-check, but its cluster upgrade has not started: a person must start it in the CCE console (cluster → Upgrade). The gate keeps waiting${why.expires ? `; the pre-check result is valid until ${why.expires}, after which this workflow cannot go on (cancel it or run a new pre-check)` : ''}.`
      )
    if (why.kind === 'retried' && w)
      this.warnOnce(
        `retried ${w.uid}`,
        why.task === 'Success'
          ? `Upgrade workflow ${w.uid} is still Pending on its failed Cluster step, but the step's upgrade task succeeded after a retry: the gate waits for the workflow to say so; the timeout ends the wait if it never does. See the workflow in the CCE console (cluster → Upgrade).`
          : `Upgrade workflow ${w.uid} is Pending on its failed Cluster step, but the upgrade runs again after a retry: the gate follows it.`
      )
    if (why.kind === 'untyped-step-unverified' && w)
      this.warnOnce(
        `untyped ${w.uid}`,
        `Upgrade workflow ${w.uid} says Success, but a step reports no taskType: it may be the Cluster step or a rollback, which only the cluster's version against the target can tell, and that could not be compared (${why.why}). The gate keeps waiting; the timeout ends the wait. See the workflow in the CCE console (cluster → Upgrade).`
      )
    if (why.kind === 'list-item-unreadable')
      this.warnOnce(
        `unreadable ${why.item.what} ${why.item.uid} ${why.item.created}`,
        `The cluster's list of upgrades holds an item the gate cannot read, which may be its current upgrade: ${describeUnreadable(why.item)}. The gate does not pass over it: it keeps waiting until the item can be read or the timeout ends the wait. Give workflow-id or task-id to wait on a known upgrade, and please report the item.`
      )
  }

  /** What a pass leaves to say: a post-check nobody started, a version that could not be compared. */
  private passNotes(v: Pass, w: Workflow | undefined): void {
    if (v.postCheckNotStarted && w)
      this.warnOnce(
        `post-check ${w.uid}`,
        `The cluster upgrade of workflow ${w.uid} succeeded, but its post-check has not been started: the gate passes without it (wait-for-post-check: false)${w.phase === 'Success' ? '' : '; the workflow stays Running until it is done'}. Once your services are back, start the post-check in the CCE console (cluster → Upgrade); set wait-for-post-check: true to have the gate wait for it.`
      )
    if (v.versionUnchecked)
      this.log.debug(
        `Cluster version not compared with the upgrade's target: ${v.versionUnchecked}`
      )
  }

  private chosen(e: Extract<ObserverEvent, { kind: 'chosen' }>): void {
    const { choice } = e
    for (const w of e.abandoned) this.abandoned(w)
    for (const w of e.cancelled) this.cancelledUnstarted(w)
    for (const item of e.leftOut)
      this.log.debug(
        `Left out of the choice, unreadable but older than it: ${describeUnreadable(item)}`
      )
    for (const item of e.otherCluster ?? [])
      this.log.debug(
        `Left out of the choice, an item of another cluster: ${describeUnreadable(item)}`
      )
    const found = `${e.workflows} upgrade workflow(s) and ${e.tasks} upgrade task(s)`
    for (const w of e.awaiting ?? []) this.awaitingPerson(w)
    if (choice.kind === 'none') {
      if (this.o.guard)
        return this.emit(
          `No upgrade is under way on cluster ${this.o.clusterId}: found ${found}, none that is changing the cluster.`
        )
      if (this.o.maxAgeMs === undefined) return // the verdict (no upgrade) says what to do
      this.emit(`${this.noneYet(choice.newest)}; found ${found}. Checking again every poll.`)
      return
    }
    if (choice.kind === 'unreadable') return // the observation says it, and a warning
    const started = startedOf(choice)
    const state = choice.kind === 'workflow' ? choice.workflow.phase : choice.task.phase
    this.emit(
      `Waiting on ${started.what} (${upgradeVersions(choice)}, ${state}, started ${this.ago(started.at)}): the cluster's current upgrade among ${found}.`
    )
    // guard use: an ended upgrade decides without advice about its age; the log says when and how it ended
    if (this.o.guard && hasEnded(choice))
      this.emit(
        `The last upgrade of cluster ${this.o.clusterId}, ${started.what} (${upgradeVersions(choice)}), ended ${howEnded(choice)} ${this.ago(endedAtOf(choice))}; no upgrade is under way.`
      )
  }

  /** Guard use: a workflow passed over while it waits for a person to start its cluster upgrade. A line. */
  private awaitingPerson(w: Workflow): void {
    const expires = stepOf(w, 'PreCheck')?.expiresAt
    if (this.first(`awaiting ${w.uid}`))
      this.emit(
        `Passing over upgrade workflow ${w.uid} (${w.clusterVersion || '?'} → ${w.targetVersion || '?'}, created ${this.ago(parseGoTime(w.creationTimestamp))}): it passed its pre-check${expires ? ` (valid until ${expires})` : ''} and waits for a person to start its cluster upgrade, so it has changed nothing and holds no deploy. Once its cluster upgrade starts, the gate holds.`
      )
  }

  /** An upgrade named by ID that ended long before the step: probably a stale ID. */
  private stale(e: Extract<ObserverEvent, { kind: 'stale-target' }>): void {
    const id = e.upgrade.what.startsWith('upgrade task') ? 'task-id' : 'workflow-id'
    const current = e.current
      ? ` The cluster's current upgrade is another one: ${e.current.what} (${e.current.phase || 'phase unknown'}, started ${this.ago(e.current.at)}).`
      : ''
    this.warnOnce(
      'old upgrade',
      `The ${e.upgrade.what} that ${id} names ended ${formatAge(Math.max(0, this.stepStart() - e.endedAt))} before this step: it is probably not the upgrade this pipeline means, yet it decides the gate.${current} Pass the ID from the step that starts the upgrade (its metadata.uid), or leave ${id} empty and set max-age (e.g. max-age: 2h) to wait on the cluster's current upgrade.`
    )
  }

  /** A workflow passed over by the choice: it waits for a person, and its pre-check expired. */
  private abandoned(w: Workflow): void {
    const expires = stepOf(w, 'PreCheck')?.expiresAt
    this.warnOnce(
      `abandoned ${w.uid}`,
      `Upgrade workflow ${w.uid} (${w.clusterVersion || '?'} → ${w.targetVersion || '?'}, created ${this.ago(parseGoTime(w.creationTimestamp))}) passed its pre-check but its cluster upgrade was never started, and the pre-check expired${expires ? ` at ${expires}` : ''}: it changed nothing and cannot go on, so it does not hold the gate (the choice passes over it). Cancel it in the CCE console (cluster → Upgrade), or run a new pre-check to upgrade.`
    )
  }

  /** A workflow passed over by the choice: cancelled before its cluster upgrade started. A line, not a warning. */
  private cancelledUnstarted(w: Workflow): void {
    if (this.first(`cancelled ${w.uid}`))
      this.emit(
        `Passing over upgrade workflow ${w.uid} (${w.clusterVersion || '?'} → ${w.targetVersion || '?'}, created ${this.ago(parseGoTime(w.creationTimestamp))}): it was cancelled before its cluster upgrade started, so it changed nothing.`
      )
  }

  /** "3d before this step", from an epoch-ms start that may be unreadable. */
  private ago(at: number | undefined): string {
    return at === undefined
      ? 'at an unreadable time'
      : `${formatAge(Math.max(0, this.stepStart() - at))} before this step`
  }

  private noneYet(newest: Started | undefined): string {
    const window =
      this.o.maxAgeMs === undefined ? '' : ` in the last ${formatDuration(this.o.maxAgeMs)}`
    // max-age leaves out only an upgrade that ended before its window: one under way always counts
    const seen = newest ? ` (the newest, ${newest.what}, started ${this.ago(newest.at)})` : ''
    return `No upgrade under way or ended${window} yet${seen}`
  }

  private warnOnce(key: string, message: string): void {
    if (this.first(key)) this.warn(message)
  }

  /** Whether `key` is said for the first time (each warning, or line, said once). */
  private first(key: string): boolean {
    if (this.said.has(key)) return false
    this.said.add(key)
    return true
  }

  private warn(message: string): void {
    this.warnings.push(message)
    this.log.warning(message)
  }

  private emit(line: string): void {
    this.lastLineAt = this.clock.monotonic()
    this.log.info(line)
  }
}

/** Whether a chosen upgrade has ended (a workflow that waits only for a post-check nobody started has, too). */
function hasEnded(u: Extract<Upgrade, { kind: 'task' | 'workflow' }>): boolean {
  return u.kind === 'task'
    ? u.task.phase === 'Success' || u.task.phase === 'Failed'
    : !stillChanging(u.workflow)
}

function howEnded(u: Extract<Upgrade, { kind: 'task' | 'workflow' }>): string {
  if (u.kind === 'task') return u.task.phase
  return isActive(u.workflow)
    ? `with its cluster upgrade done (workflow ${u.workflow.phase}, post-check not started)`
    : u.workflow.phase
}

function stepLine(type: string, status: string, task: UpgradeTask | undefined): string {
  return task && type === 'Cluster' && status === 'Running'
    ? `${type} ${status} ${percent(task.progress)}`
    : `${type} ${status}`
}

function clusterLine(
  clusterId: string,
  s: { phase: string; reason: string; message: string }
): string {
  const why = [s.reason, s.message].filter(Boolean).join(': ')
  return `Cluster ${clusterId} is ${s.phase}${why ? ` (${why})` : ''}`
}

function unreadableLine(item: UnreadableItem): string {
  return `Waiting: an item of the upgrade lists cannot be read and may be the current upgrade (${describeUnreadable(item)})`
}
