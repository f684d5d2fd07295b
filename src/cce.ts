import { Api, FatalApiError, Reply } from './api.js'
import { ErrorDetails, describeDetails } from './api-error.js'
import type { Authorizer } from './auth.js'
import { joinUrl } from './endpoints.js'
import { UpgradeTask, decodeTask, decodeTaskList } from './task.js'

const ACCESS_HINT = {
  401: "CCE did not accept the credentials: check that access-key-id and secret-access-key (or the token) are right, current and of this account, and that the runner's clock is right (signatures more than 15 minutes off are refused).",
  403: 'The identity may not read this: grant it CCE read permissions in this project (e.g. the CCE ReadOnlyAccess policy), and check that the cluster-upgrade APIs are enabled for the account: Huawei opens them on request.'
}

/** The two CCE calls the gate makes (ShowUpgradeClusterTask, ListUpgradeClusterTasks). */
export class CceClient {
  constructor(
    private readonly api: Api,
    private readonly endpoint: URL,
    private readonly projectId: string,
    private readonly auth: Authorizer
  ) {}

  private tasksUrl(clusterId: string, taskId?: string): URL {
    const path = `/api/v3/projects/${this.projectId}/clusters/${clusterId}/operation/upgrade/tasks`
    return joinUrl(this.endpoint, taskId ? `${path}/${taskId}` : path)
  }

  /** Where a person resumes a paused upgrade (POST). */
  resumeUrl(clusterId: string): string {
    return joinUrl(
      this.endpoint,
      `/api/v3/projects/${this.projectId}/clusters/${clusterId}/operation/upgrade/continue`
    ).href
  }

  async getTask(clusterId: string, taskId: string): Promise<Reply<UpgradeTask>> {
    try {
      return await this.api.call({
        method: 'GET',
        url: this.tasksUrl(clusterId, taskId),
        auth: this.auth,
        decode: decodeTask,
        explain: (status, d) =>
          this.explain(status, d, `upgrade task ${taskId} of cluster ${clusterId}`)
      })
    } catch (e) {
      if (e instanceof FatalApiError && e.status === 404)
        throw await this.explainMissingTask(clusterId, taskId, e)
      throw e
    }
  }

  async listTasks(clusterId: string): Promise<Reply<UpgradeTask[]>> {
    return this.api.call({
      method: 'GET',
      url: this.tasksUrl(clusterId),
      auth: this.auth,
      decode: decodeTaskList,
      explain: (status, d) =>
        status === 404
          ? `Cluster ${clusterId} was not found in project ${this.projectId}: ${describeDetails(d)}. Check cluster-id and that region/project-id are the cluster's.`
          : this.explain(status, d, `the upgrade tasks of cluster ${clusterId}`)
    })
  }

  /** A 404 does not say whether the cluster or the task is missing: the task list does. */
  private async explainMissingTask(
    clusterId: string,
    taskId: string,
    original: FatalApiError
  ): Promise<FatalApiError> {
    let known: UpgradeTask[]
    try {
      known = (await this.listTasks(clusterId)).value
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
      `Upgrade task ${taskId} was not found on cluster ${clusterId}: ${describeDetails(original.details)}${list}. Check task-id (the metadata.uid of the upgrade call), or leave it empty to wait on the newest task.`,
      404,
      original.details
    )
  }

  private explain(status: number, d: ErrorDetails, what: string): string {
    const detail = describeDetails(d)
    if (status === 401 || status === 403) {
      return `CCE refused access to ${what} (HTTP ${status} ${detail}). ${ACCESS_HINT[status]}`
    }
    if (status === 404) return `CCE did not find ${what} (HTTP 404 ${detail}).`
    return `CCE refused the request for ${what} (HTTP ${status} ${detail}). Check cluster-id, task-id and project-id.`
  }
}
