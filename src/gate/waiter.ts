import { DeadlineError, FatalApiError } from '../huawei/api.js'
import { CancelledError, Clock } from '../lib/clock.js'
import type { Observation } from './observation.js'
import { Failure, Policy, Verdict, WaitReason, judge } from './verdict.js'

export type EndState =
  'success' | 'failed' | 'paused' | 'timeout' | 'cancelled' | 'error' | 'upgrading'

interface WaitCommon {
  polls: number
  startedAt: number
  endedAt: number
  /** The observations at which something other than progress changed. */
  timeline: Observation[]
  last?: Observation
}

export type WaitResult = WaitCommon &
  /** `postCheckNotStarted`: passed on a workflow whose post-check nobody started (wait-for-post-check: false). */
  (
    | { end: 'success'; last: Observation; clusterChecked: boolean; postCheckNotStarted?: boolean }
    /** A Pause ends the wait only with on-pause fail (`passed` false) or succeed (`passed` true). */
    | { end: 'paused'; last: Observation; passed: boolean }
    | { end: 'failed'; last: Observation; failure: Failure }
    | { end: 'timeout'; problem?: string }
    /** `problem`: how the request being retried at the cancellation had failed. */
    | { end: 'cancelled'; problem?: string }
    /** `failure` when the verdict itself was an error (no upgrade to wait on). */
    | { end: 'error'; problem?: string; failure?: Failure }
    /** wait: false: the one look found what the gate would wait for (`why`): the step fails without waiting. */
    | { end: 'upgrading'; last: Observation; why: WaitReason }
  )

/** Whether the step passes: only success, or a Pause with on-pause: succeed. */
export function passed(r: WaitResult): boolean {
  return r.end === 'success' || (r.end === 'paused' && r.passed)
}

export interface WaitHooks {
  /** Every observation, with its verdict and the observation before it. */
  observed(obs: Observation, verdict: Verdict, previous: Observation | undefined): void
  /** Called at most every HEARTBEAT_MS while sleeping between polls. */
  idle(): void
}

export interface WaitOptions {
  observe: () => Promise<Observation>
  /** What changing state an observation shows (for the timeline); progress alone is not a change. */
  stateKey: (obs: Observation) => string
  /** Every time here is on its monotonic clock: a step of the runner's wall clock moves no deadline. */
  clock: Clock
  /** The interval before the next poll, asked before each sleep (it widens under throttling). */
  intervalMs: () => number
  /** The run's start (monotonic), for the elapsed time in the result. */
  startedAt: number
  /** When the wait times out (monotonic). */
  deadline: number
  policy: Policy
  signal?: AbortSignal
  hooks: WaitHooks
  /** wait: false: one observation decides; where the gate would wait, it ends `upgrading` instead of sleeping. */
  once?: boolean
}

export const HEARTBEAT_MS = 60_000
/** Sleeps are 80–100 % of the interval: copies started together drift apart, and no end is noticed late. */
const JITTER = 0.2
/**
 * When the next poll would fall after the deadline, the last one starts this long before it instead: an upgrade that
 * ended in the last interval still passes. A poll that started this close to the deadline is the last.
 */
export const LAST_LOOK_MS = 1000

export async function waitForUpgrade(o: WaitOptions): Promise<WaitResult> {
  const { clock } = o
  const timeline: Observation[] = []
  let last: Observation | undefined
  let polls = 0
  const common = (): WaitCommon => ({
    polls,
    startedAt: o.startedAt,
    endedAt: clock.monotonic(),
    timeline,
    last
  })

  try {
    for (;;) {
      const startedPoll = clock.monotonic()
      if (startedPoll >= o.deadline) return { ...common(), end: 'timeout' }
      const obs = await o.observe()
      polls++
      const previous = last
      last = obs
      if (!previous || o.stateKey(previous) !== o.stateKey(obs)) timeline.push(obs)
      const verdict = judge(obs, o.policy)
      o.hooks.observed(obs, verdict, previous)
      if (verdict.kind === 'pass') {
        return verdict.paused
          ? { ...common(), end: 'paused', last: obs, passed: true }
          : {
              ...common(),
              end: 'success',
              last: obs,
              clusterChecked: verdict.clusterChecked,
              ...(verdict.postCheckNotStarted ? { postCheckNotStarted: true } : {})
            }
      }
      if (verdict.kind === 'fail') {
        const failure = verdict.failure
        if (failure.kind === 'paused')
          return { ...common(), end: 'paused', last: obs, passed: false }
        if (failure.kind === 'no-upgrade') return { ...common(), end: 'error', failure }
        return { ...common(), end: 'failed', last: obs, failure }
      }
      if (o.once) return { ...common(), end: 'upgrading', last: obs, why: verdict.why }
      // the last look was taken: what it saw still waits
      if (startedPoll >= o.deadline - LAST_LOOK_MS) return { ...common(), end: 'timeout' }
      await sleepUntilNextPoll(o)
    }
  } catch (e) {
    return { ...common(), ...stopOf(e) }
  }
}

/** How an error ends the wait; anything unexpected is rethrown (main reports it without a stack trace). */
export function stopOf(
  e: unknown
):
  | { end: 'cancelled'; problem?: string }
  | { end: 'timeout'; problem?: string }
  | { end: 'error'; problem: string } {
  if (e instanceof CancelledError)
    return e.lastProblem ? { end: 'cancelled', problem: e.lastProblem } : { end: 'cancelled' }
  if (e instanceof DeadlineError) return { end: 'timeout', problem: e.lastProblem }
  if (e instanceof FatalApiError) return { end: 'error', problem: e.message }
  throw e
}

async function sleepUntilNextPoll(o: WaitOptions): Promise<void> {
  const { clock } = o
  const next = clock.monotonic() + o.intervalMs() * (1 - JITTER * clock.random())
  const wake = Math.min(o.deadline - LAST_LOOK_MS, next)
  for (;;) {
    const left = wake - clock.monotonic()
    if (left <= 0) return
    await clock.sleep(Math.min(left, HEARTBEAT_MS), o.signal)
    if (wake - clock.monotonic() > 0) o.hooks.idle()
  }
}
