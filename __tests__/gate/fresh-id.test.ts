/**
 * Issue 19, item 11: a fresh ID costs nothing extra. The stale-ID check (observer.ts) reads the upgrade lists only
 * when the named upgrade was created more than 1 h before the step; a task-id from the step before is judged on
 * one task read and one cluster read, whatever its end time reads.
 */
import { describe, expect, it } from '@jest/globals'
import type { CceClient, ClusterRead } from '../../src/cce/client.js'
import type { ListAnswer } from '../../src/cce/list.js'
import type { UpgradeTask } from '../../src/cce/task.js'
import type { Workflow } from '../../src/cce/workflow.js'
import type { Reply } from '../../src/huawei/api.js'
import { FRESH_ID_MS, ObserverEvent, UpgradeObserver } from '../../src/gate/observer.js'
import { Policy, judge } from '../../src/gate/verdict.js'
import type { WaitTarget } from '../../src/lib/config.js'
import { FakeClock } from '../support/fake-clock.js'
import { decodeTask } from '../../src/cce/task.js'
import { cluster, taskJson, workflow } from '../support/upgrade-fixtures.js'

const POLICY: Policy = { onPause: 'wait', waitForNewUpgrade: false, waitForPostCheck: false }
const STEP_START = Date.UTC(2026, 10, 24, 12, 0, 0)
const HOUR = 3_600_000
const GO_ZERO = '0001-01-01 00:00:00 +0000 UTC'

/** Go time text of an instant, as CCE prints it (+0800). */
function goTime(ms: number): string {
  const d = new Date(ms + 8 * HOUR)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, '0')}000 +0800 CST`
}

/** Records each call by name; answers from the fields. */
class CountingCce {
  readonly calls: string[] = []
  tasks: UpgradeTask[] = []
  workflows: Workflow[] = []
  clusterRead: ClusterRead = { kind: 'read', status: cluster('Available') }
  private reply<T>(call: string, value: T): Reply<T> {
    this.calls.push(call)
    return { value, requestId: `req-${this.calls.length}` }
  }
  async getTask(id: string): Promise<Reply<UpgradeTask>> {
    return this.reply(
      `getTask ${id}`,
      this.tasks.find(t => t.uid === id)!
    )
  }
  async getWorkflow(id: string): Promise<Reply<Workflow>> {
    return this.reply(
      `getWorkflow ${id}`,
      this.workflows.find(w => w.uid === id)!
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
  async getCluster(): Promise<Reply<ClusterRead>> {
    return this.reply('getCluster', this.clusterRead)
  }
}

async function firstLook(target: WaitTarget, cce: CountingCce) {
  const clock = new FakeClock(STEP_START)
  const events: ObserverEvent[] = []
  const observer = new UpgradeObserver(
    cce as unknown as CceClient,
    target,
    clock,
    POLICY,
    e => void events.push(e),
    { apiNow: () => clock.now(), startedAt: STEP_START }
  )
  const obs = await observer.observe()
  return { verdict: judge(obs, POLICY), calls: cce.calls, events }
}

/** A Success task created `createdAgo` before the step, whose completionTime reads `completion`. */
function decodedTask(json: Record<string, unknown>): UpgradeTask {
  const t = decodeTask(json)
  if (!t) throw new Error('fixture task does not decode')
  return t
}

function endedTask(createdAgo: number, completion: string): UpgradeTask {
  const json = taskJson('Success', { uid: 'task-1', created: goTime(STEP_START - createdAgo) })
  ;(json['status'] as Record<string, unknown>)['completionTime'] = completion
  return decodedTask(json)
}

const TASK: WaitTarget = { kind: 'task', taskId: 'task-1' }

describe('a task-id from the step before', () => {
  it('is judged on one task read and one cluster read, though its unset end reads as Go’s zero time', async () => {
    const cce = new CountingCce()
    cce.tasks = [endedTask(10 * 60_000, GO_ZERO)]
    cce.workflows = [workflow('Running', 'PreCheck:Success Cluster:Running=task-9')]
    const { verdict, calls, events } = await firstLook(TASK, cce)
    expect(verdict).toEqual({ kind: 'pass', paused: false, clusterChecked: true })
    expect(calls).toEqual(['getTask task-1', 'getCluster'])
    expect(events).toEqual([])
  })

  it('or an end more than a day back (a wrong time): created within the hour, it is fresh', async () => {
    for (const createdAgo of [0, 30 * 60_000, FRESH_ID_MS]) {
      const cce = new CountingCce()
      cce.tasks = [endedTask(createdAgo, goTime(STEP_START - 3 * 24 * HOUR))]
      const { calls, events } = await firstLook(TASK, cce)
      expect({ createdAgo, calls, events }).toEqual({
        createdAgo,
        calls: ['getTask task-1', 'getCluster'],
        events: []
      })
    }
  })

  it('created more than an hour before the step, it is checked against the lists (the boundary is 1 h)', async () => {
    expect(FRESH_ID_MS).toBe(HOUR)
    const cce = new CountingCce()
    cce.tasks = [endedTask(FRESH_ID_MS + 1, goTime(STEP_START - 25 * HOUR))]
    const { calls, events } = await firstLook(TASK, cce)
    expect(calls).toEqual(['getTask task-1', 'getCluster', 'listWorkflows', 'listTasks'])
    expect(events).toEqual([expect.objectContaining({ kind: 'stale-target' })])
  })

  it('created at a time it cannot read, it may be old: checked', async () => {
    const cce = new CountingCce()
    const json = taskJson('Success', { uid: 'task-1', created: 'yesterday' })
    ;(json['status'] as Record<string, unknown>)['completionTime'] = goTime(STEP_START - 25 * HOUR)
    cce.tasks = [decodedTask(json)]
    const { calls } = await firstLook(TASK, cce)
    expect(calls).toEqual(['getTask task-1', 'getCluster', 'listWorkflows', 'listTasks'])
  })
})
