import { Api, Call, FatalApiError, Reply } from '../huawei/api.js'
import { ErrorDetails, describeDetails, isGatewayCode } from '../huawei/api-error.js'
import type { Authorizer } from '../huawei/auth.js'
import { otherThan } from './identity.js'
import { ClusterStatus, decodeClusterOf } from './cluster.js'
import type { ClusterType } from '../lib/config.js'
import { joinUrl } from '../huawei/endpoints.js'
import type { ListAnswer } from './list.js'
import { PreCheck, decodePreCheck } from './precheck.js'
import { UpgradeTask, decodeTaskList, decodeTaskOf } from './task.js'
import { Workflow, decodeWorkflowList, decodeWorkflowOf } from './workflow.js'

const ACCESS_HINT = {
  401: "CCE did not accept the credentials: check that access-key-id and secret-access-key (or the token) are right, current and of this account, and that the runner's clock is right (signatures more than 15 minutes off are refused).",
  403: 'The identity may not read this: grant it CCE read permissions in this project (e.g. the CCE ReadOnlyAccess policy), and check that the cluster-upgrade APIs are enabled for the account: Huawei opens them on request.'
}

export interface CceTarget {
  endpoint: URL
  projectId: string
  clusterId: string
  clusterType: ClusterType
}

/** ShowCluster's answer: the cluster's state, or a 403 (the identity may not read it: cce:cluster:get). */
export type ClusterRead =
  { kind: 'read'; status: ClusterStatus } | { kind: 'forbidden'; message: string }

/** The CCE calls the gate makes, for one cluster; `/api/v3/…` or, for Autopilot clusters, `/autopilot/v3/…`. */
export class CceClient {
  constructor(
    private readonly api: Api,
    private readonly t: CceTarget,
    private readonly auth: Authorizer
  ) {}

  private url(path = ''): URL {
    const prefix = this.t.clusterType === 'autopilot' ? '/autopilot/v3' : '/api/v3'
    return joinUrl(
      this.t.endpoint,
      `${prefix}/projects/${this.t.projectId}/clusters/${this.t.clusterId}${path}`
    )
  }

  private get cluster(): string {
    return `${this.t.clusterType === 'autopilot' ? 'Autopilot cluster' : 'cluster'} ${this.t.clusterId}`
  }

  private get(
    path: string,
    what: string
  ): Pick<Call<never>, 'method' | 'url' | 'auth' | 'explain'> {
    return {
      method: 'GET',
      url: this.url(path),
      auth: this.auth,
      explain: (status, d) => this.explain(status, d, what)
    }
  }

  async getTask(taskId: string): Promise<Reply<UpgradeTask>> {
    const reply = await this.showTask(taskId)
    if ('missing' in reply) throw await this.explainMissingTask(taskId, reply.missing)
    return reply
  }

  /** A workflow step's upgrade task, for its progress: a 404 only means there is no detail (yet). */
  async findTask(taskId: string): Promise<Reply<UpgradeTask> | undefined> {
    const reply = await this.showTask(taskId)
    return 'missing' in reply ? undefined : reply
  }

  /** ShowUpgradeClusterTask; a 404 is handed back for the caller to read. */
  private async showTask(taskId: string): Promise<Reply<UpgradeTask> | { missing: FatalApiError }> {
    try {
      return await this.api.call({
        ...this.get(
          `/operation/upgrade/tasks/${taskId}`,
          `upgrade task ${taskId} of ${this.cluster}`
        ),
        decode: decodeTaskOf(taskId, this.t.clusterId),
        mismatch: otherThan('upgrade task', taskId, this.t.clusterId)
      })
    } catch (e) {
      if (e instanceof FatalApiError && e.status === 404) return { missing: e }
      throw e
    }
  }

  /** ListUpgradeClusterTasks; `deadline` bounds a best-effort read (the stale-ID check). */
  async listTasks(deadline?: number): Promise<Reply<ListAnswer<UpgradeTask>>> {
    return this.api.call({
      ...this.get('/operation/upgrade/tasks', `the upgrade tasks of ${this.cluster}`),
      explain: this.clusterLevel(`the upgrade tasks of ${this.cluster}`),
      decode: json => decodeTaskList(json, this.t.clusterId),
      deadline
    })
  }

