import { describe, expect, it } from '@jest/globals'
import { DeadlineError, FatalApiError, Reply } from '../../src/huawei/api.js'
import type { CceClient, ClusterRead } from '../../src/cce/client.js'
import type { ListAnswer, UnreadableItem } from '../../src/cce/list.js'
import { CancelledError } from '../../src/lib/clock.js'
import type { WaitTarget } from '../../src/lib/config.js'
import { Observation, taskOf, workflowOf } from '../../src/gate/observation.js'
import { ObserverEvent, UpgradeObserver } from '../../src/gate/observer.js'
import type { PreCheck } from '../../src/cce/precheck.js'
import type { UpgradeTask } from '../../src/cce/task.js'
import { Policy, Verdict, judge } from '../../src/gate/verdict.js'
import type { Workflow } from '../../src/cce/workflow.js'
import { FakeClock } from '../support/fake-clock.js'
import { at, cluster, mixedPrecheck, ms, task, workflow } from '../support/upgrade-fixtures.js'

const POLICY: Policy = { onPause: 'wait', waitForNewUpgrade: false, waitForPostCheck: false }

/** The CCE calls, scripted by the test through the fields below; every call is recorded by name and argument. */
class FakeCce {
  readonly calls: string[] = []
  readonly precheckDeadlines: number[] = []
  readonly listDeadlines: (number | undefined)[] = []
  workflows: Workflow[] = []
  tasks: UpgradeTask[] = []
  unreadableWorkflows: UnreadableItem[] = []
  unreadableTasks: UnreadableItem[] = []
  cluster: ClusterRead = { kind: 'read', status: cluster('Available') }
  precheck: PreCheck | Error = mixedPrecheck()
  private n = 0

  private reply<T>(call: string, value: T): Reply<T> {
    this.calls.push(call)
    return { value, requestId: `req-${++this.n}` }
  }

  async getTask(id: string): Promise<Reply<UpgradeTask>> {
    const t = this.tasks.find(x => x.uid === id)
    if (!t) throw new FatalApiError(`Upgrade task ${id} was not found`, 404)
    return this.reply(`getTask ${id}`, t)
  }

  async findTask(id: string): Promise<Reply<UpgradeTask> | undefined> {
    const t = this.tasks.find(x => x.uid === id)
    if (!t) {
      this.calls.push(`findTask ${id} (404)`)
      return undefined
    }
    return this.reply(`findTask ${id}`, t)
  }

  async listTasks(deadline?: number): Promise<Reply<ListAnswer<UpgradeTask>>> {
    this.listDeadlines.push(deadline)
    return this.reply('listTasks', { items: this.tasks, unreadable: this.unreadableTasks })
  }

  async listWorkflows(deadline?: number): Promise<Reply<ListAnswer<Workflow>>> {
    this.listDeadlines.push(deadline)
    return this.reply('listWorkflows', {
      items: this.workflows,
      unreadable: this.unreadableWorkflows
    })
  }

  async getWorkflow(id: string): Promise<Reply<Workflow>> {
    const w = this.workflows.find(x => x.uid === id)
    if (!w) throw new FatalApiError(`CCE did not find upgrade workflow ${id}`, 404)
    return this.reply(`getWorkflow ${id}`, w)
  }

  async getCluster(): Promise<Reply<ClusterRead>> {
    return this.reply('getCluster', this.cluster)
  }

  async getPreCheck(id: string, deadline: number): Promise<Reply<PreCheck>> {
    this.precheckDeadlines.push(deadline)
    if (this.precheck instanceof Error) {
      this.calls.push(`getPreCheck ${id} (${this.precheck.name})`)
      throw this.precheck
    }
    return this.reply(`getPreCheck ${id}`, this.precheck)
  }
}

interface SetupOptions<C extends FakeCce> {
  policy?: Policy
  notBefore?: number
  /** The API's clock: the runner's plus this offset, unless `apiNow` is given. */
  apiOffsetMs?: number
  apiNow?: () => number
  startedAt?: number
  /** The fake clock's start. */
  now?: number
  cce?: C
}

