import { describe, expect, it } from '@jest/globals'
import { DeadlineError, FatalApiError } from '../../src/huawei/api.js'
import { CancelledError } from '../../src/lib/clock.js'
import type { OnPause } from '../../src/lib/config.js'
import { ClusterView, Observation, stateKey } from '../../src/gate/observation.js'
import { UpgradeTask } from '../../src/cce/task.js'
import { HEARTBEAT_MS, WaitHooks, passed, stopOf, waitForUpgrade } from '../../src/gate/waiter.js'
import { FakeClock, RunawayError, takeRunaways } from '../support/fake-clock.js'
import { cluster, workflow } from '../support/upgrade-fixtures.js'

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

/** A scripted observation: the task, and the cluster as the observer would have read it. */
function seen(
  phase: string,
  progress = '0.00',
  cluster?: string
): Omit<Observation, 'at' | 'apiAt'> {
  const view: ClusterView = cluster
    ? {
        kind: 'read',
        status: { phase: cluster, reason: '', message: '', version: 'v1.29' },
        rolledBack: false
      }
    : { kind: 'unread' }
  return {
    upgrade: { kind: 'task', task: task(phase, progress) },
    cluster: view,
    precheck: { kind: 'unread' }
  }
}

type Script = (Omit<Observation, 'at' | 'apiAt'> | Error)[]

/** More observations than any of these tests needs: a loop that never sleeps fails here instead of spinning. */
const RUNAWAY = 10_000

async function wait(
  script: Script,
  o: {
    onPause?: OnPause
    intervalMs?: number | (() => number)
    timeoutMs?: number
    clock?: FakeClock
    signal?: AbortSignal
  } = {}
) {
  const clock = o.clock ?? new FakeClock()
  const events: string[] = []
  let final: string | undefined
  const hooks: WaitHooks = {
    observed: (obs, verdict) => {
      events.push(`observed ${stateKey(obs)} ${verdict.kind}`)
      if (verdict.kind !== 'wait') final = verdict.kind
    },
    idle: () => void events.push('idle')
  }
  let polls = 0
  const pollTimes: number[] = []
  const observe = async (): Promise<Observation> => {
    // a wait that goes on after a verdict of pass or fail is broken: say so at once, not at the fake deadline
    if (final) throw new Error(`observed again after a final verdict (${final})`)
    if (polls >= RUNAWAY) throw new Error(`runaway loop: ${polls} observations without an end`)
    pollTimes.push(clock.now())
    const step = script[Math.min(polls++, script.length - 1)]!
    if (step instanceof Error) throw step
    return { ...step, at: clock.now(), apiAt: clock.now(), requestId: `r${polls}` }
  }
  const interval = o.intervalMs ?? 15_000
  const startedAt = clock.now()
  const result = await waitForUpgrade({
    observe,
    stateKey,
    clock,
    intervalMs: typeof interval === 'number' ? () => interval : interval,
    startedAt,
    deadline: startedAt + (o.timeoutMs ?? 3_600_000),
    policy: { onPause: o.onPause ?? 'wait', waitForNewUpgrade: false, waitForPostCheck: false },
    signal: o.signal,
    hooks
  })
  return { result, events, clock, pollTimes }
}

