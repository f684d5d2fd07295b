// @ts-check
/**
 * The CCE side of the fake API (docs/cce-api.md §1, §10): clusters, their upgrade tasks, upgrade workflows and pre-check
 * tasks, each following a scripted timeline, served under /api/v3/… (CCE clusters) or /autopilot/v3/… (Autopilot
 * clusters). State and JSON only: fake-api.mjs does the HTTP, the authentication, the rate limit and the faults.
 *
 * Timelines: a step lasts `polls` polls or `ms` ms (a step with neither, and the last step, stay). A task's clock
 * starts at its first GET, a workflow's at the first request that shows it (list or GET), a cluster's at its first
 * GET (or, with `phasesStart: 'first-request'`, at the first request of any endpoint of the cluster). Polls are GETs
 * by ID (ShowCluster for a cluster); a list shows a timeline without counting a poll.
 *
 * The answers the real API may send and the gate must read (docs/cce-api.md §10.5): a PreCheck step's `expireTimeStamp`
 * (FakeWorkflow.preCheckExpiry), list answers whose `items` is missing, null or one object (FakeCluster.lists),
 * items missing fields (`omit` on a task or workflow) or not readable at all (FakeCluster.rawItems), ShowCluster's
 * `spec.version` (FakeCluster.version, ClusterPhase.version), and a gateway that does not publish the workflow API
 * (FakeCluster.noWorkflowApi: 404 <prefix>.0101; the prefix, APIGW or APIG, is fake-api.mjs's).
 *
 * Times the gate must not read as times (issue 19): Go's zero time for every unset time (FakeCluster.zeroTimes, or
 * GO_ZERO_TIME as any timestamp), a local time labelled UTC (goTimeLabelledUtc), and items of another cluster
 * (`clusterID` on a task or workflow: its spec.clusterID).
 */

/**
 * @typedef {{ phase: string, progress: string, polls?: number, ms?: number }} Step
 * @typedef {{ poll: number, kind: 'status'|'reset'|'badjson'|'hang'|'html'|'redirect', status?: number,
 *   body?: unknown, retryAfter?: string, location?: string }} Fault
 * @typedef {{ uid: string, version: string, targetVersion: string, creationTimestamp: string,
 *   completionTime?: string, timeline: Step[], startOn?: 'first-get'|'first-shown'|'api-start', faults?: Fault[],
 *   omit?: string[], clusterID?: string }} Task
 * @typedef {{ name: string, kind: 'Exception'|'Risk', group?: string, level: 'Info'|'Warning'|'Fatal',
 *   phase?: string, message: string, errorCodes?: string[] }} PreCheckItem
 * @typedef {{ uid: string, phase: string, message?: string, clusterItems?: PreCheckItem[],
 *   addonItems?: PreCheckItem[], nodes?: { uid: string, name: string, items: PreCheckItem[] }[] }} FakePreCheck
 * @typedef {{ taskType?: string, taskID?: string, status?: string }} WorkflowStep
 * @typedef {{ phase: string, steps: WorkflowStep[], polls?: number, ms?: number }} WorkflowState
 * @typedef {{ afterEndMs: number } | { at: number } | { raw: unknown }} PreCheckExpiry
 * @typedef {{ uid: string, creationTimestamp: string, clusterVersion: string, targetVersion: string,
 *   timeline: WorkflowState[], preCheckExpiry?: PreCheckExpiry, omit?: string[],
 *   startedAt?: number, clusterID?: string }} FakeWorkflow
 * @typedef {{ phase: string, reason?: string, message?: string, polls?: number, ms?: number,
 *   version?: unknown }} ClusterPhase
 * @typedef {'array'|'object'|'omit-empty'|'null-empty'} ListShape
 * @typedef {{ type?: 'cce'|'autopilot', phases?: ClusterPhase[], phasesStart?: 'first-get'|'first-request',
 *   forbidden?: boolean, workflows?: FakeWorkflow[], workflowListAsObject?: boolean,
 *   prechecks?: FakePreCheck[], version?: unknown,
 *   lists?: { workflows?: ListShape, tasks?: ListShape, prechecks?: ListShape },
 *   rawItems?: { workflows?: unknown[], tasks?: unknown[] }, noWorkflowApi?: boolean,
 *   zeroTimes?: boolean }} FakeCluster
 * @typedef {'cluster'|'task'|'tasks'|'workflow'|'workflows'|'precheck'|'prechecks'} RouteKind
 * @typedef {{ prefix: 'api'|'autopilot', projectId: string, clusterId: string, kind: RouteKind, id?: string }} Route
 * @typedef {{ status: number, number: string, message: string }} GatewayRefusal
 * @typedef {{ status: number, body: unknown } | { fault: Fault } | { gateway: GatewayRefusal }} Answer
 * @typedef {{ index: number, enteredAt: number, polls: number }} Position
 */

