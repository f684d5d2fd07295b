/**
 * The wait runs on the monotonic clock (issue 19 items 2 and 10): a step of the runner's wall clock either way
 * neither ends the wait early nor makes it longer, and when the next poll would fall after the deadline the gate
 * looks once more in the deadline's last second. Over a FakeClock whose wall clock the test steps mid-wait.
 */
import { describe, expect, it } from '@jest/globals'
import { Observation, stateKey } from '../../src/gate/observation.js'
import { LAST_LOOK_MS, WaitHooks, waitForUpgrade } from '../../src/gate/waiter.js'
import { FakeClock } from '../support/fake-clock.js'

const HOUR = 3_600_000

/** The task's phase at monotonic instant `ms` after the start; the cluster is Available. */
type Script = (ms: number) => 'Running' | 'Success'

async function wait(
  script: Script,
  o: { intervalMs: number; timeoutMs: number; wallStep?: { afterPolls: number; ms: number } }
) {
  const clock = new FakeClock()
  const startedAt = clock.monotonic()
  const polls: number[] = []
  const idles: number[] = []
  const hooks: WaitHooks = {
    observed: () => undefined,
    idle: () => void idles.push(clock.monotonic() - startedAt)
  }
  const observe = async (): Promise<Observation> => {
    const at = clock.monotonic()
    polls.push(at - startedAt)
    if (polls.length === o.wallStep?.afterPolls) clock.stepWall(o.wallStep.ms)
    const phase = script(at - startedAt)
    return {
      at,
      apiAt: at,
      upgrade: {
        kind: 'task',
        task: {
          uid: 't1',
          version: 'v1.28',
          targetVersion: 'v1.29',
          phase,
          progress: phase === 'Success' ? '100.00' : '50.00',
          creationTimestamp: '',
          completionTime: ''
        }
      },
      cluster: {
        kind: 'read',
        status: { phase: 'Available', reason: '', message: '', version: 'v1.29' },
        rolledBack: false
      },
      precheck: { kind: 'unread' }
    }
  }
  const result = await waitForUpgrade({
    observe,
    stateKey,
    clock,
    intervalMs: () => o.intervalMs,
    startedAt,
    deadline: startedAt + o.timeoutMs,
    policy: { onPause: 'wait', waitForNewUpgrade: false, waitForPostCheck: false },
    hooks
  })
  return { result, polls, idles, clock, elapsed: result.endedAt - result.startedAt }
}

const succeedsAt =
  (ms: number): Script =>
  t =>
    t >= ms ? 'Success' : 'Running'

describe('the wait on the monotonic clock', () => {
  it('a +2 h step of the wall clock does not end the wait early: it passes when the upgrade does', async () => {
    const { result, polls, elapsed } = await wait(succeedsAt(40_000), {
      intervalMs: 10_000,
      timeoutMs: 60_000,
      wallStep: { afterPolls: 2, ms: 2 * HOUR }
    })
    expect(result.end).toBe('success')
    expect(polls.length).toBeGreaterThanOrEqual(5)
    expect(elapsed).toBeGreaterThanOrEqual(40_000)
    expect(elapsed).toBeLessThan(60_000)
  })

  it('a −1 h step of the wall clock does not make it longer: it times out at the deadline', async () => {
    const { result, polls, elapsed, clock } = await wait(() => 'Running', {
      intervalMs: 10_000,
      timeoutMs: 60_000,
      wallStep: { afterPolls: 2, ms: -HOUR }
    })
    expect(clock.wallStepMs).toBe(-HOUR)
    expect(result.end).toBe('timeout')
    expect(elapsed).toBe(60_000 - LAST_LOOK_MS)
    expect(Math.max(...polls)).toBe(60_000 - LAST_LOOK_MS)
  })

  it('counts the heartbeat on the monotonic clock: a wall step brings it neither sooner nor later', async () => {
    const { idles, polls } = await wait(() => 'Running', {
      intervalMs: 150_000,
      timeoutMs: 400_000,
      wallStep: { afterPolls: 1, ms: 2 * HOUR }
    })
    expect(idles.length).toBeGreaterThanOrEqual(4)
    // each heartbeat comes a minute after the poll or heartbeat before it
    for (const at of idles) {
      const before = Math.max(...[...polls, ...idles].filter(t => t < at))
      expect(at - before).toBe(60_000)
    }
  })
})

describe('a last look at the deadline', () => {
  it('looks once more in the last second when the next poll would fall after the deadline: an upgrade that ended in the last interval passes', async () => {
    const { result, polls } = await wait(succeedsAt(58_500), {
      intervalMs: 15_000,
      timeoutMs: 60_000
    })
    expect(result.end).toBe('success')
    expect(polls.at(-1)).toBe(60_000 - LAST_LOOK_MS)
    expect(LAST_LOOK_MS).toBe(1000)
  })

  it('takes the last look only once, and never polls after the deadline', async () => {
    const { result, polls } = await wait(succeedsAt(59_500), {
      intervalMs: 15_000,
      timeoutMs: 60_000
    })
    expect(result.end).toBe('timeout')
    expect(polls.filter(t => t >= 60_000 - LAST_LOOK_MS)).toEqual([60_000 - LAST_LOOK_MS])
  })

  it('with interval equal to the timeout: a poll at the start, and the last look', async () => {
    const { result, polls } = await wait(succeedsAt(58_000), {
      intervalMs: 60_000,
      timeoutMs: 60_000
    })
    expect(result.end).toBe('success')
    // the jittered sleep after the first poll ends before the deadline: at most one poll between
    expect(polls[0]).toBe(0)
    expect(polls.length).toBeLessThanOrEqual(3)
    expect(polls.at(-1)).toBe(60_000 - LAST_LOOK_MS)
  })

  it('a timeout within the last look: one poll, then the timeout', async () => {
    const { result, polls } = await wait(() => 'Running', { intervalMs: 1000, timeoutMs: 800 })
    expect(result.end).toBe('timeout')
    expect(polls).toEqual([0])
  })
})
