/**
 * Probe: Autopilot clusters, a workflow cancelled after its cluster upgrade succeeded (guard use), and
 * require-version after on-pause: succeed.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import type { FakeApi } from '../support/fake-api.mjs'
import {
  HOUR,
  KEY,
  SHORT,
  TASK,
  TEST_MS,
  WF,
  fake,
  goTime,
  run,
  state,
  task,
  workflow
} from '../support/probe-kit.js'

let api: FakeApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

const DONE = 'PreCheck:Success Snapshot:Success Cluster:Success PostCheck:Success'

describe('Autopilot', () => {
  it(
    'cluster-type autopilot, workflow Success, cluster Available at the target → passes',
    async () => {
      api = await fake(
        { [KEY]: { type: 'autopilot', workflows: [workflow([state('Success', DONE)])] } },
        { [KEY]: [task(TASK)] }
      )
      const r = await run(api, { 'cluster-type': 'autopilot', 'max-age': '2h' })
      expect(r.code).toBe(0)
      expect(r.outputs['workflowId']).toBe(WF)
    },
    TEST_MS
  )

  it(
    'cluster-type autopilot, its Cluster task Failed, guard use → fails',
    async () => {
      api = await fake(
        {
          [KEY]: {
            type: 'autopilot',
            workflows: [
              workflow([
                state('Pending', 'PreCheck:Success Snapshot:Success Cluster:Failed PostCheck:Init')
              ])
            ]
          }
        },
        { [KEY]: [task(TASK, [{ phase: 'Failed', progress: '30.00' }])] }
      )
      const r = await run(api, { 'cluster-type': 'autopilot' })
      expect(r.code).toBe(1)
      expect(r.outputs['result']).toBe('failed')
    },
    TEST_MS
  )
})

describe('a workflow cancelled after its cluster upgrade succeeded (post-check never run)', () => {
  it(
    'guard use, the cluster Available at the target: fails as cancelled (a cancelled workflow fails, however far it got)',
    async () => {
      api = await fake(
        {
          [KEY]: {
            version: 'v1.29',
            workflows: [
              workflow([
                state('Cancel', 'PreCheck:Success Snapshot:Success Cluster:Success PostCheck:Init')
              ])
            ]
          }
        },
        { [KEY]: [task(TASK)] }
      )
      const r = await run(api, { timeout: SHORT })
      expect(r.code).toBe(1)
      expect(r.outputs).toMatchObject({ result: 'failed', workflowPhase: 'Cancel' })
    },
    TEST_MS
  )
})

describe('guard use: a workflow that never reached its cluster upgrade', () => {
  const guard = async (phase: string, spec: string) => {
    api = await fake(
      {
        [KEY]: {
          version: 'v1.29',
          workflows: [
            workflow([state(phase, spec)], { clusterVersion: 'v1.29', targetVersion: 'v1.30' })
          ]
        }
      },
      { [KEY]: [task(TASK, undefined, { creationTimestamp: goTime(Date.now() - 3 * HOUR) })] }
    )
    return run(api, { timeout: SHORT })
  }
  it(
    'control: cancelled before its cluster upgrade (Cluster step Init) → passed over, passes',
    async () => {
      const r = await guard('Cancel', 'PreCheck:Success Cluster:Init PostCheck:Init')
      expect(r.code).toBe(0)
    },
    TEST_MS
  )
  // the rules as they stand (docs/end-states.md): where the Cluster step is not listed the gate cannot tell it never
  // ran, and a failed pre-check is a failed upgrade, which a guard holds deploys for until a person acts
  it(
    'cancelled with no Cluster step listed → fails as cancelled (it cannot tell the upgrade never ran)',
    async () => {
      const r = await guard('Cancel', 'PreCheck:Success')
      expect(r.code).toBe(1)
      expect(r.outputs).toMatchObject({ result: 'failed', workflowPhase: 'Cancel' })
    },
    TEST_MS
  )
  it(
    'Pending on a failed pre-check (Cluster step Init) → fails naming the pre-check',
    async () => {
      const r = await guard('Pending', 'PreCheck:Failed Cluster:Init PostCheck:Init')
      expect(r.code).toBe(1)
      expect(r.outputs).toMatchObject({ result: 'failed', failedStep: 'PreCheck' })
    },
    TEST_MS
  )
})

describe('require-version with on-pause: succeed', () => {
  it(
    'a paused task, the cluster Upgrading at v1.28, require v1.29 → fails',
    async () => {
      api = await fake(
        { [KEY]: { version: 'v1.28', phases: [{ phase: 'Upgrading' }] } },
        { [KEY]: [task(TASK, [{ phase: 'Pause', progress: '60.00' }])] }
      )
      const r = await run(api, {
        'task-id': TASK,
        'on-pause': 'succeed',
        'require-version': 'v1.29'
      })
      expect(r.code).toBe(1)
      expect(r.outputs['result']).toBe('failed')
    },
    TEST_MS
  )
})