describe('waitForUpgrade', () => {
  it('polls at once, then every interval, and passes once the cluster is Available', async () => {
    const { result, pollTimes } = await wait([
      seen('Init'),
      seen('Queuing'),
      seen('Running', '50.00'),
      seen('Success', '100.00', 'Upgrading'),
      seen('Success', '100.00', 'Available')
    ])
    expect(result).toMatchObject({ end: 'success', polls: 5, clusterChecked: true })
    expect(passed(result)).toBe(true)
    expect(result.last?.requestId).toBe('r5')
    expect(pollTimes[0]).toBe(result.startedAt)
    for (let i = 1; i < pollTimes.length; i++) {
      const gap = pollTimes[i]! - pollTimes[i - 1]!
      expect(gap).toBeLessThanOrEqual(15_000)
      expect(gap).toBeGreaterThanOrEqual(12_000)
    }
    expect(result.timeline.map(stateKey)).toEqual([
      'task|t1|Init|unread',
      'task|t1|Queuing|unread',
      'task|t1|Running|unread',
      'task|t1|Success|Upgrading',
      'task|t1|Success|Available'
    ])
  })

  it('asks for the interval before every sleep (it widens under throttling)', async () => {
    const asked: number[] = []
    const intervals = [10_000, 40_000, 20_000]
    const { pollTimes } = await wait(
      [seen('Running'), seen('Running'), seen('Running'), seen('Success', '100.00', 'Available')],
      {
        intervalMs: () => {
          const next = intervals[asked.length] ?? 10_000
          asked.push(next)
          return next
        }
      }
    )
    expect(asked).toHaveLength(3)
    const gaps = pollTimes.slice(1).map((t, i) => t - pollTimes[i]!)
    gaps.forEach((gap, i) => {
      expect(gap).toBeLessThanOrEqual(intervals[i]!)
      expect(gap).toBeGreaterThanOrEqual(intervals[i]! * 0.8)
    })
  })

  it('spreads polls with jitter: two gates started together do not stay in lock-step', async () => {
    const script = [
      seen('Running'),
      seen('Running'),
      seen('Running'),
      seen('Success', '', 'Available')
    ]
    const a = await wait(script, { clock: new FakeClock(0, 1) })
    const b = await wait(script, { clock: new FakeClock(0, 2) })
    expect(a.pollTimes.slice(1)).not.toEqual(b.pollTimes.slice(1))
  })

  it('fails on Failed and keeps the last observation', async () => {
    const { result } = await wait([seen('Running', '40.00'), seen('Failed', '62.50')])
    expect(result).toMatchObject({ end: 'failed', polls: 2, failure: { kind: 'task-failed' } })
    expect(passed(result)).toBe(false)
    expect(result.last?.upgrade).toMatchObject({ task: { progress: '62.50' } })
  })

  it('fails when the cluster is broken after the upgrade', async () => {
    const { result } = await wait([seen('Success', '100.00', 'RollbackFailed')])
    expect(result).toMatchObject({ end: 'failed', failure: { kind: 'cluster-broken' } })
  })

  it.each([
    ['wait', 'success', true],
    ['fail', 'paused', false],
    ['succeed', 'paused', true]
  ] as const)('on-pause %s ends a Pause as %s', async (onPause, end, pass) => {
    const { result } = await wait(
      [
        seen('Running', '30.00'),
        // the observer reads the cluster for a pause (on-pause: succeed fails on a broken cluster)
        seen('Pause', '30.00', 'Upgrading'),
        seen('Pause', '30.00', 'Upgrading'),
        seen('Success', '100.00', 'Available')
      ],
      { onPause }
    )
    expect(result.end).toBe(end)
    expect(passed(result)).toBe(pass)
    expect(result.polls).toBe(onPause === 'wait' ? 4 : 2)
  })

  it('ends as error when there is no upgrade to wait on (without max-age)', async () => {
    const { result } = await wait([
      { upgrade: { kind: 'none' }, cluster: { kind: 'unread' }, precheck: { kind: 'unread' } }
    ])
    expect(result).toMatchObject({ end: 'error', failure: { kind: 'no-upgrade' }, polls: 1 })
  })

  it('reports every observation with its verdict', async () => {
    const { events } = await wait([
      seen('Running', '10.00'),
      seen('Success', '100.00', 'Upgrading'),
      seen('Success', '100.00', 'Available')
    ])
    expect(events).toEqual([
      'observed task|t1|Running|unread wait',
      'observed task|t1|Success|Upgrading wait',
      'observed task|t1|Success|Available pass'
    ])
  })

  it('times out at the deadline without a poll after it', async () => {
    const { result, pollTimes, clock } = await wait([seen('Running', '45.00')], {
      timeoutMs: 60_000,
      intervalMs: 15_000
    })
    expect(result.end).toBe('timeout')
    expect(passed(result)).toBe(false)
    // the last look, a second before the deadline, is the last poll: the wait ends with it
    expect(clock.monotonic() - result.startedAt).toBe(59_000)
    expect(Math.max(...pollTimes)).toBe(result.startedAt + 59_000)
    expect(result.last?.upgrade).toMatchObject({ task: { progress: '45.00' } })
  })

  it('counts the wait from the run’s start, not from its own', async () => {
    const clock = new FakeClock()
    const runStart = clock.now() - 7_000
    const result = await waitForUpgrade({
      observe: async () => ({
        ...seen('Success', '', 'Available'),
        at: clock.now(),
        apiAt: clock.now()
      }),
      stateKey,
      clock,
      intervalMs: () => 15_000,
      startedAt: runStart,
      deadline: runStart + 60_000,
      policy: { onPause: 'wait', waitForNewUpgrade: false, waitForPostCheck: false },
      hooks: { observed: () => undefined, idle: () => undefined }
    })
    expect(result.startedAt).toBe(runStart)
    expect(result.endedAt - result.startedAt).toBe(7_000)
  })

  it('gives a heartbeat (idle) at least every minute during a long interval', async () => {
    const { events, clock } = await wait([seen('Running'), seen('Success', '', 'Available')], {
      intervalMs: 5 * 60_000
    })
    expect(events.filter(e => e === 'idle').length).toBeGreaterThanOrEqual(3)
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(HEARTBEAT_MS)
  })

  it('maps errors from the observation to end states', async () => {
    expect((await wait([new DeadlineError('HTTP 503')])).result).toMatchObject({
      end: 'timeout',
      problem: 'HTTP 503',
      polls: 0
    })
    expect((await wait([seen('Running'), new FatalApiError('gone', 404)])).result).toMatchObject({
      end: 'error',
      problem: 'gone',
      polls: 1
    })
    expect((await wait([new CancelledError()])).result.end).toBe('cancelled')
    await expect(wait([new TypeError('bug')])).rejects.toThrow(TypeError)
  })

  it('ends as cancelled when aborted while sleeping, without another poll', async () => {
    const controller = new AbortController()
    const clock = new FakeClock()
    clock.onSleep = () => controller.abort()
    const { result, pollTimes } = await wait([seen('Running', '10.00')], {
      clock,
      signal: controller.signal
    })
    expect(result).toMatchObject({ end: 'cancelled', polls: 1 })
    expect(pollTimes).toHaveLength(1)
  })

  it('ends as cancelled when aborted during a heartbeat-split sleep of a long interval', async () => {
    const controller = new AbortController()
    const clock = new FakeClock()
    let sleeps = 0
    clock.onSleep = () => {
      if (++sleeps === 2) controller.abort()
    }
    const { result } = await wait([seen('Running')], {
      clock,
      signal: controller.signal,
      intervalMs: 10 * 60_000
    })
    expect(result).toMatchObject({ end: 'cancelled', polls: 1 })
    expect(sleeps).toBe(2)
  })

  it('stopOf rethrows unknown errors', () => {
    expect(() => stopOf(new Error('x'))).toThrow('x')
  })
})

