/** From the configured credential to what signs CCE calls, and the project ID the paths need. */
import { Api, DeadlineError, FatalApiError, Logger } from './api.js'
import { Authorizer, akskAuthorizer, tokenAuthorizer } from './auth.js'
import { CancelledError } from '../lib/clock.js'
import type { Config, Credential, ProjectRef } from '../lib/config.js'
import { IamClient } from './iam.js'
import type { Secrets } from '../lib/secrets.js'

export interface Session {
  auth: Authorizer
  projectId: string
}

export interface LoginDeps {
  api: Api
  secrets: Secrets
  log: Logger
  getIDToken(audience?: string): Promise<string>
}

export async function login(config: Config, deps: LoginDeps): Promise<Session> {
  const iam = new IamClient(deps.api, config.iamEndpoint)
  const cred = config.credential
  switch (cred.kind) {
    case 'token':
      return withProject(tokenAuthorizer(cred.token), config.project, iam, deps.log)
    case 'aksk':
      return withProject(akskAuthorizer(cred), config.project, iam, deps.log)
    case 'oidc':
      return oidcLogin(cred, config.project, iam, deps)
  }
}

/** The project ID as given, or the project named after the region, looked up in IAM. */
async function withProject(
  auth: Authorizer,
  project: ProjectRef,
  iam: IamClient,
  log: Logger
): Promise<Session> {
  if (project.kind === 'given') {
    log.debug(`Project ID from ${project.source}`)
    return { auth, projectId: project.id }
  }
  const projectId = await iam.projectIdFor(project.region, auth)
  log.info(`Project ${project.region}: ${projectId} (looked up in IAM)`)
  return { auth, projectId }
}

/** Keyless: the job's GitHub OIDC token, exchanged at IAM for a token scoped to the project. */
async function oidcLogin(
  cred: Extract<Credential, { kind: 'oidc' }>,
  project: ProjectRef,
  iam: IamClient,
  deps: LoginDeps
): Promise<Session> {
  let idToken: string
  try {
    idToken = await deps.api.bounded(deps.getIDToken(cred.audience))
  } catch (e) {
    if (e instanceof DeadlineError)
      throw new DeadlineError(
        "GitHub's OIDC token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL) gave no ID token before the deadline"
      )
    if (e instanceof CancelledError) throw e
    throw new FatalApiError(
      `Could not get the GitHub OIDC ID token: ${e instanceof Error ? e.message.replace(/\s+/g, ' ') : String(e)}. Check that the job has permissions: id-token: write.`
    )
  }
  deps.secrets.add(idToken)
  const scoped = await iam.exchangeIdToken(
    idToken,
    cred.identityProvider,
    project.kind === 'given' ? { projectId: project.id } : { region: project.region }
  )
  deps.secrets.add(scoped.token)
  deps.log.info(
    `Logged in to IAM with the GitHub OIDC token (identity provider ${cred.identityProvider}${scoped.expiresAt ? `, token valid until ${scoped.expiresAt}` : ''})`
  )
  const auth = tokenAuthorizer(scoped.token)
  if (project.kind === 'given') {
    deps.log.debug(`Project ID from ${project.source}`)
    return { auth, projectId: project.id }
  }
  if (!scoped.project)
    throw new FatalApiError('IAM returned a token without a project scope: set project-id.')
  deps.log.info(`Project ${scoped.project.name}: ${scoped.project.id} (from the token's scope)`)
  return { auth, projectId: scoped.project.id }
}
