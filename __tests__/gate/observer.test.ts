/**
 * The observer (src/gate/observer.ts) over scripted CCE calls: how many calls a poll makes, task mode, the last
 * read of the workflow before passing, a cluster it may not read, discovery without an ID, a failed pre-check.
 * Real upgrade flows: observer-real-flows.test.ts.
 */
import { describe, expect, it } from '@jest/globals'
import { DeadlineError, FatalApiError } from '../../src/huawei/api.js'
import { CancelledError } from '../../src/lib/clock.js'
import type { WaitTarget } from '../../src/lib/config.js'
import { taskOf, workflowOf } from '../../src/gate/observation.js'
import type { UpgradeTask } from '../../src/cce/task.js'
import { Policy, Verdict } from '../../src/gate/verdict.js'
import type { Workflow } from '../../src/cce/workflow.js'
import { at, cluster, ms, task, workflow } from '../support/upgrade-fixtures.js'
import { setup, WF, WAIT_POST_CHECK } from '../support/observer-harness.js'

describe('request economy in workflow mode (at most 2 calls per poll while healthy)', () => {
  it('follows a console upgrade through all its steps (wait-for-post-check: true)', async () => {
    const { cce, poll, events } = setup(WF, { policy: WAIT_POST_CHECK })
    const script: {
      steps: string
      phase?: string
      task?: UpgradeTask
      cluster?: string
      calls: string[]
      verdict: Verdict
      progress?: string
    }[] = [
      {
        steps: 'PreCheck:Running Cluster:Init PostCheck:Init',
        calls: ['getWorkflow wf-1'],
        verdict: { kind: 'wait', why: { kind: 'upgrading' } }
      },
      {
        // a person must start the upgrade: still one call per poll
        steps: 'PreCheck:Success Cluster:Init PostCheck:Init',
        calls: ['getWorkflow wf-1'],
        verdict: { kind: 'wait', why: { kind: 'upgrade-not-started', expires: at('10:00', 25) } }
      },
      {
        steps: 'PreCheck:Success Cluster:Running PostCheck:Init',
        task: task('Running', { progress: '10.00' }),
        calls: ['getWorkflow wf-1', 'findTask task-1'],
        verdict: { kind: 'wait', why: { kind: 'upgrading' } },
        progress: '10.00'
      },
      {
        steps: 'PreCheck:Success Cluster:Running PostCheck:Init',
        task: task('Running', { progress: '80.00' }),
        calls: ['getWorkflow wf-1', 'findTask task-1'],
        verdict: { kind: 'wait', why: { kind: 'upgrading' } },
        progress: '80.00'
      },
      {
        // the step ended while the task was last seen Running: read it once more, for its final state
        steps: 'PreCheck:Success Cluster:Success PostCheck:Init',
        task: task('Success'),
        calls: ['getWorkflow wf-1', 'findTask task-1'],
        verdict: { kind: 'wait', why: { kind: 'post-check-pending' } },
        progress: '100.00'
      },
      {
        steps: 'PreCheck:Success Cluster:Success PostCheck:Init',
        task: task('Success'),
        calls: ['getWorkflow wf-1'],
        verdict: { kind: 'wait', why: { kind: 'post-check-pending' } },
        progress: '100.00'
      },
      {
        steps: 'PreCheck:Success Cluster:Success PostCheck:Running',
        task: task('Success'),
        calls: ['getWorkflow wf-1'],
        verdict: { kind: 'wait', why: { kind: 'upgrading' } },
        progress: '100.00'
      },
      {
        phase: 'Success',
        steps: 'PreCheck:Success Cluster:Success PostCheck:Success',
        task: task('Success'),
        cluster: 'Upgrading',
        calls: ['getWorkflow wf-1', 'getCluster'],
        verdict: { kind: 'wait', why: { kind: 'cluster-settling', phase: 'Upgrading' } }
      },
      {
        // the upgrade has passed: only the cluster is read again
        phase: 'Success',
        steps: 'PreCheck:Success Cluster:Success PostCheck:Success',
        cluster: 'Upgrading',
        calls: ['getCluster'],
        verdict: { kind: 'wait', why: { kind: 'cluster-settling', phase: 'Upgrading' } }
      },
      {
        phase: 'Success',
        steps: 'PreCheck:Success Cluster:Success PostCheck:Success',
        // the cluster is Available: the workflow is read once more before passing
        cluster: 'Available',
        calls: ['getCluster', 'getWorkflow wf-1'],
        verdict: { kind: 'pass', paused: false, clusterChecked: true },
        progress: '100.00'
      }
    ]
    for (const [i, s] of script.entries()) {
      cce.workflows = [workflow(s.phase ?? 'Running', s.steps)]
      cce.tasks = s.task ? [s.task] : []
      if (s.cluster) cce.cluster = { kind: 'read', status: cluster(s.cluster) }
      const { obs, verdict, calls } = await poll()
      expect({ i, calls, verdict }).toEqual({ i, calls: s.calls, verdict: s.verdict })
      expect(calls.length).toBeLessThanOrEqual(2)
      if (s.progress) expect(taskOf(obs.upgrade)?.progress).toBe(s.progress)
    }
    expect(events).toEqual([])
  })

  it('reads an ended step task once, and not again once it is terminal', async () => {
    const { cce, poll } = setup(WF)
    cce.workflows = [workflow('Pending', 'PreCheck:Success Cluster:Failed PostCheck:Init')]
    cce.tasks = [task('Failed')]
    const first = await poll()
    expect(first.calls).toEqual(['getWorkflow wf-1', 'findTask task-1'])
    expect(first.verdict).toEqual({
      kind: 'fail',
      failure: { kind: 'step-failed', step: 'Cluster' }
    })
    expect(taskOf(first.obs.upgrade)?.phase).toBe('Failed')
    expect((await poll()).calls).toEqual(['getWorkflow wf-1'])
  })

  it('does not look for the Cluster task before its step has started', async () => {
    const { cce, poll, events } = setup(WF)
    cce.workflows = [workflow('Running', 'PreCheck:Running Cluster:Init=task-9 PostCheck:Init')]
    for (let i = 0; i < 2; i++) expect((await poll()).calls).toEqual(['getWorkflow wf-1'])
    expect(events).toEqual([])
  })

  it('treats a 404 on the Cluster step task as no detail: no verdict, one event', async () => {
    const { cce, poll, events } = setup(WF)
    cce.workflows = [workflow('Running', 'PreCheck:Success Cluster:Running=task-9')]
    for (let i = 0; i < 3; i++) {
      const { obs, verdict, calls } = await poll()
      expect(calls).toEqual(['getWorkflow wf-1', 'findTask task-9 (404)'])
      expect(obs.upgrade).toEqual({ kind: 'workflow', workflow: cce.workflows[0] })
      expect(verdict).toEqual({ kind: 'wait', why: { kind: 'upgrading' } })
    }
    expect(events).toEqual([{ kind: 'no-task-detail', taskId: 'task-9' }])
    // once the task appears, its progress is shown
    cce.tasks = [task('Running', { uid: 'task-9', progress: '25.00' })]
    expect(taskOf((await poll()).obs.upgrade)?.progress).toBe('25.00')
  })

  it('looks for a missing Cluster task once after its step ended, then no more', async () => {
    const { cce, poll, events } = setup(WF, { policy: WAIT_POST_CHECK })
    cce.workflows = [workflow('Running', 'PreCheck:Success Cluster:Running PostCheck:Init')]
    expect((await poll()).calls).toEqual(['getWorkflow wf-1', 'findTask task-1 (404)'])
    cce.workflows = [workflow('Running', 'PreCheck:Success Cluster:Success PostCheck:Init')]
    expect((await poll()).calls).toEqual(['getWorkflow wf-1', 'findTask task-1 (404)'])
    // the post-check may wait for a person for hours: the workflow alone is read meanwhile
    for (let i = 0; i < 3; i++) expect((await poll()).calls).toEqual(['getWorkflow wf-1'])
    cce.workflows = [workflow('Success', 'PreCheck:Success Cluster:Success PostCheck:Success')]
    const done = await poll()
    expect(done.calls).toEqual(['getWorkflow wf-1', 'getCluster'])
    expect(done.verdict).toEqual({ kind: 'pass', paused: false, clusterChecked: true })
    expect(events).toEqual([{ kind: 'no-task-detail', taskId: 'task-1' }])
  })

  it('keeps the request ID of the last response', async () => {
    const { cce, poll } = setup(WF)
    cce.workflows = [workflow('Running', 'PreCheck:Success Cluster:Running')]
    cce.tasks = [task('Running')]
    expect((await poll()).obs.requestId).toBe('req-2')
  })

  it('reads the cluster before a pause passes by on-pause: succeed, and fails on a broken cluster', async () => {
    const { cce, poll } = setup(WF, {
      policy: { onPause: 'succeed', waitForNewUpgrade: false, waitForPostCheck: false }
    })
    cce.workflows = [workflow('Running', 'PreCheck:Success Cluster:Running')]
    cce.tasks = [task('Pause')]
    cce.cluster = { kind: 'read', status: cluster('Upgrading') }
    const paused = await poll()
    expect(paused.calls).toEqual(['getWorkflow wf-1', 'findTask task-1', 'getCluster'])
    expect(paused.verdict).toEqual({ kind: 'pass', paused: true, clusterChecked: false })

    const broken = setup(WF, {
      policy: { onPause: 'succeed', waitForNewUpgrade: false, waitForPostCheck: false }
    })
    broken.cce.workflows = cce.workflows
    broken.cce.tasks = [task('Pause')]
    broken.cce.cluster = { kind: 'read', status: cluster('Error', 'EtcdDown', 'etcd is down') }
    const { calls, verdict } = await broken.poll()
    expect(calls).toEqual(['getWorkflow wf-1', 'findTask task-1', 'getCluster'])
    expect(verdict).toMatchObject({ kind: 'fail', failure: { kind: 'cluster-broken' } })
  })
})