const TERMINAL = new Set(['Success', 'Failed'])
/** Workflow step statuses: a step has started (and has a start time) once Running, and has ended once done. */
const STEP_STARTED = new Set(['Running', 'Success', 'Failed'])
const DEFAULT_PHASES = /** @type {ClusterPhase[]} */ ([{ phase: 'Available' }])
const KINDS = /** @type {const} */ ({
  'upgrade/tasks': ['tasks', 'task'],
  upgradeworkflows: ['workflows', 'workflow'],
  'precheck/tasks': ['prechecks', 'precheck']
})
const ROUTE =
  /^\/(api|autopilot)\/v3\/projects\/([^/]+)\/clusters\/([^/]+)(?:\/operation\/(upgrade\/tasks|upgradeworkflows|precheck\/tasks)(?:\/([^/]+))?)?$/

/**
 * Go's time.String() in China Standard Time, as CCE prints it: `2026-11-24 10:00:00.123456 +0800 CST`.
 * @param {number} ms
 */
export function goTime(ms) {
  const d = new Date(ms + 8 * 3600_000)
  const p = (/** @type {number} */ n, w = 2) => String(n).padStart(w, '0')
  const date = `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}`
  const time = `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`
  return `${date} ${time}.${p(d.getUTCMilliseconds(), 3)}123 +0800 CST`
}

/** What Go writes for an unset time.Time (`time.Time{}.String()`). */
export const GO_ZERO_TIME = '0001-01-01 00:00:00 +0000 UTC'

/**
 * The China Standard Time wall clock of `ms` labelled UTC, as a server that writes local time as UTC would: 8 h in
 * the future of the instant. @param {number} ms
 */
export function goTimeLabelledUtc(ms) {
  return goTime(ms).replace(' +0800 CST', ' +0000 UTC')
}

/** The instant of Go time text (ms precision); unreadable text ranks oldest. @param {string} text */
function instantOf(text) {
  const m =
    /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d+))? ([+-])(\d\d)(\d\d)(?: |$)/.exec(text)
  if (!m) return -Infinity
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number)
  const fraction = Math.floor(Number(`0.${m[7] ?? '0'}`) * 1000)
  const offset = (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10])) * 60_000
  return (
    Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) +
    fraction -
    offset
  )
}

/** Percent-decoding that leaves a malformed escape as it is. @param {string} s */
export const decode = s => {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** @param {object} o @param {string} key */
const has = (o, key) => Object.prototype.hasOwnProperty.call(o, key)

/**
 * Leaves the fields at `paths` (dotted, e.g. `status.phase`) out of a body just built for one answer.
 * @param {any} body @param {string[] | undefined} paths
 */
function omitFields(body, paths) {
  for (const path of paths ?? []) {
    const keys = path.split('.')
    const last = /** @type {string} */ (keys.pop())
    const parent = keys.reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), body)
    if (parent && typeof parent === 'object') delete parent[last]
  }
  return body
}

/** `v1.29` of the highest version among `versions` that reads as one (`v1.29.5-r0`, `v1.29`), or undefined. */
function highestMinor(/** @type {string[]} */ versions) {
  let best = /** @type {[number, number] | undefined} */ (undefined)
  for (const v of versions) {
    const m = /^v?(\d+)\.(\d+)(?:$|[.-])/.exec(v)
    if (!m) continue
    const here = /** @type {[number, number]} */ ([Number(m[1]), Number(m[2])])
    if (!best || here[0] > best[0] || (here[0] === best[0] && here[1] > best[1])) best = here
  }
  return best && `v${best[0]}.${best[1]}`
}

const LIST_SHAPES = ['array', 'object', 'omit-empty', 'null-empty']

