/**
 * The observer (src/gate/observer.ts) in real upgrade flows (issue 12), and the paths of the observer that issue 12
 * added, pinned. The rest: observer.test.ts.
 */
import { describe, expect, it } from '@jest/globals'
import { DeadlineError, FatalApiError } from '../../src/huawei/api.js'
import type { UnreadableItem } from '../../src/cce/list.js'
import { CancelledError } from '../../src/lib/clock.js'
import type { WaitTarget } from '../../src/lib/config.js'
import { taskOf, workflowOf } from '../../src/gate/observation.js'
import { FakeClock } from '../support/fake-clock.js'
import { at, cluster, ms, task, workflow } from '../support/upgrade-fixtures.js'
import { FakeCce, SetupOptions, setup, WF } from '../support/observer-harness.js'

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
