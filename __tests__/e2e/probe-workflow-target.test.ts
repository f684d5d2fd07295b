/**
 * Probe: a workflow upgrading v1.28 → v1.29 says Success; the cluster is Available but still runs v1.28. Whatever
 * its Cluster step's task says its own target is, the cluster did not reach the workflow's target: no pass.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import type { FakeApi } from '../support/fake-api.mjs'
import { KEY, TASK, TEST_MS, WF, fake, run, state, task, workflow } from '../support/probe-kit.js'

let api: FakeApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

const DONE = 'PreCheck:Success Snapshot:Success Cluster:Success PostCheck:Success'

async function gate(taskTarget: string) {
  api = await fake(
    { [KEY]: { version: 'v1.28', workflows: [workflow([state('Success', DONE)])] } },
    { [KEY]: [task(TASK, undefined, { targetVersion: taskTarget })] }
  )
  return run(api, { 'workflow-id': WF })
}

describe('workflow Success, cluster Available on the old minor', () => {
  it(
    'control: the task targets v1.29.5-r0 → fails (version behind)',
    async () => {
      const r = await gate('v1.29.5-r0')
      expect(r.code).toBe(1)
      expect(r.outputs['result']).toBe('failed')
    },
    TEST_MS
  )

  it(
    "the Cluster step's task says its target is v1.28.5-r0 (not the workflow's v1.29) → must not pass",
    async () => {
      const r = await gate('v1.28.5-r0')
      expect(r.outputs['result']).not.toBe('success')
      expect(r.code).toBe(1)
    },
    TEST_MS
  )

  it(
    "the Cluster step's task's targetVersion is unreadable ('latest') → must not pass on v1.28 (the workflow says v1.29)",
    async () => {
      const r = await gate('latest')
      expect(r.outputs['result']).not.toBe('success')
      expect(r.code).toBe(1)
    },
    TEST_MS
  )
})
