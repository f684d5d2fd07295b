/**
 * Gathers one observation of the upgrade per poll, with as few requests as the verdict allows: the workflow
 * (plus its Cluster task only while that step runs), or the task; the cluster only once the upgrade has passed,
 * and the upgrade once more before passing when it passed in an earlier poll; the pre-check only when it failed.
 * Which upgrade is followed is chosen once (choose.ts) and then kept, unless it turns out to be abandoned or
 * cancelled before its cluster upgrade: then the gate chooses again, so that the verdict is the one a run that
 * first looked now would reach.
 */
import type { CceClient } from '../cce/client.js'
import type { ListAnswer, UnreadableItem } from '../cce/list.js'
import type { UpgradeTask } from '../cce/task.js'
import { Workflow, cancelledBeforeUpgrade, isAbandoned, stepOf } from '../cce/workflow.js'
import { DeadlineError, FatalApiError } from '../huawei/api.js'
import type { Clock } from '../lib/clock.js'
import type { WaitTarget } from '../lib/config.js'
import {
  Choice,
  OLD_UPGRADE_MS,
  abandonedWorkflows,
  chooseUpgrade,
  endedAtOf,
  guardPassesOver,
  newerThan,
  startedOf
} from './choose.js'
import { ClusterView, Observation, PreCheckView, Started, Upgrade } from './observation.js'
import { Policy, judge, judgeUpgrade, nextRead } from './verdict.js'

/** What the observer tells the log about, besides the observations themselves. */
export type ObserverEvent =
  | {
      kind: 'chosen'
      choice: Choice
      workflows: number
      tasks: number
      /** Workflows passed over: they wait for a person before their cluster upgrade, and their pre-check expired. */
      abandoned: Workflow[]
      /** Workflows passed over: cancelled before their cluster upgrade started. */
      cancelled: Workflow[]
      /** Guard use: workflows passed over while they wait for a person to start their cluster upgrade. */
      awaiting?: Workflow[]
      /** List items that could not be read and cannot be the current upgrade: left out. */
      leftOut: UnreadableItem[]
      /** List items whose spec.clusterID names another cluster: left out. */
      otherCluster?: UnreadableItem[]
    }
  | { kind: 'cluster-forbidden'; message: string }
  | { kind: 'no-task-detail'; taskId: string }
  /** Followed by the lists (several clusters), the upgrade chosen is gone from them: read by its ID instead. */
  | { kind: 'left-lists'; what: string }
  | { kind: 'precheck-unavailable'; why: string }
  /**
   * The upgrade named by task-id or workflow-id ended `endedAt` (epoch ms), long before the step began; `current`:
   * the cluster's current upgrade, when it is another one.
   */
  | { kind: 'stale-target'; upgrade: Started; endedAt: number; current?: Started }

export interface ObserverOptions {
  /** With max-age: the earliest start an upgrade may have, by the API's clock (asked at each search). */
  notBefore?: () => number
  /** Now by the API's clock, which dates the upgrades (a pre-check's expiry); the runner's clock by default. */
  apiNow?: () => number
  /** When the step began (on the monotonic clock): an upgrade named by ID that ended long before is warned about. */
  startedAt?: number
  /**
   * Without an ID, read the lists at every poll rather than the upgrade chosen (a step gating several clusters):
   * as many requests while waiting, and the poll that sees the end needs no second read of the lists to pass.
   */
  followByLists?: boolean
}

type Followed = WaitTarget | { kind: 'none' }

/** Step statuses during which the Cluster step's task is read for its progress (not Init: it has not started). */
const STEP_RUNNING = ['Queuing', 'Running']
/** Ended steps, and ended tasks: both say Success or Failed. */
const TASK_ENDED = ['Success', 'Failed']
/** How long the failed pre-check's items may be looked for before the failure is reported without them. */
const PRECHECK_READ_MS = 60_000
/** How long the lists may be looked for a newer upgrade than a stale named one: a warning never holds up a verdict. */
const STALE_CHECK_MS = 30_000
/**
 * A named upgrade created at most this long before the step began is fresh (a task-id from the step before): no
 * stale-ID check, whatever its end time reads, so it costs no list read.
 */
export const FRESH_ID_MS = 3_600_000

export class UpgradeObserver {
  private followed: Followed
  /** The upgrade part, once it passed: later polls only read the cluster again. */
  private passed?: Upgrade
  private clusterTask?: UpgradeTask
  private warnedNoDetail = new Set<string>()
  /** Cluster tasks still not found (404) once their step had ended: not looked for again. */
  private missingAfterStep = new Set<string>()
  private sawRollback = false
  /** No ID was given: the current upgrade is searched for, and checked again before passing on it. */
  private readonly discovering: boolean
  // Stryker disable next-line BooleanLiteral: observe() sets it before anything reads it
  private choseThisPoll = false
  private staleChecked = false
  private readonly apiNow: () => number

