/**
 * wait: false (issue 22.2): one observation, the same rules, no sleep. Pass and fail end as they would; where the
 * gate would wait, the wait ends `upgrading` with the reason and the observation.
 */
import { describe, expect, it } from '@jest/globals'
import type { ClusterView, Observation, Upgrade } from '../../src/gate/observation.js'
import type { Policy } from '../../src/gate/verdict.js'
import { WaitResult, passed, waitForUpgrade } from '../../src/gate/waiter.js'
import { FakeClock } from '../support/fake-clock.js'
import { cluster, task, workflow } from '../support/upgrade-fixtures.js'

const POLICY: Policy = { onPause: 'wait', waitForNewUpgrade: false, waitForPostCheck: false }

const available: ClusterView = { kind: 'read', status: cluster('Available'), rolledBack: false }

async function once(
  upgrade: Upgrade,
  view: ClusterView = { kind: 'unread' },
  policy: Policy = POLICY,
  once = true
): Promise<{ result: WaitResult; observed: number; clock: FakeClock }> {
  const clock = new FakeClock()
  let observed = 0
  const observe = async (): Promise<Observation> => {
    // a second look means the wait went on: stop it here rather than at the fake clock's bounds
    if (++observed > 3) throw new Error('looked more than three times')
    return {
      at: clock.now(),
      apiAt: clock.now(),
      upgrade,
      cluster: view,
      precheck: { kind: 'unread' }
    }
  }
  const result = await waitForUpgrade({
    observe,
    stateKey: () => 'same',
    clock,
    intervalMs: () => 15_000,
    startedAt: clock.now(),
    deadline: clock.now() + 3_600_000,
    policy,
    hooks: { observed: () => undefined, idle: () => undefined },
    once
  })
  return { result, observed, clock }
}

describe('wait: false', () => {
  it('ends upgrading on an upgrade under way, after one look and no sleep', async () => {
    const running: Upgrade = { kind: 'task', task: task('Running', { progress: '45.00' }) }
    const { result, observed, clock } = await once(running)
    expect(result).toMatchObject({
      end: 'upgrading',
      why: { kind: 'upgrading' },
      polls: 1,
      last: { upgrade: running }
    })
    expect(passed(result)).toBe(false)
    expect(observed).toBe(1)
    expect(clock.sleeps).toEqual([])
  })

  it('ends upgrading wherever the gate would wait: unknown phases, a settling cluster, a pause', async () => {
    const cases: [Upgrade, ClusterView, string][] = [
      [{ kind: 'task', task: task('Rebooting') }, available, 'upgrading'],
      [
        { kind: 'workflow', workflow: workflow('Paused', 'PreCheck:Success') },
        available,
        'workflow-phase-unknown'
      ],
      [
        { kind: 'task', task: task('Success') },
        { kind: 'read', status: cluster('Upgrading'), rolledBack: false },
        'cluster-settling'
      ],
      [{ kind: 'task', task: task('Pause') }, available, 'paused'],
      [
        {
          kind: 'workflow',
          workflow: workflow('Running', 'PreCheck:Success Cluster:Init PostCheck:Init')
        },
        available,
        'upgrade-not-started'
      ]
    ]
    for (const [u, view, why] of cases) {
      const { result, observed, clock } = await once(u, view)
      expect(result).toMatchObject({ end: 'upgrading', why: { kind: why } })
      expect([observed, clock.sleeps.length]).toEqual([1, 0])
    }
  })

  it('passes and fails as the gate does, in the one look', async () => {
    const ok = await once({ kind: 'task', task: task('Success') }, available)
    expect(ok.result).toMatchObject({ end: 'success', polls: 1 })
    expect(passed(ok.result)).toBe(true)
    const bad = await once({ kind: 'task', task: task('Failed') }, available)
    expect(bad.result).toMatchObject({ end: 'failed', failure: { kind: 'task-failed' } })
    const none = await once({ kind: 'none' }, available, { ...POLICY, guard: true })
    expect(none.result).toMatchObject({ end: 'success' })
    const newer = await once({ kind: 'none' }, available, { ...POLICY, waitForNewUpgrade: true })
    expect(newer.result).toMatchObject({ end: 'upgrading', why: { kind: 'no-upgrade-yet' } })
    for (const r of [ok, bad, none, newer])
      expect([r.observed, r.clock.sleeps.length]).toEqual([1, 0])
  })

  it('wait: true, the same state keeps waiting', async () => {
    const running: Upgrade = { kind: 'task', task: task('Running') }
    const { result, observed } = await once(running, { kind: 'unread' }, POLICY, false).catch(
      (e: Error) => ({ result: undefined, observed: e.message })
    )
    expect(result).toBeUndefined()
    expect(observed).toBe('looked more than three times')
  })
})
