/**
 * What the observer's tests (__tests__/gate/observer*.test.ts) share: the CCE calls scripted and recorded
 * (`FakeCce`), and `setup()`, an observer over them with a fake clock whose `poll()` returns one observation, its
 * verdict and the calls it made.
 */
import { FatalApiError, Reply } from '../../src/huawei/api.js'
import type { CceClient, ClusterRead } from '../../src/cce/client.js'
import type { ListAnswer, UnreadableItem } from '../../src/cce/list.js'
import type { WaitTarget } from '../../src/lib/config.js'
import { Observation } from '../../src/gate/observation.js'
import { ObserverEvent, UpgradeObserver } from '../../src/gate/observer.js'
import type { PreCheck } from '../../src/cce/precheck.js'
import type { UpgradeTask } from '../../src/cce/task.js'
import { Policy, Verdict, judge } from '../../src/gate/verdict.js'
import type { Workflow } from '../../src/cce/workflow.js'
import { FakeClock } from './fake-clock.js'
import { cluster, mixedPrecheck } from './upgrade-fixtures.js'

export const POLICY: Policy = { onPause: 'wait', waitForNewUpgrade: false, waitForPostCheck: false }

/** The CCE calls, scripted by the test through the fields below; every call is recorded by name and argument. */
export class FakeCce {
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

export interface SetupOptions<C extends FakeCce> {
  policy?: Policy
  notBefore?: number
  /** The API's clock: the runner's plus this offset, unless `apiNow` is given. */
  apiOffsetMs?: number
  apiNow?: () => number
  startedAt?: number
  /** The fake clock's start. */
  now?: number
  cce?: C
  /** Read the lists at every poll, as a step gating several clusters does. */
  followByLists?: boolean
}

export function setup<C extends FakeCce = FakeCce>(target: WaitTarget, o: SetupOptions<C> = {}) {
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
      startedAt: o.startedAt,
      followByLists: o.followByLists
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

export const WF: WaitTarget = { kind: 'workflow', workflowId: 'wf-1' }

export const WAIT_POST_CHECK: Policy = { ...POLICY, waitForPostCheck: true }
