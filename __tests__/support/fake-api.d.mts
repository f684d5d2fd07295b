export interface Step {
  phase: string
  progress: string
  polls?: number
  ms?: number
}
export interface Fault {
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
  creationTimestamp: string
  timeline: Step[]
  faults?: Fault[]
}
export interface RequestLog {
  t: number
  method: string
  path: string
  status: number
  clusterId?: string
  taskId?: string
  throttled: boolean
  auth: 'aksk' | 'token' | 'none'
}
export interface FakeApiOptions {
  port?: number
  host?: string
  credentials?: Record<string, { secret: string; securityToken?: string }>
  tokens?: string[]
  projects?: { id: string; name: string }[]
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
  count(filter?: (r: RequestLog) => boolean): number
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
export declare function demoTasks(timeline: Step[]): Record<string, FakeTask[]>
export declare function demoInputs(
  url: string,
  extra?: Record<string, string>
): { inputs: Record<string, string>; env: Record<string, string> }
