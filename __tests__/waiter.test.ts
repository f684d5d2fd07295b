import { describe, expect, it } from '@jest/globals'
import { DeadlineError, FatalApiError, Reply } from '../src/api.js'
import { CancelledError } from '../src/clock.js'
import type { OnPause } from '../src/config.js'
import { UpgradeTask } from '../src/task.js'
import { HEARTBEAT_MS, Observation, WaitHooks, decide, stopOf, waitForTask } from '../src/waiter.js'
import { FakeClock } from './support/fake-clock.js'

function task(phase: string, progress = '0.00'): UpgradeTask {
  return {
    uid: 't1',
    version: 'v1.28',
    targetVersion: 'v1.29',
    phase,
    progress,
    creationTimestamp: '',
    completionTime: ''
  }
}

type Script = (UpgradeTask | Error)[]

function recorder() {
  const events: string[] = []
  const hooks: WaitHooks = {
    observed: (o: Observation, changed: boolean) =>
      void events.push(`observed ${o.task.phase} ${o.task.progress}${changed ? ' changed' : ''}`),
    idle: () => void events.push('idle'),
    unknownPhase: phase => void events.push(`unknown ${phase}`),
    pausedWaiting: () => void events.push('paused-waiting')
  }
  return { events, hooks }
}

async function wait(
  script: Script,
  o: {
    onPause?: OnPause
    intervalMs?: number
    timeoutMs?: number
    clock?: FakeClock
    signal?: AbortSignal
  } = {}
) {
  const clock = o.clock ?? new FakeClock()
  const { events, hooks } = recorder()
  let polls = 0
  const pollTimes: number[] = []
  const poll = async (): Promise<Reply<UpgradeTask>> => {
    pollTimes.push(clock.now())
    const step = script[Math.min(polls++, script.length - 1)]!
    if (step instanceof Error) throw step
    return { value: step, requestId: `r${polls}` }
  }
  const result = await waitForTask({
    poll,
    clock,
    intervalMs: o.intervalMs ?? 15_000,
    deadline: clock.now() + (o.timeoutMs ?? 3_600_000),
    onPause: o.onPause ?? 'wait',
    signal: o.signal,
    hooks
  })
  return { result, events, clock, pollTimes }
}

describe('decide', () => {
  it.each([
    ['Success', 'wait', 'succeed'],
    ['Failed', 'succeed', 'fail'],
    ['Init', 'fail', 'wait'],
    ['Queuing', 'fail', 'wait'],
    ['Running', 'succeed', 'wait'],
    ['Pause', 'wait', 'wait'],
    ['Pause', 'fail', 'fail'],
    ['Pause', 'succeed', 'succeed'],
    ['RollingBack', 'succeed', 'wait'],
    ['success', 'wait', 'wait'],
    ['', 'wait', 'wait']
  ] as const)('%s with on-pause %s → %s', (phase, onPause, expected) => {
    expect(decide(phase, onPause)).toBe(expected)
  })
})