function setup<C extends FakeCce = FakeCce>(target: WaitTarget, o: SetupOptions<C> = {}) {
  const cce = o.cce ?? (new FakeCce() as C)
  const clock = new FakeClock(o.now)
  const events: ObserverEvent[] = []
  const policy = o.policy ?? POLICY
  const observer = new UpgradeObserver(
    cce as unknown as CceClient,
    target,
    clock,
    policy,
    e => void events.push(e),
    {
      notBefore: o.notBefore === undefined ? undefined : () => o.notBefore as number,
      apiNow: o.apiNow ?? (() => clock.now() + (o.apiOffsetMs ?? 0)),
      startedAt: o.startedAt
    }
  )
  /** One poll: the observation, its verdict and the calls it made. */
  const poll = async (): Promise<{ obs: Observation; verdict: Verdict; calls: string[] }> => {
    const before = cce.calls.length
    const obs = await observer.observe()
    clock.advance(30_000)
    return { obs, verdict: judge(obs, policy), calls: cce.calls.slice(before) }
  }
  return { cce, clock, events, observer, poll }
}

const WF: WaitTarget = { kind: 'workflow', workflowId: 'wf-1' }

const WAIT_POST_CHECK: Policy = { ...POLICY, waitForPostCheck: true }

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

describe('real upgrade flows (issue 12)', () => {
  const CURRENT: WaitTarget = { kind: 'current' }
  /** The fixtures' pre-checks expire on the 25th at 10:00 +0800; the fake clock starts 14 h before. */
  const EXPIRED = ms('10:01', 25) - new FakeClock().now()
  const idle = (o: { uid?: string; created?: string } = {}) =>
    workflow('Running', 'PreCheck:Success Cluster:Init PostCheck:Init', {
      uid: o.uid ?? 'wf-idle',
      created: o.created ?? at('10:00')
    })
  const oldSuccess = workflow('Success', 'PreCheck:Success Cluster:Success PostCheck:Success', {
    uid: 'wf-old',
    created: at('10:00', 20),
    updated: at('11:00', 20)
  })

  it('passes over an abandoned workflow, naming it in the choice event, and passes on the one before', async () => {
    const { cce, poll, events } = setup(CURRENT, { apiOffsetMs: EXPIRED })
    cce.workflows = [idle(), oldSuccess]
    const first = await poll()
    expect(workflowOf(first.obs.upgrade)?.uid).toBe('wf-old')
    expect(first.verdict).toEqual({ kind: 'pass', paused: false, clusterChecked: true })
    expect(events).toMatchObject([
      { kind: 'chosen', choice: { workflow: { uid: 'wf-old' } }, abandoned: [{ uid: 'wf-idle' }] }
    ])
  })

  it('a workflow followed while idle whose pre-check expires meanwhile is dropped for the next newest', async () => {
    const { cce, clock, poll, events } = setup(CURRENT)
    cce.workflows = [idle(), oldSuccess]
    const first = await poll()
    expect(workflowOf(first.obs.upgrade)?.uid).toBe('wf-idle')
    expect(first.verdict).toMatchObject({ kind: 'wait', why: { kind: 'upgrade-not-started' } })
    expect((await poll()).calls).toEqual(['getWorkflow wf-idle'])
    clock.advance(EXPIRED)
    const later = await poll()
    expect(later.calls).toEqual(['getWorkflow wf-idle', 'listWorkflows', 'listTasks', 'getCluster'])
    expect(workflowOf(later.obs.upgrade)?.uid).toBe('wf-old')
    expect(later.verdict.kind).toBe('pass')
    expect(events.filter(e => e.kind === 'chosen')).toHaveLength(2)
  })

  it('named by workflow-id, an abandoned workflow fails at once', async () => {
    const { cce, poll } = setup(
      { kind: 'workflow', workflowId: 'wf-idle' },
      { apiOffsetMs: EXPIRED }
    )
    cce.workflows = [idle(), oldSuccess]
    const { verdict, calls } = await poll()
    expect(calls).toEqual(['getWorkflow wf-idle'])
    expect(verdict).toEqual({
      kind: 'fail',
      failure: { kind: 'precheck-expired', expires: at('10:00', 25) }
    })
  })

  it('an unreadable list item that may be the current upgrade holds the gate, searched again each poll', async () => {
    const { cce, poll, events } = setup(CURRENT)
    cce.workflows = [oldSuccess]
    const hidden: UnreadableItem = {
      what: 'upgrade task',
      uid: 'task-new',
      created: at('09:00', 24),
      why: 'no status.phase'
    }
    const older: UnreadableItem = { ...hidden, uid: 'task-older', created: at('09:00', 19) }
    cce.unreadableTasks = [older, hidden]
    for (let i = 0; i < 2; i++) {
      const { obs, verdict, calls } = await poll()
      expect(calls).toEqual(['listWorkflows', 'listTasks'])
      expect(obs.upgrade).toEqual({ kind: 'unreadable', item: hidden })
      expect(verdict).toEqual({ kind: 'wait', why: { kind: 'list-item-unreadable', item: hidden } })
    }
    // reported once, with the item it left out
    expect(events).toMatchObject([{ kind: 'chosen', leftOut: [older] }])
    // once the item can be read (or is gone), the gate goes on
    cce.unreadableTasks = [older]
    const next = await poll()
    expect(workflowOf(next.obs.upgrade)?.uid).toBe('wf-old')
    expect(events).toHaveLength(2)
    expect(events[1]).toMatchObject({ kind: 'chosen', leftOut: [older] })
  })

  it('before passing on an upgrade chosen polls ago, a newer unreadable item stops the pass', async () => {
    const { cce, poll } = setup(CURRENT)
    cce.workflows = [oldSuccess]
    cce.cluster = { kind: 'read', status: cluster('Upgrading') }
    await poll()
    cce.cluster = { kind: 'read', status: cluster('Available') }
    cce.unreadableWorkflows = [
      { what: 'upgrade workflow', uid: '', created: '', why: 'not a JSON object' }
    ]
    const { obs, verdict } = await poll()
    expect(obs.upgrade.kind).toBe('unreadable')
    expect(verdict.kind).toBe('wait')
  })

  describe('a named upgrade that ended long before the step', () => {
    const ninetyDaysAgo = at('10:00', 24).replace('2026-11-24', '2026-08-26')
    const stale = task('Success', { uid: 'task-old', created: ninetyDaysAgo })
    stale.completionTime = ninetyDaysAgo
    const target: WaitTarget = { kind: 'task', taskId: 'task-old' }

    it('reads the lists once, naming the current upgrade in one event', async () => {
      const { cce, poll, events } = setup(target)
      const fresh = workflow('Running', 'PreCheck:Success Cluster:Running=task-new', {
        uid: 'wf-new',
        created: at('19:00')
      })
      cce.tasks = [stale]
      cce.workflows = [fresh]
      cce.cluster = { kind: 'read', status: cluster('Upgrading') }
      const first = await poll()
      expect(first.calls).toEqual(['getTask task-old', 'getCluster', 'listWorkflows', 'listTasks'])
      expect(events).toEqual([
        {
          kind: 'stale-target',
          upgrade: { what: 'upgrade task task-old', phase: 'Success', at: expect.any(Number) },
          endedAt: expect.any(Number),
          current: { what: 'upgrade workflow wf-new', phase: 'Running', at: ms('19:00') }
        }
      ])
      // later polls: the cluster only, and no second look at the lists
      expect((await poll()).calls).toEqual(['getCluster'])
      expect(events).toHaveLength(1)
    })

    it('names no other upgrade when the current one is the workflow whose Cluster step ran the named task', async () => {
      const { cce, poll, events } = setup(target)
      const own = workflow(
        'Success',
        'PreCheck:Success Cluster:Success=task-old PostCheck:Success',
        {
          uid: 'wf-old',
          created: ninetyDaysAgo
        }
      )
      cce.tasks = [stale]
      cce.workflows = [own]
      await poll()
      expect(events).toEqual([
        expect.objectContaining({ kind: 'stale-target', current: undefined })
      ])
    })

    it('bounds the list reads by 30 s', async () => {
      const { cce, clock, poll } = setup(target)
      cce.tasks = [stale]
      const start = clock.now()
      await poll()
      expect(cce.listDeadlines).toEqual([start + 30_000, start + 30_000])
    })

    it('warns without a name when the lists cannot be read', async () => {
      const { cce, poll, events } = setup(target)
      cce.tasks = [stale]
      cce.listTasks = async () => {
        throw new FatalApiError('CCE refused access (HTTP 403)', 403)
      }
      const { verdict } = await poll()
      expect(verdict.kind).toBe('pass')
      expect(events).toEqual([
        expect.objectContaining({ kind: 'stale-target', current: undefined })
      ])
    })

    it('names an unreadable list item that may be the current upgrade', async () => {
      const { cce, poll, events } = setup(target)
      cce.tasks = [stale]
      cce.unreadableWorkflows = [
        { what: 'upgrade workflow', uid: 'wf-x', created: '', why: 'no status.phase' }
      ]
      await poll()
      expect(events).toMatchObject([
        {
          kind: 'stale-target',
          current: { what: 'upgrade workflow wf-x: no status.phase', at: undefined }
        }
      ])
    })

    it('counts from when the upgrade ended: exactly 24 h before the step is not yet stale', async () => {
      const ended = ms('10:30', 24)
      for (const [startedAt, looks] of [
        [ended + 24 * 3_600_000, false],
        [ended + 24 * 3_600_000 + 1, true]
      ] as const) {
        const { cce, poll } = setup(target, { startedAt })
        cce.tasks = [task('Success', { uid: 'task-old' })]
        expect((await poll()).calls.includes('listTasks')).toBe(looks)
      }
    })

    it('counts by the API clock, which stamped the end', async () => {
      const ended = ms('10:30', 24)
      const { cce, poll } = setup(target, {
        startedAt: ended + 24 * 3_600_000 - 5 * 60_000,
        apiOffsetMs: 10 * 60_000
      })
      cce.tasks = [task('Success', { uid: 'task-old' })]
      expect((await poll()).calls).toContain('listTasks')
    })

    it('names nothing when the named upgrade is the current one', async () => {
      const { cce, poll, events } = setup(target)
      cce.tasks = [stale]
      await poll()
      expect(events).toMatchObject([{ kind: 'stale-target', current: undefined }])
    })

    it('does not look when the upgrade ended within 24 h of the step, or has not ended', async () => {
      for (const t of [
        task('Success', { uid: 'task-old' }),
        { ...stale, phase: 'Running', completionTime: '' }
      ]) {
        const { cce, poll, events } = setup(target, { startedAt: ms('10:29', 25) })
        cce.tasks = [t]
        const { calls } = await poll()
        expect(calls).not.toContain('listTasks')
        expect(events).toEqual([])
      }
    })
  })
})

