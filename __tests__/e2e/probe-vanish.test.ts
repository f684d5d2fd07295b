/**
 * Probe: an upgrade seen under way in one poll and gone from the next answers (its record vanished, a list came
 * back short): the gate never learnt how it ended, so it must not pass on what is left.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import type { FakeApi, FakeCluster, FakeTask } from '../support/fake-api.mjs'
import { DEMO } from '../support/fake-api.mjs'
import {
  KILL_MS,
  MIN,
  P,
  SHORT,
  TEST_MS,
  WF,
  fake,
  goTime,
  state,
  task,
  workflow
} from '../support/probe-kit.js'
import { runAction } from '../support/run-action.js'

let api: FakeApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

const OLD = '0ld00000-vani-11ef-8d2c-0255ac100031'
const RUNNING = 'b2c3d4e5-vani-11ef-8d2c-0255ac100031'

/** Cluster `id` whose upgrade under way (a workflow, or a bare task) is listed in the first list answer only. */
function vanishing(ids: string[], kind: 'workflow' | 'task') {
  const clusters: Record<string, FakeCluster> = {}
  const tasks: Record<string, FakeTask[]> = {}
  for (const id of ids) {
    const old = task(OLD, undefined, {
      creationTimestamp: goTime(Date.now() - 3 * 24 * 60 * MIN),
      completionTime: goTime(Date.now() - 3 * 24 * 60 * MIN + 30 * MIN)
    })
    tasks[`${P}/${id}`] =
      kind === 'task' ? [old, task(RUNNING, [{ phase: 'Running', progress: '20.00' }])] : [old]
    clusters[`${P}/${id}`] = {
      version: 'v1.29',
      workflows:
        kind === 'workflow'
          ? [workflow([state('Running', 'PreCheck:Running Cluster:Init PostCheck:Init')])]
          : []
    }
  }
  const listed = new Map<string, number>()
  return {
    clusters,
    tasks,
    rewrite: (r: { kind: string; clusterId: string; body?: unknown }) => {
      const list = kind === 'workflow' ? 'workflows' : 'tasks'
      if (r.kind === list) {
        const n = (listed.get(r.clusterId) ?? 0) + 1
        listed.set(r.clusterId, n)
        if (n === 1 || !r.body) return undefined
        const body = structuredClone(r.body) as { items: { metadata: { uid: string } }[] }
        body.items = body.items.filter(i => i.metadata.uid !== RUNNING && i.metadata.uid !== WF)
        return { status: 200, body }
      }
      // the upgrade is gone by ID too, once it was listed
      if ((r.kind === 'workflow' || r.kind === 'task') && (listed.get(r.clusterId) ?? 0) >= 1)
        return {
          status: 404,
          body: { errorCode: 'CCE.01404001', errorMessage: 'not found', error_code: 'CCE_CM.0003' }
        }
      return undefined
    }
  }
}

function inputs(url: string, ids: string) {
  return {
    'cluster-id': ids,
    region: DEMO.region,
    'project-id': P,
    'access-key-id': DEMO.ak,
    'secret-access-key': DEMO.sk,
    endpoint: url,
    'iam-endpoint': url,
    interval: '1s',
    timeout: SHORT
  }
}

describe.each(['workflow', 'task'] as const)(
  'a %s under way, then gone from the answers (guard use)',
  kind => {
    it(
      'one cluster: no pass',
      async () => {
        const v = vanishing([DEMO.clusterId], kind)
        api = await fake(v.clusters, v.tasks, { rewrite: v.rewrite })
        const r = await runAction({ inputs: inputs(api.url, DEMO.clusterId), timeoutMs: KILL_MS })
        expect(r.outputs['result']).not.toBe('success')
        expect(r.code).toBe(1)
      },
      TEST_MS
    )

    it(
      'two clusters in one step (the fleet reads the lists at every poll): neither passes',
      async () => {
        const ids = ['vanish-a', 'vanish-b']
        const v = vanishing(ids, kind)
        api = await fake(v.clusters, v.tasks, { rewrite: v.rewrite })
        const r = await runAction({ inputs: inputs(api.url, ids.join(',')), timeoutMs: KILL_MS })
        expect(JSON.parse(r.outputs['passed'] ?? '[]')).toEqual([])
        expect(r.outputs['result']).not.toBe('success')
        expect(r.code).toBe(1)
      },
      TEST_MS
    )
  }
)