/**
 * A list answer: `items` as `shape` says. 'array': always an array; 'object': only the newest item, as one
 * object, and no `items` when there is none (the Go SDK's type); 'omit-empty' / 'null-empty': an array, but no
 * `items` / `items: null` when the list is empty (Go's omitempty). `all` and `newest` are called only as needed:
 * showing a workflow starts its clock.
 * @param {Record<string, unknown>} head @param {ListShape} shape
 * @param {() => unknown[]} all @param {() => unknown} newest
 */
function listBody(head, shape, all, newest) {
  switch (shape) {
    case 'object': {
      const one = newest()
      return { ...head, ...(one === undefined ? {} : { items: one }) }
    }
    case 'omit-empty': {
      const items = all()
      return { ...head, ...(items.length ? { items } : {}) }
    }
    case 'null-empty': {
      const items = all()
      return { ...head, items: items.length ? items : null }
    }
    default:
      return { ...head, items: all() }
  }
}

/**
 * The newest of `list` by its creationTimestamp as an instant (unreadable ones rank oldest), or undefined.
 * @template {{ creationTimestamp: string }} T @param {T[]} list @returns {T | undefined}
 */
function newestOf(list) {
  let newest = /** @type {T | undefined} */ (undefined)
  for (const x of list)
    if (!newest || instantOf(x.creationTimestamp) > instantOf(newest.creationTimestamp)) newest = x
  return newest
}

/**
 * The CCE endpoint a path names, or undefined when it names none.
 * @param {string} pathname
 * @returns {Route | undefined}
 */
export function parseRoute(pathname) {
  const m = ROUTE.exec(pathname)
  if (!m) return undefined
  const [, prefix, projectId = '', clusterId = '', op, id] = m
  const kind =
    op === undefined
      ? 'cluster'
      : KINDS[/** @type {keyof typeof KINDS} */ (op)][id === undefined ? 0 : 1]
  return {
    prefix: prefix === 'autopilot' ? 'autopilot' : 'api',
    projectId: decode(projectId),
    clusterId: decode(clusterId),
    kind,
    ...(id === undefined ? {} : { id: decode(id) })
  }
}

/**
 * Moves `s` along `timeline` up to time `t`: a `polls` step ends after that many polls showed it (only when
 * `byPolls`), an `ms` step that long after it began; a step with neither, and the last step, stay.
 * @template {{ polls?: number, ms?: number }} S
 * @param {S[]} timeline @param {Position} s @param {number} t @param {boolean} byPolls
 * @param {(index: number, at: number) => void} [onEnter]
 * @returns {S}
 */
function advance(timeline, s, t, byPolls, onEnter) {
  while (s.index < timeline.length - 1) {
    const step = /** @type {S} */ (timeline[s.index])
    if (step.polls !== undefined && s.polls >= step.polls) {
      if (!byPolls) break
      s.enteredAt = t
    } else if (step.polls === undefined && step.ms !== undefined && t - s.enteredAt >= step.ms) {
      s.enteredAt += step.ms
    } else break
    s.index++
    s.polls = 0
    onEnter?.(s.index, s.enteredAt)
  }
  return /** @type {S} */ (timeline[s.index])
}

/**
 * A stable order that is not creation order (the API documents none).
 * @template T @param {T[]} list @returns {T[]}
 */
export function scramble(list) {
  if (list.length < 2) return [...list]
  const half = Math.ceil(list.length / 2)
  // middle first, then alternate from both ends: never sorted, never reversed for 3+ items
  const out = []
  const rest = [...list.slice(half), ...list.slice(0, half).reverse()]
  for (let i = 0; i < rest.length; i++)
    out.push(i % 2 ? rest[rest.length - 1 - (i >> 1)] : rest[i >> 1])
  return /** @type {T[]} */ (out)
}

/**
 * A CCE error body (docs/cce-api.md §7).
 * @param {number} code @param {string} errorCode @param {string} message @param {string} reason
 * @returns {Answer}
 */
function cceError(code, errorCode, message, reason) {
  return {
    status: code,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      code,
      errorCode,
      errorMessage: message,
      error_code: code === 404 ? 'CCE_CM.0003' : errorCode,
      error_msg: message,
      message,
      reason
    }
  }
}

/** @param {string} what */
const notFound = what => cceError(404, 'CCE.01404001', `${what} not found`, 'NotFound')

/** @param {unknown} body @returns {Answer} */
const ok = body => ({ status: 200, body })

