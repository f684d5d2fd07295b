/**
 * Fleet behaviour: many copies of the committed dist/index.js started at the same moment, each gating its own
 * cluster, against one account's API quota (a token bucket answering 429 APIG.0308 beyond it).
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { DEMO, startFakeApi } from './support/fake-api.mjs'
import type { FakeApi, FakeTask } from './support/fake-api.mjs'
import { runAction } from './support/run-action.js'

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

/** The most requests that landed in any window of `ms` after the first second (the synchronised start). */
function peak(times: number[], ms: number): number {
  const start = Math.min(...times) + 1000
  const later = times.filter(t => t >= start).sort((x, y) => x - y)
  let best = 0
  for (let i = 0, j = 0; j < later.length; j++) {
    while (later[j]! - later[i]! >= ms) i++
    best = Math.max(best, j - i + 1)
  }
  return best
}

describe(`a fleet of ${GATES} gates`, () => {
  it('every gate ends in Success under throttling, with fewer than twice the unthrottled requests, polls spread out', async () => {
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
      console.log(
        `fleet of ${GATES}, 8 req/s, Retry-After ${retryAfter || 'absent'}: ${perGate.toFixed(1)} requests per gate ` +
          `(${perGateFree.toFixed(1)} unthrottled), ${throttled.length} answered 429`
      )
      // without jitter every poll of all 24 gates would land in the same instant, every interval
      expect(
        peak(
          limited.requests.map(q => q.t),
          100
        )
      ).toBeLessThan(GATES / 2)
    }
    expect(
      peak(
        free.requests.map(q => q.t),
        100
      )
    ).toBeLessThan(GATES / 2)
  }, 240_000)
})
