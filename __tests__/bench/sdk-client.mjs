// @ts-check
// The benchmark's yardstick: the same job (one signed GET of the upgrade task, outputs written) done the way
// Huawei's own Node SDK does it. Bundled with ncc exactly like dist/ at bench time; never part of the action.
import * as core from '@actions/core'
import { ClientBuilder } from '@huaweicloud/huaweicloud-sdk-core/ClientBuilder.js'
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials.js'

const input = name => core.getInput(name)
const credentials = new BasicCredentials()
  .withAk(input('access-key-id'))
  .withSk(input('secret-access-key'))
  .withProjectId(input('project-id'))
const client = new ClientBuilder(hc => hc)
  .withCredential(credentials)
  .withEndpoint(input('endpoint'))
  .build()

try {
  const res = await client.sendRequest({
    method: 'GET',
    url: '/api/v3/projects/{project_id}/clusters/{cluster_id}/operation/upgrade/tasks/{task_id}',
    contentType: 'application/json',
    queryParams: {},
    pathParams: { cluster_id: input('cluster-id'), task_id: input('task-id') },
    headers: {}
  })
  const task = /** @type {any} */ (res).result ?? res
  core.setOutput('phase', task.status?.phase)
  core.setOutput('progress', task.status?.progress)
  core.setOutput('targetVersion', task.spec?.targetVersion)
  core.setOutput('version', task.spec?.version)
  core.setOutput('taskId', task.metadata?.uid)
  core.setOutput('completionTime', task.status?.completionTime)
  if (task.status?.phase !== 'Success') core.setFailed(`phase ${task.status?.phase}`)
} catch (e) {
  core.setFailed(String(e?.message ?? e))
}
