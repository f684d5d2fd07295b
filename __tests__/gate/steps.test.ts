/**
 * Issue 19, items 8 and 9: each step counts for what it is. Several steps of one type (the one that started last
 * decides, any step Queuing or Running holds), steps without a status (unknown in every phase), steps without a
 * taskType, and the ends that cannot change (wait-for-post-check on an ended workflow, a Pending workflow whose
 * Cluster task runs again after a retry). Built from the JSON the API sends, decoded by the real decoder.
 */
import { describe, expect, it } from '@jest/globals'
import {
  Workflow,
  awaitingUpgradeStart,
  awaitsOnlyPostCheck,
  cancelledBeforeUpgrade,
  decidingSteps,
  decodeWorkflow,
  decodeWorkflowList,
  stepOf
} from '../../src/cce/workflow.js'
import type { UpgradeTask } from '../../src/cce/task.js'
import type { ClusterView, Observation, Upgrade } from '../../src/gate/observation.js'
import { Policy, Verdict, failedStepOf, judge, judgeUpgrade } from '../../src/gate/verdict.js'
import { chooseUpgrade } from '../../src/gate/choose.js'
import { at, cluster, clusterJson, task, workflowJson } from '../support/upgrade-fixtures.js'
import { decodeCluster } from '../../src/cce/cluster.js'

const POLICY: Policy = { onPause: 'wait', waitForNewUpgrade: false, waitForPostCheck: false }
const WAIT_POST_CHECK: Policy = { ...POLICY, waitForPostCheck: true }

/**
 * Steps as `Type:Status@start`: `PostCheck:Running@10:40`; `@` alone leaves the start out, `@?` makes it
 * unreadable; `:` with nothing after leaves the status out (omitempty); a leading `:` leaves out the taskType.
 */
function steps(spec: string): Record<string, unknown>[] {
  return spec
    .split(/\s+/)
    .filter(Boolean)
    .map(word => {
      const [typeStatus = '', start] = word.split('@')
      const [taskType = '', status = ''] = typeStatus.split(':')
      const started = start === undefined ? (status === 'Init' ? '' : '10:05') : start
      const ended = status === 'Success' || status === 'Failed'
      return {
        ...(taskType ? { taskType } : {}),
        taskID: taskType === 'Cluster' && status !== 'Init' ? 'task-1' : '',
        ...(status ? { status } : {}),
        ...(started === '?' ? { startTimeStamp: 'yesterday' } : {}),
        ...(started && started !== '?' ? { startTimeStamp: at(started) } : {}),
        ...(ended ? { endTimeStamp: at('10:50') } : {})
      }
    })
}

function wfOf(phase: string, spec: string): Workflow {
  const w = decodeWorkflow(workflowJson(phase, { pointStatuses: steps(spec) }))
  if (!w) throw new Error(`fixture ${spec} does not decode`)
  return w
}

const up = (phase: string, spec: string, clusterTask?: UpgradeTask): Upgrade =>
  clusterTask
    ? { kind: 'workflow', workflow: wfOf(phase, spec), task: clusterTask }
    : { kind: 'workflow', workflow: wfOf(phase, spec) }

const AVAILABLE: ClusterView = { kind: 'read', status: cluster('Available'), rolledBack: false }

function obs(upgrade: Upgrade, cl: ClusterView = AVAILABLE): Observation {
  return {
    at: 0,
    apiAt: Date.UTC(2026, 10, 24, 4, 0),
    upgrade,
    cluster: cl,
    precheck: { kind: 'unread' }
  }
}

const judged = (u: Upgrade, policy = POLICY, cl: ClusterView = AVAILABLE): Verdict =>
  judge(obs(u, cl), policy)

const PASSED: Verdict = { kind: 'pass', paused: false, clusterChecked: true }
const UPGRADING: Verdict = { kind: 'wait', why: { kind: 'upgrading' } }
const ROLLED_BACK: Verdict = { kind: 'fail', failure: { kind: 'workflow-rolled-back' } }
const NEVER_RUN: Verdict = { kind: 'fail', failure: { kind: 'post-check-never-run' } }
const unconfirmed = (step: string, status: string): Verdict => ({
  kind: 'wait',
  why: { kind: 'success-unconfirmed', step, status }
})

