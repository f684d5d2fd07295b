/**
 * The flows real console users produce (issue 12), judged by the pure verdict and choice: a post-check nobody
 * starts, a skipped backup, an abandoned or idle workflow, list items the gate cannot read, and the cluster's
 * version against the upgrade's target.
 */
import { describe, expect, it } from '@jest/globals'
import type { ClusterStatus } from '../../src/cce/cluster.js'
import { UnreadableItem, describeUnreadable } from '../../src/cce/list.js'
import type { UpgradeTask } from '../../src/cce/task.js'
import {
  chooseUpgrade,
  endedAtOf,
  newerThan,
  sameUpgrade,
  stillChanging
} from '../../src/gate/choose.js'
import { ClusterView, Observation, Upgrade, stateKey } from '../../src/gate/observation.js'
import { Policy, Verdict, judge, nextRead, versionCheck } from '../../src/gate/verdict.js'
import { stepOf } from '../../src/cce/workflow.js'
import { at, cluster, ms, task, workflow } from '../support/upgrade-fixtures.js'

const POLICY: Policy = { onPause: 'wait', waitForNewUpgrade: false, waitForPostCheck: false }
const WAIT_POST_CHECK: Policy = { ...POLICY, waitForPostCheck: true }

/** The fixtures' pre-checks ran on the 24th and expire on the 25th at 10:00 +0800. */
const BEFORE_EXPIRY = ms('09:59', 25)
const AFTER_EXPIRY = ms('10:01', 25)

function wf(
  phase: string,
  steps: string,
  o: { task?: UpgradeTask; expires?: string } = {}
): Upgrade {
  const w = workflow(phase, steps, o.expires === undefined ? {} : { expires: o.expires })
  return o.task
    ? { kind: 'workflow', workflow: w, task: o.task }
    : { kind: 'workflow', workflow: w }
}

const available = (version = 'v1.29'): ClusterView => ({
  kind: 'read',
  status: { ...cluster('Available'), version },
  rolledBack: false
})

function obs(upgrade: Upgrade, cl: ClusterView = { kind: 'unread' }, apiAt = 0): Observation {
  return { at: apiAt, apiAt, upgrade, cluster: cl, precheck: { kind: 'unread' } }
}

const UPGRADING: Verdict = { kind: 'wait', why: { kind: 'upgrading' } }
const PASS: Verdict = { kind: 'pass', paused: false, clusterChecked: true }
const PASS_NO_POST_CHECK: Verdict = { ...PASS, postCheckNotStarted: true }

