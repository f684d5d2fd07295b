/**
 * The verdict (src/gate/verdict.ts), one observation in, wait / pass / fail and why out: workflows under way,
 * succeeded, failed, cancelled or paused, a task by itself, no upgrade, what the timeline records, and when a
 * workflow's Success is trusted. Real upgrade flows: verdict-real-flows.test.ts.
 */
import { describe, expect, it } from '@jest/globals'
import type { OnPause } from '../../src/lib/config.js'
import { Observation, Upgrade, stateKey, taskOf, workflowOf } from '../../src/gate/observation.js'
import {
  Policy,
  Verdict,
  failedStepOf,
  judge,
  judgeUpgrade,
  nextRead
} from '../../src/gate/verdict.js'
import type { Workflow } from '../../src/cce/workflow.js'
import { decodeWorkflow } from '../../src/cce/workflow.js'
import {
  mixedPrecheck,
  stepsJson,
  task,
  workflow,
  workflowJson
} from '../support/upgrade-fixtures.js'
import {
  POLICY,
  WAIT_POST_CHECK,
  wf,
  byTask,
  read,
  obs,
  WAIT_UPGRADING,
  CLUSTER_UNREAD,
  PASS_CHECKED
} from '../support/verdict-fixtures.js'

describe('a workflow still under way waits, whatever the cluster says', () => {
  const cases: [string, Upgrade][] = [
    ['Init, nothing started', wf('Init', 'PreCheck:Init Cluster:Init PostCheck:Init')],
    ['Running its pre-check', wf('Running', 'PreCheck:Running Cluster:Init PostCheck:Init')],
    ['Running its snapshot', wf('Running', 'PreCheck:Success Snapshot:Running Cluster:Init')],
    [
      'Running the Cluster step, task Running',
      wf('Running', 'PreCheck:Success Cluster:Running PostCheck:Init', task('Running'))
    ],
    [
      'Running the Cluster step, task Queuing',
      wf('Running', 'PreCheck:Success Cluster:Queuing', task('Queuing'))
    ],
    [
      'Running the Cluster step, no task detail (404)',
      wf('Running', 'PreCheck:Success Cluster:Running PostCheck:Init')
    ],
    [
      'Running with the task already Success but the step not yet ended',
      wf('Running', 'PreCheck:Success Cluster:Running PostCheck:Init', task('Success'))
    ],
    [
      'Cluster done, post-check Running',
      wf('Running', 'PreCheck:Success Cluster:Success PostCheck:Running')
    ],
    [
      'a task phase added later',
      wf('Running', 'PreCheck:Success Cluster:Running', task('Rebooting'))
    ]
  ]
  it.each(cases)('%s → wait (upgrading), no further read', (_, upgrade) => {
    for (const cl of [{ kind: 'unread' } as const, read('Available'), read('Error')]) {
      const o = obs(upgrade, cl)
      expect(judge(o, POLICY)).toEqual(WAIT_UPGRADING)
      expect(nextRead(o, POLICY)).toBeUndefined()
    }
  })

  it('a workflow phase added later waits, naming the phase, and is never read as ended', () => {
    for (const steps of ['PreCheck:Success Cluster:Running', 'PreCheck:Success Cluster:Success']) {
      const u = wf('Suspended', steps, task('Running'))
      for (const cl of [{ kind: 'unread' } as const, read('Available')]) {
        expect(judge(obs(u, cl), POLICY)).toEqual({
          kind: 'wait',
          why: { kind: 'workflow-phase-unknown', phase: 'Suspended' }
        })
        expect(nextRead(obs(u, cl), POLICY)).toBeUndefined()
      }
    }
    // its task's failure still fails it
    const failed = wf('Suspended', 'PreCheck:Success Cluster:Running', task('Failed'))
    expect(judge(obs(failed), POLICY).kind).toBe('fail')
  })

  it('takes its progress from the Cluster step task', () => {
    const u = wf(
      'Running',
      'PreCheck:Success Cluster:Running',
      task('Running', { progress: '40.00' })
    )
    expect(taskOf(u)?.progress).toBe('40.00')
    expect(workflowOf(u)?.uid).toBe('wf-1')
    expect(taskOf(wf('Running', 'PreCheck:Running Cluster:Init'))).toBeUndefined()
  })

  it('wait-for-post-check: waits for a post-check a person must start once the Cluster step succeeded', () => {
    const u = wf('Running', 'PreCheck:Success Cluster:Success PostCheck:Init', task('Success'))
    expect(judge(obs(u, read('Available')), WAIT_POST_CHECK)).toEqual({
      kind: 'wait',
      why: { kind: 'post-check-pending' }
    })
    expect(nextRead(obs(u), WAIT_POST_CHECK)).toBeUndefined()
    // without a post-check step listed: the workflow's own Success is waited for
    const unlisted = wf('Running', 'PreCheck:Success Cluster:Success')
    expect(judge(obs(unlisted, read('Available')), WAIT_POST_CHECK)).toEqual(WAIT_UPGRADING)
  })
})

