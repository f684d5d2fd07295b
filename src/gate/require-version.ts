/**
 * `require-version` (pure): once every other rule has passed, the cluster must run at least the Kubernetes
 * major.minor the pipeline asked for. The user asked for a guarantee: a version the gate cannot read is not one.
 */
import { compareMinor, minorVersion } from '../cce/cluster.js'
import type { RequiredVersion } from '../lib/config.js'
import type { ClusterView } from './observation.js'

/** Why the cluster does not meet the requirement: `have` is its spec.version as read ('' when none was). */
export interface VersionShortfall {
  have: string
  /** Set when the version could not be read (no `have` to compare). */
  unreadable?: string
}

/** What keeps the cluster from meeting `want`, or undefined when it runs that version or a newer one. */
export function versionShortfall(
  cluster: ClusterView,
  want: RequiredVersion
): VersionShortfall | undefined {
  if (cluster.kind === 'forbidden')
    return { have: '', unreadable: 'this identity may not read the cluster (HTTP 403)' }
  if (cluster.kind === 'unread') return { have: '', unreadable: 'the cluster was not read' }
  const have = cluster.status.version
  if (!have) return { have, unreadable: 'ShowCluster reported no spec.version' }
  const minor = minorVersion(have)
  if (!minor) return { have, unreadable: `spec.version "${have}" is not a version` }
  return compareMinor(minor, want.minor) < 0 ? { have } : undefined
}