describe('a post-check nobody starts does not hold an upgraded cluster', () => {
  const upgraded = 'PreCheck:Success Snapshot:Success Cluster:Success PostCheck:Init'

  it('passes once the cluster is Available, noting the post-check was not started', () => {
    for (const t of [task('Success'), undefined]) {
      const u = wf('Running', upgraded, { task: t })
      expect(nextRead(obs(u), POLICY)).toBe('cluster')
      expect(judge(obs(u), POLICY)).toEqual({ kind: 'wait', why: { kind: 'cluster-unread' } })
      expect(judge(obs(u, available()), POLICY)).toEqual(PASS_NO_POST_CHECK)
    }
  })

  it('still needs the cluster to be Available and on the new version', () => {
    const u = wf('Running', upgraded, { task: task('Success') })
    const upgrading: ClusterView = { kind: 'read', status: cluster('Upgrading'), rolledBack: false }
    expect(judge(obs(u, upgrading), POLICY)).toEqual({
      kind: 'wait',
      why: { kind: 'cluster-settling', phase: 'Upgrading' }
    })
    expect(judge(obs(u, available('v1.28')), POLICY)).toMatchObject({
      kind: 'fail',
      failure: { kind: 'version-behind', target: 'v1.29.1-r0' }
    })
  })

  it('does not pass while the Cluster task (when read) has not succeeded yet', () => {
    for (const phase of ['Running', 'Queuing', 'Verifying']) {
      const u = wf('Running', upgraded, { task: task(phase) })
      expect(judge(obs(u, available()), POLICY)).toEqual(UPGRADING)
      expect(nextRead(obs(u), POLICY)).toBeUndefined()
    }
  })

  it('waits for a post-check that runs, fails on one that failed', () => {
    const running = wf('Running', 'PreCheck:Success Cluster:Success PostCheck:Running')
    expect(judge(obs(running, available()), POLICY)).toEqual(UPGRADING)
    for (const phase of ['Running', 'Pending']) {
      const failed = wf(phase, 'PreCheck:Success Cluster:Success PostCheck:Failed')
      expect(judge(obs(failed, available()), POLICY)).toMatchObject({
        kind: 'fail',
        failure: { kind: 'step-failed', step: 'PostCheck' }
      })
    }
  })

  it('passes on a post-check that succeeded before the workflow says Success', () => {
    const u = wf('Running', 'PreCheck:Success Cluster:Success PostCheck:Success')
    expect(judge(obs(u, available()), POLICY)).toEqual(PASS)
    expect(judge(obs(u, available()), WAIT_POST_CHECK)).toEqual(UPGRADING)
  })

  it('passes with no post-check step listed at all, without the note', () => {
    const u = wf('Running', 'PreCheck:Success Cluster:Success')
    expect(judge(obs(u, available()), POLICY)).toEqual(PASS)
  })

  it('a step the gate does not understand still holds it', () => {
    const odd = wf('Running', 'PreCheck:Success Snapshot:Verifying Cluster:Success PostCheck:Init')
    expect(judge(obs(odd, available()), POLICY)).toEqual(UPGRADING)
    const unknownType = wf(
      'Running',
      'PreCheck:Success Cluster:Success PostCheck:Init Drain:Running'
    )
    expect(judge(obs(unknownType, available()), POLICY)).toEqual(UPGRADING)
  })

  it('wait-for-post-check: true keeps waiting for the post-check and the workflow Success', () => {
    const u = wf('Running', upgraded, { task: task('Success') })
    expect(judge(obs(u, available()), WAIT_POST_CHECK)).toEqual({
      kind: 'wait',
      why: { kind: 'post-check-pending' }
    })
    expect(nextRead(obs(u), WAIT_POST_CHECK)).toBeUndefined()
    // once the workflow says Success, its post-check can no longer start: that fails at once
    const success = wf('Success', upgraded, { task: task('Success') })
    expect(judge(obs(success, available()), WAIT_POST_CHECK)).toEqual({
      kind: 'fail',
      failure: { kind: 'post-check-never-run' }
    })
  })

  it('a workflow that says Success with its post-check never started passes too, with the note', () => {
    const u = wf('Success', upgraded, { task: task('Success') })
    expect(judge(obs(u, available()), POLICY)).toEqual(PASS_NO_POST_CHECK)
  })

  it('any Rollback that left Init fails, in a running workflow too', () => {
    for (const rollback of ['Running', 'Success', 'Failed', 'Queuing']) {
      const u = wf(
        'Running',
        `PreCheck:Success Cluster:Success PostCheck:Init Rollback:${rollback}`
      )
      expect(judge(obs(u, available()), POLICY)).toEqual({
        kind: 'fail',
        failure: { kind: 'workflow-rolled-back' }
      })
    }
    const untouched = wf('Running', 'PreCheck:Success Cluster:Success PostCheck:Init Rollback:Init')
    expect(judge(obs(untouched, available()), POLICY)).toEqual(PASS_NO_POST_CHECK)
  })

  it('a failed step fails a running workflow at once', () => {
    const u = wf('Running', 'PreCheck:Success Snapshot:Failed Cluster:Init')
    expect(judge(obs(u), POLICY)).toEqual({
      kind: 'fail',
      failure: { kind: 'step-failed', step: 'Snapshot', status: 'Failed' }
    })
  })
})

