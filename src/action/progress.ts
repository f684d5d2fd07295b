import type { Logger } from '../huawei/api.js'
import type { Choice } from '../gate/choose.js'
import { startedOf, workflowEndedAt } from '../gate/choose.js'
import { OTHER_KNOWN_PHASES, healthOf } from '../cce/cluster.js'
import type { Clock } from '../lib/clock.js'
import { formatDuration, formatElapsed } from '../lib/duration.js'
import { parseGoTime } from '../lib/go-time.js'
import { Observation, Started, Upgrade, taskOf, workflowOf } from '../gate/observation.js'
import type { ObserverEvent } from '../gate/observer.js'
import { KNOWN_PHASES, UpgradeTask } from '../cce/task.js'
import type { Verdict } from '../gate/verdict.js'
import { HEARTBEAT_MS, WaitHooks } from '../gate/waiter.js'
import { isActive, isKnownPhase } from '../cce/workflow.js'

const STEP_STATUSES = ['Init', 'Queuing', 'Running', 'Success', 'Failed']
/** An upgrade that ended longer than this before the step began is probably not the one meant. */
export const OLD_UPGRADE_MS = 24 * 3_600_000

export function versions(v: { version: string; targetVersion: string }): string {
  return `${v.version || '?'} → ${v.targetVersion || '?'}`
}