  constructor(
    private readonly cce: CceClient,
    target: WaitTarget,
    private readonly clock: Clock,
    private readonly policy: Policy,
    private readonly onEvent: (e: ObserverEvent) => void,
    private readonly o: ObserverOptions = {}
  ) {
    this.followed = target
    this.discovering = target.kind === 'current'
    this.apiNow = o.apiNow ?? (() => clock.now())
  }

  async observe(): Promise<Observation> {
    this.choseThisPoll = false
    const obs = await this.look()
    if (!this.discovering) {
      if (!this.staleChecked) await this.checkStale(obs.upgrade)
      return obs
    }
    const verdict = judge(obs, this.policy)
    // the workflow followed since an earlier poll waited for a person until its pre-check expired: it cannot go
    // on, so it no longer holds the gate (the choice passes over it now)
    const abandoned = verdict.kind === 'fail' && verdict.failure.kind === 'precheck-expired'
    if (
      abandoned ||
      (!this.choseThisPoll &&
        (this.cancelledUnstarted(obs.upgrade) ||
          (verdict.kind === 'pass' && !(await this.stillCurrent()))))
    )
      return this.lookAgain()
    return obs
  }

  /**
   * The workflow followed since an earlier poll was cancelled before its cluster upgrade: the choice decides what
   * that means (passed over; with max-age, the newest upgrade inside it fails as cancelled), as on a first look.
   */
  private cancelledUnstarted(u: Upgrade): boolean {
    return u.kind === 'workflow' && cancelledBeforeUpgrade(u.workflow)
  }

  /** Forgets the upgrade followed and searches again. */
  private lookAgain(): Promise<Observation> {
    this.followed = { kind: 'current' }
    this.passed = undefined
    this.clusterTask = undefined
    this.sawRollback = false
    return this.look()
  }

  /**
   * About to pass on an upgrade chosen polls ago (the cluster was busy meanwhile): if a newer one has started
   * since, that one is the cluster's current upgrade, and passing on the old one would let a deploy through.
   */
  private async stillCurrent(): Promise<boolean> {
    const f = this.followed
    const choice = this.chooseFrom(
      (await this.cce.listWorkflows()).value,
      (await this.cce.listTasks()).value
    )
    // Stryker disable ConditionalExpression: the kind checks narrow the types; another kind has no such ID
    switch (choice.kind) {
      case 'workflow':
        return f.kind === 'workflow' && f.workflowId === choice.workflow.uid
      case 'task':
        return f.kind === 'task' && f.taskId === choice.task.uid
      case 'none':
        return true
      default:
        // an item it cannot read may hide the current upgrade: never pass over it
        return false
    }
    // Stryker restore ConditionalExpression
  }

  private chooseFrom(workflows: ListAnswer<Workflow>, tasks: ListAnswer<UpgradeTask>): Choice {
    return chooseUpgrade(workflows.items, tasks.items, {
      notBefore: this.o.notBefore?.(),
      apiNow: this.apiNow(),
      unreadable: [...workflows.unreadable, ...tasks.unreadable],
      policy: this.policy
    })
  }

  /**
   * Once, for an upgrade named by ID: if it ended more than OLD_UPGRADE_MS before the step began, it is likely a
   * stale ID (kept in a variable, say) while a newer upgrade is the one meant. Warn, naming the cluster's current
   * upgrade when it is another one; a list that cannot be read only leaves that name out.
   */
  private async checkStale(u: Upgrade): Promise<void> {
    this.staleChecked = true
    // Stryker disable next-line ConditionalExpression: narrows the type; endedAtOf has no end for other kinds
    if (u.kind !== 'task' && u.kind !== 'workflow') return
    const endedAt = endedAtOf(u)
    // the step's start by the API's clock, which stamped the end
    const startedAt =
      (this.o.startedAt ?? this.clock.monotonic()) + this.apiNow() - this.clock.monotonic()
    if (endedAt === undefined || startedAt - endedAt <= OLD_UPGRADE_MS) return
    // created shortly before the step: fresh, whatever its end reads (an unset end is Go's zero time); an
    // unreadable creation may be old
    const createdAt = startedOf(u, this.apiNow()).at ?? -Infinity
    if (startedAt - createdAt <= FRESH_ID_MS) return
    let current: Started | undefined
    try {
      const deadline = this.clock.monotonic() + STALE_CHECK_MS
      const choice = this.chooseFrom(
        (await this.cce.listWorkflows(deadline)).value,
        (await this.cce.listTasks(deadline)).value
      )
      current = newerThan(choice, u)
    } catch (e) {
      // informational only: a refused or slow list leaves the newer upgrade unnamed; cancellation still stops
      if (!(e instanceof FatalApiError || e instanceof DeadlineError)) throw e
    }
    this.onEvent({ kind: 'stale-target', upgrade: startedOf(u), endedAt, current })
  }