/** What the gateway answers for an API it does not publish (fake-api.mjs writes the code with its prefix). */
const noApi = /** @type {Answer} */ ({
  gateway: {
    status: 404,
    number: '0101',
    message: 'The API does not exist or has not been published in the environment'
  }
})

/**
 * Throws at start-up on a script the fake cannot play.
 * @param {Record<string, Task[]>} tasks @param {Record<string, FakeCluster>} clusters
 */
function validate(tasks, clusters) {
  /** @param {unknown} omit @param {string} what */
  const checkOmit = (omit, what) => {
    if (omit !== undefined && !(Array.isArray(omit) && omit.every(p => typeof p === 'string' && p)))
      throw new Error(`${what}: omit must be a list of field paths such as status.phase`)
  }
  for (const [key, list] of Object.entries(tasks))
    for (const task of list) {
      if (!task.timeline?.length) throw new Error(`task ${task.uid} of ${key} has no timeline`)
      checkOmit(task.omit, `task ${task.uid} of ${key}`)
    }
  for (const [key, c] of Object.entries(clusters)) {
    if (c.type !== undefined && c.type !== 'cce' && c.type !== 'autopilot')
      throw new Error(`cluster ${key}: type must be cce or autopilot, not ${c.type}`)
    if (c.phases !== undefined && !c.phases.length) throw new Error(`cluster ${key} has no phases`)
    for (const w of c.workflows ?? []) {
      if (!w.timeline?.length) throw new Error(`workflow ${w.uid} of ${key} has no timeline`)
      checkOmit(w.omit, `workflow ${w.uid} of ${key}`)
      if (w.startedAt !== undefined && !Number.isFinite(w.startedAt))
        throw new Error(`workflow ${w.uid} of ${key}: startedAt must be epoch ms`)
      const e = w.preCheckExpiry
      const forms = e && typeof e === 'object' ? Object.keys(e) : []
      if (
        e !== undefined &&
        !(
          forms.length === 1 &&
          ['afterEndMs', 'at', 'raw'].includes(/** @type {string} */ (forms[0]))
        )
      )
        throw new Error(
          `workflow ${w.uid} of ${key}: preCheckExpiry must be { afterEndMs }, { at } or { raw }`
        )
      if (e && 'afterEndMs' in e && !Number.isFinite(e.afterEndMs))
        throw new Error(`workflow ${w.uid} of ${key}: preCheckExpiry.afterEndMs must be a number`)
      if (e && 'at' in e && !Number.isFinite(e.at))
        throw new Error(`workflow ${w.uid} of ${key}: preCheckExpiry.at must be epoch ms`)
    }
    for (const [list, shape] of Object.entries(c.lists ?? {})) {
      if (list !== 'workflows' && list !== 'tasks')
        throw new Error(`cluster ${key}: lists.${list}: only workflows and tasks have a shape`)
      if (!LIST_SHAPES.includes(/** @type {string} */ (shape)))
        throw new Error(`cluster ${key}: lists.${list} must be one of ${LIST_SHAPES.join(', ')}`)
    }
    if (c.workflowListAsObject && (c.lists?.workflows ?? 'object') !== 'object')
      throw new Error(`cluster ${key}: workflowListAsObject contradicts lists.workflows`)
    for (const [list, items] of Object.entries(c.rawItems ?? {}))
      if ((list !== 'workflows' && list !== 'tasks') || !Array.isArray(items))
        throw new Error(`cluster ${key}: rawItems.${list} must be a list, of workflows or tasks`)
  }
}

/**
 * The fake's CCE state: what each endpoint answers, as the scripted timelines stand at `now()`. The `tasks`
 * lists and the `workflows` lists are read live: a test may push to them while the fake runs.
 * @param {{ tasks: Record<string, Task[]>, clusters: Record<string, FakeCluster>, now: () => number }} o
 */