describe('a skipped step holds nothing', () => {
  it('a backup left Init before the cluster upgrade ran passes', () => {
    const u = wf('Success', 'PreCheck:Success Snapshot:Init Cluster:Success PostCheck:Success', {
      task: task('Success')
    })
    expect(judge(obs(u, available()), WAIT_POST_CHECK)).toEqual(PASS)
    const running = wf('Running', 'PreCheck:Success Snapshot:Init Cluster:Success PostCheck:Init')
    expect(judge(obs(running, available()), POLICY)).toEqual(PASS_NO_POST_CHECK)
  })

  it('a step still Init with nothing started after it is not skipped', () => {
    // a step type added later sorts last: nothing after it has started
    const u = wf('Success', 'PreCheck:Success Cluster:Success PostCheck:Success Drain:Init')
    expect(judge(obs(u, available()), POLICY)).toEqual({
      kind: 'wait',
      why: { kind: 'success-unconfirmed', step: 'Drain', status: 'Init' }
    })
  })

  it('the Cluster step is never skipped, whatever ran after it', () => {
    const u = wf('Success', 'PreCheck:Success Snapshot:Init Cluster:Init PostCheck:Success')
    expect(judge(obs(u, available()), POLICY)).toEqual({
      kind: 'wait',
      why: { kind: 'success-unconfirmed', step: 'Cluster', status: 'Init' }
    })
  })

  it('a Rollback that ran does not make earlier Init steps skipped', () => {
    const u = wf('Success', 'PreCheck:Success Snapshot:Init Cluster:Success Rollback:Success')
    expect(judge(obs(u, available()), POLICY)).toEqual({
      kind: 'fail',
      failure: { kind: 'workflow-rolled-back' }
    })
  })

  it('the failed step named for a Pending workflow is never a skipped one', () => {
    const u = wf('Pending', 'PreCheck:Success Snapshot:Init Cluster:Error')
    expect(judge(obs(u), POLICY)).toEqual({
      kind: 'fail',
      failure: { kind: 'step-failed', step: 'Cluster' }
    })
  })
})

describe('a workflow that waits for a person to start its cluster upgrade', () => {
  const idle = 'PreCheck:Success Cluster:Init PostCheck:Init'

  it('waits while its pre-check is valid, saying the upgrade has not started', () => {
    for (const steps of [
      idle,
      'PreCheck:Success Snapshot:Success Cluster:Init',
      'PreCheck:Success'
    ]) {
      for (const phase of ['Running', 'Init'])
        expect(judge(obs(wf(phase, steps), undefined, BEFORE_EXPIRY), POLICY)).toEqual({
          kind: 'wait',
          why: { kind: 'upgrade-not-started', expires: at('10:00', 25) }
        })
    }
  })

  it('fails once its pre-check expired (by the API clock): the upgrade never started', () => {
    expect(judge(obs(wf('Running', idle), undefined, AFTER_EXPIRY), POLICY)).toEqual({
      kind: 'fail',
      failure: { kind: 'precheck-expired', expires: at('10:00', 25) }
    })
    // exactly at the expiry it is still valid
    expect(judge(obs(wf('Running', idle), undefined, ms('10:00', 25)), POLICY).kind).toBe('wait')
  })

  it('an expiry it cannot read, or none, counts as not expired', () => {
    for (const expires of ['', 'soon', '2026-13-45 99:00:00 +0800 CST'])
      expect(judge(obs(wf('Running', idle, { expires }), undefined, AFTER_EXPIRY), POLICY)).toEqual(
        {
          kind: 'wait',
          why: { kind: 'upgrade-not-started', expires }
        }
      )
  })

  it('is not idle while something runs or before its pre-check passed', () => {
    for (const steps of [
      'PreCheck:Running Cluster:Init',
      'PreCheck:Success Snapshot:Running Cluster:Init',
      'PreCheck:Success Cluster:Queuing',
      'PreCheck:Init Cluster:Init',
      'PreCheck:Success Cluster:Init PostCheck:Running'
    ])
      expect(judge(obs(wf('Running', steps), undefined, AFTER_EXPIRY), POLICY)).toEqual(UPGRADING)
  })
})