describe('several steps of one type: the one that started last decides', () => {
  it('picks the later start, whatever order the API lists them in', () => {
    for (const spec of [
      'PostCheck:Success@10:05 PostCheck:Running@10:40',
      'PostCheck:Running@10:40 PostCheck:Success@10:05'
    ])
      expect(stepOf(wfOf('Running', spec), 'PostCheck')?.status).toBe('Running')
    expect(
      stepOf(wfOf('Success', 'PostCheck:Failed@10:05 PostCheck:Success@10:40'), 'PostCheck')?.status
    ).toBe('Success')
  })

  it('where the order is unknown (equal or unreadable starts), the worst of those that may be last', () => {
    const cases: [string, string][] = [
      ['PostCheck:Success@10:40 PostCheck:Failed@10:40', 'Failed'],
      ['PostCheck:Failed@10:40 PostCheck:Success@10:40', 'Failed'],
      ['PostCheck:Success@10:40 PostCheck:Running@?', 'Running'],
      ['PostCheck:Running@? PostCheck:Success@10:40', 'Running'],
      // a step without a status may have started, at a time nobody knows
      ['PostCheck:Success@10:40 PostCheck:@', ''],
      ['PostCheck:Running@10:40 PostCheck:Error@?', 'Error'],
      // a failure is worse than no status, no status worse than under way
      ['PostCheck:Failed@10:40 PostCheck:@', 'Failed'],
      ['PostCheck:@ PostCheck:Failed@10:40', 'Failed'],
      ['PostCheck:Running@10:40 PostCheck:@', ''],
      // an older start is not a candidate, however bad
      ['PostCheck:Error@10:05 PostCheck:Running@10:40', 'Running'],
      ['PostCheck:Init PostCheck:Success@10:05', 'Success']
    ]
    for (const [spec, status] of cases)
      expect({ spec, status: stepOf(wfOf('Running', spec), 'PostCheck')?.status }).toEqual({
        spec,
        status
      })
  })

  it('a start more than 5 min in the future of the API clock is unreadable: the order is unknown, the worst decides', () => {
    // the API's clock at 10:50 (+0800); a Success "started" at 11:30 is a local time labelled wrongly
    const apiNow = Date.parse('2026-11-24T02:50:00Z')
    const json = (later: string): Record<string, unknown> =>
      workflowJson('Running', {
        pointStatuses: [
          ...steps('PostCheck:Failed@10:40'),
          { taskType: 'PostCheck', status: 'Success', startTimeStamp: at(later) }
        ]
      })
    const future = decodeWorkflow(json('11:30'), apiNow)
    expect(future?.steps.map(s => s.startedAt)).toEqual([at('10:40'), ''])
    expect(stepOf(future!, 'PostCheck')?.status).toBe('Failed')
    // within 5 min of the API clock it still reads, and the later start decides
    const near = decodeWorkflow(json('10:54'), apiNow)
    expect(stepOf(near!, 'PostCheck')?.status).toBe('Success')
    // without the API's clock no time is in the future
    expect(stepOf(decodeWorkflow(json('11:30'))!, 'PostCheck')?.status).toBe('Success')
    // the lists read the same way
    const list = decodeWorkflowList({ items: [json('11:30')] }, undefined, apiNow)
    expect(stepOf(list!.items[0]!, 'PostCheck')?.status).toBe('Failed')
  })
  it('a step still Init has not started: it decides only when none of its type has', () => {
    const w = wfOf('Running', 'Cluster:Success@10:05 Cluster:Init')
    expect(stepOf(w, 'Cluster')?.status).toBe('Success')
    const idle = wfOf('Running', 'PostCheck:Init PostCheck:Init')
    expect(stepOf(idle, 'PostCheck')).toBe(idle.steps[0])
    expect(stepOf(idle, 'Snapshot')).toBeUndefined()
  })

  it('the deciding steps: one per type, and every step without a taskType', () => {
    const w = wfOf(
      'Running',
      'PreCheck:Failed@10:01 PreCheck:Success@10:02 Cluster:Success :Failed@10:01 :Success@10:02 Rollback:Init'
    )
    expect(decidingSteps(w).map(s => `${s.type}:${s.status}`)).toEqual([
      'PreCheck:Success',
      'Cluster:Success',
      'Rollback:Init',
      // the decoder lists steps of an unknown type last
      ':Failed',
      ':Success'
    ])
    // so two steps without a type are not one: the failed one fails a Success workflow
    expect(
      judged(up('Success', 'PreCheck:Success :Failed@10:01 :Success@10:40 PostCheck:Success'))
    ).toMatchObject({ kind: 'fail', failure: { kind: 'step-failed', step: '(no taskType)' } })
  })

  it('two PostCheck steps: the running one holds, though another is still Init (it was ignored)', () => {
    const u = up(
      'Running',
      'PreCheck:Success Cluster:Success PostCheck:Init PostCheck:Running@10:40',
      task('Success')
    )
    expect(judged(u)).toEqual(UPGRADING)
    expect(judged(u, WAIT_POST_CHECK)).toEqual(UPGRADING)
    // nor has such a workflow ended, for the choice
    expect(
      awaitsOnlyPostCheck(wfOf('Running', 'Cluster:Success PostCheck:Init PostCheck:Running@10:40'))
    ).toBe(false)
    expect(
      awaitsOnlyPostCheck(wfOf('Running', 'Cluster:Success PostCheck:Init PostCheck:Init'))
    ).toBe(true)
  })

  it('any step Queuing or Running holds, even when a later one of its type decides', () => {
    for (const status of ['Running', 'Queuing']) {
      const spec = `PreCheck:Success Cluster:Success PostCheck:Success@10:40 PostCheck:${status}@10:10`
      expect(judged(up('Success', spec, task('Success')))).toEqual(unconfirmed('PostCheck', status))
      expect(judged(up('Running', spec, task('Success')))).toEqual(UPGRADING)
      expect(
        awaitsOnlyPostCheck(
          wfOf(
            'Running',
            `Cluster:Success PostCheck:Init Snapshot:${status}@10:01 Snapshot:Success@10:02`
          )
        )
      ).toBe(false)
    }
    // nor does a workflow wait for a person while a pre-check runs
    expect(
      awaitingUpgradeStart(
        wfOf('Running', 'PreCheck:Running@10:01 PreCheck:Success@10:02 Cluster:Init')
      )
    ).toBeUndefined()
    expect(
      awaitingUpgradeStart(
        wfOf('Running', 'PreCheck:Failed@10:01 PreCheck:Success@10:02 Cluster:Init')
      )?.status
    ).toBe('Success')
  })

  it('a failure superseded by a later run of its step does not fail; one that is the last does', () => {
    const rerun = 'PreCheck:Success Cluster:Success PostCheck:Failed@10:05 PostCheck:Success@10:40'
    expect(judged(up('Success', rerun, task('Success')))).toEqual(PASSED)
    const failedLast =
      'PreCheck:Success Cluster:Success PostCheck:Success@10:05 PostCheck:Failed@10:40'
    expect(judged(up('Success', failedLast, task('Success')))).toEqual({
      kind: 'fail',
      failure: { kind: 'step-failed', step: 'PostCheck', status: 'Failed' }
    })
    // in a running workflow: a Cluster step run again after a failure is under way
    expect(
      judged(up('Running', 'PreCheck:Success Cluster:Failed@10:05 Cluster:Running@10:40'))
    ).toEqual(UPGRADING)
    expect(
      judged(up('Running', 'PreCheck:Success Cluster:Running@10:05 Cluster:Failed@10:40'))
    ).toEqual({
      kind: 'fail',
      failure: { kind: 'step-failed', step: 'Cluster', status: 'Failed' }
    })
    // equal starts: the worst decides
    expect(
      judged(up('Success', 'Cluster:Success@10:40 Cluster:Failed@10:40', task('Success')))
    ).toEqual({
      kind: 'fail',
      failure: { kind: 'step-failed', step: 'Cluster', status: 'Failed' }
    })
  })

  it('a Pending workflow names the step whose last run failed', () => {
    const w = wfOf(
      'Pending',
      'PreCheck:Failed@10:01 PreCheck:Success@10:02 Snapshot:Failed Cluster:Init'
    )
    expect(failedStepOf(w)).toBe('Snapshot')
    expect(judged({ kind: 'workflow', workflow: w })).toEqual({
      kind: 'fail',
      failure: { kind: 'step-failed', step: 'Snapshot' }
    })
  })
})