describe('task mode', () => {
  it('reads the task each poll, the cluster only once it succeeded, then only the cluster', async () => {
    const { cce, poll } = setup({ kind: 'task', taskId: 'task-1' })
    cce.tasks = [task('Running', { progress: '50.00' })]
    expect((await poll()).calls).toEqual(['getTask task-1'])
    expect((await poll()).calls).toEqual(['getTask task-1'])
    cce.tasks = [task('Success')]
    cce.cluster = { kind: 'read', status: cluster('RollingBack', 'UpgradeFailed', 'rolling back') }
    const settling = await poll()
    expect(settling.calls).toEqual(['getTask task-1', 'getCluster'])
    expect(settling.verdict).toEqual({
      kind: 'wait',
      why: { kind: 'cluster-settling', phase: 'RollingBack' }
    })
    cce.cluster = { kind: 'read', status: cluster('Available') }
    const back = await poll()
    expect(back.calls).toEqual(['getCluster'])
    // Available after RollingBack is the old version: the upgrade did not hold
    expect(back.verdict).toMatchObject({ kind: 'fail', failure: { kind: 'rolled-back' } })
  })

  it('reads the task once more after the cluster said Available: a failure meanwhile fails', async () => {
    const { cce, poll } = setup({ kind: 'task', taskId: 'task-1' })
    cce.tasks = [task('Success')]
    cce.cluster = { kind: 'read', status: cluster('Upgrading') }
    expect((await poll()).calls).toEqual(['getTask task-1', 'getCluster'])
    // while the cluster settled, the task was found Failed after all
    cce.tasks = [task('Failed')]
    cce.cluster = { kind: 'read', status: cluster('Available') }
    const { calls, verdict } = await poll()
    expect(calls).toEqual(['getCluster', 'getTask task-1'])
    expect(verdict).toEqual({ kind: 'fail', failure: { kind: 'task-failed' } })
  })

  it('does not read the task again in the poll that read it just before the cluster', async () => {
    const { cce, poll } = setup({ kind: 'task', taskId: 'task-1' })
    cce.tasks = [task('Success')]
    const { calls, verdict } = await poll()
    expect(calls).toEqual(['getTask task-1', 'getCluster'])
    expect(verdict).toEqual({ kind: 'pass', paused: false, clusterChecked: true })
  })

  it('reads no cluster for a failed task', async () => {
    const { cce, poll } = setup({ kind: 'task', taskId: 'task-1' })
    cce.tasks = [task('Failed')]
    const { calls, verdict } = await poll()
    expect(calls).toEqual(['getTask task-1'])
    expect(verdict).toEqual({ kind: 'fail', failure: { kind: 'task-failed' } })
  })
})

