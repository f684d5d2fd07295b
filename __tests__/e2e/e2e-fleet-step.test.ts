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
      [`${P}/bad-cluster`]: { name: 'prod-eu-2' },
      // ShowCluster without a name: its lines keep the ID
      [`${P}/paused-cluster`]: { name: '' },
      [`${P}/odd-cluster`]: { rawItems: { tasks: ['oops'] }, name: 'prod-eu-4' }
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
    // one login (no IAM lookup with project-id given); one ShowCluster per cluster for its name, and one more
    // only for the cluster that passed
    const reqs = api.requests
    const shown = reqs.filter(r => r.kind === 'cluster').map(r => r.clusterId)
    expect(shown.sort()).toEqual([
      'bad-cluster',
      'odd-cluster',
      'ok-cluster',
      'ok-cluster',
      'paused-cluster'
    ])
    // the name first, then lists at every poll, and the poll that saw the end passes on them and the cluster,
    // without reading them again
    const ok = reqs.filter(r => r.clusterId === 'ok-cluster').map(r => r.kind)
    expect(ok[0]).toBe('cluster')
    expect(ok.at(-1)).toBe('cluster')
    expect(ok.slice(1, -1).every(k => k === 'workflows' || k === 'tasks')).toBe(true)
    // every line of a cluster names it: by its name, or by its ID where ShowCluster gave none
    const log = visible(run.stdout)
    expect(log).toMatch(/^\[prod-eu-2\] Waiting for .*cluster bad-cluster/m)
    expect(log).toMatch(/^\[prod-eu-2\] .*Failed/m)
    expect(log).toMatch(/^\[paused-cluster\] .*Pause/m)
    expect(log).not.toMatch(/^\[(bad|odd)-cluster\]/m)
    expect(warnings(run.stdout).some(w => w.startsWith('::warning::[prod-eu-4] '))).toBe(true)
    expect(results.map(r => r.name)).toEqual(['cluster-ok-clust', 'prod-eu-2', '', 'prod-eu-4'])
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

function wave(n: number, endMs: number): Record<string, FakeTask[]> {
  const tasks: Record<string, FakeTask[]> = {}
  for (let i = 0; i < n; i++)
    tasks[`${P}/wave-${String(i).padStart(2, '0')}`] = [
      {
        ...task(`wave-task-${i}`, [
          { phase: 'Running', progress: '50.00', ms: endMs },
          { phase: 'Success', progress: '100.00' }
        ]),
        startOn: 'api-start'
      }
    ]
  return tasks
}
const waveIds = (tasks: Record<string, FakeTask[]>) => Object.keys(tasks).map(k => k.split('/')[1]!)

describe('a throttled fleet', () => {
  it('passes every cluster through one pacer: the 429s slow the whole step, and few requests are refused', async () => {
    const tasks = wave(12, 3000)
    api = await startFakeApi({
      projects: [{ id: P, name: DEMO.region }],
      tasks,
      rateLimit: { rate: 4, burst: 4 }
    })
    const ids = waveIds(tasks)
    const run = await runAction({
      inputs: inputs(api.url, ids.join('\n'), { 'max-age': '1h' }),
      timeoutMs: 90_000
    })
    expect(run.code).toBe(0)
    expect(JSON.parse(run.outputs['passed'] ?? '')).toEqual(ids)
    expect(run.outputs['result']).toBe('success')
    const reqs = api.requests
    const refused = reqs.filter(r => r.status === 429).length
    // throttled at first (the step starts at 24 requests/s), then paced under the quota
    expect(refused).toBeGreaterThan(0)
    expect(refused / reqs.length).toBeLessThan(0.25)
    // a poll per cluster is two list reads; each cluster's ShowCluster gives its name first and ends its wait
    expect(reqs.filter(r => r.kind === 'cluster' && r.status === 200)).toHaveLength(24)
  }, 120_000)

  it('holds every cluster while a Retry-After runs', async () => {
    const tasks = wave(6, 2000)
    api = await startFakeApi({
      projects: [{ id: P, name: DEMO.region }],
      tasks,
      rateLimit: { rate: 3, burst: 3, retryAfter: '2' }
    })
    const run = await runAction({
      inputs: inputs(api.url, waveIds(tasks).join(',')),
      timeoutMs: 90_000
    })
    expect(run.code).toBe(0)
    const reqs = api.requests
    const first = reqs.findIndex(r => r.status === 429)
    expect(first).toBeGreaterThanOrEqual(0)
    // after the first refusal, the next requests of any cluster wait out its 2 s (one may already be on its way)
    const after = reqs.slice(first + 1).filter(r => r.t < reqs[first]!.t + 1900)
    expect(after.length).toBeLessThanOrEqual(1)
  }, 120_000)
})

