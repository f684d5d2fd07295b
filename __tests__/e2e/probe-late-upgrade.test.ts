/**
 * Probe: an upgrade that starts after the gate's first look. Guard use keeps the old upgrade while the cluster
 * settles and reads only the cluster; a newer upgrade that failed meanwhile must still fail the step. With max-age,
 * an upgrade that starts while the step waits is the one waited on. wait: false never passes a busy cluster.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import type { FakeApi, FakeTask } from '../support/fake-api.mjs'
import { errors } from '../support/run-action.js'
import {
  HOUR,
  KEY,
  MIN,
  SHORT,
  TASK,
  TEST_MS,
  fake,
  goTime,
  run,
  task
} from '../support/probe-kit.js'

let api: FakeApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

const NEW = 'c3d4e5f6-late-11ef-8d2c-0255ac100031'
const old = () =>
  task(TASK, undefined, {
    creationTimestamp: goTime(Date.now() - 50 * HOUR),
    completionTime: goTime(Date.now() - 49 * HOUR)
  })
const newTask = (timeline: FakeTask['timeline']): FakeTask =>
  task(NEW, timeline, {
    version: 'v1.29.5-r0',
    targetVersion: 'v1.30.1-r0',
    creationTimestamp: goTime(Date.now()),
    startOn: 'first-shown'
  })

describe('guard use, a new upgrade while the cluster settles', () => {
  it(
    'the old task Success, the cluster Upgrading; a new task appears and fails; the cluster comes back Available → fails',
    async () => {
      const tasks = [old()]
      api = await fake(
        {
          [KEY]: {
            version: 'v1.29',
            phases: [{ phase: 'Upgrading', ms: 4000 }, { phase: 'Available' }]
          }
        },
        { [KEY]: tasks }
      )
      const push = setTimeout(
        () =>
          tasks.push(
            newTask([
              { phase: 'Running', progress: '30.00', ms: 500 },
              { phase: 'Failed', progress: '30.00' }
            ])
          ),
        1500
      )
      const r = await run(api, { timeout: '20s' })
      clearTimeout(push)
      expect(r.outputs['result']).toBe('failed')
      expect(r.code).toBe(1)
      expect(errors(r.stdout).join('\n')).toContain(NEW)
    },
    TEST_MS
  )
})

describe('max-age: nothing recent, then an upgrade starts while the step waits', () => {
  it(
    'it runs, then succeeds → passes on it',
    async () => {
      const tasks = [old()]
      api = await fake({ [KEY]: { version: 'v1.30' } }, { [KEY]: tasks })
      const push = setTimeout(
        () =>
          tasks.push(
            newTask([
              { phase: 'Running', progress: '50.00', ms: 1500 },
              { phase: 'Success', progress: '100.00' }
            ])
          ),
        1500
      )
      const r = await run(api, { 'max-age': '1h', timeout: '20s' })
      clearTimeout(push)
      expect(r.code).toBe(0)
      expect(r.outputs['taskId']).toBe(NEW)
    },
    TEST_MS
  )

  it(
    'it runs, then fails → fails',
    async () => {
      const tasks = [old()]
      api = await fake({ [KEY]: { version: 'v1.29' } }, { [KEY]: tasks })
      const push = setTimeout(
        () =>
          tasks.push(
            newTask([
              { phase: 'Running', progress: '50.00', ms: 1500 },
              { phase: 'Failed', progress: '50.00' }
            ])
          ),
        1500
      )
      const r = await run(api, { 'max-age': '1h', timeout: '20s' })
      clearTimeout(push)
      expect(r.code).toBe(1)
      expect(r.outputs['result']).toBe('failed')
    },
    TEST_MS
  )
})

describe('wait: false', () => {
  it(
    'task Success, the cluster Upgrading → result upgrading, the step fails',
    async () => {
      api = await fake({ [KEY]: { phases: [{ phase: 'Upgrading' }] } }, { [KEY]: [task(TASK)] })
      const r = await run(api, { 'task-id': TASK, wait: 'false', timeout: SHORT })
      expect(r.code).toBe(1)
      expect(r.outputs['result']).toBe('upgrading')
    },
    TEST_MS
  )

  it(
    'guard use, a task Running → result upgrading',
    async () => {
      api = await fake(
        { [KEY]: {} },
        {
          [KEY]: [
            old(),
            task('d4e5f6a7-runn-11ef-8d2c-0255ac100031', [{ phase: 'Running', progress: '5.00' }], {
              creationTimestamp: goTime(Date.now() - 5 * MIN)
            })
          ]
        }
      )
      const r = await run(api, { wait: 'false', timeout: SHORT })
      expect(r.code).toBe(1)
      expect(r.outputs['result']).toBe('upgrading')
    },
    TEST_MS
  )
})
