/** One cluster's wait: its CCE calls, observer, progress log and waiter, wired (main.ts runs one; fleet.ts several). */
import { type Api, DeadlineError, FatalApiError, type Logger } from './huawei/api.js'
import { CceClient } from './cce/client.js'
import { CancelledError, type Clock } from './lib/clock.js'
import type { Config, WaitTarget } from './lib/config.js'
import { formatDuration } from './lib/duration.js'
import type { Session } from './huawei/login.js'
import { stateKey } from './gate/observation.js'
import { UpgradeObserver } from './gate/observer.js'
import { ProgressLog } from './action/progress.js'
import type { Policy } from './gate/verdict.js'
import { WaitResult, stopOf, waitForUpgrade } from './gate/waiter.js'

export interface ClusterRun {
  config: Config
  clusterId: string
  /** The calls of this cluster go through it (its own, or with several clusters, one with the cluster's lane). */
  api: Api
  session: Session
  clock: Clock
  log: Logger
  progress: ProgressLog
  startedAt: number
  deadline: number
  signal?: AbortSignal
  /** Told when each poll begins (epoch ms). */
  onPoll?: (at: number) => void
  /** Read the lists at every poll (see ObserverOptions.followByLists). */
  followByLists?: boolean
}

/** The progress log of one cluster's wait. */
export function progressLog(
  r: Pick<ClusterRun, 'config' | 'clusterId' | 'api' | 'clock' | 'log' | 'startedAt' | 'deadline'>,
  heartbeat = true
): ProgressLog {
  return new ProgressLog(r.log, r.clock, {
    clusterId: r.clusterId,
    startedAt: r.startedAt,
    deadline: r.deadline,
    maxAgeMs: r.config.maxAgeMs,
    guard: isGuard(r.config),
    apiClockOffsetMs: () => r.api.apiClockOffsetMs(),
    heartbeat
  })
}

type CceOf = Pick<ClusterRun, 'config' | 'clusterId' | 'api' | 'session'>

function cceOf(r: CceOf): CceClient {
  return new CceClient(
    r.api,
    {
      endpoint: r.config.cceEndpoint,
      projectId: r.session.projectId,
      clusterId: r.clusterId,
      clusterType: r.config.clusterType
    },
    r.session.auth
  )
}

/** How long a fleet's name lookup may take before the cluster's lines keep its ID. */
export const NAME_LOOKUP_MS = 30_000
/**
 * A CCE cluster name (lowercase letters, digits and hyphens, starting with a letter, at most 128): anything else (a
 * line break, a workflow command) never reaches every line's prefix.
 */
const CLUSTER_NAME = /^[a-z][a-z0-9-]{0,127}$/

/**
 * The cluster's name (ShowCluster's metadata.name), for a fleet's log lines. Best effort and bounded: a refusal,
 * an error or the bound leaves it unknown (the wait that follows meets and explains any real problem).
 */
export async function clusterName(
  r: CceOf & Pick<ClusterRun, 'clock' | 'log' | 'deadline'>
): Promise<string | undefined> {
  try {
    const read = (
      await cceOf(r).getCluster(Math.min(r.deadline, r.clock.monotonic() + NAME_LOOKUP_MS))
    ).value
    const name = read.kind === 'read' ? read.status.name : undefined
    if (name === undefined || CLUSTER_NAME.test(name)) return name
    r.log.debug(
      "ShowCluster gave a name that is not a CCE cluster name: this cluster's lines keep its ID."
    )
    return undefined
  } catch (e) {
    // a refusal or the bound: the wait that follows meets it again and says what it means; a cancellation, too,
    // ends that wait at once
    if (!(e instanceof FatalApiError || e instanceof DeadlineError || e instanceof CancelledError))
      throw e
    r.log.debug(`ShowCluster gave no name (${e.message}): this cluster's lines keep its ID.`)
    return undefined
  }
}

export async function waitForCluster(r: ClusterRun): Promise<WaitResult> {
  const { config, api, clock, log, progress, startedAt } = r
  const cce = cceOf(r)
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
  const observer = new UpgradeObserver(cce, config.target, clock, policy, e => progress.event(e), {
    notBefore,
    apiNow: () => api.apiNow(),
    startedAt,
    followByLists: r.followByLists
  })
  const what = isGuard(config)
    ? `any upgrade under way on cluster ${r.clusterId} (guard use: no task-id, workflow-id or max-age), then the cluster to be Available`
    : describeTarget(config.target, r.clusterId)
  log.info(
    config.wait
      ? `Waiting for ${what} (timeout ${formatDuration(config.timeoutMs)}, polling every ${formatDuration(config.intervalMs)})`
      : `Looking once for ${what} (wait: false: no waiting)`
  )
  return waitForUpgrade({
    observe: () => {
      r.onPoll?.(clock.monotonic())
      return observer.observe()
    },
    stateKey,
    clock,
    intervalMs: () => api.pollIntervalMs(),
    startedAt,
    deadline: r.deadline,
    policy,
    signal: r.signal,
    hooks: progress,
    once: !config.wait
  })
}

/** Guard use: no ID and no max-age; the step holds deploys only while an upgrade is under way or after a failed one. */
export function isGuard(config: Config): boolean {
  return config.target.kind === 'current' && config.maxAgeMs === undefined
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

/** A wait that ended before its first poll (bad inputs, a failed login, cancelled while starting). */
export function endedEarly(
  stop: ReturnType<typeof stopOf>,
  startedAt: number,
  clock: Clock
): WaitResult {
  return { ...stop, polls: 0, startedAt, endedAt: clock.monotonic(), timeline: [] }
}

/** How an error ends the run; a bug, too, ends it with outputs and a summary, its stack only in the debug log. */
export function unexpectedToo(e: unknown, log: Logger): ReturnType<typeof stopOf> {
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
