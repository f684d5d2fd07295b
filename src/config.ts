/** The typed configuration the rest of the action works from; produced only by inputs.ts. */

export type OnPause = 'wait' | 'fail' | 'succeed'

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

export interface Config {
  clusterId: string
  /** Empty: wait on the cluster's newest upgrade task. */
  taskId?: string
  region?: string
  /** Empty: looked up from the region through IAM (or the OIDC token's scope). */
  projectId?: string
  /** Where region and project ID came from, for the log (never a secret). */
  regionSource?: string
  projectSource?: string
  cceEndpoint: URL
  iamEndpoint: URL
  timeoutMs: number
  intervalMs: number
  onPause: OnPause
  credential: Credential
}

/** A problem with the inputs: reported as one `::error::` line, before any request. */
export class InputError extends Error {
  override readonly name = 'InputError'
}