describe('before passing, the workflow is read once more', () => {
  it('fails when its Rollback step started while the cluster settled', async () => {
    const { cce, poll } = setup(WF)
    cce.workflows = [workflow('Success', 'PreCheck:Success Cluster:Success Rollback:Init')]
    cce.tasks = [task('Success')]
    cce.cluster = { kind: 'read', status: cluster('Upgrading') }
    await poll()
    cce.workflows = [workflow('Success', 'PreCheck:Success Cluster:Success Rollback:Running')]
    cce.cluster = { kind: 'read', status: cluster('Available') }
    const { calls, verdict } = await poll()
    expect(calls).toEqual(['getCluster', 'getWorkflow wf-1'])
    expect(verdict).toEqual({ kind: 'fail', failure: { kind: 'workflow-rolled-back' } })
  })

  it('keeps waiting, and reads the workflow again next poll, when it no longer passes', async () => {
    const { cce, poll } = setup(WF)
    const done = 'PreCheck:Success Cluster:Success PostCheck:Success'
    cce.workflows = [workflow('Success', done)]
    cce.tasks = [task('Success')]
    cce.cluster = { kind: 'read', status: cluster('Upgrading') }
    await poll()
    cce.workflows = [workflow('Success', 'PreCheck:Success Cluster:Success PostCheck:Running')]
    cce.cluster = { kind: 'read', status: cluster('Available') }
    const again = await poll()
    expect(again.calls).toEqual(['getCluster', 'getWorkflow wf-1'])
    expect(again.verdict).toEqual({
      kind: 'wait',
      why: { kind: 'success-unconfirmed', step: 'PostCheck', status: 'Running' }
    })
    cce.workflows = [workflow('Success', done)]
    const passed = await poll()
    expect(passed.calls).toEqual(['getWorkflow wf-1', 'getCluster'])
    expect(passed.verdict).toEqual({ kind: 'pass', paused: false, clusterChecked: true })
  })
})

