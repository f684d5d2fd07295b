/**
 * Guard use (issue 22.1): with no task-id, workflow-id or max-age the step holds deploys only while an upgrade is
 * under way, or after a failed one. No upgrade at all passes on a healthy cluster; a workflow that waits for a person
 * before its cluster upgrade has changed nothing and holds nothing, until its cluster upgrade starts.
 */
import { describe, expect, it } from '@jest/globals'
import { Reply } from '../../src/huawei/api.js'
import type { CceClient, ClusterRead } from '../../src/cce/client.js'
import type { ListAnswer } from '../../src/cce/list.js'
import type { UpgradeTask } from '../../src/cce/task.js'
import type { Workflow } from '../../src/cce/workflow.js'
import { chooseUpgrade, guardPassesOver, passedOverWorkflows } from '../../src/gate/choose.js'
import { Observation, Upgrade, workflowOf } from '../../src/gate/observation.js'
import { ObserverEvent, UpgradeObserver } from '../../src/gate/observer.js'
import { Policy, Verdict, judge, judgeUpgrade } from '../../src/gate/verdict.js'
import { FakeClock } from '../support/fake-clock.js'
import { at, cluster, ms, task, workflow } from '../support/upgrade-fixtures.js'

const POLICY: Policy = { onPause: 'wait', waitForNewUpgrade: false, waitForPostCheck: false }
const GUARD: Policy = { ...POLICY, guard: true }
/** The fixtures' pre-checks are valid until 10:00 +0800 on the 25th. */
const BEFORE_EXPIRY = ms('12:00')
const AFTER_EXPIRY = ms('10:01', 25)

const idle = (uid = 'wf-idle', created = at('11:00')) =>
  workflow('Running', 'PreCheck:Success Cluster:Init PostCheck:Init', { uid, created })
const oldSuccess = workflow('Success', 'PreCheck:Success Cluster:Success PostCheck:Success', {
  uid: 'wf-old',
  created: at('10:00', 20),
  updated: at('11:00', 20)
})
const oldFailed = workflow('Pending', 'PreCheck:Success Cluster:Failed PostCheck:Init', {
  uid: 'wf-failed',
  created: at('10:00', 20),
  updated: at('11:00', 20)
})

function seen(upgrade: Upgrade, clusterPhase?: string | 'forbidden'): Observation {
  return {
    at: BEFORE_EXPIRY,
    apiAt: BEFORE_EXPIRY,
    upgrade,
    cluster:
      clusterPhase === undefined
        ? { kind: 'unread' }
        : clusterPhase === 'forbidden'
          ? { kind: 'forbidden' }
          : { kind: 'read', status: cluster(clusterPhase), rolledBack: false },
    precheck: { kind: 'unread' }
  }
}

describe('the verdict on no upgrade at all', () => {
  it('guard use passes it to the cluster checks; otherwise it fails, or waits with max-age', () => {
    const none: Upgrade = { kind: 'none' }
    expect(judgeUpgrade(none, GUARD, 0)).toEqual({
      kind: 'pass',
      paused: false,
      clusterChecked: false
    })
    expect(judgeUpgrade(none, POLICY, 0)).toEqual({ kind: 'fail', failure: { kind: 'no-upgrade' } })
    expect(judgeUpgrade(none, { ...POLICY, waitForNewUpgrade: true }, 0)).toEqual({
      kind: 'wait',
      why: { kind: 'no-upgrade-yet' }
    })
  })

  it('guard use passes only on a healthy cluster: the cluster is read, and settling or broken holds', () => {
    const none: Upgrade = { kind: 'none' }
    expect(judge(seen(none), GUARD)).toEqual({ kind: 'wait', why: { kind: 'cluster-unread' } })
    expect(judge(seen(none, 'Available'), GUARD)).toMatchObject({
      kind: 'pass',
      clusterChecked: true
    })
    expect(judge(seen(none, 'Upgrading'), GUARD)).toEqual({
      kind: 'wait',
      why: { kind: 'cluster-settling', phase: 'Upgrading' }
    })
    expect(judge(seen(none, 'Hibernating'), GUARD).kind).toBe('wait')
    expect(judge(seen(none, 'Unavailable'), GUARD)).toMatchObject({
      kind: 'fail',
      failure: { kind: 'cluster-broken' }
    })
    // 403 on ShowCluster: the upgrades alone decide, as for any pass
    expect(judge(seen(none, 'forbidden'), GUARD)).toMatchObject({
      kind: 'pass',
      clusterChecked: false
    })
  })

  it('guard use changes nothing about an upgrade under way or failed', () => {
    const cases: [Upgrade, Verdict['kind']][] = [
      [{ kind: 'task', task: task('Running') }, 'wait'],
      [{ kind: 'task', task: task('Queuing') }, 'wait'],
      [{ kind: 'task', task: task('Rebooting') }, 'wait'],
      [{ kind: 'task', task: task('Failed') }, 'fail'],
      [
        { kind: 'workflow', workflow: workflow('Running', 'PreCheck:Running Cluster:Init') },
        'wait'
      ],
      [
        { kind: 'workflow', workflow: workflow('Upgrading', 'PreCheck:Success Cluster:Init') },
        'wait'
      ],
      [{ kind: 'workflow', workflow: oldFailed }, 'fail']
    ]
    for (const [u, kind] of cases) {
      expect(judge(seen(u, 'Available'), GUARD).kind).toBe(kind)
      expect(judge(seen(u, 'Available'), GUARD)).toEqual(judge(seen(u, 'Available'), POLICY))
    }
  })
})

