import type { Logger } from './api.js'
import type { Clock } from './clock.js'
import { formatDuration, formatElapsed } from './duration.js'
import type { UpgradeTask } from './task.js'
import { HEARTBEAT_MS, Observation, WaitHooks } from './waiter.js'

export function versions(task: UpgradeTask): string {
  return `${task.version || '?'} → ${task.targetVersion || '?'}`
}

export function percent(progress: string): string {
  return progress ? `${progress}%` : 'progress unknown'
}

/** Estimates the time left from the progress made since the first poll that saw the task Running. */
export class EtaEstimator {
  private origin?: { at: number; progress: number }

  update(obs: Observation): number | undefined {
    const p = Number.parseFloat(obs.task.progress)
    if (obs.task.phase !== 'Running' || !Number.isFinite(p)) return undefined
    if (!this.origin || p < this.origin.progress) this.origin = { at: obs.at, progress: p }
    const done = p - this.origin.progress
    if (done <= 0 || p >= 100) return undefined
    return ((obs.at - this.origin.at) / done) * (100 - p)
  }
}

/**
 * The log a person reads while the step waits: one line per change, a heartbeat at least every minute when
 * nothing changes, and warnings for the states that need a person.
 */
export class ProgressLog implements WaitHooks {
  private readonly eta = new EtaEstimator()
  private lastLineAt = -Infinity
  private lastLine = ''
  private startedAt: number

  constructor(
    private readonly log: Logger,
    private readonly clock: Clock,
    private readonly resumeUrl: string,
    private readonly deadline: number
  ) {
    this.startedAt = clock.now()
  }

  observed(obs: Observation, changed: boolean): void {
    const eta = this.eta.update(obs)
    const parts = [
      `${obs.task.phase} ${percent(obs.task.progress)}`,
      versions(obs.task),
      `${formatElapsed(obs.at - this.startedAt)} elapsed`
    ]
    if (eta !== undefined)
      parts.push(`ETA ~${eta < 60_000 ? '<1m' : formatDuration(Math.round(eta / 60_000) * 60_000)}`)
    this.lastLine = parts.join(' · ')
    if (changed || this.clock.now() - this.lastLineAt >= HEARTBEAT_MS) this.emit(this.lastLine)
  }

  idle(): void {
    if (this.lastLine && this.clock.now() - this.lastLineAt >= HEARTBEAT_MS) {
      this.emit(
        `${this.lastLine} (still waiting, ${formatElapsed(this.clock.now() - this.startedAt)} so far)`
      )
    }
  }

  unknownPhase(phase: string, task: UpgradeTask): void {
    this.log.warning(
      `Upgrade task ${task.uid} reports phase "${phase}", which this action does not know; it keeps waiting for Success or Failed. Please report it if it persists.`
    )
  }

  pausedWaiting(task: UpgradeTask): void {
    this.log.warning(
      `Upgrade task ${task.uid} is paused at ${percent(task.progress)} (${versions(task)}): a person must resume it — Continue in the CCE console, or POST ${this.resumeUrl}. Still waiting (on-pause: wait); the pause counts toward the timeout, ${formatElapsed(Math.max(0, this.deadline - this.clock.now()))} left.`
    )
  }

  private emit(line: string): void {
    this.lastLineAt = this.clock.now()
    this.log.info(line)
  }
}