describe('the cluster may not be read (403)', () => {
  it('reports it as an event and lets the verdict pass on the workflow', async () => {
    const { cce, poll, events } = setup(WF)
    cce.workflows = [workflow('Success', 'PreCheck:Success Cluster:Success PostCheck:Success')]
    cce.tasks = [task('Success')]
    cce.cluster = { kind: 'forbidden', message: 'CCE.01403: no permission (request ID r-403)' }
    const { obs, verdict, calls } = await poll()
    expect(calls).toEqual(['getWorkflow wf-1', 'findTask task-1', 'getCluster'])
    expect(obs.cluster).toEqual({ kind: 'forbidden' })
    expect(verdict).toEqual({ kind: 'pass', paused: false, clusterChecked: false })
    expect(events).toEqual([
      { kind: 'cluster-forbidden', message: 'CCE.01403: no permission (request ID r-403)' }
    ])
  })
})

describe('discovery (no task-id or workflow-id)', () => {
  const CURRENT: WaitTarget = { kind: 'current' }

  it('lists workflows and tasks once (the Cluster task taken from the list), then follows the chosen workflow by ID', async () => {
    const { cce, poll, events } = setup(CURRENT)
    const running = workflow('Running', 'PreCheck:Success Cluster:Running', {
      created: at('10:00')
    })
    cce.workflows = [running]
    cce.tasks = [
      task('Success', { uid: 'task-0', created: at('10:00', 20) }),
      task('Running', { created: at('10:10') })
    ]
    const first = await poll()
    expect(first.calls).toEqual(['listWorkflows', 'listTasks'])
    expect(events).toEqual([
      {
        kind: 'chosen',
        choice: { kind: 'workflow', workflow: running },
        workflows: 1,
        tasks: 2,
        abandoned: [],
        cancelled: [],
        leftOut: []
      }
    ])
    expect(taskOf(first.obs.upgrade)?.uid).toBe('task-1')
    expect((await poll()).calls).toEqual(['getWorkflow wf-1', 'findTask task-1'])
    expect((await poll()).calls).toEqual(['getWorkflow wf-1', 'findTask task-1'])
    expect(events).toHaveLength(1)
  })

  it('before passing on an upgrade chosen polls ago, looks again: a newer one started meanwhile is followed', async () => {
    const { cce, poll, events } = setup(CURRENT)
    const old = workflow('Success', 'PreCheck:Success Cluster:Success', {
      uid: 'wf-old',
      created: at('08:00')
    })
    cce.workflows = [old]
    cce.cluster = { kind: 'read', status: cluster('ScalingUp') }
    const first = await poll()
    expect(first.verdict).toEqual({
      kind: 'wait',
      why: { kind: 'cluster-settling', phase: 'ScalingUp' }
    })
    // while the cluster scales, a new upgrade starts its pre-check; then the cluster is Available
    const fresh = workflow('Running', 'PreCheck:Running Cluster:Init', {
      uid: 'wf-new',
      created: at('11:00')
    })
    cce.workflows = [old, fresh]
    cce.cluster = { kind: 'read', status: cluster('Available') }
    const second = await poll()
    expect(second.calls).toEqual([
      'getCluster',
      'getWorkflow wf-old',
      'findTask task-1 (404)',
      'listWorkflows',
      'listTasks',
      'listWorkflows',
      'listTasks'
    ])
    expect(workflowOf(second.obs.upgrade)?.uid).toBe('wf-new')
    expect(second.verdict).toEqual({ kind: 'wait', why: { kind: 'upgrading' } })
    expect(events.filter(e => e.kind === 'chosen')).toHaveLength(2)
    expect((await poll()).calls).toEqual(['getWorkflow wf-new'])
  })

  it('passes on the upgrade chosen polls ago when it is still the newest', async () => {
    const { cce, poll } = setup(CURRENT)
    cce.workflows = [
      workflow('Success', 'PreCheck:Success Cluster:Success', { created: at('08:00') })
    ]
    cce.cluster = { kind: 'read', status: cluster('Upgrading') }
    await poll()
    cce.cluster = { kind: 'read', status: cluster('Available') }
    const done = await poll()
    expect(done.calls).toEqual([
      'getCluster',
      'getWorkflow wf-1',
      'findTask task-1 (404)',
      'listWorkflows',
      'listTasks'
    ])
    expect(done.verdict).toEqual({ kind: 'pass', paused: false, clusterChecked: true })
  })

  it('follows a chosen task by ID', async () => {
    const { cce, poll, events } = setup(CURRENT)
    cce.tasks = [task('Running', { uid: 'api-task' })]
    expect((await poll()).calls).toEqual(['listWorkflows', 'listTasks'])
    expect(events).toMatchObject([{ kind: 'chosen', choice: { kind: 'task' }, workflows: 0 }])
    expect((await poll()).calls).toEqual(['getTask api-task'])
  })

  it('without max-age, no upgrade at all is a verdict', async () => {
    const { poll, events } = setup(CURRENT)
    const { obs, verdict } = await poll()
    expect(obs.upgrade).toEqual({ kind: 'none' })
    expect(verdict).toEqual({ kind: 'fail', failure: { kind: 'no-upgrade' } })
    expect(events).toEqual([
      {
        kind: 'chosen',
        choice: { kind: 'none' },
        workflows: 0,
        tasks: 0,
        abandoned: [],
        cancelled: [],
        leftOut: []
      }
    ])
  })

  it('with max-age, looks again each poll until an upgrade qualifies, then follows it', async () => {
    const policy: Policy = { onPause: 'wait', waitForNewUpgrade: true, waitForPostCheck: false }
    const { cce, poll, events } = setup(CURRENT, { policy, notBefore: ms('18:00') })
    cce.workflows = [workflow('Success', 'PreCheck:Success Cluster:Success', { uid: 'wf-old' })]
    cce.tasks = [task('Success')]
    for (let i = 0; i < 3; i++) {
      const { obs, verdict, calls } = await poll()
      expect(calls).toEqual(['listWorkflows', 'listTasks'])
      expect(obs.upgrade).toEqual({
        kind: 'none',
        newest: { what: 'upgrade workflow wf-old', phase: 'Success', at: ms('10:00') }
      })
      expect(verdict).toEqual({ kind: 'wait', why: { kind: 'no-upgrade-yet' } })
    }
    // the first look is reported; while nothing qualifies it is not repeated
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ kind: 'chosen', choice: { kind: 'none' } })

    const fresh = workflow('Running', 'PreCheck:Running Cluster:Init', {
      uid: 'wf-new',
      created: at('19:00')
    })
    cce.workflows = [fresh, ...cce.workflows]
    const found = await poll()
    expect(found.calls).toEqual(['listWorkflows', 'listTasks'])
    expect(found.verdict).toEqual({ kind: 'wait', why: { kind: 'upgrading' } })
    expect(events[1]).toMatchObject({
      kind: 'chosen',
      choice: { kind: 'workflow', workflow: { uid: 'wf-new' } }
    })
    expect((await poll()).calls).toEqual(['getWorkflow wf-new'])
  })
})