describe('a workflow that succeeded passes only once the cluster is Available', () => {
  const done = wf(
    'Success',
    'PreCheck:Success Snapshot:Success Cluster:Success PostCheck:Success',
    task('Success')
  )

  it('first needs the cluster', () => {
    expect(judge(obs(done), POLICY)).toEqual(CLUSTER_UNREAD)
    expect(nextRead(obs(done), POLICY)).toBe('cluster')
  })

  it('passes on Available, with the cluster checked', () => {
    const o = obs(done, read('Available'))
    expect(judge(o, POLICY)).toEqual(PASS_CHECKED)
    expect(nextRead(o, POLICY)).toBeUndefined()
  })

  it.each(['Upgrading', 'RollingBack'])('keeps waiting while the cluster is %s', phase => {
    const o = obs(done, read(phase))
    expect(judge(o, POLICY)).toEqual({ kind: 'wait', why: { kind: 'cluster-settling', phase } })
    // the cluster was read in this observation: nothing more to read now
    expect(nextRead(o, POLICY)).toBeUndefined()
  })

  it.each(['Creating', 'ScalingUp', 'Hibernation', 'Awaking', 'SomethingNew'])(
    'keeps waiting while the cluster is busy otherwise (%s)',
    phase => {
      expect(judge(obs(done, read(phase)), POLICY)).toEqual({
        kind: 'wait',
        why: { kind: 'cluster-settling', phase }
      })
    }
  )

  it.each(['RollbackFailed', 'Unavailable', 'Error', 'Deleting'])(
    'fails on %s with the cluster reason and message',
    phase => {
      const v = judge(obs(done, read(phase, 'NodeNotReady', 'master node 2 is not ready')), POLICY)
      expect(v).toEqual({
        kind: 'fail',
        failure: {
          kind: 'cluster-broken',
          cluster: {
            phase,
            reason: 'NodeNotReady',
            message: 'master node 2 is not ready',
            version: 'v1.29'
          }
        }
      })
    }
  )

  it('passes on the workflow alone when the cluster may not be read (403)', () => {
    const o = obs(done, { kind: 'forbidden' })
    expect(judge(o, POLICY)).toEqual({ kind: 'pass', paused: false, clusterChecked: false })
    expect(nextRead(o, POLICY)).toBeUndefined()
  })

  it('fails when the cluster is Available again after it was seen RollingBack', () => {
    const v = judge(obs(done, read('Available', '', '', true)), POLICY)
    expect(v).toEqual({
      kind: 'fail',
      failure: {
        kind: 'rolled-back',
        cluster: { phase: 'Available', reason: '', message: '', version: 'v1.29' }
      }
    })
  })
})

