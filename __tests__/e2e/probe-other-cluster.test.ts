/**
 * Probe: an answer by ID that says it is about another cluster (its spec.clusterID, or ShowCluster's metadata.uid)
 * is not an answer about this one: the list decoders already leave such items out; the answers by ID must not
 * pass on them either.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import type { FakeApi } from '../support/fake-api.mjs'
import {
  C,
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

const OTHER = 'dead0000-othr-4e1f-9a6b-000000000002'
const DONE = 'PreCheck:Success Snapshot:Success Cluster:Success PostCheck:Success'

describe('an answer by ID about another cluster', () => {
  it(
    'workflow-id: ShowUpgradeWorkFlow answers a Success workflow whose spec.clusterID is another cluster → no pass',
    async () => {
      api = await fake(
        { [KEY]: { workflows: [workflow([state('Success', DONE)], { clusterID: OTHER })] } },
        { [KEY]: [task(TASK)] }
      )
      const r = await run(api, { 'workflow-id': WF, timeout: SHORT })
      expect(r.outputs['result']).not.toBe('success')
      expect(r.code).toBe(1)
    },
    TEST_MS
  )

  it(
    'task-id: ShowUpgradeClusterTask answers a Success task whose spec.clusterID is another cluster → no pass',
    async () => {
      api = await fake({ [KEY]: {} }, { [KEY]: [task(TASK, undefined, { clusterID: OTHER })] })
      const r = await run(api, { 'task-id': TASK, timeout: SHORT })
      expect(r.outputs['result']).not.toBe('success')
      expect(r.code).toBe(1)
    },
    TEST_MS
  )

  it(
    'ShowCluster answers with metadata.uid of another cluster → no pass',
    async () => {
      api = await fake(
        { [KEY]: {} },
        { [KEY]: [task(TASK)] },
        {
          rewrite: r => {
            if (r.kind !== 'cluster' || r.clusterId !== C || !r.body) return undefined
            const body = structuredClone(r.body) as { metadata: { uid: string } }
            body.metadata.uid = OTHER
            return { status: 200, body }
          }
        }
      )
      const r = await run(api, { 'task-id': TASK, timeout: SHORT })
      expect(r.outputs['result']).not.toBe('success')
      expect(r.code).toBe(1)
    },
    TEST_MS
  )
})
