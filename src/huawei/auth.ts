import type { OutgoingRequest } from './request.js'
import { AkSk, signRequest } from './signer.js'

/** Adds the authentication headers to one request (called again for every retry: signatures carry a date). */
export interface Authorizer {
  headersFor(req: OutgoingRequest, now: Date): Record<string, string>
}

export function akskAuthorizer(cred: AkSk): Authorizer {
  return { headersFor: (req, now) => signRequest(req, cred, now) }
}

export function tokenAuthorizer(token: string): Authorizer {
  return { headersFor: () => ({ 'X-Auth-Token': token }) }
}

/** For the OIDC token exchange: the ID token travels in the body. */
export const noAuth: Authorizer = { headersFor: () => ({}) }