describe('a workflow with a failed step fails, naming the step', () => {
  const cases: [string, string, string][] = [
    ['the pre-check', 'PreCheck:Failed Cluster:Init PostCheck:Init', 'PreCheck'],
    ['the snapshot', 'PreCheck:Success Snapshot:Failed Cluster:Init', 'Snapshot'],
    ['the Cluster step', 'PreCheck:Success Cluster:Failed PostCheck:Init', 'Cluster'],
    ['the post-check', 'PreCheck:Success Cluster:Success PostCheck:Failed', 'PostCheck'],
    // a Failed step is named even when an earlier step is neither Failed nor Success
    [
      'the first Failed one',
      'PreCheck:Success Snapshot:Init Cluster:Failed PostCheck:Failed',
      'Cluster'
    ],
    // no step says Failed: the first that did not succeed (a Cluster step Running again is a retry: steps.test.ts)
    ['the first unfinished one', 'PreCheck:Success Snapshot:Running Cluster:Init', 'Snapshot'],
    ['unknown when every step succeeded', 'PreCheck:Success Cluster:Success', 'unknown'],
    ['unknown when there are no steps', '', 'unknown']
  ]
  it.each(cases)('Pending: %s', (_, steps, step) => {
    const u = wf('Pending', steps)
    const v = judge(obs(u, read('Available')), POLICY)
    expect(v).toEqual({ kind: 'fail', failure: { kind: 'step-failed', step } })
    expect(failedStepOf(workflow('Pending', steps))).toBe(step)
    if (step !== 'PreCheck') expect(nextRead(obs(u), POLICY)).toBeUndefined()
  })

  it('reads the pre-check when the PreCheck step failed and names its task', () => {
    expect(nextRead(obs(wf('Pending', 'PreCheck:Failed Cluster:Init')), POLICY)).toBe('precheck')
    expect(nextRead(obs(wf('Pending', 'PreCheck:Failed= Cluster:Init')), POLICY)).toBeUndefined()
  })

  it('lists the blocking items: kind Exception or level Fatal, unless the item itself passed', () => {
    const u = wf('Pending', 'PreCheck:Failed Cluster:Init')
    const o = obs(u, { kind: 'unread' }, { kind: 'read', precheck: mixedPrecheck() })
    const v = judge(o, POLICY)
    expect(v).toMatchObject({ kind: 'fail', failure: { kind: 'step-failed', step: 'PreCheck' } })
    const blocking = v.kind === 'fail' && v.failure.kind === 'step-failed' ? v.failure.blocking : []
    expect(blocking?.map(i => `${i.scope}:${i.name}${i.node ? `@${i.node}` : ''}`)).toEqual([
      'cluster:block-exception',
      'addon:block-fatal-risk',
      'node:block-node-disk@node-a'
    ])
    expect(nextRead(o, POLICY)).toBeUndefined()
  })

  it('still fails, without items, when the pre-check could not be read', () => {
    const u = wf('Pending', 'PreCheck:Failed Cluster:Init')
    const o = obs(u, { kind: 'unread' }, { kind: 'unavailable', why: 'HTTP 500' })
    expect(judge(o, POLICY)).toEqual({
      kind: 'fail',
      failure: { kind: 'step-failed', step: 'PreCheck' }
    })
    expect(nextRead(o, POLICY)).toBeUndefined()
  })

  it('never reads the pre-check for another failed step', () => {
    const o = obs(
      wf('Pending', 'PreCheck:Success Cluster:Failed'),
      { kind: 'unread' },
      { kind: 'read', precheck: mixedPrecheck() }
    )
    expect(judge(o, POLICY)).toEqual({
      kind: 'fail',
      failure: { kind: 'step-failed', step: 'Cluster' }
    })
  })

  it('fails on the Cluster task Failed while the workflow still says Running', () => {
    const u = wf('Running', 'PreCheck:Success Cluster:Running PostCheck:Init', task('Failed'))
    const o = obs(u)
    expect(judge(o, POLICY)).toEqual({
      kind: 'fail',
      failure: { kind: 'step-failed', step: 'Cluster' }
    })
    expect(nextRead(o, POLICY)).toBeUndefined()
  })
})

describe('a cancelled workflow fails', () => {
  it.each(['PreCheck:Success Cluster:Init', 'PreCheck:Running', ''])('Cancel (%s)', steps => {
    const o = obs(wf('Cancel', steps), read('Available'))
    expect(judge(o, POLICY)).toEqual({ kind: 'fail', failure: { kind: 'workflow-cancelled' } })
    expect(nextRead(obs(wf('Cancel', steps)), POLICY)).toBeUndefined()
  })
})