describe('a step without a status is unknown, the same in every workflow phase', () => {
  it('a Rollback step without one fails as a possible rollback, in every phase that is judged by its steps', () => {
    for (const phase of ['Init', 'Running', 'Success']) {
      const u = up(
        phase,
        'PreCheck:Success Cluster:Success PostCheck:Success Rollback:',
        task('Success')
      )
      expect({ phase, v: judged(u) }).toEqual({ phase, v: ROLLED_BACK })
      expect({ phase, v: judged(u, WAIT_POST_CHECK) }).toEqual({ phase, v: ROLLED_BACK })
    }
    // Running, with the Cluster step still under way
    expect(
      judged(up('Running', 'PreCheck:Success Cluster:Running Rollback:', task('Running')))
    ).toEqual(ROLLED_BACK)
    // a Rollback still Init is none
    expect(
      judged(
        up(
          'Success',
          'PreCheck:Success Cluster:Success PostCheck:Success Rollback:Init',
          task('Success')
        )
      )
    ).toEqual(PASSED)
  })

  it('a cancelled workflow with such a Rollback is not passed over as changing nothing', () => {
    expect(cancelledBeforeUpgrade(wfOf('Cancel', 'PreCheck:Success Cluster:Init Rollback:'))).toBe(
      false
    )
    expect(
      cancelledBeforeUpgrade(wfOf('Cancel', 'PreCheck:Success Cluster:Init Rollback:Init'))
    ).toBe(true)
    const w = wfOf('Cancel', 'PreCheck:Success Cluster:Init Rollback:')
    expect(chooseUpgrade([w], []).kind).toBe('workflow')
  })

  it('another step without one holds: never a pass, never a failure of its own', () => {
    // Success: it held nothing before (it failed, as an unknown status)
    expect(judged(up('Success', 'PreCheck:Success Cluster: PostCheck:Success'))).toEqual(
      unconfirmed('Cluster', '')
    )
    expect(
      judged(up('Success', 'PreCheck:Success Cluster:Success PostCheck:', task('Success')))
    ).toEqual(unconfirmed('PostCheck', ''))
    // Running, cluster upgraded: a post-check without a status is not one nobody started
    const running = up('Running', 'PreCheck:Success Cluster:Success PostCheck:', task('Success'))
    expect(judged(running)).toEqual(UPGRADING)
    expect(judged(running, WAIT_POST_CHECK)).toEqual(UPGRADING)
    expect(
      awaitsOnlyPostCheck(wfOf('Running', 'PreCheck:Success Cluster:Success PostCheck:'))
    ).toBe(false)
    // nor is a snapshot without one skipped
    expect(
      judged(
        up(
          'Success',
          'PreCheck:Success Snapshot: Cluster:Success PostCheck:Success',
          task('Success')
        )
      )
    ).toEqual(unconfirmed('Snapshot', ''))
    expect(
      judged(up('Running', 'PreCheck:Success Snapshot: Cluster:Success PostCheck:Init'))
    ).toEqual(UPGRADING)
    // nor does the workflow wait for a person with a step whose status is unknown
    expect(
      awaitingUpgradeStart(wfOf('Running', 'PreCheck:Success Snapshot: Cluster:Init'))
    ).toBeUndefined()
  })
})

