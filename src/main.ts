import { Api, Logger } from './huawei/api.js'
import { CceClient } from './cce/client.js'
import { Clock, systemClock } from './lib/clock.js'
import { Config, InputError, WaitTarget } from './lib/config.js'
import { coreIo } from './action/core-io.js'
import type { ActionIo } from './action/io.js'
import { formatDuration } from './lib/duration.js'
import { Env, readConfig } from './action/inputs.js'
import { login } from './huawei/login.js'
import { stateKey } from './gate/observation.js'
import { UpgradeObserver } from './gate/observer.js'
import { ProgressLog } from './action/progress.js'
import { Target, endReport } from './action/report.js'
import { Secrets } from './lib/secrets.js'
import { Send, createTransport } from './huawei/transport.js'
import { Policy } from './gate/verdict.js'
import { WaitResult, stopOf, waitForUpgrade } from './gate/waiter.js'

export interface RunOptions {
  clock?: Clock
  send?: Send
  signal?: AbortSignal
  /** Where the secrets are registered; index.ts passes its own, so that its last resort redacts them too. */
  secrets?: Secrets
}

export const USER_AGENT = 'cce-upgrade-gate/1 (+github-action)'

/** Without arguments (as @github/local-action calls it), talks to the runner through @actions/core. */
export async function run(io: ActionIo = coreIo(), opts: RunOptions = {}): Promise<void> {
  const clock = opts.clock ?? systemClock
  const secrets = opts.secrets ?? new Secrets(v => io.setSecret(v))
  const log: Logger = {
    debug: m => io.debug(secrets.redact(m)),
    info: m => io.info(secrets.redact(m)),
    warning: m => io.warning(secrets.redact(m))
  }
  // the one start of the run: elapsed times in the log, the summary and the deadline all count from here, on the
  // monotonic clock (a step of the runner's wall clock neither ends the wait early nor lets it run past its
  // timeout); the API's clock (api.apiClockOffsetMs) dates this instant wherever it meets the API's timestamps
  const startedAt = clock.monotonic()
  const ended = (stop: ReturnType<typeof stopOf>): WaitResult => ({
    ...stop,
    polls: 0,
    startedAt,
    endedAt: clock.monotonic(),
    timeline: []
  })

  let config: Config
  try {
    config = readConfig(io.getInput, io.env, secrets)
    if (config.credential.kind === 'oidc') requireOidcEnvironment(io.env, secrets)
  } catch (e) {
    if (!(e instanceof InputError)) throw e
    const clusterId = io.getInput('cluster-id').trim() || '(not set)'
    return finish(io, log, secrets, ended({ end: 'error', problem: e.message }), {
      clusterId,
      target: { kind: 'current' },
      timeoutMs: 0
    })
  }

  const target: Target = {
    clusterId: config.clusterId,
    target: config.target,
    timeoutMs: config.timeoutMs,
    timeoutBareNumber: config.timeoutBareNumber,
    maxAgeMs: config.maxAgeMs
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
    signal: opts.signal,
    redact: text => secrets.redact(text)
  })
  log.info(`Credentials: ${config.credential.source}`)
  if (config.regionSource) log.debug(`Region ${config.region} from ${config.regionSource}`)
  log.debug(
    `CCE endpoint ${config.cceEndpoint.href} (${config.clusterType}), IAM endpoint ${config.iamEndpoint.href}, timeout ${formatDuration(config.timeoutMs)}, interval ${formatDuration(config.intervalMs)}, on-pause ${config.onPause}${config.maxAgeMs === undefined ? '' : `, max-age ${formatDuration(config.maxAgeMs)}`}`
  )

  const progress = new ProgressLog(log, clock, {
    clusterId: config.clusterId,
    startedAt,
    deadline,
    maxAgeMs: config.maxAgeMs,
    guard: isGuard(config),
    apiClockOffsetMs: () => api.apiClockOffsetMs()
  })
  let outcome: WaitResult
  try {
    const { auth, projectId } = await login(config, {
      api,
      secrets,
      log,
      getIDToken: audience => io.getIDToken(audience)
    })
    const cce = new CceClient(
      api,
      {
        endpoint: config.cceEndpoint,
        projectId,
        clusterId: config.clusterId,
        clusterType: config.clusterType
      },
      auth
    )
    const policy: Policy = {
      onPause: config.onPause,
      waitForPostCheck: config.waitForPostCheck,
      waitForNewUpgrade: config.maxAgeMs !== undefined && config.target.kind === 'current',
      guard: isGuard(config),
      requireVersion: config.requireVersion
    }
    // an ID names its upgrade: max-age only narrows the search for the current one
    const discovering = config.target.kind === 'current'
    if (config.maxAgeMs !== undefined && !discovering)
      log.info(`max-age is ignored: ${config.target.kind}-id names the upgrade to wait on.`)
    // the step's start by the API's clock, which stamps the upgrades (a runner clock a few minutes off must not
    // let last hour's upgrade count as a new one)
    const maxAgeMs = config.maxAgeMs
    const notBefore =
      maxAgeMs === undefined || !discovering
        ? undefined
        : () => startedAt + api.apiClockOffsetMs() - maxAgeMs
    const observer = new UpgradeObserver(
      cce,
      config.target,
      clock,
      policy,
      e => progress.event(e),
      { notBefore, apiNow: () => api.apiNow(), startedAt }
    )
    const what = isGuard(config)
      ? `any upgrade under way on cluster ${config.clusterId} (guard use: no task-id, workflow-id or max-age), then the cluster to be Available`
      : describeTarget(config.target, config.clusterId)
    log.info(
      config.wait
        ? `Waiting for ${what} (timeout ${formatDuration(config.timeoutMs)}, polling every ${formatDuration(config.intervalMs)})`
        : `Looking once for ${what} (wait: false: no waiting)`
    )
    outcome = await waitForUpgrade({
      observe: () => observer.observe(),
      stateKey,
      clock,
      intervalMs: () => api.pollIntervalMs(),
      startedAt,
      deadline,
      policy,
      signal: opts.signal,
      hooks: progress,
      once: !config.wait
    })
  } catch (e) {
    outcome = ended(unexpectedToo(e, log))
  } finally {
    transport.close()
  }
  // the chart of the steps draws the wait by the API's clock, once an answer said what it is
  const apiClockOffsetMs = api.apiClock.measured ? api.apiClockOffsetMs() : undefined
  return finish(io, log, secrets, outcome, { ...target, apiClockOffsetMs }, progress.warnings)
}