describe('a paused upgrade follows on-pause', () => {
  const paused: [string, Upgrade][] = [
    [
      'workflow with its task paused',
      wf('Running', 'PreCheck:Success Cluster:Running', task('Pause'))
    ],
    ['task', byTask('Pause')]
  ]
  const expected: [OnPause, Verdict][] = [
    ['wait', { kind: 'wait', why: { kind: 'paused' } }],
    ['fail', { kind: 'fail', failure: { kind: 'paused' } }],
    ['succeed', { kind: 'pass', paused: true, clusterChecked: false }]
  ]
  for (const [what, u] of paused)
    it.each(expected)(`${what}, on-pause %s`, (onPause, verdict) => {
      const policy: Policy = { onPause, waitForNewUpgrade: false, waitForPostCheck: false }
      const withCluster = obs(u, onPause === 'succeed' ? read('Upgrading') : { kind: 'unread' })
      expect(judge(withCluster, policy)).toEqual(verdict)
      expect(nextRead(withCluster, policy)).toBeUndefined()
    })

  const SUCCEED: Policy = { onPause: 'succeed', waitForNewUpgrade: false, waitForPostCheck: false }
  for (const [what, u] of paused) {
    it(`${what}, on-pause succeed: reads the cluster first`, () => {
      expect(judge(obs(u), SUCCEED)).toEqual(CLUSTER_UNREAD)
      expect(nextRead(obs(u), SUCCEED)).toBe('cluster')
    })

    it.each(['RollbackFailed', 'Unavailable', 'Error', 'Deleting'])(
      `${what}, on-pause succeed: fails when the cluster is %s`,
      phase => {
        expect(judge(obs(u, read(phase, 'r', 'm')), SUCCEED)).toEqual({
          kind: 'fail',
          failure: {
            kind: 'cluster-broken',
            cluster: { phase, reason: 'r', message: 'm', version: 'v1.29' }
          }
        })
      }
    )

    it(`${what}, on-pause succeed: passes paused on a partly upgraded or unreadable cluster, not a rolled-back one`, () => {
      const pausedPass: Verdict = { kind: 'pass', paused: true, clusterChecked: false }
      for (const cl of [
        read('Upgrading'),
        read('Available'),
        read('ScalingUp'),
        { kind: 'forbidden' } as const
      ])
        expect(judge(obs(u, cl), SUCCEED)).toEqual(pausedPass)
      expect(judge(obs(u, read('RollingBack')), SUCCEED)).toEqual({
        kind: 'wait',
        why: { kind: 'cluster-settling', phase: 'RollingBack' }
      })
      expect(judge(obs(u, read('Available', '', '', true)), SUCCEED)).toMatchObject({
        kind: 'fail',
        failure: { kind: 'rolled-back' }
      })
    })
  }
})

describe('an upgrade task waited on by itself (no workflow)', () => {
  it.each(['Init', 'Queuing', 'Running', 'SomethingNew'])('%s → wait', phase => {
    expect(judge(obs(byTask(phase), read('Available')), POLICY)).toEqual(WAIT_UPGRADING)
    expect(nextRead(obs(byTask(phase)), POLICY)).toBeUndefined()
  })

  it('Failed → fail', () => {
    expect(judge(obs(byTask('Failed')), POLICY)).toEqual({
      kind: 'fail',
      failure: { kind: 'task-failed' }
    })
    expect(nextRead(obs(byTask('Failed')), POLICY)).toBeUndefined()
  })

  it('Success → needs the cluster, then the same cluster rules', () => {
    const u = byTask('Success')
    expect(judge(obs(u), POLICY)).toEqual(CLUSTER_UNREAD)
    expect(nextRead(obs(u), POLICY)).toBe('cluster')
    expect(judge(obs(u, read('Available')), POLICY)).toEqual(PASS_CHECKED)
    expect(judge(obs(u, read('Upgrading')), POLICY).kind).toBe('wait')
    expect(judge(obs(u, read('RollbackFailed', 'r', 'm')), POLICY)).toMatchObject({
      kind: 'fail',
      failure: { kind: 'cluster-broken' }
    })
    expect(judge(obs(u, { kind: 'forbidden' }), POLICY)).toEqual({
      kind: 'pass',
      paused: false,
      clusterChecked: false
    })
  })
})