describe('a step without a taskType', () => {
  const untyped = 'PreCheck:Success :Success PostCheck:Success'
  const v129 = (version: string): ClusterView => ({
    kind: 'read',
    status: decodeCluster({ ...clusterJson('Available'), spec: { version } })!,
    rolledBack: false
  })

  it('a Success workflow whose steps all succeeded passes, once the cluster checks pass (it timed out)', () => {
    const u = up('Success', untyped)
    expect(judgeUpgrade(u, POLICY, 0)).toEqual({
      kind: 'pass',
      paused: false,
      clusterChecked: false,
      untypedStep: true
    })
    expect(judged(u, POLICY, v129('v1.29'))).toEqual({ ...PASSED, untypedStep: true })
    expect(judged(u, POLICY, v129('v1.30'))).toEqual({ ...PASSED, untypedStep: true })
    // the step may have been a rollback: an older version fails, as for any upgrade
    expect(judged(u, POLICY, v129('v1.28'))).toMatchObject({
      kind: 'fail',
      failure: { kind: 'version-behind' }
    })
    expect(
      judged(u, POLICY, { kind: 'read', status: cluster('Upgrading'), rolledBack: false })
    ).toEqual({
      kind: 'wait',
      why: { kind: 'cluster-settling', phase: 'Upgrading' }
    })
  })

  it('where the cluster check cannot tell, it holds: version unreadable, ShowCluster forbidden', () => {
    const u = up('Success', untyped)
    expect(judged(u, POLICY, v129('latest'))).toEqual({
      kind: 'wait',
      why: { kind: 'untyped-step-unverified', why: 'spec.version "latest" is not a version' }
    })
    expect(judged(u, POLICY, { kind: 'forbidden' })).toEqual({
      kind: 'wait',
      why: { kind: 'untyped-step-unverified', why: 'ShowCluster is forbidden (HTTP 403)' }
    })
    // a typed workflow passes on a forbidden cluster as before
    const typed = up(
      'Success',
      'PreCheck:Success Cluster:Success PostCheck:Success',
      task('Success')
    )
    expect(judged(typed, POLICY, { kind: 'forbidden' })).toEqual({
      kind: 'pass',
      paused: false,
      clusterChecked: false
    })
  })

  it('one that did not succeed holds or fails as any step; with a Cluster step too, the check is still needed', () => {
    expect(judged(up('Success', 'PreCheck:Success :Running PostCheck:Success'))).toEqual(
      unconfirmed('(no taskType)', 'Running')
    )
    expect(judged(up('Success', 'PreCheck:Success :Failed PostCheck:Success'))).toEqual({
      kind: 'fail',
      failure: { kind: 'step-failed', step: '(no taskType)', status: 'Failed' }
    })
    const both = up('Success', 'PreCheck:Success Cluster:Success :Success', task('Success'))
    expect(judged(both, POLICY, { kind: 'forbidden' })).toMatchObject({
      kind: 'wait',
      why: { kind: 'untyped-step-unverified' }
    })
    // no Cluster step and none without a type: still unconfirmed
    expect(judged(up('Success', 'PreCheck:Success PostCheck:Success'))).toEqual(
      unconfirmed('Cluster', 'absent')
    )
  })
})

