/**
 * A step that gates several clusters (issue 21): one login and one project lookup for all, then each cluster's
 * wait as for one cluster (cluster-run.ts), side by side, every request through one StepPacer. The step ends
 * when every cluster's wait has ended, or with fail-fast at the first cluster that does not pass; a timeout or a
 * cancellation ends every wait.
 */
import { Api, Logger } from './huawei/api.js'
import type { Clock } from './lib/clock.js'
import type { Config } from './lib/config.js'
import { ApiClock } from './huawei/skew.js'
import { ClusterOutcome, clusterNameOf } from './gate/fleet.js'
import { formatElapsed } from './lib/duration.js'
import { HEARTBEAT_MS, WaitResult, passed } from './gate/waiter.js'
import { Session, login } from './huawei/login.js'
import type { Secrets } from './lib/secrets.js'
import type { Send } from './huawei/transport.js'
import { StepLane, StepPacer } from './huawei/step-pacer.js'
import { type FleetTarget } from './action/fleet-report.js'
import { endReport } from './action/report.js'
import {
  clusterName,
  endedEarly,
  progressLog,
  unexpectedToo,
  waitForCluster
} from './cluster-run.js'

export interface FleetRun {
  config: Config
  /** For each cluster's end line (its message as a single-cluster step would give it). */
  target: FleetTarget
  clock: Clock
  /** The step's log (secrets already redacted). */
  log: Logger
  startedAt: number
  deadline: number
  signal?: AbortSignal
  send: Send
  secrets: Secrets
  getIDToken(audience?: string): Promise<string>
}

/** Every cluster's log line starts with this: its name, or its ID until ShowCluster gave the name. */
export function clusterPrefix(nameOrId: string): string {
  return `[${nameOrId}] `
}

function prefixed(log: Logger, prefix: () => string): Logger {
  return {
    debug: m => log.debug(prefix() + m),
    info: m => log.info(prefix() + m),
    warning: m => log.warning(prefix() + m)
  }
}

export interface FleetEnd {
  outcomes: ClusterOutcome[]
  /** API time − monotonic reading, once an answer said the API's time (for the summary's chart). */
  apiClockOffsetMs?: number
}

export async function runFleet(f: FleetRun): Promise<FleetEnd> {
  const { config, clock, deadline } = f
  const ids = config.clusterIds
  const pacer = new StepPacer(clock, config.intervalMs, ids.length)
  // one API clock for the step: the first answer's Date header dates every cluster's comparisons and signatures
  const apiClock = new ApiClock(clock, () =>
    f.log.info(
      "No answer has said the API's time yet (no readable Date header): this runner's clock stands in for the API's until one does."
    )
  )
  // ends every cluster's wait: the runner's cancellation, or fail-fast
  const stop = new AbortController()
  const relay = (): void => stop.abort()
  f.signal?.addEventListener('abort', relay, { once: true })
  if (f.signal?.aborted) stop.abort()
  const apiFor = (log: Logger, lane = pacer.lane()): Api =>
    new Api({
      send: f.send,
      clock,
      log,
      intervalMs: config.intervalMs,
      deadline,
      signal: stop.signal,
      redact: text => f.secrets.redact(text),
      pacer: lane,
      apiClock
    })

  try {
    const outcomes = await gate(f, pacer, apiFor, stop)
    return { outcomes, ...(apiClock.measured ? { apiClockOffsetMs: apiClock.offsetMs() } : {}) }
  } finally {
    f.signal?.removeEventListener('abort', relay)
  }
}

async function gate(
  f: FleetRun,
  pacer: StepPacer,
  apiFor: (log: Logger, lane?: StepLane) => Api,
  stop: AbortController
): Promise<ClusterOutcome[]> {
  const { config, clock, startedAt, deadline } = f
  const ids = config.clusterIds
  let session: Session
  try {
    session = await login(config, {
      api: apiFor(f.log),
      secrets: f.secrets,
      log: f.log,
      getIDToken: audience => f.getIDToken(audience)
    })
  } catch (e) {
    const result = endedEarly(unexpectedToo(e, f.log), startedAt, clock)
    return ids.map(clusterId => ({ clusterId, result, warnings: [] }))
  }

  f.log.info(
    `Gating ${ids.length} clusters in one step${config.failFast ? ' (fail-fast: the first that does not pass ends the step)' : ''}; each line of a cluster starts with its name in brackets (its ID where ShowCluster gives none).`
  )
  let failFastBy: string | undefined
  let ended = 0
  let notPassed = 0
  const one = async (clusterId: string, i: number): Promise<ClusterOutcome> => {
    let name: string | undefined
    const log = prefixed(f.log, () => clusterPrefix(name ?? clusterId))
    const lane = pacer.lane()
    const api = apiFor(log, lane)
    const run = { config, clusterId, api, clock, log, startedAt, deadline }
    const progress = progressLog(run, false)
    let result: WaitResult
    try {
      // the first requests spread over one interval, not all at once
      await clock.sleep((i * config.intervalMs) / ids.length, stop.signal)
      // ranked as a poll begun now in the step's queue, not ahead of the polls under way
      lane.pollStarted(clock.monotonic())
      name = await clusterName({ ...run, session })
      result = await waitForCluster({
        ...run,
        session,
        progress,
        signal: stop.signal,
        onPoll: at => lane.pollStarted(at),
        followByLists: true
      })
    } catch (e) {
      result = endedEarly(unexpectedToo(e, log), startedAt, clock)
    }
    pacer.finished()
    ended++
    const message = endReport(result, { ...f.target, clusterId }).message
    if (passed(result) || result.end === 'cancelled') log.info(message)
    else log.warning(message)
    const stoppedByFailFast =
      failFastBy !== undefined && result.end === 'cancelled' && !f.signal?.aborted
    if (!passed(result)) {
      notPassed++
      if (config.failFast && !stop.signal.aborted) {
        failFastBy = clusterId
        f.log.info(
          `Cluster ${clusterId}${name ? ` (${name})` : ''} did not pass (${result.end}): fail-fast ends the wait of every other cluster.`
        )
        stop.abort()
      }
    }
    const shownName = clusterNameOf(result) ?? name
    return {
      clusterId,
      ...(shownName ? { name: shownName } : {}),
      result,
      warnings: progress.warnings,
      ...(stoppedByFailFast ? { stoppedByFailFast } : {})
    }
  }

  // one heartbeat for the step while clusters wait (each cluster logs only its changes)
  const quiet = new AbortController()
  const heartbeat = (async () => {
    for (;;) {
      await clock.sleep(HEARTBEAT_MS, quiet.signal)
      f.log.info(
        `Still waiting on ${ids.length - ended} of ${ids.length} clusters (${ended - notPassed} passed, ${notPassed} did not) · ${formatElapsed(clock.monotonic() - startedAt)} elapsed`
      )
    }
  })().catch(() => undefined)
  try {
    return await Promise.all(ids.map(one))
  } finally {
    quiet.abort()
    await heartbeat
  }
}
