/**
 * Fleet behaviour: many copies of the committed dist/index.js started at the same moment, each gating its own
 * cluster, against one account's API quota (a token bucket answering 429 APIG.0308 beyond it).
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { DEMO, startFakeApi } from '../support/fake-api.mjs'
import type { FakeApi, FakeTask } from '../support/fake-api.mjs'
import { runAction } from '../support/run-action.js'

const GATES = 24
const P = DEMO.projectId
const cluster = (i: number) => `fleet-cluster-${String(i).padStart(2, '0')}`

let api: FakeApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

async function fleet(rateLimit?: { rate: number; burst: number; retryAfter?: boolean | string }) {
  const tasks: Record<string, FakeTask[]> = {}
  for (let i = 0; i < GATES; i++) {
    tasks[`${P}/${cluster(i)}`] = [
      {
        uid: `task-${i}`,
        version: 'v1.28.3-r4',
        targetVersion: 'v1.29.5-r0',
        creationTimestamp: '2026-11-24 18:00:00 +0800 CST',
        timeline: [
          { phase: 'Running', progress: '30.00', ms: 3000 },
          { phase: 'Running', progress: '70.00', ms: 3000 },
          { phase: 'Success', progress: '100.00' }
        ]
      }
    ]
  }
  api = await startFakeApi({ projects: [{ id: P, name: 'ap-southeast-1' }], tasks, rateLimit })
  const a = api
  const runs = await Promise.all(
    Array.from({ length: GATES }, (_, i) =>
      runAction({
        inputs: {
          'cluster-id': cluster(i),
          'task-id': `task-${i}`,
          region: 'ap-southeast-1',
          'project-id': P,
          'access-key-id': DEMO.ak,
          'secret-access-key': DEMO.sk,
          endpoint: a.url,
          interval: '2s',
          timeout: '90s'
        },
        timeoutMs: 120_000
      })
    )
  )
  await a.close()
  api = undefined
  return { runs, requests: [...a.requests] }
}

describe(`a fleet of ${GATES} gates`, () => {
  // Timing is not asserted to the millisecond here: a busy 2-core machine delays processes by hundreds of ms.
  // How far a gate spreads its retries and widens its interval is decided by code tested with an injected
  // clock (api.test.ts, pacer.test.ts); this test checks the outcome a fleet must reach, with wide margins.
  it('every gate ends in Success under throttling, with fewer than twice the unthrottled requests, most not refused', async () => {
    const free = await fleet()
    expect(free.runs.map(r => r.code)).toEqual(Array(GATES).fill(0))
    const perGateFree = free.requests.length / GATES

    for (const retryAfter of [false, '1']) {
      const limited = await fleet({ rate: 8, burst: 8, retryAfter })
      expect(limited.runs.map(r => r.outputs['phase'])).toEqual(Array(GATES).fill('Success'))
      expect(limited.runs.map(r => r.code)).toEqual(Array(GATES).fill(0))
      const throttled = limited.requests.filter(q => q.status === 429)
      expect(throttled.length).toBeGreaterThan(0)
      const perGate = limited.requests.length / GATES
      expect(perGate).toBeLessThan(2 * perGateFree)
      // gates that retried in lock-step would be refused again and again: most requests would be 429s
      expect(throttled.length / limited.requests.length).toBeLessThan(0.5)
    }
  }, 240_000)
})
