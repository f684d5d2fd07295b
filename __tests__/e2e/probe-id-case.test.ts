/**
 * Probe: an ID typed in upper case (a UUID copied from a ticket, say) that the API answers for in lower case. The
 * list decoders compare spec.clusterID without case; the answers by ID must not turn a healthy, upgraded cluster
 * into "three answers about something else" (an error that holds every deploy).
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { DEMO } from '../support/fake-api.mjs'
import type { FakeApi } from '../support/fake-api.mjs'
import { P, SHORT, TASK, TEST_MS, fake, run, task } from '../support/probe-kit.js'

let api: FakeApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

const UPPER_C = DEMO.clusterId.toUpperCase()
const UPPER_T = TASK.toUpperCase()

describe('an upper-case ID the API answers in lower case', () => {
  it(
    'cluster-id in upper case, ShowCluster answers metadata.uid in lower case, task Success → passes',
    async () => {
      api = await fake(
        { [`${P}/${UPPER_C}`]: {} },
        { [`${P}/${UPPER_C}`]: [task(TASK)] },
        {
          rewrite: r => {
            if (r.kind !== 'cluster' || !r.body) return undefined
            const b = structuredClone(r.body) as { metadata: { uid: string } }
            b.metadata.uid = b.metadata.uid.toLowerCase()
            return { status: 200, body: b }
          }
        }
      )
      const r = await run(api, { 'cluster-id': UPPER_C, 'task-id': TASK, timeout: SHORT })
      expect(r.outputs['result']).toBe('success')
      expect(r.code).toBe(0)
    },
    TEST_MS
  )

  it(
    'task-id in upper case, ShowUpgradeClusterTask answers metadata.uid in lower case, Success → passes',
    async () => {
      api = await fake(
        { [`${P}/${DEMO.clusterId}`]: {} },
        { [`${P}/${DEMO.clusterId}`]: [task(UPPER_T)] },
        {
          rewrite: r => {
            if (r.kind !== 'task' || !r.body) return undefined
            const b = structuredClone(r.body) as { metadata: { uid: string } }
            b.metadata.uid = b.metadata.uid.toLowerCase()
            return { status: 200, body: b }
          }
        }
      )
      const r = await run(api, { 'task-id': UPPER_T, timeout: SHORT })
      expect(r.outputs['result']).toBe('success')
      expect(r.code).toBe(0)
    },
    TEST_MS
  )
})
