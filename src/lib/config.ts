/** The typed configuration the rest of the action works from; produced only by inputs.ts. */

export type OnPause = 'wait' | 'fail' | 'succeed'

/** Which API family the cluster is served by: `/api/v3/…` or `/autopilot/v3/…` (same host). */
export type ClusterType = 'cce' | 'autopilot'

export type Credential =
  | { kind: 'token'; token: string; source: string }
  | {
      kind: 'aksk'
      accessKeyId: string
      secretAccessKey: string
      securityToken?: string
      source: string
    }
  | { kind: 'oidc'; identityProvider: string; audience?: string; source: string }

/** Which upgrade the gate waits on. */
export type WaitTarget =
  | { kind: 'task'; taskId: string }
  | { kind: 'workflow'; workflowId: string }
  /** The cluster's current upgrade: its newest workflow or upgrade task (see choose.ts). */
  | { kind: 'current' }

/** Where the project ID comes from: given (input or environment), or looked up (IAM, or the OIDC token's scope). */
export type ProjectRef =
  { kind: 'given'; id: string; source: string } | { kind: 'by-region'; region: string }

export interface Config {
  clusterId: string
  clusterType: ClusterType
  target: WaitTarget
  region?: string
  /** Where the region came from, for the log (never a secret). */
  regionSource?: string
  project: ProjectRef
  cceEndpoint: URL
  iamEndpoint: URL
  timeoutMs: number
  /** Whether `timeout` was a bare number (seconds), so that a timeout message can say so. */
  timeoutBareNumber: boolean
  intervalMs: number
  onPause: OnPause
  /** A workflow passes only once its post-check succeeded (and it says Success); otherwise a post-check nobody started holds nothing. */
  waitForPostCheck: boolean
  /** The upgrade waited on must have started at most this long before the step began (or start during it). */
  maxAgeMs?: number
  /** `wait: false`: look once and end (pass, fail, or `upgrading` where the gate would wait). */
  wait: boolean
  /** `require-version`: the cluster's spec.version must be at least this major.minor for the step to pass. */
  requireVersion?: RequiredVersion
  credential: Credential
}

/** A Kubernetes major.minor version the cluster must run at least, as the user wrote it and as numbers. */
export interface RequiredVersion {
  text: string
  minor: [number, number]
}

/** A problem with the inputs: reported as one `::error::` line, before any request. */
export class InputError extends Error {
  override readonly name = 'InputError'
}