describe('the cluster version against the target', () => {
  const status = (version: string): ClusterStatus => ({ ...cluster('Available'), version })

  it('by major.minor: older fails, same or newer passes', () => {
    expect(versionCheck(status('v1.28'), 'v1.29.5-r0')).toEqual({ behind: true })
    expect(versionCheck(status('v1.29'), 'v1.29.5-r0')).toEqual({ behind: false })
    expect(versionCheck(status('v1.30'), 'v1.29')).toEqual({ behind: false })
    expect(versionCheck(status('v2.0'), 'v1.31')).toEqual({ behind: false })
    expect(versionCheck(status('v1.31'), 'v2.0')).toEqual({ behind: true })
  })

  it('what cannot be compared passes, saying why', () => {
    expect(versionCheck(status(''), 'v1.29')).toEqual({
      behind: false,
      why: 'ShowCluster reported no spec.version'
    })
    expect(versionCheck(status('latest'), 'v1.29')).toEqual({
      behind: false,
      why: 'spec.version "latest" is not a version'
    })
    expect(versionCheck(status('v1.28'), '')).toEqual({ behind: false, why: 'no target version' })
    expect(versionCheck(status('v1.28'), 'next')).toEqual({
      behind: false,
      why: 'the target version "next" is not a version'
    })
  })

  it('a task that succeeded on a cluster still on its old minor fails, naming both versions', () => {
    const u: Upgrade = { kind: 'task', task: task('Success') }
    expect(judge(obs(u, available('v1.28')), POLICY)).toEqual({
      kind: 'fail',
      failure: { kind: 'version-behind', cluster: status('v1.28'), target: 'v1.29.1-r0' }
    })
  })

  it('a workflow without its task read is compared with the workflow target', () => {
    const u = wf('Success', 'PreCheck:Success Cluster:Success PostCheck:Success')
    expect(judge(obs(u, available('v1.28')), POLICY)).toMatchObject({
      failure: { kind: 'version-behind', target: 'v1.29' }
    })
    expect(judge(obs(u, available('v1.29')), POLICY)).toEqual(PASS)
  })

  it('passes without the check when spec.version is missing, and says why', () => {
    const u: Upgrade = { kind: 'task', task: task('Success') }
    expect(judge(obs(u, available('')), POLICY)).toEqual({
      ...PASS,
      versionUnchecked: 'ShowCluster reported no spec.version'
    })
  })

  it('on-pause: succeed passes a partly upgraded cluster without the check', () => {
    const u: Upgrade = { kind: 'task', task: task('Pause') }
    const succeed: Policy = { ...POLICY, onPause: 'succeed' }
    expect(judge(obs(u, available('v1.28')), succeed)).toEqual({
      kind: 'pass',
      paused: true,
      clusterChecked: false
    })
  })
})

describe('a list item the gate cannot read', () => {
  const item = (created: string, uid = 'wf-x'): UnreadableItem => ({
    what: 'upgrade workflow',
    uid,
    created,
    why: 'no status.phase'
  })
  const oldSuccess = workflow('Success', 'PreCheck:Success Cluster:Success PostCheck:Success', {
    uid: 'wf-old',
    created: at('10:00')
  })

  it('holds the gate when it may be the current upgrade: newer than the choice, or of unknown time', () => {
    for (const created of [at('11:00'), at('10:00'), '', 'garbage']) {
      const hidden = item(created)
      expect(chooseUpgrade([oldSuccess], [], { unreadable: [hidden] })).toEqual({
        kind: 'unreadable',
        item: hidden
      })
    }
    const u: Upgrade = { kind: 'unreadable', item: item('') }
    expect(judge(obs(u, available()), POLICY)).toEqual({
      kind: 'wait',
      why: { kind: 'list-item-unreadable', item: item('') }
    })
    expect(nextRead(obs(u), POLICY)).toBeUndefined()
  })

  it('is named by what could be read of it, and is a state of its own in the timeline', () => {
    expect(describeUnreadable(item(at('09:00')))).toBe(
      `upgrade workflow wf-x (created ${at('09:00')}): no status.phase`
    )
    expect(describeUnreadable({ ...item(''), uid: '' })).toBe(
      'an upgrade workflow without an ID: no status.phase'
    )
    const seen = (i: UnreadableItem) => stateKey(obs({ kind: 'unreadable', item: i }))
    expect(seen(item('', 'a'))).not.toBe(seen(item('', 'b')))
    expect(seen(item(at('09:00')))).not.toBe(seen(item(at('09:01'))))
    expect(seen(item(at('09:00')))).toBe(seen({ ...item(at('09:00')), why: 'other' }))
  })

  it('is left out when it is older than the choice', () => {
    expect(chooseUpgrade([oldSuccess], [], { unreadable: [item(at('09:59'))] })).toEqual({
      kind: 'workflow',
      workflow: oldSuccess
    })
  })

  it('with nothing readable at all, it holds the gate (never "no upgrade")', () => {
    expect(chooseUpgrade([], [], { unreadable: [item(at('09:00'))] })).toMatchObject({
      kind: 'unreadable'
    })
  })

  it('with max-age, one that started before the window is left out', () => {
    expect(
      chooseUpgrade([], [], { unreadable: [item(at('09:00'))], notBefore: ms('10:00') })
    ).toEqual({ kind: 'none' })
    expect(
      chooseUpgrade([oldSuccess], [], { unreadable: [item(at('10:30'))], notBefore: ms('10:15') })
    ).toMatchObject({ kind: 'unreadable' })
  })
})

