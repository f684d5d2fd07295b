// Types of fake-api.mjs (plain JavaScript) for the TypeScript tests.
export interface Step {
  phase: string
  progress: string
  /** shown for this many polls (GETs of the task that are not faulted) */
  polls?: number
  /** shown for this many ms after the step began (the first step begins at the task's first GET) */
  ms?: number
}
export interface Fault {
  /** the k-th GET (1-based) of the task */
  poll: number
  /** text: a text/plain answer (status, default 400; body, default a refusal that echoes) */
  kind: 'status' | 'reset' | 'badjson' | 'html' | 'redirect' | 'hang' | 'text'
  status?: number
  body?: unknown
  retryAfter?: string
  location?: string
}
export interface FakeTask {
  uid: string
  version: string
  targetVersion: string
  /** Go time.String() text */
  creationTimestamp: string
  /**
   * Go time.String() text shown as completionTime (and updateTimestamp) once the task shows Success or Failed,
   * e.g. for a task that ended long before the test. Default: when the final step began (for a task that is
   * ended from its first step, when the fake first showed it).
   */
  completionTime?: string
  timeline: Step[]
  /**
   * When the timeline's clock starts: 'first-get' (default), the task's first GET by ID; 'first-shown', the first
   * answer that shows it, a list too (a gate that only reads the lists, as one gating several clusters does);
   * 'api-start', when the fake API started (upgrades that run whoever polls them, ending at one time).
   */
  startOn?: 'first-get' | 'first-shown' | 'api-start'
  faults?: Fault[]
  /**
   * Fields left out of every answer about this task (lists and GET by ID), as dotted paths: e.g.
   * `['status.phase']` for an old task the API returns without a phase, `['metadata.uid']`,
   * `['metadata.creationTimestamp']`.
   */
  omit?: string[]
  /** spec.clusterID, naming the cluster the task belongs to; default: none (the API documents none for tasks) */
  clusterID?: string
}
export interface ClusterPhase {
  /** Available, Upgrading, RollingBack, RollbackFailed, Unavailable, Error, … */
  phase: string
  reason?: string
  message?: string
  /** shown for this many ShowCluster GETs */
  polls?: number
  /** shown for this many ms after the phase began */
  ms?: number
  /** ShowCluster's spec.version while this phase shows (e.g. the old 'v1.28' while Upgrading); see FakeCluster.version */
  version?: string | number | null
}
/**
 * How a list answers its `items` (every SDK marks it optional): 'array' (default) always an array; 'object' only
 * the newest item (by creationTimestamp) as one object, no `items` when empty (how the Go SDK types the workflow
 * list); 'omit-empty' an array, but no `items` at all when the list is empty (Go's omitempty); 'null-empty' an
 * array, but `items: null` when empty.
 */
export type ListShape = 'array' | 'object' | 'omit-empty' | 'null-empty'
export interface FakeCluster {
  /** ShowCluster's metadata.name; default `cluster-` and the ID's first 8 characters */
  name?: string
  /**
   * 'autopilot': every call of this cluster is served only under /autopilot/v3/projects/…; under /api/v3 the
   * cluster is not found (404 CCE-style). Default 'cce' (served only under /api/v3).
   */
  type?: 'cce' | 'autopilot'
  /**
   * ShowCluster timeline (GET …/clusters/{id}); default [{ phase: 'Available' }]. Starts at the first GET of the
   * cluster (see phasesStart); steps last `polls` GETs or `ms` ms, like task steps.
   */
  phases?: ClusterPhase[]
  /**
   * When the `phases` clock starts: 'first-get' (default), the first ShowCluster; 'first-request', the first
   * request of any endpoint of this cluster (so `ms` phases line up with a workflow's `ms` timeline).
   */
  phasesStart?: 'first-get' | 'first-request'
  /** ShowCluster answers 403 (CCE-style body, errorCode CCE.01403001, message naming cce:cluster:get) */
  forbidden?: boolean
  /** read live: a test may push a workflow while the fake runs */
  workflows?: FakeWorkflow[]
  /** ListUpgradeWorkFlows answers `items` as one object (the newest workflow) instead of a list, as the Go SDK types it */
  workflowListAsObject?: boolean
  prechecks?: FakePreCheck[]
  /** The shape of each list's `items` (workflowListAsObject is lists.workflows: 'object'). */
  lists?: { workflows?: ListShape; tasks?: ListShape }
  /**
   * JSON values added verbatim to a list (in an array shape; not shown in the 'object' shape): items the gate may
   * not be able to read, e.g. `'oops'`, `{ metadata: { creationTimestamp: '…' }, status: { phase: 'Running' } }`.
   */
  rawItems?: { workflows?: unknown[]; tasks?: unknown[] }
  /**
   * ShowCluster's spec.version (a phase's `version` wins): a string such as 'v1.29' or one that is not a version,
   * a number (not a string: unreadable), or null to leave the field out. Default: the highest targetVersion
   * (major.minor) of the cluster's upgrade tasks and workflows, so that every scripted upgrade looks taken;
   * none when the cluster has neither.
   */
  version?: string | number | null
  /**
   * The gateway does not publish the workflow API here: ListUpgradeWorkFlows and ShowUpgradeWorkFlow answer
   * 404 with the gateway code 0101 (APIGW.0101, or APIG.0101 with gatewayPrefix 'APIG').
   */
  noWorkflowApi?: boolean
  /**
   * Every unset time is written as Go's zero time (GO_ZERO_TIME), as Go does for a time.Time that is not a
   * pointer: a running task's completionTime, a step's startTimeStamp before it started and endTimeStamp before it
   * ended, and a step's expireTimeStamp where no pre-check expiry is set. Default: left out (or empty).
   */
  zeroTimes?: boolean
}
/**
 * The PreCheck step's expireTimeStamp (also the pre-check task's status.expireTimeStamp), shown once the step has
 * ended: `afterEndMs` after the step ended by the fake's clock (negative: expired before it ended, e.g. a workflow
 * first shown long after its pre-check); `at` an absolute instant (epoch ms); `raw` a JSON value sent as it is
 * (e.g. 'tomorrow', 0, null: what the gate cannot read).
 */