describe('no upgrade to wait on', () => {
  const none: Upgrade[] = [
    { kind: 'none' },
    { kind: 'none', newest: { what: 'upgrade workflow wf-0', phase: 'Success', at: 0 } }
  ]
  it.each(none)('fails without max-age (%o)', u => {
    expect(judge(obs(u), POLICY)).toEqual({ kind: 'fail', failure: { kind: 'no-upgrade' } })
    expect(judgeUpgrade(u, POLICY, 0).kind).toBe('fail')
    expect(nextRead(obs(u), POLICY)).toBeUndefined()
  })
  it.each(none)('waits for one with max-age (%o)', u => {
    const policy: Policy = { onPause: 'wait', waitForNewUpgrade: true, waitForPostCheck: false }
    expect(judge(obs(u), policy)).toEqual({ kind: 'wait', why: { kind: 'no-upgrade-yet' } })
    expect(nextRead(obs(u), policy)).toBeUndefined()
  })
})

describe('stateKey: what the timeline records a change of', () => {
  const running = (progress: string, steps = 'PreCheck:Success Cluster:Running'): Observation =>
    obs(wf('Running', steps, task('Running', { progress })))
  it('ignores progress', () => {
    expect(stateKey(running('10.00'))).toBe(stateKey(running('80.00')))
  })
  it('changes with a step, the workflow phase, the task phase and the cluster phase', () => {
    const base = stateKey(running('10.00'))
    const w: Workflow = workflow('Running', 'PreCheck:Success Cluster:Success')
    expect(stateKey(running('10.00', 'PreCheck:Success Cluster:Success'))).not.toBe(base)
    expect(stateKey(obs({ kind: 'workflow', workflow: w, task: task('Success') }))).not.toBe(
      stateKey(obs({ kind: 'workflow', workflow: w, task: task('Running') }))
    )
    expect(stateKey(obs(byTask('Success'), read('Upgrading')))).not.toBe(
      stateKey(obs(byTask('Success'), read('Available')))
    )
    expect(stateKey(obs({ kind: 'none', newest: { what: 'a', phase: 'Success' } }))).not.toBe(
      stateKey(obs({ kind: 'none', newest: { what: 'b', phase: 'Success' } }))
    )
  })
})

describe('a workflow Success that contradicts its own steps fails', () => {
  it('fails when a step is Failed or its Rollback step ran, even with the cluster Available', () => {
    const failedStep = obs(
      wf('Success', 'PreCheck:Success Cluster:Failed PostCheck:Success'),
      read('Available')
    )
    expect(judge(failedStep, POLICY)).toEqual({
      kind: 'fail',
      failure: { kind: 'step-failed', step: 'Cluster', status: 'Failed' }
    })
    for (const status of ['Running', 'Success', 'Failed']) {
      const rolledBack = obs(
        wf('Success', `PreCheck:Success Cluster:Success Rollback:${status}`),
        read('Available')
      )
      expect(judge(rolledBack, POLICY).kind).toBe('fail')
    }
    expect(
      judge(
        obs(wf('Success', 'PreCheck:Success Cluster:Success Rollback:Success'), read('Available')),
        POLICY
      )
    ).toEqual({ kind: 'fail', failure: { kind: 'workflow-rolled-back' } })
    // a Rollback step that never started is no contradiction
    expect(
      judge(
        obs(wf('Success', 'PreCheck:Success Cluster:Success Rollback:Init'), read('Available')),
        POLICY
      )
    ).toEqual(PASS_CHECKED)
  })
})

