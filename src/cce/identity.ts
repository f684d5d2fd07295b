/** Answers about something other than what was asked for (docs/cce-api.md §1: metadata.uid names the object). */
import { isObj, obj, str } from '../lib/json.js'
import { otherClusterOf } from './list.js'

const cut = (v: string, max: number): string => (v.length > max ? `${v.slice(0, max)}…` : v)
const shown = (v: string, max: number): string => JSON.stringify(cut(v, max))

/**
 * What an answer shaped like a `what` (with metadata or status) is when its metadata.uid is not `id`: e.g.
 * 'upgrade task "t-2" (phase Success), not upgrade task t-1', or 'an upgrade task without metadata.uid
 * (…)', or 'upgrade task t-1 of cluster "c-2", not of cluster c-1' (its `spec.clusterID`). Undefined for the
 * one asked for, and for an answer of another shape (the generic "not the expected JSON").
 * The answer's strings are already redacted (api.ts): cutting them here cannot leave part of a secret.
 */
export function otherThan(
  what: string,
  id: string,
  clusterId?: string
): (json: unknown) => string | undefined {
  return json => {
    const root = obj(json)
    if (!isObj(root['metadata']) && !isObj(root['status'])) return undefined
    const uid = str(obj(root['metadata'])['uid'])
    const other = otherClusterOf(json, clusterId)
    if (uid === id)
      return other === undefined
        ? undefined
        : `${what} ${id} of cluster ${shown(other, 64)}, not of cluster ${String(clusterId)}`
    const phase = str(obj(root['status'])['phase'])
    const which = uid
      ? `${what} ${shown(uid, 64)}`
      : `${/^[aeiou]/.test(what) ? 'an' : 'a'} ${what} without metadata.uid`
    return `${which}${phase ? ` (phase ${cut(phase, 32)})` : ''}, not ${what} ${id}`
  }
}
