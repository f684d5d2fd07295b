import { Api, DeadlineError, FatalApiError, Logger } from './api.js'
import { Authorizer, akskAuthorizer, tokenAuthorizer } from './auth.js'
import { CceClient } from './cce.js'
import { CancelledError, Clock, systemClock } from './clock.js'
import { Config, InputError } from './config.js'
import { coreIo } from './core-io.js'
import { newestTask } from './discover.js'
import { formatDuration } from './duration.js'
import { IamClient } from './iam.js'
import { Env, GetInput, readConfig } from './inputs.js'
import { ProgressLog, versions } from './progress.js'
import { Target, endReport } from './report.js'
import { Secrets } from './secrets.js'
import { Send, createTransport } from './transport.js'
import { WaitResult, stopOf, waitForTask } from './waiter.js'

/** Everything the action reads from or writes to the runner; @actions/core in production, a recorder in tests. */
export interface ActionIo {
  getInput: GetInput
  env: Env
  debug(message: string): void
  info(message: string): void
  warning(message: string): void
  setSecret(value: string): void
  setOutput(name: string, value: string): void
  setFailed(message: string): void
  writeSummary(markdown: string): Promise<void>
  getIDToken(audience?: string): Promise<string>
}

export interface RunOptions {
  clock?: Clock
  send?: Send
  signal?: AbortSignal
}

export const USER_AGENT = 'cce-upgrade-gate/1 (+github-action)'

/** Without arguments (as @github/local-action calls it), talks to the runner through @actions/core. */
export async function run(io: ActionIo = coreIo(), opts: RunOptions = {}): Promise<void> {
  const clock = opts.clock ?? systemClock
  const secrets = new Secrets(v => io.setSecret(v))
  const log: Logger = {
    debug: m => io.debug(secrets.redact(m)),
    info: m => io.info(secrets.redact(m)),
    warning: m => io.warning(secrets.redact(m))
  }
  const startedAt = clock.now()

  let config: Config
  try {
    config = readConfig(io.getInput, io.env, secrets)
    if (config.credential.kind === 'oidc') requireOidcEnvironment(io.env)
  } catch (e) {
    if (!(e instanceof InputError)) throw e
    const clusterId = io.getInput('cluster-id').trim() || '(not set)'
    return finish(io, log, secrets, result('error', startedAt, clock, e.message), {
      clusterId,
      timeoutMs: 0
    })
  }

  const target: Target = {
    clusterId: config.clusterId,
    taskId: config.taskId,
    timeoutMs: config.timeoutMs
  }
  const transport = opts.send
    ? { send: opts.send, close: () => undefined }
    : createTransport(USER_AGENT)
  const deadline = startedAt + config.timeoutMs
  const api = new Api({
    send: transport.send,
    clock,
    log,
    intervalMs: config.intervalMs,
    deadline,
    signal: opts.signal
  })
  log.info(`Credentials: ${config.credential.source}`)
  if (config.regionSource) log.debug(`Region ${config.region} from ${config.regionSource}`)
  log.debug(
    `CCE endpoint ${config.cceEndpoint.href}, IAM endpoint ${config.iamEndpoint.href}, timeout ${formatDuration(config.timeoutMs)}, interval ${formatDuration(config.intervalMs)}, on-pause ${config.onPause}`
  )

  let outcome: WaitResult
  try {
    const { auth, projectId } = await login(config, api, io, secrets, log)
    const cce = new CceClient(api, config.cceEndpoint, projectId, auth)
    const taskId = config.taskId ?? (await discoverTask(cce, config.clusterId, clock, log))
    target.taskId = taskId
    log.info(
      `Waiting for upgrade task ${taskId} of cluster ${config.clusterId} (timeout ${formatDuration(config.timeoutMs)}, polling every ${formatDuration(config.intervalMs)})`
    )
    outcome = await waitForTask({
      poll: () => cce.getTask(config.clusterId, taskId),
      clock,
      intervalMs: config.intervalMs,
      deadline,
      onPause: config.onPause,
      signal: opts.signal,
      hooks: new ProgressLog(log, clock, cce.resumeUrl(config.clusterId), deadline)
    })
    outcome.startedAt = startedAt
  } catch (e) {
    const stop = stopOf(e)
    outcome = result(stop.end, startedAt, clock, stop.problem)
  } finally {
    transport.close()
  }
  return finish(io, log, secrets, outcome, target)
}

