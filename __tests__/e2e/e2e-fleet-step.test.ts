/**
 * One step gating several clusters (issue 21): the committed dist/index.js with several IDs in cluster-id against
 * the fake API. Each cluster is judged on its own; one login serves all; every output and the summary are written
 * in every end state.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { DEMO, goTime, startFakeApi } from '../support/fake-api.mjs'
import type { FakeApi, FakeCluster, FakeTask } from '../support/fake-api.mjs'
import { errors, runAction, visible, warnings } from '../support/run-action.js'

const P = DEMO.projectId
let api: FakeApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

const recent = () => goTime(Date.now() - 60_000)

function task(uid: string, timeline: FakeTask['timeline']): FakeTask {
  return {
    uid,
    version: 'v1.28.3-r4',
    targetVersion: 'v1.29.5-r0',
    creationTimestamp: recent(),
    timeline,
    startOn: 'first-shown'
  }
}

function inputs(url: string, clusterIds: string, extra: Record<string, string> = {}) {
  return {
    'cluster-id': clusterIds,
    region: DEMO.region,
    'project-id': P,
    'access-key-id': DEMO.ak,
    'secret-access-key': DEMO.sk,
    endpoint: url,
    'iam-endpoint': url,
    interval: '1s',
    timeout: '40s',
    ...extra
  }
}

interface ResultEntry {
  clusterId: string
  name: string
  result: string
  phase: string
  passed: boolean
  message: string
  clusterPhase: string
}

describe('a fleet step: one failing, one paused, one unreadable, one passing', () => {
  it('judges each cluster on its own, lists the passed ones, and fails naming the others', async () => {
    const tasks: Record<string, FakeTask[]> = {
      [`${P}/ok-cluster`]: [
        task('ok-task', [
          { phase: 'Running', progress: '50.00', ms: 1500 },
          { phase: 'Success', progress: '100.00' }
        ])
      ],
      [`${P}/bad-cluster`]: [
        task('bad-task', [
          { phase: 'Running', progress: '40.00', ms: 1000 },
          { phase: 'Failed', progress: '40.00' }
        ])
      ],
      [`${P}/paused-cluster`]: [task('paused-task', [{ phase: 'Pause', progress: '60.00' }])],
      [`${P}/odd-cluster`]: []
    }
    const clusters: Record<string, FakeCluster> = {
      [`${P}/odd-cluster`]: { rawItems: { tasks: ['oops'] } }
    }
    api = await startFakeApi({ projects: [{ id: P, name: DEMO.region }], tasks, clusters })
    const run = await runAction({
      inputs: inputs(api.url, 'ok-cluster, bad-cluster\npaused-cluster odd-cluster\n', {
        'on-pause': 'fail',
        timeout: '12s'
      }),
      timeoutMs: 60_000
    })
    expect(run.code).toBe(1)
    const results = JSON.parse(run.outputs['results'] ?? '') as ResultEntry[]
    expect(results.map(r => [r.clusterId, r.result, r.passed])).toEqual([
      ['ok-cluster', 'success', true],
      ['bad-cluster', 'failed', false],
      ['paused-cluster', 'paused', false],
      ['odd-cluster', 'timeout', false]
    ])
    // the passing cluster's name comes from ShowCluster; its phase is the task's
    expect(results[0]).toMatchObject({
      name: 'cluster-ok-clust',
      phase: 'Success',
      clusterPhase: 'Available'
    })
    expect(JSON.parse(run.outputs['passed'] ?? '')).toEqual(['ok-cluster'])
    expect(JSON.parse(run.outputs['failed'] ?? '')).toEqual([
      'bad-cluster',
      'paused-cluster',
      'odd-cluster'
    ])
    // the most severe of the four, and the single-cluster outputs left to `results`
    expect(run.outputs['result']).toBe('failed')
    expect(run.outputs['phase']).toBe('')
    expect(run.outputs['taskId']).toBe('')
    const error = errors(run.stdout).join('\n')
    expect(error).toMatch(/3 of 4 clusters did not pass/)
    for (const id of ['bad-cluster', 'paused-cluster', 'odd-cluster']) expect(error).toContain(id)
    expect(error).not.toMatch(/- ok-cluster/)
    // one login (no IAM lookup with project-id given) and no ShowCluster for the clusters that did not pass
    const reqs = api.requests
    expect(reqs.filter(r => r.kind === 'cluster').map(r => r.clusterId)).toEqual(['ok-cluster'])
    // lists at every poll, and the poll that saw the end passes on them and the cluster, without reading them again
    const ok = reqs.filter(r => r.clusterId === 'ok-cluster').map(r => r.kind)
    expect(ok.at(-1)).toBe('cluster')
    expect(ok.slice(0, -1).every(k => k === 'workflows' || k === 'tasks')).toBe(true)
    // every line of a cluster names it
    const log = visible(run.stdout)
    if (process.env['FLEET_DUMP']) console.log(log, run.summary)
    expect(log).toMatch(/^\[bad-cluster\] .*Failed/m)
    expect(warnings(run.stdout).some(w => w.startsWith('::warning::[odd-cluster] '))).toBe(true)
    // the summary: a row per cluster and a chart with a section per cluster
    for (const id of ['ok-cluster', 'bad-cluster', 'paused-cluster', 'odd-cluster'])
      expect(run.summary).toContain(`| \`${id}\` |`)
    expect(run.summary).toContain('```mermaid')
    expect(run.summary.match(/^ {4}section /gm)).toHaveLength(4)
  }, 90_000)
})

describe('fleet inputs', () => {
  it.each([
    ['task-id', { 'task-id': 'task-1' }, 'a,b', /Input task-id is set with 2 clusters/],
    ['workflow-id', { 'workflow-id': 'wf-1' }, 'a b', /Input workflow-id is set with 2 clusters/],
    ['an empty entry', {}, 'a,,b', /Input cluster-id has an empty entry/],
    ['a duplicate', {}, 'a\nb\na', /names cluster a twice/],
    [
      '201 clusters',
      {},
      Array.from({ length: 201 }, (_, i) => `c${i}`).join('\n'),
      /names 201 clusters: at most 200/
    ]
  ])('refuses %s before any request', async (_what, extra, ids, message) => {
    api = await startFakeApi({ projects: [{ id: P, name: DEMO.region }], tasks: {} })
    const run = await runAction({ inputs: inputs(api.url, ids, extra) })
    expect(run.code).toBe(1)
    expect(errors(run.stdout)).toEqual([expect.stringMatching(message)])
    expect(api.requests).toHaveLength(0)
    expect(run.outputs['result']).toBe('error')
    expect(run.outputs['passed']).toBe('[]')
  })
})
