/**
 * Gathers one observation of the upgrade per poll, with as few requests as the verdict allows: the workflow
 * (plus its Cluster task only while that step runs), or the task; the cluster only once the upgrade has passed,
 * and the upgrade once more before passing when it passed in an earlier poll; the pre-check only when it failed.
 * Which upgrade is followed is chosen once (choose.ts) and then kept.
 */
import { DeadlineError } from '../huawei/api.js'
import type { CceClient } from '../cce/client.js'
import { Choice, chooseUpgrade } from './choose.js'
import type { Clock } from '../lib/clock.js'
import type { WaitTarget } from '../lib/config.js'
import { ClusterView, Observation, PreCheckView, Upgrade } from './observation.js'
import type { UpgradeTask } from '../cce/task.js'
import { Policy, judge, judgeUpgrade, nextRead } from './verdict.js'
import { Workflow, stepOf } from '../cce/workflow.js'

/** What the observer tells the log about, besides the observations themselves. */
export type ObserverEvent =
  | { kind: 'chosen'; choice: Choice; workflows: number; tasks: number }
  | { kind: 'cluster-forbidden'; message: string }
  | { kind: 'no-task-detail'; taskId: string }
  | { kind: 'precheck-unavailable'; why: string }

type Followed = WaitTarget | { kind: 'none' }

/** Step statuses during which the Cluster step's task is read for its progress (not Init: it has not started). */
const STEP_RUNNING = ['Queuing', 'Running']
/** Ended steps, and ended tasks: both say Success or Failed. */
const TASK_ENDED = ['Success', 'Failed']
/** How long the failed pre-check's items may be looked for before the failure is reported without them. */
const PRECHECK_READ_MS = 60_000

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
  private choseThisPoll = false

  constructor(
    private readonly cce: CceClient,
    target: WaitTarget,
    private readonly clock: Clock,
    private readonly policy: Policy,
    private readonly onEvent: (e: ObserverEvent) => void,
    /** With max-age: the earliest start an upgrade may have, by the API's clock (asked at each search). */
    private readonly notBefore?: () => number
  ) {
    this.followed = target
    this.discovering = target.kind === 'current'
  }

  async observe(): Promise<Observation> {
    this.choseThisPoll = false
    const obs = await this.look()
    if (!this.discovering || this.choseThisPoll || judge(obs, this.policy).kind !== 'pass')
      return obs
    // about to pass on an upgrade chosen polls ago (the cluster was busy meanwhile): if a newer one has started
    // since, that one is the cluster's current upgrade, and passing on the old one would let a deploy through
    if (await this.stillCurrent()) return obs
    this.followed = { kind: 'current' }
    this.passed = undefined
    this.clusterTask = undefined
    this.sawRollback = false
    return this.look()
  }

  private async stillCurrent(): Promise<boolean> {
    const f = this.followed
    const choice = chooseUpgrade(
      (await this.cce.listWorkflows()).value,
      (await this.cce.listTasks()).value,
      this.notBefore?.()
    )
    if (choice.kind === 'workflow')
      return f.kind === 'workflow' && f.workflowId === choice.workflow.uid
    if (choice.kind === 'task') return f.kind === 'task' && f.taskId === choice.task.uid
    return true
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
      const obs: Observation = { at: this.clock.now(), upgrade, cluster, precheck, requestId }
      const need = nextRead(obs, this.policy)
      if (need === 'cluster') cluster = await this.readCluster(track)
      else if (need === 'precheck') precheck = await this.readPreCheck(upgrade, track)
      else {
        const v = judge(obs, this.policy)
        if (v.kind === 'pass' && v.clusterChecked && !reread) {
          // polls old: a failure or rollback meanwhile must not be passed over
          reread = true
          upgrade = await this.readUpgrade(track)
          continue
        }
        const u = judgeUpgrade(upgrade, this.policy)
        // kept only while it passes on its own (a pause is read again each poll: it may resume and fail)
        this.passed =
          u.kind === 'pass' && !u.paused && cluster.kind === 'read' ? upgrade : undefined
        return obs
      }
    }
  }

  private async readUpgrade(track: Track): Promise<Upgrade> {
    const f = this.followed
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
    const choice = chooseUpgrade(workflows, tasks, this.notBefore?.())
    this.choseThisPoll = true
    // the first look is always reported, and the end of a search; a search that goes on is the progress log's
    if (this.followed.kind === 'current' || choice.kind !== 'none')
      this.onEvent({ kind: 'chosen', choice, workflows: workflows.length, tasks: tasks.length })
    switch (choice.kind) {
      case 'none':
        this.followed = { kind: 'none' }
        return choice
      case 'task':
        this.followed = { kind: 'task', taskId: choice.task.uid }
        return choice
      case 'workflow': {
        this.followed = { kind: 'workflow', workflowId: choice.workflow.uid }
        // the list just read may hold the Cluster step's task: no need to read it again
        const id = stepOf(choice.workflow, 'Cluster')?.taskId
        this.clusterTask = tasks.find(t => id && t.uid === id) ?? this.clusterTask
        return this.withClusterTask(choice.workflow, track, true)
      }
    }
  }

  /**
   * The workflow with its Cluster step's task: read while the step runs, and once more when it has ended
   * (`fresh`: the task as known was read in this same poll).
   */
  private async withClusterTask(workflow: Workflow, track: Track, fresh = false): Promise<Upgrade> {
    const step = stepOf(workflow, 'Cluster')
    const id = step?.taskId
    if (!step || !id) return { kind: 'workflow', workflow }
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
    const id =
      upgrade.kind === 'workflow' ? stepOf(upgrade.workflow, 'PreCheck')?.taskId : undefined
    if (!id) return { kind: 'unavailable', why: 'the PreCheck step names no task' }
    try {
      const precheck = track(await this.cce.getPreCheck(id, this.clock.now() + PRECHECK_READ_MS))
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