function result(
  end: WaitResult['end'],
  startedAt: number,
  clock: Clock,
  problem?: string
): WaitResult {
  return { end, passed: false, polls: 0, startedAt, endedAt: clock.now(), timeline: [], problem }
}

async function finish(
  io: ActionIo,
  log: Logger,
  secrets: Secrets,
  outcome: WaitResult,
  target: Target
): Promise<void> {
  const report = endReport(outcome, target)
  for (const [name, value] of Object.entries(report.outputs))
    io.setOutput(name, secrets.redact(value))
  try {
    await io.writeSummary(secrets.redact(report.summary))
  } catch (e) {
    log.debug(`Job summary not written: ${e instanceof Error ? e.message : String(e)}`)
  }
  const message = secrets.redact(report.message)
  if (!report.passed) io.setFailed(message)
  else if (outcome.end === 'paused') log.warning(message)
  else log.info(message)
}

function requireOidcEnvironment(env: Env): void {
  if (!env['ACTIONS_ID_TOKEN_REQUEST_URL'] || !env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']) {
    throw new InputError(
      'Input identity-provider asks for GitHub OIDC login, but this job cannot request an ID token: add `permissions: id-token: write` to the job (or workflow). Pull requests from forks never get one.'
    )
  }
}

async function login(
  config: Config,
  api: Api,
  io: ActionIo,
  secrets: Secrets,
  log: Logger
): Promise<{ auth: Authorizer; projectId: string }> {
  const iam = new IamClient(api, config.iamEndpoint)
  const cred = config.credential
  let auth: Authorizer
  let projectId = config.projectId
  if (cred.kind === 'oidc') {
    let idToken: string
    try {
      idToken = await api.bounded(io.getIDToken(cred.audience))
    } catch (e) {
      if (e instanceof DeadlineError || e instanceof CancelledError) throw e
      throw new FatalApiError(
        `Could not get the GitHub OIDC ID token: ${e instanceof Error ? e.message.replace(/\s+/g, ' ') : String(e)}. Check that the job has permissions: id-token: write.`
      )
    }
    secrets.add(idToken)
    const scoped = await iam.exchangeIdToken(idToken, cred.identityProvider, {
      projectId,
      region: config.region
    })
    secrets.add(scoped.token)
    log.info(
      `Logged in to IAM with the GitHub OIDC token (identity provider ${cred.identityProvider}${scoped.expiresAt ? `, token valid until ${scoped.expiresAt}` : ''})`
    )
    auth = tokenAuthorizer(scoped.token)
    if (!projectId) {
      if (!scoped.project)
        throw new FatalApiError('IAM returned a token without a project scope: set project-id.')
      projectId = scoped.project.id
      log.info(`Project ${scoped.project.name}: ${projectId} (from the token's scope)`)
    }
  } else {
    auth = cred.kind === 'token' ? tokenAuthorizer(cred.token) : akskAuthorizer(cred)
  }
  if (!projectId) {
    projectId = await iam.projectIdFor(config.region as string, auth)
    log.info(`Project ${config.region}: ${projectId} (looked up in IAM)`)
  } else if (config.projectSource) {
    log.debug(`Project ID from ${config.projectSource}`)
  }
  return { auth, projectId }
}

async function discoverTask(
  cce: CceClient,
  clusterId: string,
  clock: Clock,
  log: Logger
): Promise<string> {
  const { value: tasks } = await cce.listTasks(clusterId)
  const newest = newestTask(tasks)
  if (!newest) {
    throw new FatalApiError(
      `Cluster ${clusterId} has no upgrade task: start the upgrade first (console or POST …/clusters/${clusterId}/operation/upgrade), or give task-id.`
    )
  }
  const age =
    newest.createdAt === undefined
      ? 'created at an unreadable time'
      : `created ${formatDuration(Math.max(0, clock.now() - newest.createdAt))} ago`
  log.info(
    `No task-id given: waiting on the newest of ${tasks.length} upgrade task(s), ${newest.task.uid} (${versions(newest.task)}, ${newest.task.phase}, ${age})`
  )
  return newest.task.uid
}
