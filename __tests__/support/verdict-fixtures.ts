/**
 * What the verdict's tests (__tests__/gate/verdict*.test.ts) share: the policies, upgrades and cluster reads they
 * judge, an observation built of them (`obs()`), and the verdicts they expect most often.
 */
import { ClusterView, Observation, PreCheckView, Upgrade } from '../../src/gate/observation.js'
import type { UpgradeTask } from '../../src/cce/task.js'
import { Policy, Verdict } from '../../src/gate/verdict.js'
import { cluster, task, workflow } from './upgrade-fixtures.js'

export const POLICY: Policy = { onPause: 'wait', waitForNewUpgrade: false, waitForPostCheck: false }
export const WAIT_POST_CHECK: Policy = { ...POLICY, waitForPostCheck: true }

export function wf(phase: string, steps: string, clusterTask?: UpgradeTask): Upgrade {
  const w = workflow(phase, steps)
  return clusterTask
    ? { kind: 'workflow', workflow: w, task: clusterTask }
    : { kind: 'workflow', workflow: w }
}

export const byTask = (phase: string, progress?: string): Upgrade => ({
  kind: 'task',
  task: task(phase, { progress })
})

export const read = (
  phase: string,
  reason = '',
  message = '',
  rolledBack = false
): ClusterView => ({
  kind: 'read',
  status: cluster(phase, reason, message),
  rolledBack
})

export function obs(
  upgrade: Upgrade,
  cl: ClusterView = { kind: 'unread' },
  pc?: PreCheckView
): Observation {
  return { at: 0, apiAt: 0, upgrade, cluster: cl, precheck: pc ?? { kind: 'unread' } }
}

export const WAIT_UPGRADING: Verdict = { kind: 'wait', why: { kind: 'upgrading' } }
export const CLUSTER_UNREAD: Verdict = { kind: 'wait', why: { kind: 'cluster-unread' } }
export const PASS_CHECKED: Verdict = { kind: 'pass', paused: false, clusterChecked: true }