describe('the choice in guard use', () => {
  it('passes over a workflow that waits for a person before its cluster upgrade', () => {
    const w = idle()
    expect(guardPassesOver(w)).toBe(true)
    expect(passedOverWorkflows([w, oldSuccess], BEFORE_EXPIRY, false, true)).toEqual([w])
    // without the guard it is the current upgrade, waited for while its pre-check is valid
    expect(passedOverWorkflows([w, oldSuccess], BEFORE_EXPIRY)).toEqual([])
    expect(chooseUpgrade([w, oldSuccess], [], { apiNow: BEFORE_EXPIRY })).toEqual({
      kind: 'workflow',
      workflow: w
    })
    expect(chooseUpgrade([w, oldSuccess], [], { apiNow: BEFORE_EXPIRY, guard: true })).toEqual({
      kind: 'workflow',
      workflow: oldSuccess
    })
  })

  it('a failed upgrade before it still decides: the step fails', () => {
    const choice = chooseUpgrade([idle(), oldFailed], [], { apiNow: BEFORE_EXPIRY, guard: true })
    expect(workflowOf(choice)?.uid).toBe('wf-failed')
    expect(judge(seen(choice, 'Available'), GUARD)).toMatchObject({
      kind: 'fail',
      failure: { kind: 'step-failed', step: 'Cluster' }
    })
  })

  it('alone, it leaves nothing to hold, naming it', () => {
    expect(chooseUpgrade([idle()], [], { apiNow: BEFORE_EXPIRY, guard: true })).toEqual({
      kind: 'none',
      abandoned: { what: 'upgrade workflow wf-idle', phase: 'Running', at: ms('11:00') }
    })
    // an expired one, as before
    expect(chooseUpgrade([idle()], [], { apiNow: AFTER_EXPIRY, guard: true }).kind).toBe('none')
  })

  it('holds once its cluster upgrade started, or anything but waiting for a person', () => {
    const started = [
      'PreCheck:Success Cluster:Queuing PostCheck:Init',
      'PreCheck:Success Cluster:Running PostCheck:Init',
      'PreCheck:Success Snapshot:Running Cluster:Init PostCheck:Init',
      'PreCheck:Running Cluster:Init PostCheck:Init',
      'PreCheck:Success Cluster:Weird PostCheck:Init',
      'PreCheck:Success Cluster: PostCheck:Init'
    ]
    for (const steps of started) {
      const w = workflow('Running', steps, { uid: 'wf-new', created: at('11:00') })
      expect(guardPassesOver(w)).toBe(false)
      const choice = chooseUpgrade([w, oldSuccess], [], { apiNow: BEFORE_EXPIRY, guard: true })
      expect(workflowOf(choice)?.uid).toBe('wf-new')
      expect(judge(seen(choice, 'Available'), GUARD).kind).not.toBe('pass')
    }
    // a phase this action does not know is never taken as waiting for a person
    const unknown = workflow('Paused', 'PreCheck:Success Cluster:Init PostCheck:Init', {
      uid: 'wf-new'
    })
    expect(guardPassesOver(unknown)).toBe(false)
    const choice = chooseUpgrade([unknown, oldSuccess], [], { apiNow: 0, guard: true })
    expect(judge(seen(choice, 'Available'), GUARD)).toEqual({
      kind: 'wait',
      why: { kind: 'workflow-phase-unknown', phase: 'Paused' }
    })
  })

  it('a task under way outside any workflow still wins', () => {
    const running = task('Running', { uid: 'task-api', created: at('09:00') })
    expect(chooseUpgrade([idle()], [running], { apiNow: BEFORE_EXPIRY, guard: true })).toEqual({
      kind: 'task',
      task: running
    })
  })
})

/** The CCE calls the observer makes, answered from the fields below. */
class FakeCce {
  readonly calls: string[] = []
  workflows: Workflow[] = []
  tasks: UpgradeTask[] = []
  cluster: ClusterRead = { kind: 'read', status: cluster('Available') }