  private async look(): Promise<Observation> {
    let requestId: string | undefined
    const track = <T>(r: { value: T; requestId?: string }): T => {
      requestId = r.requestId ?? requestId
      return r.value
    }
    // an upgrade that passed in an earlier poll is kept while the cluster settles, and read once more before
    // the gate passes on it; one read in this poll is as fresh as the cluster's answer that follows it
    const cached = this.passed
    let upgrade = cached ?? (await this.readUpgrade(track))
    let cluster: ClusterView = { kind: 'unread' }
    let precheck: PreCheckView = { kind: 'unread' }
    let reread = cached === undefined
    for (;;) {
      const obs: Observation = {
        at: this.clock.monotonic(),
        apiAt: this.apiNow(),
        upgrade,
        cluster,
        precheck,
        requestId
      }
      const need = nextRead(obs, this.policy)
      if (need === 'cluster') cluster = await this.readCluster(track)
      else if (need === 'precheck') precheck = await this.readPreCheck(upgrade, track)
      else {
        const v = judge(obs, this.policy)
        // Stryker disable next-line ConditionalExpression,LogicalOperator: narrows the type; only a pass has clusterChecked
        if (v.kind === 'pass' && v.clusterChecked && !reread) {
          // polls old: a failure or rollback meanwhile must not be passed over
          reread = true
          upgrade = await this.readUpgrade(track)
          continue
        }
        const u = judgeUpgrade(upgrade, this.policy, obs.apiAt)
        // kept only while it passes on its own (a pause is read again each poll: it may resume and fail)
        // Stryker disable next-line ConditionalExpression: a pass with the cluster unread or forbidden ends the wait in this poll, so nothing reads the cache
        this.passed =
          u.kind === 'pass' && !u.paused && cluster.kind === 'read' ? upgrade : undefined
        return obs
      }
    }
  }

  private async readUpgrade(track: Track): Promise<Upgrade> {
    const f = this.followed
    if (this.discovering && this.o.followByLists) return this.discover(track)
    switch (f.kind) {
      case 'task':
        return { kind: 'task', task: track(await this.cce.getTask(f.taskId)) }
      case 'workflow':
        return this.withClusterTask(track(await this.cce.getWorkflow(f.workflowId)), track)
      case 'current':
      case 'none':
        return this.discover(track)
    }
  }

  private async discover(track: Track): Promise<Upgrade> {
    const workflows = track(await this.cce.listWorkflows())
    const tasks = track(await this.cce.listTasks())
    const choice = this.chooseFrom(workflows, tasks)
    const gone = await this.readGone(workflows.items, tasks.items, track)
    // followed by the lists, the upgrade chosen before is gone from them: what became of it decides, read by its
    // ID as for one cluster (a 404 is an error), never an older one the lists still offer; only a newer one (or
    // an item that cannot be read, which may be newer) is followed instead
    if (gone && choice.kind !== 'unreadable' && newerThan(choice, gone) === undefined) {
      this.choseThisPoll = true
      return gone
    }
    this.choseThisPoll = true
    // the first look is always reported, and the end of a search; a search that goes on is the progress log's
    if (
      this.followed.kind === 'current' ||
      (choice.kind !== 'none' && choice.kind !== 'unreadable' && !this.isFollowed(choice))
    )
      this.onEvent({
        kind: 'chosen',
        choice,
        workflows: workflows.items.length,
        tasks: tasks.items.length,
        abandoned: abandonedWorkflows(workflows.items, this.apiNow()),
        // with max-age a cancelled workflow counts like any upgrade that ended (choose.ts)
        cancelled: this.o.notBefore ? [] : workflows.items.filter(cancelledBeforeUpgrade),
        ...(this.policy.guard
          ? {
              awaiting: workflows.items.filter(
                w => guardPassesOver(w) && !isAbandoned(w, this.apiNow())
              )
            }
          : {}),
        leftOut: [...workflows.unreadable, ...tasks.unreadable].filter(
          // Stryker disable next-line ConditionalExpression: narrows the type; another kind has no item
          u => choice.kind !== 'unreadable' || u !== choice.item
        ),
        ...(workflows.otherCluster || tasks.otherCluster
          ? { otherCluster: [...(workflows.otherCluster ?? []), ...(tasks.otherCluster ?? [])] }
          : {})
      })
    switch (choice.kind) {
      case 'none':
      case 'unreadable':
        // searched again at every poll, until an upgrade qualifies (or the timeout)
        this.followed = { kind: 'none' }
        return choice
      case 'task':
        this.followed = { kind: 'task', taskId: choice.task.uid }
        return choice
      case 'workflow': {
        this.followed = { kind: 'workflow', workflowId: choice.workflow.uid }
        // the list just read may hold the Cluster step's task: no need to read it again
        const id = stepOf(choice.workflow, 'Cluster')?.taskId
        this.clusterTask = tasks.items.find(t => id && t.uid === id) ?? this.clusterTask
        return this.withClusterTask(choice.workflow, track, true)
      }
    }
  }