export type PreCheckExpiry = { afterEndMs: number } | { at: number } | { raw: unknown }
export interface FakeWorkflow {
  uid: string
  /** Go time.String() text, like tasks */
  creationTimestamp: string
  /** e.g. 'v1.28' */
  clusterVersion: string
  /** e.g. 'v1.29' */
  targetVersion: string
  /**
   * Starts at the first request that shows the workflow (list or GET); a state lasts `polls` GETs of the workflow
   * by ID or `ms` ms. An upgrade task named as a step's taskID stays hidden (not listed, 404) until a workflow
   * stands at a state where that step's status is not Init; then it stays visible.
   */
  timeline: WorkflowState[]
  /** Default: no expireTimeStamp */
  preCheckExpiry?: PreCheckExpiry
  /**
   * When the timeline's clock started (epoch ms, the fake's clock), instead of at the first request that shows the
   * workflow: the steps of its first state are stamped as started (and ended) then, and `ms` states play from
   * then, shown or not. E.g. a Success workflow that ended 90 days ago, or a pre-check that passed 30 minutes ago.
   */
  startedAt?: number
  /** Fields left out of every answer about this workflow (lists and GET by ID), as for FakeTask.omit. */
  omit?: string[]
  /** spec.clusterID; default the cluster that serves it. Another cluster's ID: an item the gate must not count. */
  clusterID?: string
}
export interface WorkflowStep {
  /** PreCheck, Snapshot, Cluster, PostCheck, Rollback; left out of the answer when absent */
  taskType?: string
  taskID?: string
  /** Init, Queuing, Running, Success, Failed; left out of the answer when absent (omitempty) */
  status?: string
  /** startTimeStamp as given, in place of the one the fake fills in */
  startTimeStamp?: string
}
export interface WorkflowState {
  /** Init | Running | Pending | Success | Cancel */
  phase: string
  /**
   * pointStatuses in order; the fake fills in startTimeStamp (when a step is first Running, Success or Failed)
   * and endTimeStamp (when first Success or Failed) as Go time text
   */
  steps: WorkflowStep[]
  polls?: number
  ms?: number
}
export interface PreCheckItem {
  name: string
  kind: 'Exception' | 'Risk'
  /** default '' */
  group?: string
  level: 'Info' | 'Warning' | 'Fatal'
  /** the item's own result; default 'Success' for level Info, 'Failed' otherwise */
  phase?: string
  message: string
  errorCodes?: string[]
}
export interface FakePreCheck {
  uid: string
  /** Init | Running | Success | Failed | Error */
  phase: string
  message?: string
  clusterItems?: PreCheckItem[]
  addonItems?: PreCheckItem[]
  nodes?: { uid: string; name: string; items: PreCheckItem[] }[]
}
export type RequestKind =
  | 'task'
  | 'tasks'
  | 'workflow'
  | 'workflows'
  | 'precheck'
  | 'prechecks'
  | 'cluster'
  | 'iam'
  | 'oidc'
  | 'other'
