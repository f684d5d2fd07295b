/**
 * Probe: a task-id whose upgrade task says Success must pass only on a cluster that is Available and runs the
 * target (or a newer) version; every other cluster state holds or fails.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import type { FakeApi, FakeCluster } from '../support/fake-api.mjs'
import { errors } from '../support/run-action.js'
import { C, KEY, SHORT, TASK, TEST_MS, fake, run, task } from '../support/probe-kit.js'

let api: FakeApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

async function gate(cluster: FakeCluster, extra: Record<string, string> = {}) {
  api = await fake({ [KEY]: cluster }, { [KEY]: [task(TASK)] })
  return run(api, { 'task-id': TASK, ...extra })
}

describe('task Success, the cluster decides', () => {
  it(
    'Available on the old minor (v1.28 under a v1.29.5-r0 target) fails: the upgrade did not take',
    async () => {
      const r = await gate({ version: 'v1.28' })
      expect(r.code).toBe(1)
      expect(r.outputs['result']).toBe('failed')
      expect(errors(r.stdout).join('\n')).toMatch(/v1\.28/)
    },
    TEST_MS
  )

  it(
    'Available on a newer minor (v1.30) than the target passes',
    async () => {
      const r = await gate({ version: 'v1.30' })
      expect(r.code).toBe(0)
      expect(r.outputs['result']).toBe('success')
    },
    TEST_MS
  )

  it.each(['Unavailable', 'Error', 'RollbackFailed', 'Deleting'])(
    'cluster %s fails',
    async phase => {
      const r = await gate({ phases: [{ phase, reason: 'probe', message: 'probe' }] })
      expect(r.code).toBe(1)
      expect(r.outputs['result']).toBe('failed')
      expect(r.outputs['clusterPhase']).toBe(phase)
    },
    TEST_MS
  )

  it.each(['Empty', 'Frozen', 'available', ''])(
    'cluster phase "%s" (deprecated, unknown, wrong case, empty) never passes',
    async phase => {
      const r = await gate({ phases: [{ phase }] }, { timeout: SHORT })
      expect(r.code).toBe(1)
      expect(r.outputs['result']).not.toBe('success')
    },
    TEST_MS
  )

  it(
    'RollingBack seen once, then Available (spec.version not yet reverted) fails as rolled back',
    async () => {
      const r = await gate({
        phases: [{ phase: 'RollingBack', polls: 1 }, { phase: 'Available' }],
        version: 'v1.29'
      })
      expect(r.code).toBe(1)
      expect(r.outputs['result']).toBe('failed')
      expect(errors(r.stdout).join('\n')).toMatch(/roll/i)
    },
    TEST_MS
  )

  it(
    'Upgrading for two reads, then Available at the target, passes',
    async () => {
      const r = await gate({ phases: [{ phase: 'Upgrading', polls: 2 }, { phase: 'Available' }] })
      expect(r.code).toBe(0)
      expect(r.outputs['clusterPhase']).toBe('Available')
    },
    TEST_MS
  )

  it(
    'Available without spec.version passes (README: "missing or unreadable passes")',
    async () => {
      const r = await gate({ version: null })
      expect(r.code).toBe(0)
      expect(r.outputs['result']).toBe('success')
      expect(r.stdout).toContain(C)
    },
    TEST_MS
  )
})