  /** The upgrade followed, read by its ID, when the lists just read no longer show it. */
  private async readGone(
    workflows: Workflow[],
    tasks: UpgradeTask[],
    track: Track
  ): Promise<Extract<Upgrade, { kind: 'task' | 'workflow' }> | undefined> {
    const f = this.followed
    if (f.kind === 'task' && !tasks.some(t => t.uid === f.taskId)) {
      this.onEvent({ kind: 'left-lists', what: `upgrade task ${f.taskId}` })
      return { kind: 'task', task: track(await this.cce.getTask(f.taskId)) }
    }
    if (f.kind === 'workflow' && !workflows.some(w => w.uid === f.workflowId)) {
      this.onEvent({ kind: 'left-lists', what: `upgrade workflow ${f.workflowId}` })
      return this.withClusterTask(track(await this.cce.getWorkflow(f.workflowId)), track)
    }
    return undefined
  }

  /** The choice is the upgrade already followed (read again from the lists): not news. */
  private isFollowed(choice: Choice): boolean {
    const f = this.followed
    if (choice.kind === 'task') return f.kind === 'task' && f.taskId === choice.task.uid
    return (
      choice.kind === 'workflow' && f.kind === 'workflow' && f.workflowId === choice.workflow.uid
    )
  }

  /**
   * The workflow with its Cluster step's task: read while the step runs, and once more when it has ended
   * (`fresh`: the task as known was read in this same poll).
   */
  private async withClusterTask(
    workflow: Workflow,
    track: Track,
    fresh = false
  ): Promise<Extract<Upgrade, { kind: 'workflow' }>> {
    const step = stepOf(workflow, 'Cluster')
    const id = step?.taskId
    if (!step || !id) return { kind: 'workflow', workflow }
    // Stryker disable next-line ConditionalExpression: a task kept from another step is forgotten at each new search, and its ID is not this step's
    const known = this.clusterTask?.uid === id ? this.clusterTask : undefined
    const running = STEP_RUNNING.includes(step.status)
    // after the step, its task's last state once (its end, for the outputs), unless already seen or missing
    const ended = TASK_ENDED.includes(step.status)
    const stale = ended && !(known && TASK_ENDED.includes(known.phase))
    if ((running && !(fresh && known)) || (stale && !fresh && !this.missingAfterStep.has(id))) {
      const reply = await this.cce.findTask(id)
      if (reply) this.clusterTask = track(reply)
      else {
        if (!running) this.missingAfterStep.add(id)
        if (!this.warnedNoDetail.has(id)) {
          this.warnedNoDetail.add(id)
          this.onEvent({ kind: 'no-task-detail', taskId: id })
        }
      }
    }
    const task = this.clusterTask?.uid === id ? this.clusterTask : undefined
    return task ? { kind: 'workflow', workflow, task } : { kind: 'workflow', workflow }
  }

  private async readCluster(track: Track): Promise<ClusterView> {
    const read = track(await this.cce.getCluster())
    if (read.kind === 'read') {
      this.sawRollback ||= read.status.phase === 'RollingBack'
      return { ...read, rolledBack: this.sawRollback }
    }
    this.onEvent({ kind: 'cluster-forbidden', message: read.message })
    return { kind: 'forbidden' }
  }

  private async readPreCheck(upgrade: Upgrade, track: Track): Promise<PreCheckView> {
    // Stryker disable all: nextRead asks for the pre-check only when a workflow's PreCheck step names a task; this
    // keeps the types honest
    const id =
      upgrade.kind === 'workflow' ? stepOf(upgrade.workflow, 'PreCheck')?.taskId : undefined
    if (!id) return { kind: 'unavailable', why: 'the PreCheck step names no task' }
    // Stryker restore all
    try {
      const precheck = track(
        await this.cce.getPreCheck(id, this.clock.monotonic() + PRECHECK_READ_MS)
      )
      return { kind: 'read', precheck }
    } catch (e) {
      // a failure is reported as it is; only cancellation stops it from being reported at all
      if (!(e instanceof Error) || e.name === 'CancelledError') throw e
      const why =
        e instanceof DeadlineError
          ? `no answer within ${PRECHECK_READ_MS / 1000}s${e.lastProblem ? ` (${e.lastProblem})` : ''}`
          : e.message
      this.onEvent({ kind: 'precheck-unavailable', why })
      return { kind: 'unavailable', why }
    }
  }
}

type Track = <T>(r: { value: T; requestId?: string }) => T