  private reply<T>(call: string, value: T): Reply<T> {
    this.calls.push(call)
    return { value }
  }

  async getTask(id: string): Promise<Reply<UpgradeTask>> {
    return this.reply(
      `getTask ${id}`,
      this.tasks.find(t => t.uid === id)!
    )
  }

  async findTask(id: string): Promise<Reply<UpgradeTask> | undefined> {
    const t = this.tasks.find(x => x.uid === id)
    return t ? this.reply(`findTask ${id}`, t) : undefined
  }

  async listTasks(): Promise<Reply<ListAnswer<UpgradeTask>>> {
    return this.reply('listTasks', { items: this.tasks, unreadable: [] })
  }

  async listWorkflows(): Promise<Reply<ListAnswer<Workflow>>> {
    return this.reply('listWorkflows', { items: this.workflows, unreadable: [] })
  }

  async getWorkflow(id: string): Promise<Reply<Workflow>> {
    return this.reply(
      `getWorkflow ${id}`,
      this.workflows.find(w => w.uid === id)!
    )
  }

  async getCluster(): Promise<Reply<ClusterRead>> {
    return this.reply('getCluster', this.cluster)
  }
}

function guarded(policy: Policy = GUARD) {
  const cce = new FakeCce()
  const clock = new FakeClock(BEFORE_EXPIRY)
  const events: ObserverEvent[] = []
  const observer = new UpgradeObserver(
    cce as unknown as CceClient,
    { kind: 'current' },
    clock,
    policy,
    e => void events.push(e),
    { apiNow: () => clock.now() }
  )
  const poll = async () => {
    const before = cce.calls.length
    const obs = await observer.observe()
    clock.advance(15_000)
    return { obs, verdict: judge(obs, policy), calls: cce.calls.slice(before) }
  }
  return { cce, events, poll }
}

const startedNow = (w: Workflow): Workflow =>
  workflow('Running', 'PreCheck:Success Cluster:Running=task-new PostCheck:Init', {
    uid: w.uid,
    created: w.creationTimestamp
  })

describe('the observer in guard use', () => {
  it('passes at once over a workflow waiting for a person, naming it in the choice event', async () => {
    const { cce, events, poll } = guarded()
    const w = idle()
    cce.workflows = [w, oldSuccess]
    const { verdict, calls } = await poll()
    expect(verdict).toMatchObject({ kind: 'pass', clusterChecked: true })
    expect(calls).toEqual(['listWorkflows', 'listTasks', 'getCluster'])
    expect(events).toMatchObject([
      { kind: 'chosen', choice: { workflow: { uid: 'wf-old' } }, awaiting: [w] }
    ])
  })

  it('without the guard the same state holds: the workflow waits for a person', async () => {
    const { cce, events, poll } = guarded(POLICY)
    cce.workflows = [idle(), oldSuccess]
    expect((await poll()).verdict).toMatchObject({
      kind: 'wait',
      why: { kind: 'upgrade-not-started' }
    })
    expect(events[0]).not.toHaveProperty('awaiting')
  })

  it('holds when its cluster upgrade starts while the gate waits on another upgrade', async () => {
    const { cce, poll } = guarded()
    const w = idle()
    const outside = task('Running', { uid: 'task-api', created: at('09:00') })
    cce.workflows = [w, oldSuccess]
    cce.tasks = [outside]
    expect((await poll()).verdict).toEqual({ kind: 'wait', why: { kind: 'upgrading' } })
    // the outside task ends; meanwhile a person started the waiting workflow's cluster upgrade
    cce.tasks = [task('Success', { uid: 'task-api', created: at('09:00') })]
    cce.workflows = [startedNow(w), oldSuccess]
    const later = await poll()
    expect(workflowOf(later.obs.upgrade)?.uid).toBe('wf-idle')
    expect(later.verdict).toEqual({ kind: 'wait', why: { kind: 'upgrading' } })
  })

  it('holds when its cluster upgrade starts while the cluster settles after nothing was found', async () => {
    const { cce, poll } = guarded()
    const w = idle()
    cce.workflows = [w]
    cce.cluster = { kind: 'read', status: cluster('Upgrading') }
    expect((await poll()).verdict).toEqual({
      kind: 'wait',
      why: { kind: 'cluster-settling', phase: 'Upgrading' }
    })
    cce.workflows = [startedNow(w)]
    cce.tasks = [task('Running', { uid: 'task-new', progress: '5.00' })]
    cce.cluster = { kind: 'read', status: cluster('Available') }
    const later = await poll()
    // the cluster settled, so the upgrades are looked at again before passing: the lists hold the task
    expect(later.calls).toEqual(['getCluster', 'listWorkflows', 'listTasks'])
    expect(workflowOf(later.obs.upgrade)?.uid).toBe('wf-idle')
    expect(later.verdict.kind).toBe('wait')
  })
})
