import { Api, FatalApiError } from './api.js'
import { describeDetails } from './api-error.js'
import { Authorizer, noAuth } from './auth.js'
import { joinUrl } from './endpoints.js'
import { obj } from '../lib/json.js'

export interface Project {
  id: string
  name: string
}

export interface ScopedToken {
  token: string
  project?: Project
  expiresAt?: string
}

function project(v: unknown): Project | undefined {
  const p = obj(v)
  return typeof p['id'] === 'string' && typeof p['name'] === 'string'
    ? { id: p['id'], name: p['name'] }
    : undefined
}

/** What a 401 means for a signed or token call: the key or token, or a clock far off. */
const UNAUTHENTICATED =
  "IAM did not accept the credentials: check that access-key-id and secret-access-key (or the token) are right and current, and that the runner's clock is right (signatures more than 15 minutes off are refused)."

/** IAM calls: the project named after a region (KeystoneListProjects) and the OIDC token exchange. */
export class IamClient {
  constructor(
    private readonly api: Api,
    private readonly endpoint: URL
  ) {}

  /** Exactly one project of that name, or an error that says what was found. Never creates one. */
  async projectIdFor(region: string, auth: Authorizer): Promise<string> {
    const { value: projects } = await this.api.call({
      method: 'GET',
      url: joinUrl(this.endpoint, '/v3/projects', { name: region }),
      auth,
      decode: json => {
        const list = obj(json)['projects']
        if (!Array.isArray(list)) return undefined
        const decoded = list.map(project)
        return decoded.every((p): p is Project => p !== undefined) ? decoded : undefined
      },
      explain: (status, d) => {
        const refused = `IAM refused to list the projects named ${region} (HTTP ${status} ${describeDetails(d)}).`
        if (status === 401) return `${refused} ${UNAUTHENTICATED}`
        if (status === 403)
          return `${refused} The identity may not list projects: grant it iam:projects:list, or set project-id to skip the lookup.`
        return `${refused} Set project-id to skip the lookup.`
      }
    })
    const matching = projects.filter(p => p.name === region)
    if (matching.length === 1 && matching[0]) return matching[0].id
    if (matching.length === 0) {
      throw new FatalApiError(
        `IAM has no project named ${region} for these credentials: check region, or set project-id.`
      )
    }
    throw new FatalApiError(
      `IAM has ${matching.length} projects named ${region} (${matching.map(p => p.id).join(', ')}): set project-id to the one that holds the cluster.`
    )
  }

  /** Exchanges a GitHub OIDC ID token for an IAM token scoped to the project (by ID) or to the region (by name). */
  async exchangeIdToken(
    idToken: string,
    identityProvider: string,
    scope: { projectId?: string; region?: string }
  ): Promise<ScopedToken> {
    const scopeBody = scope.projectId
      ? { project: { id: scope.projectId } }
      : { project: { name: scope.region } }
    const { value } = await this.api.call({
      method: 'POST',
      url: joinUrl(this.endpoint, '/v3.0/OS-AUTH/id-token/tokens'),
      headers: { 'Content-Type': 'application/json;charset=utf8', 'X-Idp-Id': identityProvider },
      body: JSON.stringify({ auth: { id_token: { id: idToken }, scope: scopeBody } }),
      auth: noAuth,
      confidential: true,
      decode: (json, headers) => {
        const token = headers['x-subject-token']
        if (typeof token !== 'string' || !token) return undefined
        const body = obj(obj(json)['token'])
        const expires = body['expires_at']
        return {
          token,
          project: project(body['project']),
          expiresAt: typeof expires === 'string' ? expires : undefined
        }
      },
      explain: (status, d) => {
        const where = scope.projectId ? `project ${scope.projectId}` : `region ${scope.region}`
        const refused = `IAM refused the GitHub OIDC token (HTTP ${status} ${describeDetails(d)}).`
        if (status === 403)
          return (
            `${refused} The identity provider's users may not have a token for ${where}: check that identity-provider has ` +
            'programmatic access and that its mapping rules put this repository into a user group with CCE read permissions ' +
            `(e.g. CCE ReadOnlyAccess) in ${where}.`
          )
        return (
          `${refused} Check: identity-provider is the ID of an OpenID Connect identity provider with programmatic access whose ` +
          "idp_url is https://token.actions.githubusercontent.com; its client_id equals the audience input (or the action's " +
          "default audience); its mapping rules admit this repository's workflows (the token's sub claim); and the mapped " +
          `user group has CCE permissions in ${where}.`
        )
      }
    })
    return value
  }
}