describe('the failed pre-check', () => {
  const failedPreCheck = (steps = 'PreCheck:Failed Cluster:Init PostCheck:Init'): Workflow =>
    workflow('Pending', steps)

  it('is read only when the PreCheck step failed, bounded by a deadline, and its blocking items reported', async () => {
    const { cce, clock, poll } = setup(WF)
    cce.workflows = [failedPreCheck()]
    const now = clock.now()
    const { calls, verdict, obs } = await poll()
    expect(calls).toEqual(['getWorkflow wf-1', 'getPreCheck precheck-1'])
    expect(cce.precheckDeadlines).toEqual([now + 60_000])
    expect(obs.precheck.kind).toBe('read')
    expect(verdict).toMatchObject({
      kind: 'fail',
      failure: {
        kind: 'step-failed',
        step: 'PreCheck',
        blocking: [
          { name: 'block-exception' },
          { name: 'block-fatal-risk' },
          { name: 'block-node-disk', node: 'node-a' }
        ]
      }
    })
  })

  it('is not read for another failed step, nor when the PreCheck step names no task', async () => {
    const other = setup(WF)
    other.cce.workflows = [failedPreCheck('PreCheck:Success Snapshot:Failed Cluster:Init')]
    expect((await other.poll()).calls).toEqual(['getWorkflow wf-1'])
    const noId = setup(WF)
    noId.cce.workflows = [failedPreCheck('PreCheck:Failed= Cluster:Init')]
    const { calls, verdict } = await noId.poll()
    expect(calls).toEqual(['getWorkflow wf-1'])
    expect(verdict).toEqual({ kind: 'fail', failure: { kind: 'step-failed', step: 'PreCheck' } })
  })

  const unavailable: [string, Error, RegExp][] = [
    [
      'refused',
      new FatalApiError('CCE refused access to pre-check task precheck-1 (HTTP 403 …)', 403),
      /^CCE refused access to pre-check task precheck-1/
    ],
    [
      'not answered in time',
      new DeadlineError('HTTP 503 from CCE'),
      /^no answer within 60s \(HTTP 503 from CCE\)$/
    ]
  ]
  it.each(unavailable)(
    'that cannot be read (%s) is reported as an event, and the failure still is',
    async (_, error, why) => {
      const { cce, poll, events } = setup(WF)
      cce.workflows = [failedPreCheck()]
      cce.precheck = error
      const { obs, verdict } = await poll()
      expect(obs.precheck).toEqual({ kind: 'unavailable', why: expect.stringMatching(why) })
      expect(events).toEqual([{ kind: 'precheck-unavailable', why: expect.stringMatching(why) }])
      expect(verdict).toEqual({
        kind: 'fail',
        failure: { kind: 'step-failed', step: 'PreCheck' }
      })
    }
  )

  it('lets a cancellation through', async () => {
    const { cce, observer, events } = setup(WF)
    cce.workflows = [failedPreCheck()]
    cce.precheck = new CancelledError()
    await expect(observer.observe()).rejects.toBeInstanceOf(CancelledError)
    expect(events).toEqual([])
  })
})

