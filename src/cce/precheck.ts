/** The pre-check task (ShowPreCheck, docs/cce-api.md §10.2): read when a workflow's PreCheck step failed. */
import { listOf, obj, str } from '../lib/json.js'

export interface PreCheckItem {
  name: string
  kind: string
  level: string
  message: string
  /** The item's own result, e.g. Success or Failed; may be empty. */
  phase: string
  /** The node the item is about, for node checks. */
  node?: string
  /** cluster, addon or node */
  scope: string
}

export interface PreCheck {
  uid: string
  phase: string
  message: string
  items: PreCheckItem[]
}

function itemsOf(v: unknown, scope: string, node?: string): PreCheckItem[] {
  return listOf(obj(v)['itemsStatus']).map(i => {
    const item = obj(i)
    return {
      name: str(item['name']),
      kind: str(item['kind']),
      level: str(item['level']),
      message: str(item['message']),
      phase: str(item['phase']),
      scope,
      ...(node ? { node } : {})
    }
  })
}

export function decodePreCheck(json: unknown): PreCheck | undefined {
  const root = obj(json)
  const status = obj(root['status'])
  const phase = str(status['phase'])
  if (!phase) return undefined
  const nodes = listOf(obj(status['nodeCheckStatus'])['nodeStageStatus']).flatMap(n => {
    const info = obj(obj(n)['nodeInfo'])
    return itemsOf(n, 'node', str(info['name']) || str(info['uid']) || undefined)
  })
  return {
    uid: str(obj(root['metadata'])['uid']),
    phase,
    message: str(status['message']),
    items: [
      ...itemsOf(status['clusterCheckStatus'], 'cluster'),
      ...itemsOf(status['addonCheckStatus'], 'addon'),
      ...nodes
    ]
  }
}

/**
 * The items that block the upgrade: kind Exception (must be fixed) or level Fatal; Risk items may be skipped.
 * An item whose own phase says it passed blocks nothing, whatever its kind.
 */
export function blockingItems(p: PreCheck): PreCheckItem[] {
  return p.items.filter(
    i => (i.kind === 'Exception' || i.level === 'Fatal') && i.phase !== 'Success'
  )
}

export function describeItem(i: PreCheckItem): string {
  const where = i.node ? ` on node ${i.node}` : ''
  return `${i.name || '(unnamed check)'}${where}: ${i.message || 'no message'}`
}