describe('observer paths issue 12 added, pinned', () => {
  /** A FakeCce whose lists can be refused. */
  class RefusingCce extends FakeCce {
    refuse?: Error
    override async listWorkflows(deadline?: number) {
      if (this.refuse) throw this.refuse
      return super.listWorkflows(deadline)
    }
  }

  const observerWith = (target: WaitTarget, o: Omit<SetupOptions<RefusingCce>, 'cce'> = {}) =>
    setup(target, { ...o, cce: new RefusingCce() })
  const CURRENT: WaitTarget = { kind: 'current' }
  const hidden: UnreadableItem = {
    what: 'upgrade task',
    uid: 'hidden',
    created: '',
    why: 'no status.phase'
  }

  describe('before passing on an upgrade chosen polls ago (no ID given)', () => {
    it('does not pass while a list item it cannot read may be a newer upgrade', async () => {
      const { cce, poll } = observerWith(CURRENT)
      cce.workflows = [
        workflow('Success', 'PreCheck:Success Cluster:Success', { created: at('08:00') })
      ]
      cce.cluster = { kind: 'read', status: cluster('ScalingUp') }
      expect((await poll()).verdict.kind).toBe('wait')
      cce.unreadableTasks = [hidden]
      cce.cluster = { kind: 'read', status: cluster('Available') }
      const second = await poll()
      expect(second.obs.upgrade).toEqual({ kind: 'unreadable', item: hidden })
      expect(second.verdict).toEqual({
        kind: 'wait',
        why: { kind: 'list-item-unreadable', item: hidden }
      })
    })

    it('passes when the lists no longer show any upgrade at all', async () => {
      const { cce, poll } = observerWith(CURRENT)
      cce.workflows = [
        workflow('Success', 'PreCheck:Success Cluster:Success', { created: at('08:00') })
      ]
      cce.cluster = { kind: 'read', status: cluster('ScalingUp') }
      await poll()
      cce.cluster = { kind: 'read', status: cluster('Available') }
      const gone = [...cce.workflows]
      cce.workflows = []
      // the workflow is still read by ID; only the lists forgot it
      cce.getWorkflow = async (id: string) => ({ value: gone.find(w => w.uid === id)! })
      expect((await poll()).verdict).toEqual({ kind: 'pass', paused: false, clusterChecked: true })
    })
  })

  describe('a workflow abandoned before its cluster upgrade', () => {
    const idle = () =>
      workflow('Running', 'PreCheck:Success Cluster:Init PostCheck:Init', {
        uid: 'wf-idle',
        created: at('09:00')
      })
    const expired = ms('10:00', 25) + 1

    it('is passed over once its pre-check expires while it is followed: the search starts again', async () => {
      let apiNow = ms('12:00')
      const { cce, poll, events } = observerWith(CURRENT, { apiNow: () => apiNow })
      const other = task('Failed', { uid: 'task-old', created: at('08:00') })
      cce.workflows = [idle()]
      cce.tasks = [other]
      expect((await poll()).verdict).toEqual({
        kind: 'wait',
        why: { kind: 'upgrade-not-started', expires: at('10:00', 25) }
      })
      apiNow = expired
      const second = await poll()
      expect(second.calls).toEqual(['getWorkflow wf-idle', 'listWorkflows', 'listTasks'])
      expect(second.obs.upgrade).toEqual({ kind: 'task', task: other })
      expect(second.verdict).toEqual({ kind: 'fail', failure: { kind: 'task-failed' } })
      expect(events[1]).toMatchObject({ kind: 'chosen', abandoned: [{ uid: 'wf-idle' }] })
    })

    it('one cancelled before its cluster upgrade is passed over, and named in the choice event', async () => {
      const { cce, poll, events } = setup(CURRENT)
      const cancelled = workflow('Cancel', 'PreCheck:Success Cluster:Init PostCheck:Init', {
        uid: 'wf-cancelled',
        created: at('09:00')
      })
      const other = task('Failed', { uid: 'task-old', created: at('08:00') })
      cce.workflows = [cancelled]
      cce.tasks = [other]
      expect((await poll()).verdict).toEqual({ kind: 'fail', failure: { kind: 'task-failed' } })
      expect(events).toMatchObject([
        { kind: 'chosen', abandoned: [], cancelled: [{ uid: 'wf-cancelled' }] }
      ])
    })

    it('fails when named by ID: that workflow can no longer go on', async () => {
      const { cce, poll } = observerWith(WF, { apiNow: () => expired })
      cce.workflows = [{ ...idle(), uid: 'wf-1' }]
      const { calls, verdict } = await poll()
      expect(calls).toEqual(['getWorkflow wf-1'])
      expect(verdict).toEqual({
        kind: 'fail',
        failure: { kind: 'precheck-expired', expires: at('10:00', 25) }
      })
    })
  })

  describe('list items it cannot read, during the search', () => {
    it('reports them as left out when they cannot be the current upgrade', async () => {
      const { cce, poll, events } = observerWith(CURRENT)
      const old: UnreadableItem = { ...hidden, created: at('07:00') }
      cce.workflows = [workflow('Running', 'PreCheck:Running', { created: at('10:00') })]
      cce.unreadableWorkflows = [old]
      await poll()
      expect(events).toMatchObject([
        { kind: 'chosen', choice: { kind: 'workflow' }, leftOut: [old] }
      ])
    })

    it('follows none while one may be the current upgrade, searching at each poll, reported once', async () => {
      const { cce, poll, events } = observerWith(CURRENT)
      const other: UnreadableItem = { ...hidden, uid: 'other', created: at('07:00') }
      cce.unreadableTasks = [hidden]
      cce.unreadableWorkflows = [other]
      for (let i = 0; i < 3; i++) {
        const { calls, verdict } = await poll()
        expect(calls).toEqual(['listWorkflows', 'listTasks'])
        expect(verdict).toMatchObject({ kind: 'wait', why: { kind: 'list-item-unreadable' } })
      }
      expect(events).toHaveLength(1)
      // the first that may be current is chosen (a newer readable start, or none); it is not also "left out"
      expect(events[0]).toMatchObject({
        kind: 'chosen',
        choice: { kind: 'unreadable', item: other },
        leftOut: [hidden]
      })
    })
  })

  describe('an upgrade named by ID that ended long before the step began', () => {
    const named = () => task('Success', { uid: 'task-old', created: at('10:00') })
    // the named task completed at 10:30 on the 24th (fixture): the step begins more than 24 h later
    const late = ms('10:30', 25) + 1
    const TASK: WaitTarget = { kind: 'task', taskId: 'task-old' }

    it('is warned about once, naming the cluster’s current upgrade, looked for within 30 s', async () => {
      const { cce, clock, poll, events } = observerWith(TASK, { startedAt: late })
      const newer = task('Running', { uid: 'task-new', created: at('10:00', 25) })
      cce.tasks = [named(), newer]
      const now = clock.now()
      const first = await poll()
      expect(first.calls).toEqual(['getTask task-old', 'getCluster', 'listWorkflows', 'listTasks'])
      expect(cce.listDeadlines).toEqual([now + 30_000, now + 30_000])
      expect(events).toEqual([
        {
          kind: 'stale-target',
          upgrade: { what: 'upgrade task task-old', phase: 'Success', at: ms('10:00') },
          endedAt: ms('10:30'),
          current: { what: 'upgrade task task-new', phase: 'Running', at: ms('10:00', 25) }
        }
      ])
      await poll()
      expect(events).toHaveLength(1)
    })

    it('names no current upgrade when the named one is still the newest', async () => {
      const { cce, poll, events } = observerWith(TASK, { startedAt: late })
      cce.tasks = [named()]
      await poll()
      expect(events).toEqual([
        expect.objectContaining({ kind: 'stale-target', current: undefined })
      ])
    })

    it('names a list item it cannot read as the possible current upgrade', async () => {
      const { cce, poll, events } = observerWith(
        { kind: 'workflow', workflowId: 'wf-1' },
        { startedAt: ms('10:30', 26) }
      )
      cce.workflows = [
        workflow('Success', 'PreCheck:Success Cluster:Success', { updated: at('10:30') })
      ]
      cce.unreadableTasks = [hidden]
      await poll()
      expect(events).toContainEqual(
        expect.objectContaining({
          kind: 'stale-target',
          upgrade: expect.objectContaining({ what: 'upgrade workflow wf-1' }),
          current: {
            what: 'upgrade task hidden: no status.phase',
            phase: '',
            at: undefined
          }
        })
      )
    })

    it('is not warned about when it ended 24 h or less before the step, or has not ended', async () => {
      for (const [t, startedAt] of [
        [named(), ms('10:30', 25)],
        [task('Running', { uid: 'task-old' }), late]
      ] as const) {
        const { cce, poll, events } = observerWith(TASK, { startedAt })
        cce.tasks = [t]
        const { calls } = await poll()
        expect(calls).not.toContain('listWorkflows')
        expect(events).toEqual([])
      }
    })

    it('still warns, without the current upgrade, when the lists are refused or time out', async () => {
      for (const refuse of [new FatalApiError('forbidden', 403), new DeadlineError('slow')]) {
        const { cce, poll, events } = observerWith(TASK, { startedAt: late })
        cce.tasks = [named()]
        cce.refuse = refuse
        await poll()
        expect(events).toEqual([
          expect.objectContaining({ kind: 'stale-target', current: undefined })
        ])
      }
    })

    it('lets a cancellation through', async () => {
      const { cce, poll } = observerWith(TASK, { startedAt: late })
      cce.tasks = [named()]
      cce.refuse = new CancelledError()
      await expect(poll()).rejects.toBeInstanceOf(CancelledError)
    })
  })

  describe('more of what the observer decides', () => {
    it('judges a pre-check expiry by the runner clock when the API clock is not given', async () => {
      const { cce, poll } = observerWith(WF, { now: ms('10:00', 25) + 1 })
      cce.workflows = [workflow('Running', 'PreCheck:Success Cluster:Init PostCheck:Init')]
      expect((await poll()).verdict).toEqual({
        kind: 'fail',
        failure: { kind: 'precheck-expired', expires: at('10:00', 25) }
      })
    })

    it('passes on a followed task only while it is still the newest: a newer task is followed', async () => {
      const { cce, poll } = observerWith(CURRENT)
      cce.tasks = [task('Success', { uid: 'task-old', created: at('08:00') })]
      cce.cluster = { kind: 'read', status: cluster('Upgrading') }
      expect((await poll()).verdict.kind).toBe('wait')
      cce.tasks = [...cce.tasks, task('Failed', { uid: 'task-new', created: at('11:00') })]
      cce.cluster = { kind: 'read', status: cluster('Available') }
      const second = await poll()
      expect(taskOf(second.obs.upgrade)?.uid).toBe('task-new')
      expect(second.verdict).toEqual({ kind: 'fail', failure: { kind: 'task-failed' } })
    })

    it('judges the cluster afresh for an upgrade it follows after looking again', async () => {
      const { cce, poll } = observerWith(CURRENT)
      const old = workflow('Success', 'PreCheck:Success Cluster:Success', {
        uid: 'wf-old',
        created: at('08:00')
      })
      cce.workflows = [old]
      cce.cluster = { kind: 'read', status: cluster('ScalingUp') }
      await poll()
      const fresh = workflow('Running', 'PreCheck:Running Cluster:Init', {
        uid: 'wf-new',
        created: at('11:00')
      })
      cce.workflows = [old, fresh]
      cce.cluster = { kind: 'read', status: cluster('Available') }
      expect(workflowOf((await poll()).obs.upgrade)?.uid).toBe('wf-new')
      cce.workflows = [
        old,
        {
          ...fresh,
          phase: 'Success',
          steps: workflow('Success', 'PreCheck:Success Cluster:Success').steps
        }
      ]
      expect((await poll()).verdict).toEqual({ kind: 'pass', paused: false, clusterChecked: true })
    })

    it('does not look again in the poll that chose the upgrade it passes on', async () => {
      const { cce, poll } = observerWith(CURRENT)
      cce.tasks = [task('Success', { uid: 'api-task' })]
      const { calls, verdict } = await poll()
      expect(calls).toEqual(['listWorkflows', 'listTasks', 'getCluster'])
      expect(verdict).toEqual({ kind: 'pass', paused: false, clusterChecked: true })
    })

    it('names the newer workflow when a workflow named by ID is stale', async () => {
      const { cce, poll, events } = observerWith(WF, { startedAt: ms('10:30', 26) })
      const newer = workflow('Running', 'PreCheck:Running', {
        uid: 'wf-2',
        created: at('10:00', 26)
      })
      cce.workflows = [
        workflow('Success', 'PreCheck:Success Cluster:Success', { updated: at('10:30') }),
        newer
      ]
      await poll()
      expect(events).toContainEqual(
        expect.objectContaining({
          kind: 'stale-target',
          current: { what: 'upgrade workflow wf-2', phase: 'Running', at: ms('10:00', 26) }
        })
      )
    })

    it('reads the Cluster task of a step that is Queuing, for its progress', async () => {
      const { cce, poll } = observerWith(WF)
      cce.workflows = [workflow('Running', 'PreCheck:Success Cluster:Queuing')]
      cce.tasks = [task('Queuing')]
      const { calls, obs } = await poll()
      expect(calls).toEqual(['getWorkflow wf-1', 'findTask task-1'])
      expect(taskOf(obs.upgrade)?.phase).toBe('Queuing')
    })

    it('reads no task for a Cluster step that names none', async () => {
      const { cce, poll } = observerWith(WF)
      cce.workflows = [workflow('Running', 'PreCheck:Success Cluster:Running=')]
      expect((await poll()).calls).toEqual(['getWorkflow wf-1'])
    })

    it('never takes the task of an earlier attempt for the Cluster step of a later one', async () => {
      const { cce, poll } = observerWith(WF)
      cce.workflows = [workflow('Running', 'PreCheck:Success Cluster:Running=task-1')]
      cce.tasks = [task('Running', { uid: 'task-1' })]
      await poll()
      // the upgrade was retried: the step names a new task, which cannot be read yet; the old one failed
      cce.workflows = [workflow('Running', 'PreCheck:Success Cluster:Running=task-2')]
      cce.tasks = [task('Failed', { uid: 'task-1' })]
      const { obs, verdict } = await poll()
      expect(taskOf(obs.upgrade)).toBeUndefined()
      expect(verdict).toEqual({ kind: 'wait', why: { kind: 'upgrading' } })
    })

    it('says how long it looked for a pre-check that never answered', async () => {
      const { cce, poll, events } = observerWith(WF)
      cce.workflows = [workflow('Pending', 'PreCheck:Failed Cluster:Init')]
      cce.precheck = new DeadlineError()
      const { obs } = await poll()
      expect(obs.precheck).toEqual({ kind: 'unavailable', why: 'no answer within 60s' })
      expect(events).toContainEqual({ kind: 'precheck-unavailable', why: 'no answer within 60s' })
    })
  })

  it('names no current upgrade when a stale workflow named by ID is still the newest', async () => {
    const { cce, poll, events } = observerWith(WF, { startedAt: ms('10:30', 26) })
    cce.workflows = [
      workflow('Success', 'PreCheck:Success Cluster:Success', { updated: at('10:30') })
    ]
    await poll()
    expect(events).toContainEqual(
      expect.objectContaining({ kind: 'stale-target', current: undefined })
    )
  })
})
