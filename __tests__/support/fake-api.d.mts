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
  kind: 'status' | 'reset' | 'badjson' | 'html' | 'redirect' | 'hang'
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
  timeline: Step[]
  faults?: Fault[]
}
export interface RequestLog {
  t: number
  method: string
  path: string
  /** HTTP status; -1 for a reset connection, -2 for a hanging request */
  status: number
  clusterId?: string
  taskId?: string
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
  /** keyed by `${projectId}/${clusterId}` */
  tasks?: Record<string, FakeTask[]>
  idpId?: string
  audience?: string
  oidcRequestToken?: string
  rateLimit?: { rate: number; burst: number; retryAfter?: boolean | string }
  now?: () => number
  log?: (line: string) => void
}
export interface FakeApi {
  url: string
  port: number
  requests: RequestLog[]
  count(filter?: RequestFilter): number
  setClock(fn: () => number): void
  close(): Promise<void>
}
export declare const DEMO: {
  projectId: string
  region: string
  clusterId: string
  taskId: string
  ak: string
  sk: string
}
export declare const scenarios: Record<'success' | 'failed', FakeApiOptions>
export declare function goTime(ms: number): string
export declare function startFakeApi(options?: FakeApiOptions): Promise<FakeApi>
export declare function computeSignature(r: {
  method: string
  url: string
  headers: Record<string, string | string[] | undefined>
  body?: string | Buffer
  signedHeaders: string[]
  secret: string
}): { canonical: string; stringToSign: string; signature: string }
export declare function demoTasks(timeline: Step[]): Record<string, FakeTask[]>
export declare function demoInputs(
  url: string,
  extra?: Record<string, string>
): { inputs: Record<string, string>; env: Record<string, string> }
