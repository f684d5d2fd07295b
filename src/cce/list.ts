/**
 * The list answers (ListUpgradeWorkFlows, ListUpgradeClusterTasks; docs/cce-api.md §1, §10.1 and §10.5). Every SDK marks
 * `items` optional and they disagree on its shape, so: no `items` (or null, or `{}`) is an empty list, one object
 * is a list of one, and an item that cannot be read is kept aside, not allowed to spoil the items that can. An item
 * whose `spec.clusterID` names another cluster is kept aside too: it never decides anything about this one.
 */
import { isObj, obj, str } from '../lib/json.js'

/** A list item the gate could not read: what could still be read of it, to name it and to place it in time. */
export interface UnreadableItem {
  /** e.g. "upgrade workflow" */
  what: string
  /** metadata.uid, or '' */
  uid: string
  /** metadata.creationTimestamp as sent, or '' */
  created: string
  /** Which fields are missing, or "not a JSON object". */
  why: string
}

export interface ListAnswer<T> {
  items: T[]
  unreadable: UnreadableItem[]
  /** Items whose `spec.clusterID` names another cluster (`why` says which): left out. */
  otherCluster?: UnreadableItem[]
}

/** Fields of Huawei's error bodies: an answer carrying one is an error, not an empty list. */
const ERROR_FIELDS = ['error_code', 'errorCode', 'error_msg', 'errorMessage', 'error']

/** An error body (a gateway's or CCE's), whatever else it carries: never an answer, even with a status.phase. */
export function isErrorBody(json: unknown): boolean {
  return isObj(json) && ERROR_FIELDS.some(f => f in json)
}

/**
 * Undefined unless `json` is a list answer (an object that is not an error body, whose `items`, when present, is
 * an object or an array): anything else is retried as a broken answer. `required` are the fields an item needs;
 * `clusterId`, the cluster asked about (an item that names no cluster is taken as its own).
 */
export function decodeList<T>(
  json: unknown,
  what: string,
  decode: (item: unknown) => T | undefined,
  required: string[],
  clusterId?: string
): ListAnswer<T> | undefined {
  if (!isObj(json) || isErrorBody(json)) return undefined
  const raw = json['items']
  // null is an object to typeof: read, like an absent `items`, as no items
  if (raw !== undefined && typeof raw !== 'object') return undefined
  const list = Array.isArray(raw) ? raw : isObj(raw) && Object.keys(raw).length > 0 ? [raw] : []
  const answer: ListAnswer<T> = { items: [], unreadable: [] }
  for (const item of list) {
    const other = otherClusterOf(item, clusterId)
    if (other !== undefined) {
      const foreign = { ...unreadable(item, what, []), why: `of cluster ${other}` }
      answer.otherCluster = [...(answer.otherCluster ?? []), foreign]
      continue
    }
    const decoded = decode(item)
    if (decoded !== undefined) answer.items.push(decoded)
    else answer.unreadable.push(unreadable(item, what, required))
  }
  return answer
}

/**
 * The other cluster an item's (or a by-ID answer's) `spec.clusterID` names, if it names one that is not
 * `clusterId`; IDs compare without case.
 */
export function otherClusterOf(item: unknown, clusterId: string | undefined): string | undefined {
  const named = str(obj(obj(item)['spec'])['clusterID']).trim()
  if (!named || clusterId === undefined) return undefined
  return named.toLowerCase() === clusterId.trim().toLowerCase() ? undefined : named
}

function unreadable(item: unknown, what: string, required: string[]): UnreadableItem {
  const metadata = obj(obj(item)['metadata'])
  const missing = required.filter(path => !str(path.split('.').reduce((v, k) => obj(v)[k], item)))
  return {
    what,
    uid: str(metadata['uid']),
    created: str(metadata['creationTimestamp']),
    why: isObj(item) ? `no ${missing.join(', no ') || 'readable fields'}` : 'not a JSON object'
  }
}

/** "upgrade workflow wf-1", or "an upgrade workflow without an ID (created …)". */
export function describeUnreadable(u: UnreadableItem): string {
  const name = u.uid ? `${u.what} ${u.uid}` : `an ${u.what} without an ID`
  return `${name}${u.created ? ` (created ${u.created})` : ''}: ${u.why}`
}
