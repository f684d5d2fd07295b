/**
 * Probe: on-pause: succeed passes a paused upgrade "with a warning: the cluster is partly upgraded (a broken or
 * rolled-back one still fails)" (docs/end-states.md). A rollback, or a failed step, seen next to the pause must
 * still fail; wait: false must not change that.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import type { FakeApi, FakeCluster } from '../support/fake-api.mjs'
import { warnings } from '../support/run-action.js'
import {
  KEY,
  SHORT,
  TASK,
  TEST_MS,
  WF,
  fake,
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

const PAUSED = [{ phase: 'Pause', progress: '60.00' }]

async function pausedWorkflow(spec: string, cluster: FakeCluster, extra: Record<string, string>) {
  api = await fake(
    { [KEY]: { ...cluster, workflows: [workflow([state('Running', spec)])] } },
    { [KEY]: [task(TASK, PAUSED)] }
  )
  return run(api, { 'workflow-id': WF, 'on-pause': 'succeed', timeout: SHORT, ...extra })
}

describe('on-pause: succeed', () => {
  it(
    'a Running workflow whose Rollback step runs, its Cluster task paused, the cluster Upgrading → fails (rolled back)',
    async () => {
      const r = await pausedWorkflow(
        'PreCheck:Success Snapshot:Success Cluster:Running PostCheck:Init Rollback:Running',
        { phases: [{ phase: 'Upgrading' }] },
        {}
      )
      expect(r.outputs['result']).toBe('failed')
      expect(r.code).toBe(1)
    },
    TEST_MS
  )

  it(
    'the same with wait: false → fails, not passes',
    async () => {
      const r = await pausedWorkflow(
        'PreCheck:Success Snapshot:Success Cluster:Running PostCheck:Init Rollback:Running',
        { phases: [{ phase: 'Upgrading' }] },
        { wait: 'false' }
      )
      expect(r.outputs['result']).not.toBe('success')
      expect(r.outputs['result']).not.toBe('paused')
      expect(r.code).toBe(1)
    },
    TEST_MS
  )

  it(
    'a Running workflow whose Snapshot step Failed, its Cluster task paused → fails',
    async () => {
      const r = await pausedWorkflow(
        'PreCheck:Success Snapshot:Failed Cluster:Running PostCheck:Init',
        { phases: [{ phase: 'Upgrading' }] },
        {}
      )
      expect(r.outputs['result']).toBe('failed')
      expect(r.code).toBe(1)
    },
    TEST_MS
  )

  it(
    'control: a Running workflow, its Cluster task paused, the cluster Upgrading → passes with a warning',
    async () => {
      const r = await pausedWorkflow(
        'PreCheck:Success Snapshot:Success Cluster:Running PostCheck:Init',
        { phases: [{ phase: 'Upgrading' }] },
        {}
      )
      expect(r.code).toBe(0)
      expect(r.outputs['result']).toBe('paused')
      expect(warnings(r.stdout).length).toBeGreaterThan(0)
    },
    TEST_MS
  )

  it(
    'a paused task, the cluster Unavailable → fails',
    async () => {
      api = await fake(
        { [KEY]: { phases: [{ phase: 'Unavailable' }] } },
        { [KEY]: [task(TASK, PAUSED)] }
      )
      const r = await run(api, { 'task-id': TASK, 'on-pause': 'succeed', timeout: SHORT })
      expect(r.outputs['result']).toBe('failed')
      expect(r.code).toBe(1)
    },
    TEST_MS
  )

  it(
    'a paused task, the cluster RollingBack → does not pass',
    async () => {
      api = await fake(
        { [KEY]: { phases: [{ phase: 'RollingBack' }] } },
        { [KEY]: [task(TASK, PAUSED)] }
      )
      const r = await run(api, { 'task-id': TASK, 'on-pause': 'succeed', timeout: SHORT })
      expect(r.code).toBe(1)
    },
    TEST_MS
  )
})

describe('on-pause: fail', () => {
  it(
    'a Running workflow whose Rollback step runs, its Cluster task paused → fails as a rollback, not as a pause',
    async () => {
      const r = await pausedWorkflow(
        'PreCheck:Success Snapshot:Success Cluster:Running PostCheck:Init Rollback:Running',
        { phases: [{ phase: 'Upgrading' }] },
        { 'on-pause': 'fail' }
      )
      expect(r.code).toBe(1)
      expect(r.outputs['result']).toBe('failed')
    },
    TEST_MS
  )
})