describe('waitForTask', () => {
  it('polls at once, then every interval, and passes on Success', async () => {
    const { result, pollTimes } = await wait([
      task('Init'),
      task('Queuing'),
      task('Running', '50.00'),
      task('Success', '100.00')
    ])
    expect(result).toMatchObject({ end: 'success', passed: true, polls: 4 })
    expect(result.last?.requestId).toBe('r4')
    expect(pollTimes[0]).toBe(result.startedAt)
    for (let i = 1; i < pollTimes.length; i++) {
      const gap = pollTimes[i]! - pollTimes[i - 1]!
      expect(gap).toBeLessThanOrEqual(15_000)
      expect(gap).toBeGreaterThanOrEqual(12_000)
    }
    expect(result.timeline.map(o => o.task.phase)).toEqual([
      'Init',
      'Queuing',
      'Running',
      'Success'
    ])
  })

  it('spreads polls with jitter: two gates started together do not stay in lock-step', async () => {
    const a = await wait([task('Running'), task('Running'), task('Running'), task('Success')], {
      clock: new FakeClock(0, 1)
    })
    const b = await wait([task('Running'), task('Running'), task('Running'), task('Success')], {
      clock: new FakeClock(0, 2)
    })
    expect(a.pollTimes.slice(1)).not.toEqual(b.pollTimes.slice(1))
  })

  it('fails on Failed and keeps the last observation', async () => {
    const { result } = await wait([task('Running', '40.00'), task('Failed', '62.50')])
    expect(result).toMatchObject({ end: 'failed', passed: false, polls: 2 })
    expect(result.last?.task.progress).toBe('62.50')
  })

  it.each([
    ['wait', 'success', true],
    ['fail', 'paused', false],
    ['succeed', 'paused', true]
  ] as const)('on-pause %s ends a Pause as %s', async (onPause, end, passed) => {
    const { result, events } = await wait(
      [
        task('Running', '30.00'),
        task('Pause', '30.00'),
        task('Pause', '30.00'),
        task('Success', '100.00')
      ],
      { onPause }
    )
    expect(result.end).toBe(end)
    expect(result.passed).toBe(passed)
    expect(events.filter(e => e === 'paused-waiting')).toHaveLength(onPause === 'wait' ? 1 : 0)
  })

  it('warns once per episode of Pause while waiting', async () => {
    const { events } = await wait([
      task('Pause'),
      task('Pause'),
      task('Running'),
      task('Pause'),
      task('Success')
    ])
    expect(events.filter(e => e === 'paused-waiting')).toHaveLength(2)
  })

  it('keeps waiting through an unknown phase and warns once', async () => {
    const { result, events } = await wait([
      task('RollingBack'),
      task('RollingBack'),
      task('Success', '100.00')
    ])
    expect(result.end).toBe('success')
    expect(events.filter(e => e.startsWith('unknown'))).toEqual(['unknown RollingBack'])
  })

  it('marks changed observations: phase or progress', async () => {
    const { events } = await wait([
      task('Running', '10.00'),
      task('Running', '10.00'),
      task('Running', '20.00'),
      task('Success', '100.00')
    ])
    expect(events.filter(e => e.startsWith('observed'))).toEqual([
      'observed Running 10.00 changed',
      'observed Running 10.00',
      'observed Running 20.00 changed',
      'observed Success 100.00 changed'
    ])
  })

  it('times out at the deadline without a poll after it', async () => {
    const { result, pollTimes, clock } = await wait([task('Running', '45.00')], {
      timeoutMs: 60_000,
      intervalMs: 15_000
    })
    expect(result.end).toBe('timeout')
    expect(result.passed).toBe(false)
    expect(clock.now() - result.startedAt).toBe(60_000)
    expect(Math.max(...pollTimes)).toBeLessThan(result.startedAt + 60_000)
    expect(result.last?.task.progress).toBe('45.00')
  })

  it('gives a heartbeat (idle) at least every minute during a long interval', async () => {
    const { events, clock } = await wait([task('Running'), task('Success')], {
      intervalMs: 5 * 60_000
    })
    expect(events.filter(e => e === 'idle').length).toBeGreaterThanOrEqual(3)
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(HEARTBEAT_MS)
  })

  it('maps errors from the poll to end states', async () => {
    expect((await wait([new DeadlineError('HTTP 503')])).result).toMatchObject({
      end: 'timeout',
      problem: 'HTTP 503',
      polls: 0
    })
    expect((await wait([task('Running'), new FatalApiError('gone', 404)])).result).toMatchObject({
      end: 'error',
      problem: 'gone',
      polls: 1
    })
    expect((await wait([new CancelledError()])).result.end).toBe('cancelled')
    await expect(wait([new TypeError('bug')])).rejects.toThrow(TypeError)
  })

  it('ends as cancelled when aborted while sleeping', async () => {
    const controller = new AbortController()
    const clock = new FakeClock()
    clock.onSleep = () => controller.abort()
    const { result } = await wait([task('Running', '10.00')], { clock, signal: controller.signal })
    expect(result).toMatchObject({ end: 'cancelled', passed: false, polls: 1 })
  })

  it('stopOf rethrows unknown errors', () => {
    expect(() => stopOf(new Error('x'))).toThrow('x')
  })
})