/** An upgrade that succeeded days ago: what decides once the newer workflows are passed over. */
const oldSuccess = workflow('Success', 'PreCheck:Success Cluster:Success PostCheck:Success', {
  uid: 'wf-old',
  created: at('09:00', 20)
})

describe('the choice passes over an abandoned workflow', () => {
  const idle = workflow('Running', 'PreCheck:Success Cluster:Init PostCheck:Init', {
    uid: 'wf-idle',
    created: at('10:00')
  })

  it('once its pre-check expired, the newest other upgrade decides', () => {
    expect(chooseUpgrade([idle, oldSuccess], [], { apiNow: AFTER_EXPIRY })).toEqual({
      kind: 'workflow',
      workflow: oldSuccess
    })
    const outside = task('Failed', { uid: 'task-out', created: at('09:00', 21) })
    expect(chooseUpgrade([idle], [outside], { apiNow: AFTER_EXPIRY })).toEqual({
      kind: 'task',
      task: outside
    })
  })

  it('while its pre-check is valid (or without the API clock), it is the current upgrade', () => {
    for (const apiNow of [BEFORE_EXPIRY, undefined])
      expect(chooseUpgrade([idle, oldSuccess], [], { apiNow })).toEqual({
        kind: 'workflow',
        workflow: idle
      })
  })

  it('with no other upgrade, nothing qualifies, naming the abandoned one', () => {
    expect(chooseUpgrade([idle], [], { apiNow: AFTER_EXPIRY })).toEqual({
      kind: 'none',
      abandoned: { what: 'upgrade workflow wf-idle', phase: 'Running', at: ms('10:00') }
    })
  })

  it('with max-age, it is passed over too, and an older upgrade is simply too old', () => {
    // the old upgrade's steps ended at 10:30 on the 24th (fixture)
    expect(
      chooseUpgrade([idle, oldSuccess], [], { apiNow: AFTER_EXPIRY, notBefore: ms('10:31') })
    ).toMatchObject({ kind: 'none', newest: { what: 'upgrade workflow wf-old' } })
  })
})