describe('wait-for-post-check: an ended workflow whose post-check is still Init fails at once', () => {
  const upgraded = 'PreCheck:Success Snapshot:Success Cluster:Success PostCheck:Init'

  it('Success: the post-check can no longer start (it waited to the timeout)', () => {
    const u = up('Success', upgraded, task('Success'))
    expect(judged(u, WAIT_POST_CHECK)).toEqual(NEVER_RUN)
    expect(judgeUpgrade(u, WAIT_POST_CHECK, 0)).toEqual(NEVER_RUN)
    // without wait-for-post-check it passes, noting the post-check
    expect(judged(u)).toEqual({ ...PASSED, postCheckNotStarted: true })
    // a failure or rollback still says what it is
    expect(judged(up('Success', upgraded, task('Failed')), WAIT_POST_CHECK)).toMatchObject({
      failure: { kind: 'step-failed' }
    })
    expect(judged(up('Success', `${upgraded} Rollback:Running`), WAIT_POST_CHECK)).toEqual(
      ROLLED_BACK
    )
    // one PostCheck ran and succeeded, a second is Init: the one that ran decides
    expect(
      judged(up('Success', `${upgraded} PostCheck:Success@10:40`, task('Success')), WAIT_POST_CHECK)
    ).toEqual(PASSED)
  })

  it('Cancel after the cluster upgrade: the post-check was never run; before it, or without the input: cancelled', () => {
    const cancelled: Verdict = { kind: 'fail', failure: { kind: 'workflow-cancelled' } }
    expect(judged(up('Cancel', upgraded), WAIT_POST_CHECK)).toEqual(NEVER_RUN)
    expect(judged(up('Cancel', upgraded))).toEqual(cancelled)
    expect(
      judged(up('Cancel', 'PreCheck:Success Cluster:Init PostCheck:Init'), WAIT_POST_CHECK)
    ).toEqual(cancelled)
    expect(
      judged(up('Cancel', 'PreCheck:Success Cluster:Success PostCheck:Success'), WAIT_POST_CHECK)
    ).toEqual(cancelled)
    expect(judged(up('Cancel', `${upgraded} Rollback:Success`), WAIT_POST_CHECK)).toEqual(cancelled)
  })

  it('a Running workflow still waits for its post-check, which a person may start', () => {
    expect(judged(up('Running', upgraded, task('Success')), WAIT_POST_CHECK)).toEqual({
      kind: 'wait',
      why: { kind: 'post-check-pending' }
    })
  })
})

