/**
 * Probe: version strings in the forms CCE and people write them are compared as numbers by major.minor, for the
 * cluster-behind check and for require-version.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import type { FakeApi } from '../support/fake-api.mjs'
import { KEY, TASK, TEST_MS, fake, run, task } from '../support/probe-kit.js'

let api: FakeApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

async function gate(target: string, clusterVersion: string, extra: Record<string, string> = {}) {
  api = await fake(
    { [KEY]: { version: clusterVersion } },
    { [KEY]: [task(TASK, undefined, { targetVersion: target })] }
  )
  return run(api, { 'task-id': TASK, ...extra })
}

describe('the cluster-behind check', () => {
  it(
    'target v1.29.10-r0, cluster v1.29 → passes (same minor)',
    async () => {
      const r = await gate('v1.29.10-r0', 'v1.29')
      expect(r.code).toBe(0)
    },
    TEST_MS
  )
  it(
    'target v1.29, cluster v1.3 → fails (3 < 29 as numbers, not as text)',
    async () => {
      const r = await gate('v1.29', 'v1.3')
      expect(r.code).toBe(1)
      expect(r.outputs['result']).toBe('failed')
    },
    TEST_MS
  )
  it(
    'target 1.29.5 (no v), cluster v1.28.3-r4 → fails',
    async () => {
      const r = await gate('1.29.5', 'v1.28.3-r4')
      expect(r.code).toBe(1)
    },
    TEST_MS
  )
})

describe('require-version', () => {
  it(
    'require v1.29, cluster 1.29.5 → passes',
    async () => {
      const r = await gate('v1.29.5-r0', '1.29.5', { 'require-version': 'v1.29' })
      expect(r.code).toBe(0)
    },
    TEST_MS
  )
  it(
    'require v1.29, cluster v1.3 (target v1.3 too) → fails',
    async () => {
      const r = await gate('v1.3.0', 'v1.3', { 'require-version': 'v1.29' })
      expect(r.code).toBe(1)
      expect(r.outputs['result']).toBe('failed')
    },
    TEST_MS
  )
  it(
    'require v1.29, cluster v1.100 → passes',
    async () => {
      const r = await gate('v1.100.1', 'v1.100', { 'require-version': 'v1.29' })
      expect(r.code).toBe(0)
    },
    TEST_MS
  )
})
