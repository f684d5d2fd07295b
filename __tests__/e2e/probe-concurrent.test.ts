/**
 * Probe: two upgrades under way at once (guard use, and max-age). Whatever else is listed, an upgrade that runs
 * now (a workflow whose Cluster step runs, an upgrade task Running outside any workflow) holds the deploy: the
 * gate's own rule is that passing while another upgrade runs is "the one mistake the gate must not make".
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import type { FakeApi } from '../support/fake-api.mjs'
import {
  KEY,
  MIN,
  SHORT,
  TASK,
  TEST_MS,
  fake,
  goTime,
  run,
  state,
  steps,
  task,
  workflow
} from '../support/probe-kit.js'

let api: FakeApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

const OTHER_TASK = 'b2c3d4e5-runn-11ef-8d2c-0255ac100031'
const OLD_WF = '5b2f9a10-old0-11ef-8d2c-0255ac100031'

/** A Running workflow whose cluster upgrade is done and whose step list has no PostCheck (not listed yet). */
const upgradedNoPostCheck = () =>
  workflow([state('Running', 'PreCheck:Success Snapshot:Success Cluster:Success')], {
    creationTimestamp: goTime(Date.now() - 5 * MIN)
  })

describe.each([
  ['guard use', {}],
  ['max-age 2h', { 'max-age': '2h' }]
])('%s: two upgrades at once, the cluster Available', (_, extra) => {
  it(
    'a newer Running workflow whose Cluster step succeeded, and an older one whose Cluster step runs → holds',
    async () => {
      const older = workflow(
        [
          {
            phase: 'Running',
            steps: steps('PreCheck:Success Cluster:Running PostCheck:Init', OTHER_TASK)
          }
        ],
        { uid: OLD_WF, creationTimestamp: goTime(Date.now() - 20 * MIN) }
      )
      api = await fake(
        { [KEY]: { version: 'v1.29', workflows: [upgradedNoPostCheck(), older] } },
        {
          [KEY]: [
            task(TASK),
            task(OTHER_TASK, [{ phase: 'Running', progress: '40.00' }], {
              creationTimestamp: goTime(Date.now() - 15 * MIN)
            })
          ]
        }
      )
      const r = await run(api, { timeout: SHORT, ...extra })
      expect(r.outputs['result']).not.toBe('success')
      expect(r.code).toBe(1)
    },
    TEST_MS
  )

  it(
    'a Running workflow whose Cluster step succeeded (no PostCheck listed), and an upgrade task Queuing outside it, created later (the cluster not yet Upgrading) → holds',
    async () => {
      api = await fake(
        { [KEY]: { version: 'v1.29', workflows: [upgradedNoPostCheck()] } },
        {
          [KEY]: [
            task(TASK, undefined, { creationTimestamp: goTime(Date.now() - 4 * MIN) }),
            task(OTHER_TASK, [{ phase: 'Queuing', progress: '0.00' }], {
              creationTimestamp: goTime(Date.now() - 1 * MIN),
              targetVersion: 'v1.30.1-r0'
            })
          ]
        }
      )
      const r = await run(api, { timeout: SHORT, ...extra })
      expect(r.outputs['result']).not.toBe('success')
      expect(r.code).toBe(1)
    },
    TEST_MS
  )

  it(
    'control: the same, but the workflow lists its PostCheck (Init) → the Running task holds',
    async () => {
      api = await fake(
        {
          [KEY]: {
            version: 'v1.29',
            workflows: [
              workflow(
                [
                  state(
                    'Running',
                    'PreCheck:Success Snapshot:Success Cluster:Success PostCheck:Init'
                  )
                ],
                { creationTimestamp: goTime(Date.now() - 5 * MIN) }
              )
            ]
          }
        },
        {
          [KEY]: [
            task(TASK, undefined, { creationTimestamp: goTime(Date.now() - 4 * MIN) }),
            task(OTHER_TASK, [{ phase: 'Running', progress: '10.00' }], {
              creationTimestamp: goTime(Date.now() - 1 * MIN),
              targetVersion: 'v1.30.1-r0'
            })
          ]
        }
      )
      const r = await run(api, { timeout: SHORT, ...extra })
      expect(r.outputs['result']).not.toBe('success')
      expect(r.code).toBe(1)
    },
    TEST_MS
  )
})