export function createCce(o) {
  const { tasks, clusters, now } = o
  validate(tasks, clusters)
  const bootedAt = now()
  /** @type {Map<Task, Position & { gets: number, started: boolean, shownAt?: number }>} */
  const taskStates = new Map()
  /**
   * Per workflow: where its timeline stands, and when each step (by type and occurrence) started and ended.
   * @type {Map<FakeWorkflow, Position & { stamps: Map<string, { start?: number, end?: number }> }>}
   */
  const workflowStates = new Map()
  /** @type {Map<string, Position & { started: boolean }>} */
  const clusterStates = new Map()
  /** Upgrade tasks of a workflow step that have become visible (they stay so). @type {Set<Task>} */
  const revealed = new Set()

  /** @param {Task} task */
  const taskState = task => {
    let s = taskStates.get(task)
    if (!s)
      taskStates.set(task, (s = { gets: 0, index: 0, enteredAt: 0, polls: 0, started: false }))
    return s
  }

  /**
   * The task's body; a poll (GET of the task) starts its clock and counts towards a `polls` step. `zero`: an unset
   * time is Go's zero time rather than empty.
   * @param {Task} task @param {boolean} poll @param {boolean} [zero]
   */
  function taskView(task, poll, zero = false) {
    const t = now()
    const s = taskState(task)
    s.shownAt ??= t
    if (task.startOn === 'api-start' && !s.started)
      Object.assign(s, { started: true, enteredAt: bootedAt })
    if ((poll || task.startOn === 'first-shown') && !s.started)
      Object.assign(s, { started: true, enteredAt: t })
    // a list before the first poll shows the task as it will be at that first poll, without starting it
    const at = s.started ? s : { index: 0, enteredAt: t, polls: 0 }
    const step = advance(task.timeline, at, t, true)
    if (poll) s.polls++
    // the first step is dated from when the task was first shown: lists and polls agree, and stay put
    const since = goTime(at.index === 0 ? s.shownAt : at.enteredAt)
    const ended = TERMINAL.has(step.phase)
    const completion = ended ? (task.completionTime ?? since) : zero ? GO_ZERO_TIME : ''
    return omitFields(
      {
        kind: 'UpgradeTask',
        apiVersion: 'v3',
        metadata: {
          uid: task.uid,
          creationTimestamp: task.creationTimestamp,
          updateTimestamp: ended && task.completionTime !== undefined ? task.completionTime : since
        },
        spec: {
          ...(task.clusterID === undefined ? {} : { clusterID: task.clusterID }),
          version: task.version,
          targetVersion: task.targetVersion,
          items: {}
        },
        status: { phase: step.phase, progress: step.progress, completionTime: completion }
      },
      task.omit
    )
  }

  /**
   * Records the start and end of the steps of the workflow state just entered.
   * @param {FakeWorkflow} w @param {number} index @param {number} at
   */
  function enterState(w, index, at) {
    const stamps = /** @type {NonNullable<ReturnType<typeof workflowStates.get>>} */ (
      workflowStates.get(w)
    ).stamps
    for (const [key, step] of keyedSteps(/** @type {WorkflowState} */ (w.timeline[index]))) {
      const st = stamps.get(key) ?? {}
      if (STEP_STARTED.has(step.status ?? '')) st.start ??= at
      if (TERMINAL.has(step.status ?? '')) st.end ??= at
      stamps.set(key, st)
    }
  }

  /**
   * Where the workflow stands now; `show` starts its clock (a request shows it), `poll` also counts a poll.
   * Without `show`, a workflow not shown yet stands at its first state (unless it has startedAt), and `polls`
   * steps do not move.
   * @param {FakeWorkflow} w @param {{ show?: boolean, poll?: boolean }} [how]
   */
  function workflowAt(w, how = {}) {
    const t = now()
    let s = workflowStates.get(w)
    if (!s) {
      // a workflow with startedAt runs from then, shown or not
      if (!how.show && w.startedAt === undefined)
        return { state: /** @type {WorkflowState} */ (w.timeline[0]), s: undefined }
      const from = w.startedAt ?? t
      workflowStates.set(w, (s = { index: 0, enteredAt: from, polls: 0, stamps: new Map() }))
      enterState(w, 0, from)
    }
    const state = advance(w.timeline, s, t, Boolean(how.show), (i, at) => enterState(w, i, at))
    if (how.poll) s.polls++
    return { state, s }
  }

  /**
   * `expireTimeStamp` of the workflow's ended PreCheck step (and of its pre-check task), as `preCheckExpiry` has
   * it: `end` + afterEndMs, `at`, or `raw` sent as it is; none without preCheckExpiry, or before the step ended.
   * @param {FakeWorkflow} w @param {number | undefined} end when the step ended (the fake's clock)
   * @returns {{ expireTimeStamp?: unknown }}
   */
  function expiryOf(w, end) {
    const e = w.preCheckExpiry
    if (!e) return {}
    if ('raw' in e) return { expireTimeStamp: e.raw }
    if ('at' in e) return { expireTimeStamp: goTime(e.at) }
    return end === undefined ? {} : { expireTimeStamp: goTime(end + e.afterEndMs) }
  }

  /**
   * `zero`: unset step times (and an unset pre-check expiry) are Go's zero time rather than absent.
   * @param {string} clusterId @param {FakeWorkflow} w @param {boolean} poll @param {boolean} [zero]
   */
  function workflowView(clusterId, w, poll, zero = false) {
    const unset = zero ? GO_ZERO_TIME : undefined
    const { state, s } = workflowAt(w, { show: true, poll })
    const stamps = s?.stamps ?? new Map()
    const steps = keyedSteps(state)
    return omitFields(
      {
        kind: 'WorkFlowTask',
        apiVersion: 'v3',
        metadata: {
          uid: w.uid,
          name: `upgrade-${w.clusterVersion}-to-${w.targetVersion}`,
          creationTimestamp: w.creationTimestamp,
          updateTimestamp: goTime(s?.enteredAt ?? now())
        },
        spec: {
          clusterID: w.clusterID ?? clusterId,
          clusterVersion: w.clusterVersion,
          targetVersion: w.targetVersion
        },
        status: {
          phase: state.phase,
          pointStatuses: steps.map(([key, step]) => {
            const st = stamps.get(key) ?? {}
            // a step may come without a taskType or a status (both are omitempty in the Go SDK): left out
            const start = STEP_STARTED.has(step.status ?? '') && st.start !== undefined
            const end = TERMINAL.has(step.status ?? '') && st.end !== undefined
            const expiry =
              step.taskType === 'PreCheck' && TERMINAL.has(step.status ?? '')
                ? expiryOf(w, st.end)
                : {}
            return {
              ...(step.taskType !== undefined ? { taskType: step.taskType } : {}),
              ...(step.taskID !== undefined ? { taskID: step.taskID } : {}),
              ...(step.status !== undefined ? { status: step.status } : {}),
              ...(start ? { startTimeStamp: goTime(/** @type {number} */ (st.start)) } : {}),
              ...(!start && unset ? { startTimeStamp: unset } : {}),
              // a start as scripted (a local time labelled UTC, say), whatever the fake would write
              ...(step.startTimeStamp !== undefined ? { startTimeStamp: step.startTimeStamp } : {}),
              ...(end ? { endTimeStamp: goTime(/** @type {number} */ (st.end)) } : {}),
              ...(!end && unset ? { endTimeStamp: unset } : {}),
              ...(unset ? { expireTimeStamp: unset } : {}),
              ...expiry
            }
          }),
          lineStatuses: steps.slice(1).map(([, step], i) => ({
            startPoint: { taskType: /** @type {[string, WorkflowStep]} */ (steps[i])[1].taskType },
            endPoint: { taskType: step.taskType },
            critical: 'true'
          }))
        }
      },
      w.omit
    )
  }

  /**
   * An upgrade task named as the `taskID` of a workflow step stays hidden until one such workflow stands at a
   * state where that step has begun (any status but Init): the Cluster step creates its task.
   * @param {FakeWorkflow[]} workflows @param {Task} task
   */
  function visible(workflows, task) {
    if (revealed.has(task)) return true
    const names = (/** @type {WorkflowState} */ st) => st.steps.some(x => x.taskID === task.uid)
    const owners = workflows.filter(w => w.timeline.some(names))
    if (!owners.length) return true
    const begun = owners.some(w =>
      workflowAt(w).state.steps.some(x => x.taskID === task.uid && x.status !== 'Init')
    )
    if (begun) revealed.add(task)
    return begun
  }

  /**
   * The cluster's configuration when `route` reaches it: known (in `tasks` or `clusters`) and under its prefix.
   * @param {Route} route
   */
  function clusterAt(route) {
    const key = `${route.projectId}/${route.clusterId}`
    if (!has(clusters, key) && !has(tasks, key)) return undefined
    const cluster = has(clusters, key) ? /** @type {FakeCluster} */ (clusters[key]) : {}
    const autopilot = cluster.type === 'autopilot'
    if (autopilot !== (route.prefix === 'autopilot')) return undefined
    return {
      key,
      cluster,
      tasks: has(tasks, key) ? /** @type {Task[]} */ (tasks[key]) : [],
      workflows: cluster.workflows ?? []
    }
  }

  /** @param {string} key @param {FakeCluster} cluster @param {boolean} get */
  function clusterPhase(key, cluster, get) {
    const t = now()
    let s = clusterStates.get(key)
    if (!s) clusterStates.set(key, (s = { index: 0, enteredAt: t, polls: 0, started: false }))
    if (!s.started && (get || cluster.phasesStart === 'first-request'))
      Object.assign(s, { started: true, enteredAt: t })
    if (!s.started) return undefined
    const phase = advance(cluster.phases ?? DEFAULT_PHASES, s, t, true)
    if (get) s.polls++
    return phase
  }

  /**
   * ShowCluster's spec.version: the phase's, else the cluster's, else the highest target (major.minor) of the
   * cluster's upgrade tasks and workflows (so a scripted upgrade looks taken); null (or nothing to derive it
   * from) leaves it out.
   * @param {FakeCluster} cluster @param {ClusterPhase} p @param {Task[]} tasks
   * @returns {{ version?: unknown }}
   */
  function versionOf(cluster, p, tasks) {
    const v =
      p.version !== undefined
        ? p.version
        : cluster.version !== undefined
          ? cluster.version
          : highestMinor([
              ...tasks.map(t => t.targetVersion),
              ...(cluster.workflows ?? []).map(w => w.targetVersion)
            ])
    return v === null || v === undefined ? {} : { version: v }
  }

  /**
   * @param {Route} route @param {FakeCluster} cluster @param {string} key @param {Task[]} tasks
   * @returns {Answer}
   */
  function showCluster(route, cluster, key, tasks) {
    if (cluster.forbidden)
      return cceError(
        403,
        'CCE.01403001',
        "Policy doesn't allow cce:cluster:get to be performed.",
        'Forbidden'
      )
    const p = /** @type {ClusterPhase} */ (clusterPhase(key, cluster, true))
    const autopilot = cluster.type === 'autopilot'
    return ok({
      kind: 'Cluster',
      apiVersion: 'v3',
      metadata: {
        uid: route.clusterId,
        name: cluster.name ?? `cluster-${route.clusterId.slice(0, 8)}`
      },
      spec: {
        category: autopilot ? 'Autopilot' : 'CCE',
        type: 'VirtualMachine',
        flavor: autopilot ? 'cce.autopilot.cluster' : 'cce.s1.small',
        ...versionOf(cluster, p, tasks)
      },
      status: {
        phase: p.phase,
        ...(p.reason !== undefined ? { reason: p.reason } : {}),
        ...(p.message !== undefined ? { message: p.message } : {})
      }
    })
  }

  /** @param {string} clusterId @param {FakeWorkflow[]} workflows @param {FakePreCheck} pc */
  function preCheckView(clusterId, workflows, pc) {
    const owner = workflows.find(w =>
      w.timeline.some(st => st.steps.some(x => x.taskID === pc.uid))
    )
    const running = pc.phase === 'Init' || pc.phase === 'Running'
    /** @param {PreCheckItem} i */
    const itemPhase = i => i.phase ?? (i.level === 'Info' ? 'Success' : 'Failed')
    /** @param {PreCheckItem[]} items */
    const phaseOf = items =>
      running ? pc.phase : items.some(i => itemPhase(i) === 'Failed') ? 'Failed' : 'Success'
    /** @param {PreCheckItem[]} items */
    const itemsStatus = items =>
      items.map(i => ({
        name: i.name,
        kind: i.kind,
        group: i.group ?? '',
        level: i.level,
        phase: itemPhase(i),
        message: i.message,
        errorCodes: i.errorCodes ?? []
      }))
    const nodes = pc.nodes ?? []
    const ownerStep = owner && workflowStates.get(owner)?.stamps.get('PreCheck#0')
    const expiry =
      owner && TERMINAL.has(pc.phase) ? expiryOf(owner, ownerStep ? ownerStep.end : undefined) : {}
    return {
      kind: 'PreCheckTask',
      apiVersion: 'v3',
      metadata: { uid: pc.uid, creationTimestamp: owner?.creationTimestamp ?? goTime(bootedAt) },
      spec: {
        clusterID: clusterId,
        clusterVersion: owner?.clusterVersion ?? '',
        targetVersion: owner?.targetVersion ?? ''
      },
      status: {
        phase: pc.phase,
        message: pc.message ?? '',
        ...expiry,
        clusterCheckStatus: {
          phase: phaseOf(pc.clusterItems ?? []),
          itemsStatus: itemsStatus(pc.clusterItems ?? [])
        },
        addonCheckStatus: {
          phase: phaseOf(pc.addonItems ?? []),
          itemsStatus: itemsStatus(pc.addonItems ?? [])
        },
        nodeCheckStatus: {
          phase: phaseOf(nodes.flatMap(n => n.items)),
          nodeStageStatus: nodes.map(n => ({
            nodeInfo: { uid: n.uid, name: n.name, status: 'Active', nodeType: 'VM' },
            itemsStatus: itemsStatus(n.items)
          }))
        }
      }
    }
  }

  /**
   * What a GET of `route` answers (the caller has checked the method and the credentials).
   * @param {Route} route
   * @returns {Answer}
   */
  function serve(route) {
    const found = clusterAt(route)
    if (!found) return notFound(`Cluster ${route.clusterId}`)
    const { key, cluster, workflows } = found
    const id = route.id ?? ''
    if (route.kind !== 'cluster') clusterPhase(key, cluster, false)
    switch (route.kind) {
      case 'cluster':
        return showCluster(route, cluster, key, found.tasks)
      case 'tasks': {
        const shown = found.tasks.filter(t => visible(workflows, t))
        const raw = cluster.rawItems?.tasks ?? []
        return ok(
          listBody(
            { apiVersion: 'v3', kind: 'UpgradeTaskList', metadata: {} },
            cluster.lists?.tasks ?? 'array',
            () => scramble([...shown.map(t => taskView(t, false, cluster.zeroTimes)), ...raw]),
            () => {
              const newest = newestOf(shown)
              return newest && taskView(newest, false, cluster.zeroTimes)
            }
          )
        )
      }
      case 'task': {
        const task = found.tasks.find(t => t.uid === id)
        if (!task || !visible(workflows, task)) return notFound(`Upgrade task ${id}`)
        const s = taskState(task)
        s.gets++
        if (!s.started) Object.assign(s, { started: true, enteredAt: now() })
        const fault = task.faults?.find(f => f.poll === s.gets)
        if (fault) return { fault }
        return ok(taskView(task, true, cluster.zeroTimes))
      }
      case 'workflows': {
        if (cluster.noWorkflowApi) return noApi
        const raw = cluster.rawItems?.workflows ?? []
        // as the Go SDK types it, `items` is one object (the newest workflow): only that one is shown
        return ok(
          listBody(
            { kind: 'List', apiVersion: 'v3' },
            cluster.lists?.workflows ?? (cluster.workflowListAsObject ? 'object' : 'array'),
            () =>
              scramble([
                ...workflows.map(w => workflowView(route.clusterId, w, false, cluster.zeroTimes)),
                ...raw
              ]),
            () => {
              const newest = newestOf(workflows)
              return newest && workflowView(route.clusterId, newest, false, cluster.zeroTimes)
            }
          )
        )
      }
      case 'workflow': {
        if (cluster.noWorkflowApi) return noApi
        const w = workflows.find(x => x.uid === id)
        if (!w) return notFound(`Upgrade workflow ${id}`)
        return ok(workflowView(route.clusterId, w, true, cluster.zeroTimes))
      }
      case 'prechecks':
        return ok({
          kind: 'List',
          apiVersion: 'v3',
          items: scramble(cluster.prechecks ?? []).map(pc =>
            preCheckView(route.clusterId, workflows, pc)
          )
        })
      case 'precheck': {
        const pc = (cluster.prechecks ?? []).find(x => x.uid === id)
        if (!pc) return notFound(`Pre-check task ${id}`)
        return ok(preCheckView(route.clusterId, workflows, pc))
      }
      default:
        throw new Error(`unknown route kind ${/** @type {any} */ (route).kind}`)
    }
  }

  return { serve }
}

/**
 * A workflow state's steps with a key per step (its type, and which occurrence of that type it is).
 * @param {WorkflowState} state
 * @returns {[string, WorkflowStep][]}
 */
function keyedSteps(state) {
  /** @type {Map<string, number>} */
  const seen = new Map()
  return state.steps.map(step => {
    const n = seen.get(step.taskType) ?? 0
    seen.set(step.taskType, n + 1)
    return [`${step.taskType}#${n}`, step]
  })
}