describe('a workflow left Running on a post-check nobody started has ended, for the choice', () => {
  // its Cluster step ended at 10:30 on the 24th (fixture); the post-check was never started
  const atRest = workflow(
    'Running',
    'PreCheck:Success Snapshot:Success Cluster:Success PostCheck:Init',
    {
      uid: 'wf-old',
      created: at('09:00')
    }
  )

  it('does not outrank a newer upgrade that failed', () => {
    const failed = task('Failed', { uid: 'task-new', created: at('10:00', 25) })
    expect(chooseUpgrade([atRest], [failed])).toEqual({ kind: 'task', task: failed })
    const pending = workflow('Pending', 'PreCheck:Success Cluster:Failed=task-9', {
      uid: 'wf-new',
      created: at('10:00', 25)
    })
    expect(chooseUpgrade([atRest, pending], [])).toEqual({ kind: 'workflow', workflow: pending })
  })

  it('an upgrade created after its cluster upgrade ended decides; one created before it does not', () => {
    const after = task('Success', { uid: 'task-after', created: at('10:31') })
    expect(chooseUpgrade([atRest], [after])).toEqual({ kind: 'task', task: after })
    const before = task('Success', { uid: 'task-before', created: at('10:29') })
    expect(chooseUpgrade([atRest], [before])).toEqual({ kind: 'workflow', workflow: atRest })
  })

  it('is still chosen, and passes, when nothing newer exists; its age counts from its end', () => {
    expect(chooseUpgrade([atRest], [])).toEqual({ kind: 'workflow', workflow: atRest })
    expect(endedAtOf({ kind: 'workflow', workflow: atRest })).toBe(ms('10:30'))
    expect(judge(obs({ kind: 'workflow', workflow: atRest }, available()), POLICY)).toEqual(
      PASS_NO_POST_CHECK
    )
  })

  it('a workflow still under way outranks it, whatever their ages', () => {
    const idle = workflow('Running', 'PreCheck:Success Cluster:Init PostCheck:Init', {
      uid: 'wf-idle',
      created: at('08:00')
    })
    expect(chooseUpgrade([atRest, idle], [], { apiNow: BEFORE_EXPIRY })).toEqual({
      kind: 'workflow',
      workflow: idle
    })
  })

  it('is still changing while anything but an unstarted post-check is left', () => {
    for (const steps of [
      'PreCheck:Success Cluster:Success PostCheck:Running',
      'PreCheck:Success Cluster:Success PostCheck:Success',
      'PreCheck:Success Cluster:Success',
      'PreCheck:Success PostCheck:Init',
      'PreCheck:Success Cluster:Running PostCheck:Init',
      'PreCheck:Success Snapshot:Running Cluster:Success PostCheck:Init',
      'PreCheck:Success Cluster:Success PostCheck:Init Rollback:Running',
      'PreCheck:Success Cluster:Success PostCheck:Init Rollback:'
    ])
      expect([steps, stillChanging(workflow('Running', steps))]).toEqual([steps, true])
    for (const phase of ['Init', 'Verifying'])
      expect(
        stillChanging(workflow(phase, 'PreCheck:Success Cluster:Success PostCheck:Init'))
      ).toBe(true)
    for (const steps of [
      'PreCheck:Success Cluster:Success PostCheck:Init',
      'PreCheck:Success Snapshot:Init Cluster:Success PostCheck:Init Rollback:Init'
    ])
      expect([steps, stillChanging(workflow('Running', steps))]).toEqual([steps, false])
    expect(
      endedAtOf({
        kind: 'workflow',
        workflow: workflow('Running', 'PreCheck:Success Cluster:Running')
      })
    ).toBeUndefined()
  })
})

describe('a workflow cancelled before its cluster upgrade started changed nothing', () => {
  const cancelled = workflow(
    'Cancel',
    'PreCheck:Success Snapshot:Success Cluster:Init PostCheck:Init',
    {
      uid: 'wf-cancelled',
      created: at('10:00')
    }
  )

  it('is passed over: the newest other upgrade decides', () => {
    expect(chooseUpgrade([cancelled, oldSuccess], [])).toEqual({
      kind: 'workflow',
      workflow: oldSuccess
    })
  })

  it('alone, nothing qualifies, naming it', () => {
    expect(chooseUpgrade([cancelled], [])).toEqual({
      kind: 'none',
      abandoned: { what: 'upgrade workflow wf-cancelled', phase: 'Cancel', at: ms('10:00') }
    })
  })

  it('one cancelled once its cluster upgrade started, or with no Cluster step listed, or after a rollback, decides and fails', () => {
    for (const steps of [
      'PreCheck:Success Cluster:Running PostCheck:Init',
      'PreCheck:Success Cluster:Failed PostCheck:Init',
      'PreCheck:Success',
      'PreCheck:Success Cluster:Init Rollback:Running'
    ]) {
      const w = workflow('Cancel', steps, { uid: 'wf-cancelled', created: at('10:00') })
      expect([steps, chooseUpgrade([w, oldSuccess], [])]).toEqual([
        steps,
        { kind: 'workflow', workflow: w }
      ])
    }
  })

  it('named by workflow-id, it still fails as cancelled', () => {
    expect(judge(obs({ kind: 'workflow', workflow: cancelled }), POLICY)).toEqual({
      kind: 'fail',
      failure: { kind: 'workflow-cancelled' }
    })
  })
})