describe('the end of a fleet step', () => {
  it('cancellation ends every cluster’s wait and still writes every output and the summary', async () => {
    const tasks = wave(3, 600_000)
    api = await startFakeApi({ projects: [{ id: P, name: DEMO.region }], tasks })
    const ids = waveIds(tasks)
    const run = await runAction({
      inputs: inputs(api.url, ids.join(' ')),
      signalWhen: /\[cluster-wave-02\] Running 50\.00%/
    })
    expect(run.afterSignalMs).toBeLessThan(3000)
    expect(run.code).toBe(1)
    const results = JSON.parse(run.outputs['results'] ?? '') as ResultEntry[]
    expect(results.map(r => r.result)).toEqual(['cancelled', 'cancelled', 'cancelled'])
    expect(JSON.parse(run.outputs['failed'] ?? '')).toEqual(ids)
    expect(run.outputs['passed']).toBe('[]')
    expect(run.outputs['result']).toBe('cancelled')
    expect(run.summary).toContain('| `wave-01` |')
  })

  it('the timeout ends every cluster still waiting, keeps what passed, and still writes every output and the summary', async () => {
    // wave-00 ends after 1.5 s, the others run for 10 min
    const tasks = { ...wave(3, 600_000), ...wave(1, 1500) }
    api = await startFakeApi({ projects: [{ id: P, name: DEMO.region }], tasks })
    const ids = waveIds(tasks)
    const run = await runAction({ inputs: inputs(api.url, ids.join(' '), { timeout: '6s' }) })
    expect(run.code).toBe(1)
    // the deadline is the step's: a few seconds past it at most, never one timeout per cluster
    expect(run.wallMs).toBeLessThan(20_000)
    const results = JSON.parse(run.outputs['results'] ?? '') as ResultEntry[]
    expect(results.map(r => [r.clusterId, r.result])).toEqual([
      ['wave-00', 'success'],
      ['wave-01', 'timeout'],
      ['wave-02', 'timeout']
    ])
    expect(JSON.parse(run.outputs['passed'] ?? '')).toEqual(['wave-00'])
    expect(JSON.parse(run.outputs['failed'] ?? '')).toEqual(['wave-01', 'wave-02'])
    expect(run.outputs['result']).toBe('timeout')
    expect(errors(run.stdout).join('\n')).toMatch(/2 of 3 clusters did not pass/)
    for (const id of ids) expect(run.summary).toContain(`| \`${id}\` |`)
  })

  it('fail-fast: true ends the step at the first cluster that fails, the others cancelled by it', async () => {
    const tasks = wave(2, 600_000)
    tasks[`${P}/broken`] = [task('broken-task', [{ phase: 'Failed', progress: '10.00' }])]
    api = await startFakeApi({ projects: [{ id: P, name: DEMO.region }], tasks })
    const run = await runAction({
      inputs: inputs(api.url, 'wave-00\nbroken\nwave-01', { 'fail-fast': 'true' })
    })
    expect(run.code).toBe(1)
    expect(run.wallMs).toBeLessThan(20_000)
    const results = JSON.parse(run.outputs['results'] ?? '') as ResultEntry[]
    expect(results.map(r => [r.clusterId, r.result])).toEqual([
      ['wave-00', 'cancelled'],
      ['broken', 'failed'],
      ['wave-01', 'cancelled']
    ])
    expect(results[0]?.message).toMatch(/fail-fast/)
    expect(run.outputs['result']).toBe('failed')
    expect(visible(run.stdout)).toMatch(
      /Cluster broken \(cluster-broken\) did not pass \(failed\): fail-fast ends the wait/
    )
  })

  it('without fail-fast, one cluster’s failure leaves the others to end on their own', async () => {
    const tasks = wave(1, 2500)
    tasks[`${P}/broken`] = [task('broken-task', [{ phase: 'Failed', progress: '10.00' }])]
    api = await startFakeApi({ projects: [{ id: P, name: DEMO.region }], tasks })
    const run = await runAction({ inputs: inputs(api.url, 'broken,wave-00') })
    expect(run.code).toBe(1)
    expect(JSON.parse(run.outputs['passed'] ?? '')).toEqual(['wave-00'])
    expect(JSON.parse(run.outputs['failed'] ?? '')).toEqual(['broken'])
  })
})