export function upgradeVersions(u: Upgrade): string {
  switch (u.kind) {
    case 'none':
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
  private readonly warned = new Set<string>()
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
    }
  ) {}

  observed(obs: Observation, verdict: Verdict, previous: Observation | undefined): void {
    const lines = this.changes(obs, previous)
    this.warnAbout(obs, verdict)
    const eta = this.eta.update(obs.at, taskOf(obs.upgrade))
    const tail = [`${formatElapsed(obs.at - this.o.startedAt)} elapsed`]
    if (eta !== undefined)
      tail.push(`ETA ~${eta < 60_000 ? '<1m' : formatDuration(Math.round(eta / 60_000) * 60_000)}`)
    const summary = `${upgradeVersions(obs.upgrade)} · ${tail.join(' · ')}`
    if (lines.length) {
      for (const line of lines) this.emit(`${line} · ${summary}`)
    } else if (this.clock.now() - this.lastLineAt >= HEARTBEAT_MS) {
      this.emit(`${this.headline(obs)} · ${summary}`)
    }
    this.lastLine = `${this.headline(obs)} · ${summary}`
  }

  idle(): void {
    if (this.lastLine && this.clock.now() - this.lastLineAt >= HEARTBEAT_MS) {
      this.emit(
        `${this.lastLine} (still waiting, ${formatElapsed(this.clock.now() - this.o.startedAt)} so far)`
      )
    }
  }

  event(e: ObserverEvent): void {
    switch (e.kind) {
      case 'chosen':
        return this.chosen(e.choice, e.workflows, e.tasks)
      case 'cluster-forbidden':
        return this.warnOnce(
          'cluster-forbidden',
          `This identity may not read cluster ${this.o.clusterId} (HTTP 403 ${e.message}): the verdict rests on the upgrade alone, without waiting for the cluster to be Available. Grant the permission cce:cluster:get (e.g. the CCE ReadOnlyAccess policy) to have the gate check the cluster too.`
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
          `step-status ${s.status}`,
          `Step ${s.type} of upgrade workflow ${w?.uid} reports status "${s.status}", which this action does not know; it keeps waiting.`
        )
    if (obs.cluster.kind === 'read') {
      const phase = obs.cluster.status.phase
      if (healthOf(phase) === 'other')
        this.warnOnce(
          `cluster-phase ${phase}`,
          `Cluster ${this.o.clusterId} is ${phase}${OTHER_KNOWN_PHASES.includes(phase) ? '' : ' (a phase this action does not know)'}, not Available: the gate waits until it is Available. If it stays ${phase}, see the cluster in the CCE console.`
        )
    }
    if (verdict.kind !== 'wait') return
    if (verdict.why.kind === 'paused' && task)
      this.warnOnce(
        `pause ${task.uid}`,
        `Upgrade task ${task.uid} is paused at ${percent(task.progress)} (${versions(task)}): a person must resume it in the CCE console (cluster → Upgrade page). Still waiting (on-pause: wait); the pause counts toward the timeout, ${formatElapsed(Math.max(0, this.o.deadline - this.clock.now()))} left.`
      )
    if (verdict.why.kind === 'success-unconfirmed' && w) {
      const { step, status } = verdict.why
      const what =
        status === 'absent'
          ? `it has no ${step} step`
          : status.startsWith('task ')
            ? `the ${step} step's upgrade task is still ${status.slice(5)}`
            : `step ${step} is still ${status || '(no status)'}`
      this.warnOnce(
        `success-unconfirmed ${w.uid}`,
        `Upgrade workflow ${w.uid} says Success, but ${what}: the gate keeps waiting until they agree, and the timeout ends the wait if they never do.`
      )
    }
    if (verdict.why.kind === 'post-check-pending' && w)
      this.warnOnce(
        `post-check ${w.uid}`,
        `The Cluster step of upgrade workflow ${w.uid} succeeded; the workflow now waits for its post-check. Start it in the CCE console (cluster → Upgrade page); the gate passes once the workflow succeeds and the cluster is Available.`
      )
  }

  private chosen(choice: Choice, workflows: number, tasks: number): void {
    const found = `${workflows} upgrade workflow(s) and ${tasks} upgrade task(s)`
    if (choice.kind === 'none') {
      if (this.o.maxAgeMs === undefined) return // the verdict (no upgrade) says what to do
      this.emit(`${this.noneYet(choice.newest)}; found ${found}. Checking again every poll.`)
      return
    }
    const started = startedOf(choice)
    const age =
      started.at === undefined
        ? 'at an unreadable time'
        : `${formatAge(Math.max(0, this.o.startedAt - started.at))} before this step`
    const state = choice.kind === 'workflow' ? choice.workflow.phase : choice.task.phase
    this.emit(
      `Waiting on ${started.what} (${upgradeVersions(choice)}, ${state}, started ${age}): the cluster's current upgrade among ${found}.`
    )
    const ended = endedAt(choice)
    if (
      this.o.maxAgeMs === undefined &&
      ended !== undefined &&
      this.o.startedAt - ended > OLD_UPGRADE_MS
    )
      this.warnOnce(
        'old upgrade',
        `The ${started.what} ended ${formatAge(this.o.startedAt - ended)} before this step: it is probably not the upgrade this pipeline means, yet it decides the gate. To wait for a new upgrade, set max-age (e.g. max-age: 2h), or give task-id or workflow-id.`
      )
  }

  private noneYet(newest: Started | undefined): string {
    const window =
      this.o.maxAgeMs === undefined ? '' : ` in the last ${formatDuration(this.o.maxAgeMs)}`
    const underWay = newest && !['Success', 'Failed', 'Pending', 'Cancel'].includes(newest.phase)
    const seen = newest
      ? ` (the newest, ${newest.what}, started ${newest.at === undefined ? 'at an unreadable time' : `${formatAge(Math.max(0, this.o.startedAt - newest.at))} before this step`}${underWay ? ` and is still ${newest.phase}: max-age leaves it out; to wait on it, raise max-age or give its ID` : ''})`
      : ''
    return `No upgrade started${window} yet${seen}`
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return
    this.warned.add(key)
    this.warnings.push(message)
    this.log.warning(message)
  }

  private emit(line: string): void {
    this.lastLineAt = this.clock.now()
    this.log.info(line)
  }
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

/** When the chosen upgrade ended, if it has. */
function endedAt(c: Exclude<Choice, { kind: 'none' }>): number | undefined {
  if (c.kind === 'workflow') return isActive(c.workflow) ? undefined : workflowEndedAt(c.workflow)
  return c.task.phase === 'Success' || c.task.phase === 'Failed'
    ? parseGoTime(c.task.completionTime)
    : undefined
}
