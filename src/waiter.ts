import { DeadlineError, FatalApiError, Reply } from './api.js'
import { CancelledError, Clock } from './clock.js'
import type { OnPause } from './config.js'
import { KNOWN_PHASES, UpgradeTask } from './task.js'

export type Decision = 'wait' | 'succeed' | 'fail'

/** The gate's one rule: only Success lets the pipeline go on (and Pause, when the user asked for that). */
export function decide(phase: string, onPause: OnPause): Decision {
  if (phase === 'Success') return 'succeed'
  if (phase === 'Failed') return 'fail'
  if (phase === 'Pause')
    return onPause === 'wait' ? 'wait' : onPause === 'succeed' ? 'succeed' : 'fail'
  return 'wait'
}

export type EndState = 'success' | 'failed' | 'paused' | 'timeout' | 'cancelled' | 'error'

export interface Observation {
  at: number
  task: UpgradeTask
  requestId?: string
}

export interface WaitResult {
  end: EndState
  /** Whether the step passes: only success, or a Pause with on-pause: succeed. */
  passed: boolean
  last?: Observation
  polls: number
  startedAt: number
  endedAt: number
  /** One entry per change of phase. */
  timeline: Observation[]
  /** For error and timeout: what went wrong. */
  problem?: string
}

export interface WaitHooks {
  /** Every successful poll; `changed` when phase or progress differ from the previous poll. */
  observed(obs: Observation, changed: boolean): void
  /** Called at most every HEARTBEAT_MS while sleeping between polls. */
  idle(): void
  unknownPhase(phase: string, task: UpgradeTask): void
  pausedWaiting(task: UpgradeTask): void
}

export interface WaitOptions {
  poll: () => Promise<Reply<UpgradeTask>>
  clock: Clock
  intervalMs: number
  deadline: number
  onPause: OnPause
  signal?: AbortSignal
  hooks: WaitHooks
}

export const HEARTBEAT_MS = 60_000
/** Sleeps are 80–100 % of the interval: copies started together drift apart, and no end is noticed late. */
const JITTER = 0.2

export async function waitForTask(o: WaitOptions): Promise<WaitResult> {
  const { clock } = o
  const startedAt = clock.now()
  const timeline: Observation[] = []
  const warnedPhases = new Set<string>()
  let last: Observation | undefined
  let polls = 0

  const finish = (end: EndState, passed: boolean, problem?: string): WaitResult => ({
    end,
    passed,
    last,
    polls,
    startedAt,
    endedAt: clock.now(),
    timeline,
    problem
  })

  try {
    for (;;) {
      if (clock.now() >= o.deadline) return finish('timeout', false)
      const reply = await o.poll()
      polls++
      const obs: Observation = { at: clock.now(), task: reply.value, requestId: reply.requestId }
      const previous = last
      last = obs
      const { phase, progress } = obs.task
      if (previous?.task.phase !== phase) timeline.push(obs)
      o.hooks.observed(obs, previous?.task.phase !== phase || previous.task.progress !== progress)

      if (!(KNOWN_PHASES as readonly string[]).includes(phase) && !warnedPhases.has(phase)) {
        warnedPhases.add(phase)
        o.hooks.unknownPhase(phase, obs.task)
      }
      const decision = decide(phase, o.onPause)
      if (decision !== 'wait') {
        const end: EndState =
          phase === 'Pause' ? 'paused' : decision === 'succeed' ? 'success' : 'failed'
        return finish(end, decision === 'succeed')
      }
      if (phase === 'Pause' && previous?.task.phase !== 'Pause') o.hooks.pausedWaiting(obs.task)

      await sleepUntilNextPoll(o)
    }
  } catch (e) {
    const stop = stopOf(e)
    return finish(stop.end, false, stop.problem)
  }
}

/** How an error ends the wait; anything unexpected is rethrown (main reports it without a stack trace). */
export function stopOf(e: unknown): { end: EndState; problem?: string } {
  if (e instanceof CancelledError) return { end: 'cancelled' }
  if (e instanceof DeadlineError) return { end: 'timeout', problem: e.lastProblem }
  if (e instanceof FatalApiError) return { end: 'error', problem: e.message }
  throw e
}

async function sleepUntilNextPoll(o: WaitOptions): Promise<void> {
  const { clock } = o
  const wake = Math.min(o.deadline, clock.now() + o.intervalMs * (1 - JITTER * clock.random()))
  for (;;) {
    const left = wake - clock.now()
    if (left <= 0) return
    await clock.sleep(Math.min(left, HEARTBEAT_MS), o.signal)
    if (wake - clock.now() > 0) o.hooks.idle()
  }
}
