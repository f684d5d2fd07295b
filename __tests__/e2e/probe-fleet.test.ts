/**
 * Probe: one step gating several clusters. A ShowCluster name lookup that fails (403, 404, 5xx) must neither pass
 * a cluster nor hold a healthy one.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { DEMO } from '../support/fake-api.mjs'
import type { FakeApi, FakeApiOptions } from '../support/fake-api.mjs'
import { runAction } from '../support/run-action.js'
import { KILL_MS, P, TEST_MS, fake, task } from '../support/probe-kit.js'

let api: FakeApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

const A = 'fleet-aaaa'
const B = 'fleet-bbbb'

function inputs(url: string, extra: Record<string, string> = {}) {
  return {
    'cluster-id': `${A}, ${B}`,
    region: DEMO.region,
    'project-id': P,
    'access-key-id': DEMO.ak,
    'secret-access-key': DEMO.sk,
    endpoint: url,
    'iam-endpoint': url,
    interval: '1s',
    timeout: '15s',
    ...extra
  }
}
const passedIds = (o: Record<string, string>) => JSON.parse(o['passed'] ?? '[]') as string[]

describe("a fleet whose ShowCluster for one cluster's name fails", () => {
  const healthy = () => ({
    [`${P}/${A}`]: [task('t-aaaa-0001')],
    [`${P}/${B}`]: [task('t-bbbb-0001')]
  })
  /** B's ShowCluster answers `status` for its first `times` GETs (the name lookup's), then as ever. */
  const failing = (status: number, times: number): NonNullable<FakeApiOptions['rewrite']> => {
    let n = 0
    return r =>
      r.kind === 'cluster' && r.clusterId === B && ++n <= times
        ? {
            status,
            body: {
              errorCode: `CCE.01${status}001`,
              errorMessage: `probe ${status}`,
              error_code: 'CCE_CM.0001',
              error_msg: 'probe'
            }
          }
        : undefined
  }

  it(
    '503 for its first 3 reads, then fine → both pass',
    async () => {
      api = await fake({ [`${P}/${A}`]: {}, [`${P}/${B}`]: {} }, healthy(), {
        rewrite: failing(503, 3)
      })
      const r = await runAction({
        inputs: inputs(api.url, { 'max-age': '2h' }),
        timeoutMs: KILL_MS
      })
      expect(passedIds(r.outputs)).toEqual([A, B])
      expect(r.code).toBe(0)
    },
    TEST_MS
  )

  it(
    '403 at every read → B passes on its upgrade alone (README: 403 warns once), A passes',
    async () => {
      api = await fake({ [`${P}/${A}`]: {}, [`${P}/${B}`]: {} }, healthy(), {
        rewrite: failing(403, 1000)
      })
      const r = await runAction({
        inputs: inputs(api.url, { 'max-age': '2h' }),
        timeoutMs: KILL_MS
      })
      expect(passedIds(r.outputs)).toEqual([A, B])
    },
    TEST_MS
  )

  it(
    '404 at every read → B errors (cluster not found), A passes, the step fails',
    async () => {
      api = await fake({ [`${P}/${A}`]: {}, [`${P}/${B}`]: {} }, healthy(), {
        rewrite: failing(404, 1000)
      })
      const r = await runAction({
        inputs: inputs(api.url, { 'max-age': '2h' }),
        timeoutMs: KILL_MS
      })
      expect(passedIds(r.outputs)).toEqual([A])
      expect(r.code).toBe(1)
      expect(r.outputs['result']).toBe('error')
    },
    TEST_MS
  )

  it(
    '503 at every read → B times out (never passes), A passes',
    async () => {
      api = await fake({ [`${P}/${A}`]: {}, [`${P}/${B}`]: {} }, healthy(), {
        rewrite: failing(503, 1000)
      })
      const r = await runAction({
        inputs: inputs(api.url, { 'max-age': '2h', timeout: '8s' }),
        timeoutMs: KILL_MS
      })
      expect(passedIds(r.outputs)).toEqual([A])
      expect(r.code).toBe(1)
    },
    TEST_MS
  )
})