describe('a wait that would never end fails its test at once (no test hangs)', () => {
  it('rethrows the fake clock giving up on a deadline that never comes, within a second', async () => {
    const clock = new FakeClock()
    const started = performance.now()
    const error = await wait([seen('Running')], { clock, timeoutMs: Infinity }).catch(e => e)
    expect(error).toBeInstanceOf(RunawayError)
    expect(takeRunaways()).toEqual([error.message])
    expect(clock.sleeps.length).toBeGreaterThan(1000)
    expect(performance.now() - started).toBeLessThan(5000)
  })
})

describe('what the wait result carries', () => {
  it('records in the timeline only the observations where the state changed', async () => {
    const { result } = await wait([
      seen('Running', '10.00'),
      seen('Running', '20.00'),
      seen('Running', '30.00'),
      seen('Success', '100.00', 'Upgrading'),
      seen('Success', '100.00', 'Upgrading'),
      seen('Success', '100.00', 'Available')
    ])
    expect(result.polls).toBe(6)
    expect(result.timeline.map(o => [stateKey(o), o.requestId])).toEqual([
      ['task|t1|Running|unread', 'r1'],
      ['task|t1|Success|Upgrading', 'r4'],
      ['task|t1|Success|Available', 'r6']
    ])
  })

  it('says when it passed on a workflow whose post-check nobody started', async () => {
    const steps = (post: string) =>
      workflow('Success', `PreCheck:Success Cluster:Success PostCheck:${post}`)
    const done = (post: string): Omit<Observation, 'at' | 'apiAt'> => ({
      upgrade: { kind: 'workflow', workflow: steps(post) },
      cluster: { kind: 'read', status: cluster('Available'), rolledBack: false },
      precheck: { kind: 'unread' }
    })
    expect((await wait([done('Init')])).result).toMatchObject({
      end: 'success',
      postCheckNotStarted: true
    })
    expect((await wait([done('Success')])).result).not.toHaveProperty('postCheckNotStarted')
  })
})
