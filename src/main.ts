import { Api, Logger } from './huawei/api.js'
import { Clock, systemClock } from './lib/clock.js'
import { Config, InputError } from './lib/config.js'
import { coreIo } from './action/core-io.js'
import type { ActionIo } from './action/io.js'
import { formatDuration } from './lib/duration.js'
import { Env, readConfig } from './action/inputs.js'
import { login } from './huawei/login.js'
import { EndReport, Target, endReport } from './action/report.js'
import { fleetOutputs, fleetReport } from './action/fleet-report.js'
import { ClusterOutcome, clusterNameOf, fleetVerdict } from './gate/fleet.js'
import { Secrets } from './lib/secrets.js'
import { Send, createTransport } from './huawei/transport.js'
import { WaitResult, stopOf } from './gate/waiter.js'
import { endedEarly, progressLog, unexpectedToo, waitForCluster } from './cluster-run.js'
import { runFleet } from './fleet.js'

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
  const ended = (stop: ReturnType<typeof stopOf>): WaitResult => endedEarly(stop, startedAt, clock)

  let config: Config
  try {
    config = readConfig(io.getInput, io.env, secrets)
    if (config.credential.kind === 'oidc') requireOidcEnvironment(io.env, secrets)
  } catch (e) {
    if (!(e instanceof InputError)) throw e
    const clusterId = io.getInput('cluster-id').trim() || '(not set)'
    return finish(io, log, secrets, ended({ end: 'error', problem: e.message }), {
      unread: true,
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
  if (config.clusterIds.length > 1) {
    logSettings(config, log)
    try {
      const end = await runFleet({
        config,
        target,
        clock,
        log,
        startedAt,
        deadline,
        signal: opts.signal,
        send: transport.send,
        secrets,
        getIDToken: audience => io.getIDToken(audience)
      })
      return await finishFleet(io, log, secrets, end.outcomes, {
        ...target,
        apiClockOffsetMs: end.apiClockOffsetMs
      })
    } finally {
      transport.close()
    }
  }
  const api = new Api({
    send: transport.send,
    clock,
    log,
    intervalMs: config.intervalMs,
    deadline,
    signal: opts.signal,
    redact: text => secrets.redact(text)
  })
  logSettings(config, log)

  const run = { config, clusterId: config.clusterId, api, clock, log, startedAt, deadline }
  const progress = progressLog(run)
  let outcome: WaitResult
  try {
    const session = await login(config, {
      api,
      secrets,
      log,
      getIDToken: audience => io.getIDToken(audience)
    })
    outcome = await waitForCluster({ ...run, session, progress, signal: opts.signal })
  } catch (e) {
    outcome = ended(unexpectedToo(e, log))
  } finally {
    transport.close()
  }
  // the chart of the steps draws the wait by the API's clock, once an answer said what it is
  const apiClockOffsetMs = api.apiClock.measured ? api.apiClockOffsetMs() : undefined
  return finish(io, log, secrets, outcome, { ...target, apiClockOffsetMs }, progress.warnings)
}

function logSettings(config: Config, log: Logger): void {
  log.info(`Credentials: ${config.credential.source}`)
  if (config.regionSource) log.debug(`Region ${config.region} from ${config.regionSource}`)
  log.debug(
    `CCE endpoint ${config.cceEndpoint.href} (${config.clusterType}), IAM endpoint ${config.iamEndpoint.href}, timeout ${formatDuration(config.timeoutMs)}, interval ${formatDuration(config.intervalMs)}, on-pause ${config.onPause}${config.maxAgeMs === undefined ? '' : `, max-age ${formatDuration(config.maxAgeMs)}`}`
  )
}

/** One cluster: the outputs, summary and message as ever, and `results`, `passed` and `failed` of that one. */
async function finish(
  io: ActionIo,
  log: Logger,
  secrets: Secrets,
  outcome: WaitResult,
  target: Target & { unread?: boolean },
  warnings: string[] = []
): Promise<void> {
  const report = endReport(outcome, target, warnings)
  const one = {
    clusterId: target.clusterId,
    name: clusterNameOf(outcome),
    result: outcome,
    warnings
  }
  // inputs that could not be read name no cluster to list
  const lists = target.unread
    ? { results: '[]', passed: '[]', failed: '[]' }
    : fleetOutputs([{ o: one, report }], fleetVerdict([one]), text => secrets.redact(text))
  for (const [name, value] of Object.entries({ ...report.outputs, ...lists }))
    io.setOutput(name, secrets.redact(value))
  await writeEnd(io, log, secrets, report, outcome.end === 'paused')
}

async function finishFleet(
  io: ActionIo,
  log: Logger,
  secrets: Secrets,
  outcomes: ClusterOutcome[],
  target: Target
): Promise<void> {
  const report = fleetReport(outcomes, target, text => secrets.redact(text))
  for (const [name, value] of Object.entries(report.outputs))
    io.setOutput(name, secrets.redact(value))
  await writeEnd(io, log, secrets, report, report.outputs['result'] === 'paused')
}

async function writeEnd(
  io: ActionIo,
  log: Logger,
  secrets: Secrets,
  report: EndReport,
  paused: boolean
): Promise<void> {
  try {
    await io.writeSummary(secrets.redact(report.summary))
  } catch (e) {
    log.debug(`Job summary not written: ${e instanceof Error ? e.message : String(e)}`)
  }
  const message = secrets.redact(report.message)
  if (!report.passed) io.setFailed(message)
  else if (paused) log.warning(message)
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