  /** ListUpgradeWorkFlows; `deadline` as for listTasks. */
  async listWorkflows(deadline?: number): Promise<Reply<ListAnswer<Workflow>>> {
    return this.api.call({
      deadline,
      ...this.get('/operation/upgradeworkflows', `the upgrade workflows of ${this.cluster}`),
      explain: (status, d) =>
        status === 404 && isGatewayCode(d, '0101')
          ? `This endpoint does not offer upgrade workflows (HTTP 404 ${describeDetails(d)}): give task-id to wait on the upgrade task, or check the endpoint input.`
          : this.clusterLevel(`the upgrade workflows of ${this.cluster}`)(status, d),
      decode: json => decodeWorkflowList(json, this.t.clusterId, this.api.apiNow())
    })
  }

  async getWorkflow(workflowId: string): Promise<Reply<Workflow>> {
    const what = `upgrade workflow ${workflowId} of ${this.cluster}`
    return this.api.call({
      ...this.get(`/operation/upgradeworkflows/${workflowId}`, what),
      explain: (status, d) =>
        status === 404
          ? `CCE did not find ${what} (HTTP 404 ${describeDetails(d)}). Check workflow-id (the workflow's ID in the console's upgrade page or ListUpgradeWorkFlows), cluster-id and that region/project-id are the cluster's${this.autopilotHint()}; or leave workflow-id empty to wait on the cluster's current upgrade.`
          : this.explain(status, d, what),
      decode: decodeWorkflowOf(workflowId, this.t.clusterId, () => this.api.apiNow()),
      mismatch: otherThan('upgrade workflow', workflowId, this.t.clusterId)
    })
  }

  /**
   * ShowCluster. A 403 is an answer, not an error: the caller warns once and decides without the cluster.
   * `deadline` bounds a best-effort read (a fleet's name lookup).
   */
  async getCluster(deadline?: number): Promise<Reply<ClusterRead>> {
    try {
      return await this.api.call({
        deadline,
        ...this.get('', this.cluster),
        explain: this.clusterLevel(this.cluster),
        decode: json => {
          const status = decodeClusterOf(this.t.clusterId)(json)
          return status && { kind: 'read' as const, status }
        }
      })
    } catch (e) {
      if (e instanceof FatalApiError && e.status === 403)
        return { value: { kind: 'forbidden', message: describeDetails(e.details) } }
      throw e
    }
  }

  /** ShowPreCheck, bounded by `deadline`: the pre-check's items explain a failure, they never hold it up. */
  async getPreCheck(taskId: string, deadline: number): Promise<Reply<PreCheck>> {
    return this.api.call({
      ...this.get(
        `/operation/precheck/tasks/${taskId}`,
        `pre-check task ${taskId} of ${this.cluster}`
      ),
      decode: decodePreCheck,
      deadline
    })
  }

  /** A 404 does not say whether the cluster or the task is missing: the task list does. */
  private async explainMissingTask(
    taskId: string,
    original: FatalApiError
  ): Promise<FatalApiError> {
    let known: UpgradeTask[]
    try {
      known = (await this.listTasks()).value.items
    } catch (e) {
      return e instanceof FatalApiError && e.status === 404 ? e : original
    }
    const ids = known
      .map(t => `${t.uid} (${t.version} → ${t.targetVersion}, ${t.phase})`)
      .slice(0, 5)
    const list = ids.length
      ? `; its upgrade tasks: ${ids.join(', ')}`
      : '; the cluster has no upgrade task'
    return new FatalApiError(
      `Upgrade task ${taskId} was not found on ${this.cluster}: ${describeDetails(original.details)}${list}. Check task-id (the metadata.uid of the upgrade call), or leave it empty to wait on the cluster's current upgrade.`,
      404,
      original.details
    )
  }

  /** For calls on the cluster itself, where a 404 can only mean the cluster is not there. */
  private clusterLevel(what: string): Call<never>['explain'] {
    return (status, d) =>
      status === 404
        ? `Cluster ${this.t.clusterId} was not found in project ${this.t.projectId}: ${describeDetails(d)}. Check cluster-id and that region/project-id are the cluster's${this.autopilotHint()}.`
        : this.explain(status, d, what)
  }

  private autopilotHint(): string {
    return this.t.clusterType === 'cce'
      ? ' (an Autopilot cluster needs cluster-type: autopilot)'
      : ' (cluster-type is autopilot: for a CCE standard or Turbo cluster leave it at cce)'
  }

  private explain(status: number, d: ErrorDetails, what: string): string {
    const detail = describeDetails(d)
    if (status === 401 || status === 403) {
      return `CCE refused access to ${what} (HTTP ${status} ${detail}). ${ACCESS_HINT[status]}`
    }
    if (status === 404) return `CCE did not find ${what} (HTTP 404 ${detail}).`
    return `CCE refused the request for ${what} (HTTP ${status} ${detail}). Check cluster-id, task-id, workflow-id and project-id.`
  }
}