/** Guard use: no ID and no max-age; the step holds deploys only while an upgrade is under way or after a failed one. */
function isGuard(config: Config): boolean {
  return config.target.kind === 'current' && config.maxAgeMs === undefined
}

/** How an error ends the run; a bug, too, ends it with outputs and a summary, its stack only in the debug log. */
function unexpectedToo(e: unknown, log: Logger): ReturnType<typeof stopOf> {
  try {
    return stopOf(e)
  } catch {
    log.debug(e instanceof Error && e.stack ? e.stack : String(e))
    return {
      end: 'error',
      problem: `Unexpected error: ${e instanceof Error ? e.message : String(e)}`
    }
  }
}

function describeTarget(t: WaitTarget, clusterId: string): string {
  switch (t.kind) {
    case 'task':
      return `upgrade task ${t.taskId} of cluster ${clusterId}, then the cluster to be Available`
    case 'workflow':
      return `upgrade workflow ${t.workflowId} of cluster ${clusterId}, then the cluster to be Available`
    case 'current':
      return `the current upgrade of cluster ${clusterId} (its newest upgrade workflow or task), then the cluster to be Available`
  }
}

async function finish(
  io: ActionIo,
  log: Logger,
  secrets: Secrets,
  outcome: WaitResult,
  target: Target,
  warnings: string[] = []
): Promise<void> {
  const report = endReport(outcome, target, warnings)
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

function requireOidcEnvironment(env: Env, secrets: Secrets): void {
  // the bearer token of GitHub's ID token request: an error from @actions/core may echo it
  secrets.add(env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'])
  if (!env['ACTIONS_ID_TOKEN_REQUEST_URL'] || !env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']) {
    throw new InputError(
      'Input identity-provider asks for GitHub OIDC login, but this job cannot request an ID token: add `permissions: id-token: write` to the job (or workflow). Pull requests from forks never get one.'
    )
  }
}