describe('a workflow Success is trusted only when its steps and its Cluster task agree', () => {
  const DONE = 'PreCheck:Success Snapshot:Success Cluster:Success PostCheck:Success'
  const judged = (u: Upgrade): Verdict => judge(obs(u, read('Available')), POLICY)

  it('passes when every step but an unstarted Rollback succeeded and the task did too (Snapshot may be absent)', () => {
    for (const steps of [DONE, 'PreCheck:Success Cluster:Success PostCheck:Success Rollback:Init'])
      expect(judged(wf('Success', steps, task('Success')))).toEqual(PASS_CHECKED)
    expect(judged(wf('Success', 'PreCheck:Success Cluster:Success'))).toEqual(PASS_CHECKED)
  })

  const failures: [string, Upgrade, string, string][] = [
    ['the Cluster task Failed', wf('Success', DONE, task('Failed')), 'Cluster', 'task Failed'],
    [
      'the Cluster task in a phase not documented',
      wf('Success', DONE, task('Aborted')),
      'Cluster',
      'task Aborted'
    ],
    [
      'a step Error',
      wf('Success', 'PreCheck:Success Cluster:Success PostCheck:Error'),
      'PostCheck',
      'Error'
    ],
    [
      'a step failed (lowercase)',
      wf('Success', 'PreCheck:Success Cluster:failed'),
      'Cluster',
      'failed'
    ]
  ]
  it.each(failures)('fails on %s, naming the step and its status', (_, u, step, status) => {
    expect(judged(u)).toEqual({ kind: 'fail', failure: { kind: 'step-failed', step, status } })
    expect(nextRead(obs(u), POLICY)).toBeUndefined()
  })

  it('fails on a failed step that has no taskType', () => {
    const w = decodeWorkflow(
      workflowJson('Success', {
        pointStatuses: [...stepsJson(DONE), { taskID: 'x-1', status: 'Failed' }]
      })
    )
    if (!w) throw new Error('does not decode')
    expect(judged({ kind: 'workflow', workflow: w })).toEqual({
      kind: 'fail',
      failure: { kind: 'step-failed', step: '(no taskType)', status: 'Failed' }
    })
  })

  it.each(['Rollback', 'RollBack', 'ROLLBACK'])('fails when a %s step left Init', type => {
    const u = wf('Success', `PreCheck:Success Cluster:Success ${type}:Running`)
    expect(judged(u)).toEqual({ kind: 'fail', failure: { kind: 'workflow-rolled-back' } })
    expect(judged(wf('Success', `PreCheck:Success Cluster:Success ${type}:`))).toEqual({
      kind: 'fail',
      failure: { kind: 'workflow-rolled-back' }
    })
  })

  const unconfirmed: [string, Upgrade, string, string][] = [
    [
      'the Cluster step Running',
      wf('Success', 'PreCheck:Success Cluster:Running'),
      'Cluster',
      'Running'
    ],
    ['the Cluster step Init', wf('Success', 'PreCheck:Success Cluster:Init'), 'Cluster', 'Init'],
    [
      'the post-check Queuing',
      wf('Success', 'PreCheck:Success Cluster:Success PostCheck:Queuing'),
      'PostCheck',
      'Queuing'
    ],
    ['no Cluster step', wf('Success', 'PreCheck:Success PostCheck:Success'), 'Cluster', 'absent'],
    ['no steps at all', wf('Success', ''), 'Cluster', 'absent'],
    ['the Cluster task Running', wf('Success', DONE, task('Running')), 'Cluster', 'task Running'],
    ['the Cluster task Pause', wf('Success', DONE, task('Pause')), 'Cluster', 'task Pause']
  ]
  it.each(unconfirmed)('keeps waiting with %s', (_, u, step, status) => {
    const expected: Verdict = { kind: 'wait', why: { kind: 'success-unconfirmed', step, status } }
    expect(judged(u)).toEqual(expected)
    expect(judge(obs(u), POLICY)).toEqual(expected)
    expect(nextRead(obs(u), POLICY)).toBeUndefined()
  })
})

describe('a workflow under way that lists no Cluster step yet', () => {
  it.each([
    ['Init', 'PreCheck:Init', 'upgrading'],
    ['Running', 'PreCheck:Running', 'upgrading'],
    ['Running', 'PreCheck:Running PostCheck:Init', 'upgrading'],
    ['Init', '', 'upgrading'],
    // the pre-check passed and is still valid: the cluster upgrade waits for a person to start it
    ['Running', 'PreCheck:Success', 'upgrade-not-started'],
    ['Running', 'PreCheck:Success PostCheck:Init', 'upgrade-not-started']
  ])('%s with steps [%s] → waits (%s), does not throw', (phase, steps, why) => {
    const u = wf(phase, steps)
    for (const cl of [{ kind: 'unread' } as const, read('Available')]) {
      expect(judge(obs(u, cl), POLICY)).toMatchObject({ kind: 'wait', why: { kind: why } })
      expect(nextRead(obs(u, cl), POLICY)).toBeUndefined()
    }
  })
})

it('a Running workflow whose Cluster step succeeded waits on a later step of a type added since, not yet started', () => {
  const u = wf(
    'Running',
    'PreCheck:Success Cluster:Success PostCheck:Init Verify:Init',
    task('Success')
  )
  expect(judge(obs(u, read('Available')), POLICY)).toEqual(WAIT_UPGRADING)
})