describe('a Pending workflow whose Cluster task runs again after a retry is followed', () => {
  const failedCluster = 'PreCheck:Success Snapshot:Success Cluster:Failed PostCheck:Init'
  const retried = (taskPhase: string): Verdict => ({
    kind: 'wait',
    why: { kind: 'retried', task: taskPhase }
  })

  it('its task under way: waits, as for a running upgrade (it failed at once)', () => {
    for (const phase of ['Init', 'Queuing', 'Running', 'Verifying'])
      expect({ phase, v: judged(up('Pending', failedCluster, task(phase))) }).toEqual({
        phase,
        v: retried(phase)
      })
    // the Cluster step itself shows the retry, its task not read
    expect(judged(up('Pending', 'PreCheck:Success Cluster:Running PostCheck:Init'))).toEqual(
      retried('')
    )
    expect(judged(up('Pending', 'PreCheck:Success Cluster:Queuing PostCheck:Init'))).toEqual(
      retried('')
    )
  })

  it('its task paused: on-pause decides', () => {
    const u = up('Pending', failedCluster, task('Pause'))
    expect(judged(u)).toEqual({ kind: 'wait', why: { kind: 'paused' } })
    expect(judged(u, { ...POLICY, onPause: 'fail' })).toEqual({
      kind: 'fail',
      failure: { kind: 'paused' }
    })
  })

  it('its retried task succeeded: waits for the workflow to say so, never passes on Pending', () => {
    expect(judged(up('Pending', failedCluster, task('Success')))).toEqual(retried('Success'))
  })

  it('fails as before when nothing runs again, or another step failed', () => {
    const fails = (step: string): Verdict => ({
      kind: 'fail',
      failure: { kind: 'step-failed', step }
    })
    expect(judged(up('Pending', failedCluster, task('Failed')))).toEqual(fails('Cluster'))
    expect(judged(up('Pending', failedCluster))).toEqual(fails('Cluster'))
    expect(
      judged(up('Pending', 'PreCheck:Success Cluster:Success PostCheck:Failed', task('Success')))
    ).toEqual(fails('PostCheck'))
    expect(
      judged(up('Pending', 'PreCheck:Failed Cluster:Init PostCheck:Init', task('Running')))
    ).toEqual(fails('PreCheck'))
    // a Cluster step that succeeded was not retried: Pending for another reason fails
    expect(
      judged(up('Pending', 'PreCheck:Success Cluster:Success PostCheck:Init', task('Success')))
    ).toEqual(fails('PostCheck'))
    // a Cluster step still Init has not run: nothing was retried
    expect(
      judged(up('Pending', 'PreCheck:Success Cluster:Init PostCheck:Init', task('Running')))
    ).toEqual(fails('Cluster'))
    expect(
      judged(up('Pending', 'PreCheck:Success Snapshot:Failed Cluster:Running', task('Running')))
    ).toEqual(fails('Snapshot'))
    expect(judged(up('Pending', `${failedCluster} Rollback:Running`, task('Running')))).toEqual(
      fails('Cluster')
    )
  })
})