describe('followed by the lists (a step gating several clusters): the upgrade followed leaves them', () => {
  // an item the lists cannot read, created before the one followed
  const hidden = {
    what: 'upgrade task',
    uid: 'task-x',
    created: at('09:00'),
    why: 'no status.phase'
  }
  const CURRENT: WaitTarget = { kind: 'current' }
  const GUARD: Policy = {
    onPause: 'wait',
    waitForNewUpgrade: false,
    waitForPostCheck: false,
    guard: true
  }

  it('a task gone from the list is read by its ID: a 404 ends the wait, never the older Success it leaves (it passed)', async () => {
    const { cce, poll } = setup(CURRENT, { policy: GUARD, followByLists: true })
    const old = task('Success', { uid: 'task-0', created: at('08:00') })
    const running = task('Running', { uid: 'task-1', created: at('10:00') })
    cce.tasks = [old, running]
    const first = await poll()
    expect(taskOf(first.obs.upgrade)?.uid).toBe('task-1')
    expect(first.verdict.kind).toBe('wait')
    cce.tasks = [old]
    // the fake's getTask answers 404 for a task it does not hold
    await expect(poll()).rejects.toThrow(/Upgrade task task-1 was not found/)
  })

  it('read by its ID, what became of it decides, never the older Success the lists still show', async () => {
    for (const [phase, kind] of [
      ['Success', 'pass'],
      ['Failed', 'fail'],
      ['Pause', 'wait']
    ] as const) {
      const { cce, events, poll } = setup(CURRENT, { policy: GUARD, followByLists: true })
      const old = task('Failed', { uid: 'task-0', created: at('08:00') })
      const running = task('Running', { uid: 'task-1', created: at('10:00') })
      cce.tasks = [old, running]
      await poll()
      // the lists now show only the older task; by its ID the followed one answers `phase`
      const later = task(phase, { uid: 'task-1', created: at('10:00') })
      cce.listTasks = async () => ({ value: { items: [old], unreadable: [] } })
      cce.tasks = [old, later]
      const { obs, verdict } = await poll()
      expect({ phase, uid: taskOf(obs.upgrade)?.uid, kind: verdict.kind }).toEqual({
        phase,
        uid: 'task-1',
        kind
      })
      expect(events).toContainEqual({ kind: 'left-lists', what: 'upgrade task task-1' })
    }
  })

  it('a newer upgrade in the lists is followed instead', async () => {
    const { cce, poll } = setup(CURRENT, { policy: GUARD, followByLists: true })
    cce.tasks = [task('Running', { uid: 'task-1', created: at('10:00') })]
    await poll()
    const newer = task('Running', { uid: 'task-2', created: at('10:30') })
    cce.listTasks = async () => ({ value: { items: [newer], unreadable: [] } })
    cce.tasks = [task('Success', { uid: 'task-1', created: at('10:00') }), newer]
    const { obs, verdict } = await poll()
    expect(taskOf(obs.upgrade)?.uid).toBe('task-2')
    expect(verdict.kind).toBe('wait')
  })

  it('while it is still listed, among others, the lists alone serve each poll', async () => {
    const { cce, events, poll } = setup(CURRENT, { policy: GUARD, followByLists: true })
    cce.tasks = [
      task('Success', { uid: 'task-0', created: at('08:00') }),
      task('Running', { uid: 'task-1', created: at('10:00') })
    ]
    cce.workflows = [
      workflow('Success', 'PreCheck:Success Cluster:Success=task-8 PostCheck:Success', {
        uid: 'wf-0',
        created: at('07:00')
      })
    ]
    await poll()
    const second = await poll()
    expect(second.calls).toEqual(['listWorkflows', 'listTasks'])
    expect(events.filter(e => e.kind === 'left-lists')).toEqual([])
  })

  it('a workflow still listed among others is not read by its ID', async () => {
    const { cce, poll } = setup(CURRENT, { policy: GUARD, followByLists: true })
    const running = workflow('Running', 'PreCheck:Success Cluster:Running PostCheck:Init', {
      uid: 'wf-9',
      created: at('10:00')
    })
    const old = workflow('Success', 'PreCheck:Success Cluster:Success PostCheck:Success', {
      uid: 'wf-0',
      created: at('07:00')
    })
    cce.workflows = [old, running]
    await poll()
    const { calls } = await poll()
    expect(calls.slice(0, 2)).toEqual(['listWorkflows', 'listTasks'])
    expect(calls.filter(c => c.startsWith('getWorkflow'))).toEqual([])
  })

  it('gone, with an item the lists cannot read that may be current: that item holds (it passed on the old one)', async () => {
    const { cce, poll } = setup(CURRENT, { policy: GUARD, followByLists: true })
    cce.tasks = [task('Running', { uid: 'task-1', created: at('10:00') })]
    await poll()
    cce.listTasks = async () => ({ value: { items: [], unreadable: [hidden] } })
    cce.tasks = [task('Success', { uid: 'task-1', created: at('10:00') })]
    const { obs, verdict } = await poll()
    expect(obs.upgrade).toEqual({ kind: 'unreadable', item: hidden })
    expect(verdict.kind).toBe('wait')
  })

  it('a workflow gone from the list is read by its ID the same way', async () => {
    const { cce, events, poll } = setup(CURRENT, { policy: GUARD, followByLists: true })
    const running = workflow('Running', 'PreCheck:Success Cluster:Running PostCheck:Init', {
      uid: 'wf-9',
      created: at('10:00')
    })
    cce.workflows = [running]
    expect(workflowOf((await poll()).obs.upgrade)?.uid).toBe('wf-9')
    cce.workflows = []
    cce.tasks = [task('Success', { uid: 'task-0', created: at('08:00') })]
    await expect(poll()).rejects.toThrow(/did not find upgrade workflow wf-9/)
    expect(events).toContainEqual({ kind: 'left-lists', what: 'upgrade workflow wf-9' })
  })
})