export interface RequestLog {
  t: number
  method: string
  path: string
  /** HTTP status; -1 for a reset connection, -2 for a hanging request */
  status: number
  /** the cluster a CCE path names (also for refused and throttled requests) */
  clusterId?: string
  /** the task, workflow or pre-check ID when the path has one */
  taskId?: string
  /** the endpoint: CCE ones by resource (`task` a GET by ID, `tasks` the list, …), IAM, the OIDC token, other */
  kind: RequestKind
  throttled: boolean
  auth: 'aksk' | 'token' | 'none'
  requestId: string
}
export type RequestFilter = ((r: RequestLog) => boolean) | Partial<RequestLog>
export interface Credential {
  secret: string
  securityToken?: string
}
export interface FakeApiOptions {
  port?: number
  host?: string
  credentials?: Record<string, Credential>
  tokens?: string[]
  projects?: { id: string; name: string }[]
  /**
   * keyed by `${projectId}/${clusterId}`; read live. A key here but not in `clusters` is a CCE cluster that is
   * Available and has no workflows.
   */
  tasks?: Record<string, FakeTask[]>
  /**
   * keyed like `tasks`. A key here but not in `tasks` has no upgrade tasks; a key in neither is not found
   * (404) on every endpoint.
   */
  clusters?: Record<string, FakeCluster>
  idpId?: string
  audience?: string
  oidcRequestToken?: string
  rateLimit?: { rate: number; burst: number; retryAfter?: boolean | string }
  /**
   * The prefix of every gateway error code the fake writes (0301 refused signature, 0307 token, 0101 no such API,
   * 0308 throttled): Huawei's gateways write both. Default: APIG.0308, APIGW. for the others.
   */
  gatewayPrefix?: 'APIGW' | 'APIG'
  /**
   * Echo secrets back, as careless gateways and proxies do: these values and every credential the request carried
   * (the AK of its signature, X-Security-Token, X-Auth-Token, the OIDC request bearer and ID token), each in every
   * form of echo-forms.mjs, in every error and redirect answer (its message fields, a redirect's Location) and in
   * the faults' bodies (html, badjson, text, and `{{echo}}` in a status fault's body); JSON is sent with `/`
   * escaped as `\/`.
   */
  echo?: string[]
  /**
   * A test's own answer to a CCE request, in place of the one the fake built (which is still built, so timelines
   * move as ever): `status` and `body` are the built answer's (absent for a fault or a gateway refusal); return
   * undefined to send that one.
   */
  rewrite?: (r: {
    kind: RequestKind
    clusterId: string
    id?: string
    status?: number
    body?: unknown
  }) => { status: number; body: unknown } | undefined
  /** The fake's clock (ms): timelines, timestamps, the signature's date check (a skew), tokens, the rate limit. */
  now?: () => number
  log?: (line: string) => void
}
export interface FakeApi {
  url: string
  port: number
  requests: RequestLog[]
  /** The GitHub ID tokens and IAM tokens it issued (secrets a test may look for in a log). */
  issued: string[]
  count(filter?: RequestFilter): number
  setClock(fn: () => number): void
  close(): Promise<void>
}
export declare const DEMO: {
  projectId: string
  region: string
  clusterId: string
  taskId: string
  oldTaskId: string
  workflowId: string
  preCheckId: string
  ak: string
  sk: string
}
export declare const scenarios: Record<'success' | 'failed' | 'workflow', FakeApiOptions>
export declare function goTime(ms: number): string
/** What Go writes for an unset time: `0001-01-01 00:00:00 +0000 UTC`. */
export declare const GO_ZERO_TIME: string
/** The China Standard Time wall clock of `ms` labelled UTC (8 h in the future of the instant). */
export declare function goTimeLabelledUtc(ms: number): string
export declare function startFakeApi(options?: FakeApiOptions): Promise<FakeApi>
/** The command line's usage (what --help prints): every flag and every scenario. */
export declare function cliUsage(): string
export declare function computeSignature(r: {
  method: string
  url: string
  headers: Record<string, string | string[] | undefined>
  body?: string | Buffer
  signedHeaders: string[]
  secret: string
}): { canonical: string; stringToSign: string; signature: string }
export declare function demoTasks(timeline: Step[]): Record<string, FakeTask[]>
export declare function demoTimeline(fails: boolean): Step[]
export interface DemoPace {
  preCheckMs: number
  snapshotMs: number
  clusterMs: number
  postCheckMs: number
  progress: [string, number][]
}
export declare const DEMO_PACE: DemoPace
export declare function demoWorkflowCluster(
  at?: number,
  pace?: DemoPace
): {
  tasks: Record<string, FakeTask[]>
  clusters: Record<string, FakeCluster>
}
export declare function demoInputs(
  url: string,
  extra?: Record<string, string>
): { inputs: Record<string, string>; env: Record<string, string> }