describe('a paused Cluster task never hides a rollback or a failed step', () => {
  const SUCCEED: Policy = { ...POLICY, onPause: 'succeed' }
  const paused = task('Pause')

  it('on-pause: succeed fails a rollback and a failed step; on-pause: fail names them, not the pause', () => {
    const rollback = up(
      'Running',
      'PreCheck:Success Cluster:Running PostCheck:Init Rollback:Running',
      paused
    )
    const snapshot = up(
      'Running',
      'PreCheck:Success Snapshot:Failed Cluster:Running PostCheck:Init',
      paused
    )
    for (const policy of [SUCCEED, { ...POLICY, onPause: 'fail' as const }, POLICY]) {
      expect(judgeUpgrade(rollback, policy, 0)).toEqual(ROLLED_BACK)
      expect(judgeUpgrade(snapshot, policy, 0)).toEqual({
        kind: 'fail',
        failure: { kind: 'step-failed', step: 'Snapshot', status: 'Failed' }
      })
    }
  })

  it('a plain pause still follows on-pause; a phase the gate does not know is only unknown', () => {
    const plain = up('Running', 'PreCheck:Success Cluster:Running PostCheck:Init', paused)
    expect(judgeUpgrade(plain, SUCCEED, 0)).toEqual({
      kind: 'pass',
      paused: true,
      clusterChecked: false
    })
    expect(judgeUpgrade(plain, POLICY, 0)).toEqual({ kind: 'wait', why: { kind: 'paused' } })
    const odd = up('Verifying', 'PreCheck:Success Cluster:Running PostCheck:Init', paused)
    expect(judgeUpgrade(odd, SUCCEED, 0)).toEqual({
      kind: 'wait',
      why: { kind: 'workflow-phase-unknown', phase: 'Verifying' }
    })
  })
})

describe("the cluster must meet the task's target and the workflow's", () => {
  const DONE = 'PreCheck:Success Snapshot:Success Cluster:Success PostCheck:Success'
  const at = (version: string): ClusterView => ({
    kind: 'read',
    status: { ...cluster('Available'), version },
    rolledBack: false
  })
  const withTarget = (targetVersion: string): UpgradeTask => ({ ...task('Success'), targetVersion })

  it("a task's lower or unreadable target does not stand in for the workflow's v1.29", () => {
    for (const target of ['v1.28.5-r0', 'latest', ''])
      expect({
        target,
        v: judged(up('Success', DONE, withTarget(target)), POLICY, at('v1.28'))
      }).toEqual({
        target,
        v: {
          kind: 'fail',
          failure: {
            kind: 'version-behind',
            cluster: { ...cluster('Available'), version: 'v1.28' },
            target: 'v1.29'
          }
        }
      })
  })

  it("a task's higher target is met too; both met passes", () => {
    const higher = judged(up('Success', DONE, withTarget('v1.30.1-r0')), POLICY, at('v1.29'))
    expect(higher).toMatchObject({
      kind: 'fail',
      failure: { kind: 'version-behind', target: 'v1.30.1-r0' }
    })
    expect(judged(up('Success', DONE, withTarget('v1.29.5-r0')), POLICY, at('v1.29'))).toEqual(
      PASSED
    )
  })

  it("an unreadable task target beside the workflow's v1.29: the check is made, on v1.29", () => {
    expect(judged(up('Success', DONE, withTarget('latest')), POLICY, at('v1.29'))).toEqual(PASSED)
  })

  it('which target could not be read is the one named; none at all says so', () => {
    const w = wfOf('Success', DONE)
    const workflowOnly: Upgrade = { kind: 'workflow', workflow: { ...w, targetVersion: 'next' } }
    expect(judged(workflowOnly, POLICY, at('v1.28'))).toEqual({
      ...PASSED,
      versionUnchecked: 'the target version "next" is not a version'
    })
    const bare: Upgrade = { kind: 'task', task: withTarget('') }
    expect(judged(bare, POLICY, at('v1.28'))).toEqual({
      ...PASSED,
      versionUnchecked: 'no target version'
    })
  })

  it('neither target readable: passes without the check, saying why', () => {
    const w = wfOf('Success', DONE)
    const u: Upgrade = {
      kind: 'workflow',
      workflow: { ...w, targetVersion: 'next' },
      task: withTarget('latest')
    }
    expect(judged(u, POLICY, at('v1.28'))).toEqual({
      ...PASSED,
      versionUnchecked: 'the target version "latest" is not a version'
    })
  })
})
