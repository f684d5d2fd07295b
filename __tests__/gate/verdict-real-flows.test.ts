/**
 * The verdict (src/gate/verdict.ts) in real upgrade flows: every decision pinned. The rest: verdict.test.ts.
 */
import { describe, expect, it } from '@jest/globals'
import { ClusterView, Upgrade, taskOf, workflowOf } from '../../src/gate/observation.js'
import {
  Verdict,
  failedStepOf,
  judge,
  judgeUpgrade,
  nextRead,
  versionCheck
} from '../../src/gate/verdict.js'
import { stepOf } from '../../src/cce/workflow.js'
import { at, cluster, mixedPrecheck, ms, task, workflow } from '../support/upgrade-fixtures.js'
import {
  POLICY,
  WAIT_POST_CHECK,
  wf,
  byTask,
  read,
  obs,
  WAIT_UPGRADING,
  PASS_CHECKED
} from '../support/verdict-fixtures.js'

describe('real upgrade flows: every decision pinned', () => {
  const AVAILABLE = read('Available')
  const PASS_NOT_STARTED: Verdict = {
    kind: 'pass',
    paused: false,
    clusterChecked: true,
    postCheckNotStarted: true
  }
  const unconfirmed = (step: string, status: string): Verdict => ({
    kind: 'wait',
    why: { kind: 'success-unconfirmed', step, status }
  })
  const withVersion = (version: string): ClusterView => ({
    kind: 'read',
    status: { ...cluster('Available'), version },
    rolledBack: false
  })

  describe('a post-check nobody started (wait-for-post-check: false)', () => {
    it('passes a Success workflow, saying the post-check was not started', () => {
      const u = wf('Success', 'PreCheck:Success Cluster:Success PostCheck:Init')
      expect(judgeUpgrade(u, POLICY, 0)).toEqual({
        kind: 'pass',
        paused: false,
        clusterChecked: false,
        postCheckNotStarted: true
      })
      expect(judge(obs(u, AVAILABLE), POLICY)).toEqual(PASS_NOT_STARTED)
      // wait-for-post-check: true asks for a post-check that can no longer run (steps.test.ts)
      expect(judge(obs(u, AVAILABLE), WAIT_POST_CHECK)).toEqual({
        kind: 'fail',
        failure: { kind: 'post-check-never-run' }
      })
    })

    it('still waits for a post-check that runs, and for another step not done', () => {
      const running = wf('Success', 'PreCheck:Success Cluster:Success PostCheck:Running')
      expect(judge(obs(running, AVAILABLE), POLICY)).toEqual(unconfirmed('PostCheck', 'Running'))
      const snapshot = wf(
        'Success',
        'PreCheck:Success Snapshot:Running Cluster:Success PostCheck:Init'
      )
      expect(judge(obs(snapshot, AVAILABLE), POLICY)).toEqual(unconfirmed('Snapshot', 'Running'))
    })

    it('passes a post-check that succeeded, or a workflow without one, with no mark', () => {
      for (const steps of [
        'PreCheck:Success Cluster:Success PostCheck:Success',
        'PreCheck:Success Cluster:Success',
        // a backup nobody chose (Init before a step that ran) holds nothing
        'PreCheck:Success Snapshot:Init Cluster:Success PostCheck:Success'
      ]) {
        const u = wf('Success', steps)
        expect(judge(obs(u, AVAILABLE), POLICY)).toEqual(PASS_CHECKED)
        expect(judge(obs(u, AVAILABLE), WAIT_POST_CHECK)).toEqual(PASS_CHECKED)
      }
    })

    it('passes a workflow still Running whose Cluster step and task succeeded', () => {
      const u = wf('Running', 'PreCheck:Success Cluster:Success PostCheck:Init', task('Success'))
      expect(nextRead(obs(u), POLICY)).toBe('cluster')
      expect(judge(obs(u, AVAILABLE), POLICY)).toEqual(PASS_NOT_STARTED)
      // a skipped backup and a Rollback still Init hold nothing
      const skipped = wf(
        'Running',
        'PreCheck:Success Snapshot:Init Cluster:Success PostCheck:Init Rollback:Init'
      )
      expect(judge(obs(skipped, AVAILABLE), POLICY)).toEqual(PASS_NOT_STARTED)
      // no post-check listed: passes, with no mark
      const unlisted = wf('Running', 'PreCheck:Success Cluster:Success', task('Success'))
      expect(judge(obs(unlisted, AVAILABLE), POLICY)).toEqual(PASS_CHECKED)
    })

    it('waits on a Running workflow while its Cluster task or another step is not done', () => {
      for (const u of [
        wf('Running', 'PreCheck:Success Cluster:Success PostCheck:Init', task('Running')),
        wf('Running', 'PreCheck:Success Snapshot:Running Cluster:Success PostCheck:Init'),
        wf('Running', 'PreCheck:Success Cluster:Success PostCheck:Queuing')
      ]) {
        expect(judge(obs(u, AVAILABLE), POLICY)).toEqual(WAIT_UPGRADING)
        // wait-for-post-check names the post-check a person has yet to start
        const waitFor =
          stepOf(workflowOf(u)!, 'PostCheck')?.status === 'Init'
            ? 'post-check-pending'
            : 'upgrading'
        expect(judge(obs(u, AVAILABLE), WAIT_POST_CHECK)).toEqual({
          kind: 'wait',
          why: { kind: waitFor }
        })
      }
    })
  })

  describe('a workflow still Running whose steps already failed', () => {
    it('fails when its Rollback step has started', () => {
      for (const status of ['Running', 'Success', 'Failed']) {
        const u = wf('Running', `PreCheck:Success Cluster:Failed Rollback:${status}`)
        expect(judge(obs(u, AVAILABLE), POLICY)).toEqual({
          kind: 'fail',
          failure: { kind: 'workflow-rolled-back' }
        })
      }
    })

    it('fails on a Failed step, naming it, before the workflow says Pending', () => {
      const u = wf('Running', 'PreCheck:Success Cluster:Failed Rollback:Init')
      expect(judge(obs(u, AVAILABLE), POLICY)).toEqual({
        kind: 'fail',
        failure: { kind: 'step-failed', step: 'Cluster', status: 'Failed' }
      })
      // a pre-check that failed: its items are read, then listed
      const pre = wf('Running', 'PreCheck:Failed Cluster:Init')
      expect(nextRead(obs(pre), POLICY)).toBe('precheck')
      expect(
        judge(obs(pre, { kind: 'unread' }, { kind: 'read', precheck: mixedPrecheck() }), POLICY)
      ).toMatchObject({
        kind: 'fail',
        failure: { kind: 'step-failed', step: 'PreCheck', blocking: [{}, {}, {}] }
      })
    })

    it('takes a Rollback step whose status the API left out as a possible rollback, as in a Success workflow', () => {
      const u = wf('Running', 'PreCheck:Success Cluster:Running Rollback:=', task('Running'))
      expect(judge(obs(u, AVAILABLE), POLICY)).toEqual({
        kind: 'fail',
        failure: { kind: 'workflow-rolled-back' }
      })
    })
  })

  it('names the step that says Failed, not an earlier one whose status the API left out', () => {
    const w = workflow('Pending', 'PreCheck:Success Snapshot:= Cluster:Failed PostCheck:Init')
    expect(failedStepOf(w)).toBe('Cluster')
  })

  describe('a workflow waiting for a person to start its cluster upgrade', () => {
    // the fixture's pre-check result is valid until 10:00 on the 25th
    const u = wf('Running', 'PreCheck:Success Cluster:Init PostCheck:Init')
    const expires = at('10:00', 25)
    const atApi = (apiAt: number) => ({ ...obs(u, AVAILABLE), apiAt })

    it('waits while its pre-check is valid, up to the instant it expires', () => {
      for (const apiAt of [ms('10:00', 24), ms('10:00', 25)])
        expect(judge(atApi(apiAt), POLICY)).toEqual({
          kind: 'wait',
          why: { kind: 'upgrade-not-started', expires }
        })
    })

    it('fails once its pre-check expired: the upgrade can no longer start from it', () => {
      expect(judge(atApi(ms('10:00', 25) + 1), POLICY)).toEqual({
        kind: 'fail',
        failure: { kind: 'precheck-expired', expires }
      })
    })

    it('keeps waiting when the expiry cannot be read', () => {
      const w = workflow('Running', 'PreCheck:Success Cluster:Init')
      const unreadable: Upgrade = {
        kind: 'workflow',
        workflow: { ...w, steps: w.steps.map(s => ({ ...s, expiresAt: 'soon' })) }
      }
      expect(judgeUpgrade(unreadable, POLICY, ms('10:00', 30))).toEqual({
        kind: 'wait',
        why: { kind: 'upgrade-not-started', expires: 'soon' }
      })
    })
  })

  it('holds the gate on a list item it could not read', () => {
    const item = { what: 'upgrade task', uid: 't-9', created: '', why: 'no status.phase' }
    const u: Upgrade = { kind: 'unreadable', item }
    const expected: Verdict = { kind: 'wait', why: { kind: 'list-item-unreadable', item } }
    expect(judge(obs(u, AVAILABLE), POLICY)).toEqual(expected)
    expect(nextRead(obs(u), POLICY)).toBeUndefined()
  })

  describe("the cluster's version against the upgrade's target", () => {
    it('versionCheck compares major.minor, and says why it cannot', () => {
      const c = (version: string) => ({ ...cluster('Available'), version })
      expect(versionCheck(c('v1.28'), 'v1.29.5-r0')).toEqual({ behind: true })
      expect(versionCheck(c('v1.29'), 'v1.29.5-r0')).toEqual({ behind: false })
      expect(versionCheck(c('v1.30'), 'v1.29')).toEqual({ behind: false })
      expect(versionCheck(c(''), 'v1.29')).toEqual({
        behind: false,
        why: 'ShowCluster reported no spec.version'
      })
      expect(versionCheck(c('latest'), 'v1.29')).toEqual({
        behind: false,
        why: 'spec.version "latest" is not a version'
      })
      expect(versionCheck(c('v1.28'), 'next')).toEqual({
        behind: false,
        why: 'the target version "next" is not a version'
      })
      expect(versionCheck(c('v1.28'), '')).toEqual({ behind: false, why: 'no target version' })
    })

    it('fails a passed upgrade when the cluster is still on an older minor version', () => {
      const u = byTask('Success')
      const target = taskOf(u)!.targetVersion
      expect(judge(obs(u, withVersion('v1.28')), POLICY)).toEqual({
        kind: 'fail',
        failure: {
          kind: 'version-behind',
          cluster: { ...cluster('Available'), version: 'v1.28' },
          target
        }
      })
      expect(judge(obs(u, withVersion('v1.29')), POLICY)).toEqual(PASS_CHECKED)
    })

    it('passes without the check, saying why, when a version cannot be read', () => {
      expect(judge(obs(byTask('Success'), withVersion('')), POLICY)).toEqual({
        ...PASS_CHECKED,
        versionUnchecked: 'ShowCluster reported no spec.version'
      })
    })
  })
})