describe('the tasks of a workflow the choice passes over count as outside any workflow', () => {
  it('a task under way that an abandoned workflow names decides', () => {
    const abandoned = workflow('Running', 'PreCheck:Success Cluster:Init=task-2 PostCheck:Init', {
      uid: 'wf-2',
      created: at('10:00')
    })
    const running = task('Running', { uid: 'task-2', created: at('10:20') })
    expect(chooseUpgrade([abandoned, oldSuccess], [running], { apiNow: AFTER_EXPIRY })).toEqual({
      kind: 'task',
      task: running
    })
    // created after wf-old's steps ended (10:30 in the fixture)
    const failed = task('Failed', { uid: 'task-2', created: at('10:40') })
    expect(chooseUpgrade([abandoned, oldSuccess], [failed], { apiNow: AFTER_EXPIRY })).toEqual({
      kind: 'task',
      task: failed
    })
  })
})

describe('a step Error fails a running workflow, as Failed does', () => {
  it('before or after the cluster upgrade', () => {
    for (const [steps, step] of [
      ['PreCheck:Error Cluster:Init', 'PreCheck'],
      ['PreCheck:Success Cluster:Success PostCheck:Error', 'PostCheck']
    ] as const)
      expect(
        judge(obs(wf('Running', steps, { task: task('Success') }), available()), POLICY)
      ).toEqual({
        kind: 'fail',
        failure: { kind: 'step-failed', step, status: 'Error' }
      })
  })
})

describe('a stale named upgrade: which current upgrade is another, newer one', () => {
  const named = task('Success', { uid: 'task-old', created: at('10:10') })
  const own = workflow('Success', 'PreCheck:Success Cluster:Success=task-old PostCheck:Success', {
    uid: 'wf-old',
    created: at('10:00')
  })

  it('a workflow and the task of its Cluster step are one upgrade, either way round', () => {
    expect(sameUpgrade({ kind: 'workflow', workflow: own }, { kind: 'task', task: named })).toBe(
      true
    )
    expect(sameUpgrade({ kind: 'task', task: named }, { kind: 'workflow', workflow: own })).toBe(
      true
    )
    expect(
      newerThan({ kind: 'workflow', workflow: own }, { kind: 'task', task: named })
    ).toBeUndefined()
  })

  it('two workflows are not one for sharing a pre-check task, or an empty Cluster task ID', () => {
    const a = workflow('Running', 'PreCheck:Success Cluster:Init', { uid: 'wf-a' })
    const b = workflow('Running', 'PreCheck:Success Cluster:Init', { uid: 'wf-b' })
    expect(stepOf(a, 'PreCheck')?.taskId).toBe(stepOf(b, 'PreCheck')?.taskId)
    expect(sameUpgrade({ kind: 'workflow', workflow: a }, { kind: 'workflow', workflow: b })).toBe(
      false
    )
  })

  it('names only an upgrade that started after the named one, or at a time it cannot compare', () => {
    const u = { kind: 'task' as const, task: named }
    const newer = task('Running', { uid: 'task-new', created: at('10:11') })
    const older = task('Success', { uid: 'task-older', created: at('10:09') })
    const same = task('Failed', { uid: 'task-same', created: at('10:10') })
    const unknown = task('Running', { uid: 'task-x', created: 'yesterday' })
    expect(newerThan({ kind: 'task', task: newer }, u)).toEqual({
      what: 'upgrade task task-new',
      phase: 'Running',
      at: ms('10:11')
    })
    expect(newerThan({ kind: 'task', task: older }, u)).toBeUndefined()
    expect(newerThan({ kind: 'task', task: same }, u)).toBeUndefined()
    expect(newerThan({ kind: 'task', task: unknown }, u)).toMatchObject({
      what: 'upgrade task task-x'
    })
    expect(newerThan({ kind: 'none' }, u)).toBeUndefined()
    const stampless = { ...named, creationTimestamp: '' }
    expect(
      newerThan({ kind: 'task', task: older }, { kind: 'task', task: stampless })
    ).toMatchObject({
      what: 'upgrade task task-older'
    })
  })

  it('an unreadable item is the named upgrade when it carries its ID, another one otherwise', () => {
    const item = (uid: string): UnreadableItem => ({
      what: 'upgrade task',
      uid,
      created: '',
      why: 'no status.phase'
    })
    const u = { kind: 'task' as const, task: named }
    expect(newerThan({ kind: 'unreadable', item: item('task-old') }, u)).toBeUndefined()
    expect(newerThan({ kind: 'unreadable', item: item('') }, u)).toMatchObject({ at: undefined })
  })
})
