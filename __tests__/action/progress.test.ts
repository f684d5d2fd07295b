import { describe, expect, it } from '@jest/globals'
import {
  EtaEstimator,
  ProgressLog,
  formatAge,
  percent,
  versions
} from '../../src/action/progress.js'
import type { Verdict } from '../../src/gate/verdict.js'
import { FakeClock } from '../support/fake-clock.js'
import { chosen, obs, onTask, onWorkflow, task, workflow } from '../support/observations.js'
import { recordingLog } from '../support/scripted-send.js'

const WAIT: Verdict = { kind: 'wait', why: { kind: 'upgrading' } }
const H = 3_600_000

function progressLog(o: { maxAgeMs?: number; deadline?: number } = {}) {
  const clock = new FakeClock(0)
  const log = recordingLog()
  const p = new ProgressLog(log, clock, {
    clusterId: 'c-1',
    startedAt: 0,
    deadline: o.deadline ?? 3_600_000,
    maxAgeMs: o.maxAgeMs
  })
  return { clock, log, p }
}

describe('progress lines', () => {
  it('formats versions, percent and ages with fallbacks', () => {
    expect(versions(task('Init', '0.00'))).toBe('v1.28.3-r4 → v1.29.5-r0')
    expect(versions(task('Init', '0.00', { version: '', targetVersion: '' }))).toBe('? → ?')
    expect(percent('')).toBe('progress unknown')
    expect(formatAge(90 * 86_400_000)).toBe('90d')
    expect(formatAge(26 * H)).toBe('26h')
    expect(formatAge(125_000)).toBe('2m5s')
  })

  it('estimates the time left from progress since Running started', () => {
    const eta = new EtaEstimator()
    const at = (s: number) => s * 1000
    expect(eta.update(at(0), task('Queuing', '0.00'))).toBeUndefined()
    expect(eta.update(at(0), task('Running', '10.00'))).toBeUndefined()
    expect(eta.update(at(60), task('Running', '20.00'))).toBe(480_000)
    expect(eta.update(at(60), task('Running', 'n/a'))).toBeUndefined()
    expect(eta.update(at(120), task('Running', '5.00'))).toBeUndefined()
    expect(eta.update(at(120), task('Running', '100.00'))).toBeUndefined()
    expect(eta.update(at(120), undefined)).toBeUndefined()
  })

  it('logs one line per change of a task and a heartbeat every minute otherwise', () => {
    const { clock, log, p } = progressLog()
    const seen = (progress: string) => onTask(task('Running', progress), { at: clock.now() })
    let previous = seen('10.00')
    p.observed(previous, WAIT, undefined)
    clock.advance(15_000)
    const same = seen('10.00')
    p.observed(same, WAIT, previous)
    p.idle()
    clock.advance(15_000)
    previous = seen('20.00')
    p.observed(previous, WAIT, same)
    clock.advance(60_000)
    p.idle()
    clock.advance(20_000)
    p.idle()
    clock.advance(370_000)
    p.observed(seen('45.00'), WAIT, previous)
    expect(log.of('info')).toEqual([
      'Running 10.00% · v1.28.3-r4 → v1.29.5-r0 · 0s elapsed',
      'Running 20.00% · v1.28.3-r4 → v1.29.5-r0 · 30s elapsed · ETA ~4m',
      'Running 20.00% · v1.28.3-r4 → v1.29.5-r0 · 30s elapsed · ETA ~4m (still waiting, 1m30s so far)',
      'Running 45.00% · v1.28.3-r4 → v1.29.5-r0 · 8m elapsed · ETA ~13m'
    ])
  })

  it('logs an unchanged poll when the last line is a minute old', () => {
    const { clock, log, p } = progressLog()
    const first = onTask(task('Queuing'), { at: 0 })
    p.observed(first, WAIT, undefined)
    clock.advance(60_000)
    p.observed(onTask(task('Queuing'), { at: 60_000 }), WAIT, first)
    expect(log.of('info')).toHaveLength(2)
    p.idle()
    expect(log.of('info')).toHaveLength(2)
  })

  it('shows <1m when the end is near', () => {
    const { log, p } = progressLog()
    const first = onTask(task('Running', '10.00'), { at: 0 })
    p.observed(first, WAIT, undefined)
    p.observed(onTask(task('Running', '95.00'), { at: 60_000 }), WAIT, first)
    expect(log.of('info')[1]).toMatch(/ETA ~<1m$/)
  })

  it('logs each workflow step as it changes, with the Cluster task’s progress', () => {
    const { clock, log, p } = progressLog()
    const t = (progress: string) => task('Running', progress, { uid: 'up-1' })
    const script = [
      onWorkflow(
        workflow('Running', [
          ['PreCheck', 'Running'],
          ['Cluster', 'Init'],
          ['PostCheck', 'Init']
        ])
      ),
      onWorkflow(
        workflow('Running', [
          ['PreCheck', 'Success'],
          ['Cluster', 'Running', 'up-1'],
          ['PostCheck', 'Init']
        ]),
        t('40.00')
      ),
      onWorkflow(
        workflow('Running', [
          ['PreCheck', 'Success'],
          ['Cluster', 'Running', 'up-1'],
          ['PostCheck', 'Init']
        ]),
        t('40.00')
      ),
      onWorkflow(
        workflow('Running', [
          ['PreCheck', 'Success'],
          ['Cluster', 'Running', 'up-1'],
          ['PostCheck', 'Init']
        ]),
        t('80.00')
      ),
      obs(
        {
          kind: 'workflow',
          workflow: workflow('Success', [
            ['PreCheck', 'Success'],
            ['Cluster', 'Success', 'up-1'],
            ['PostCheck', 'Success']
          ]),
          task: task('Success', '100.00', { uid: 'up-1' })
        },
        { cluster: 'Upgrading' }
      )
    ]
    let previous: (typeof script)[number] | undefined
    for (const o of script) {
      p.observed({ ...o, at: clock.now() }, WAIT, previous)
      previous = o
      clock.advance(10_000)
    }
    expect(log.of('info').map(l => l.split(' · ')[0])).toEqual([
      'Upgrade workflow wf-1: Running',
      'PreCheck Running',
      'Cluster Init',
      'PostCheck Init',
      'PreCheck Success',
      'Cluster Running 40.00%',
      'Cluster Running 80.00%',
      'Upgrade workflow wf-1: Success',
      'Cluster Success',
      'PostCheck Success',
      'Cluster c-1 is Upgrading'
    ])
    expect(log.of('info')[5]).toBe('Cluster Running 40.00% · v1.28.3-r4 → v1.29.5-r0 · 10s elapsed')
  })

  it('warns once each about pause (pointing at the console, not /continue), unknown phases and a pending post-check', () => {
    const { log, p } = progressLog({ deadline: 600_000 })
    const paused: Verdict = { kind: 'wait', why: { kind: 'paused' } }
    p.observed(onTask(task('Pause', '30.00')), paused, undefined)
    p.observed(onTask(task('Pause', '30.00')), paused, undefined)
    p.observed(onTask(task('Verifying', '30.00')), WAIT, undefined)
    p.observed(onWorkflow(workflow('Suspended', [['PreCheck', 'Skipped']])), WAIT, undefined)
    const postCheck: Verdict = { kind: 'wait', why: { kind: 'post-check-pending' } }
    const w = workflow('Running', [
      ['Cluster', 'Success'],
      ['PostCheck', 'Init']
    ])
    p.observed(onWorkflow(w), postCheck, undefined)
    p.observed(onWorkflow(w), postCheck, undefined)
    p.observed(onTask(task('Success'), { cluster: 'Hibernation' }), WAIT, undefined)
    const warnings = log.of('warning')
    expect(warnings).toEqual(p.warnings)
    expect(warnings).toHaveLength(6)
    expect(warnings[0]).toBe(
      'Upgrade task task-1 is paused at 30.00% (v1.28.3-r4 → v1.29.5-r0): a person must resume it in the CCE console (cluster → Upgrade page). Still waiting (on-pause: wait); the pause counts toward the timeout, 10m left.'
    )
    expect(warnings.join('\n')).not.toMatch(/continue/i)
    expect(warnings[1]).toMatch(/phase "Verifying", which this action does not know/)
    expect(warnings[2]).toMatch(/workflow wf-1 reports phase "Suspended"/)
    expect(warnings[3]).toMatch(/Step PreCheck of upgrade workflow wf-1 reports status "Skipped"/)
    expect(warnings[4]).toMatch(/waits for its post-check.*Start the post-check in the CCE console/)
    expect(warnings[5]).toMatch(/Cluster c-1 is Hibernation, not Available/)
  })
})

describe('warnings about a workflow Success that its steps contradict', () => {
  it('warns once while the verdict waits, naming the step and its status', () => {
    const { log, p } = progressLog()
    const w = workflow('Success', [
      ['Cluster', 'Running'],
      ['PostCheck', 'Init']
    ])
    const v: Verdict = {
      kind: 'wait',
      why: { kind: 'success-unconfirmed', step: 'Cluster', status: 'Running' }
    }
    p.observed(onWorkflow(w), v, undefined)
    p.observed(onWorkflow(w), v, undefined)
    expect(log.of('warning')).toEqual([
      'Upgrade workflow wf-1 says Success, but step Cluster is still Running: the gate keeps waiting until they agree, and the timeout ends the wait if they never do. See the workflow in the CCE console (cluster → Upgrade).'
    ])
  })

  it('says nothing about keeping on waiting when the verdict fails on an unknown status', () => {
    const { log, p } = progressLog()
    const w = workflow('Success', [
      ['Cluster', 'Success'],
      ['PostCheck', 'Error']
    ])
    const v: Verdict = {
      kind: 'fail',
      failure: { kind: 'step-failed', step: 'PostCheck', status: 'Error' }
    }
    p.observed(onWorkflow(w, task('Aborted')), v, undefined)
    expect(log.of('warning').join('\n')).not.toMatch(/keeps waiting/)
  })
})

describe('observer events', () => {
  const old = '2026-08-31 12:00:00 +0000 UTC'
  const t0 = Date.UTC(2026, 10, 29, 12)

  function at(t: number) {
    const clock = new FakeClock(t)
    const log = recordingLog()
    return { log, clock }
  }

  const oldTask = task('Success', '100.00', {
    uid: 'old-1',
    creationTimestamp: old,
    completionTime: old
  })

  it('names the upgrade chosen, without advice about its age (issue 22)', () => {
    const { log, clock } = at(t0)
    const p = new ProgressLog(log, clock, { clusterId: 'c-1', startedAt: t0, deadline: t0 + H })
    p.event(chosen({ kind: 'task', task: oldTask }, { tasks: 3 }))
    expect(log.of('info')).toEqual([
      "Waiting on upgrade task old-1 (v1.28.3-r4 → v1.29.5-r0, Success, started 90d before this step): the cluster's current upgrade among 0 upgrade workflow(s) and 3 upgrade task(s)."
    ])
    expect(log.of('warning')).toEqual([])
    expect(p.warnings).toEqual([])
  })

  it('guard use: says when and how the last upgrade ended, and warns about nothing', () => {
    const { log, clock } = at(t0)
    const p = new ProgressLog(log, clock, {
      clusterId: 'c-1',
      startedAt: t0,
      deadline: t0 + H,
      guard: true
    })
    p.event(chosen({ kind: 'task', task: oldTask }, { tasks: 3 }))
    expect(log.of('info')[1]).toBe(
      'The last upgrade of cluster c-1, upgrade task old-1 (v1.28.3-r4 → v1.29.5-r0), ended Success 90d before this step; no upgrade is under way.'
    )
    expect(log.of('warning')).toEqual([])
    const failed = task('Failed', '40.00', {
      uid: 'bad-1',
      creationTimestamp: old,
      completionTime: 'never'
    })
    p.event(chosen({ kind: 'task', task: failed }, { tasks: 1 }))
    expect(log.of('info')[3]).toBe(
      'The last upgrade of cluster c-1, upgrade task bad-1 (v1.28.3-r4 → v1.29.5-r0), ended Failed at an unreadable time; no upgrade is under way.'
    )
  })

  it('guard use: says nothing of an end while the chosen upgrade is under way', () => {
    const { log, clock } = at(t0)
    const p = new ProgressLog(log, clock, {
      clusterId: 'c-1',
      startedAt: t0,
      deadline: t0 + H,
      guard: true
    })
    p.event(
      chosen({ kind: 'task', task: task('Running', '10.00', { uid: 'run-1' }) }, { tasks: 1 })
    )
    const w = workflow('Running', [['PreCheck', 'Running']], { creationTimestamp: old })
    p.event(chosen({ kind: 'workflow', workflow: w }, { workflows: 1 }))
    expect(log.of('info')).toHaveLength(2)
    expect(log.of('info').join('\n')).not.toMatch(/ended/)
  })

  it('guard use: a workflow done but for a post-check nobody started has ended, saying so', () => {
    const { log, clock } = at(t0)
    const p = new ProgressLog(log, clock, {
      clusterId: 'c-1',
      startedAt: t0,
      deadline: t0 + H,
      guard: true
    })
    const w = workflow(
      'Running',
      [
        ['PreCheck', 'Success'],
        ['Cluster', 'Success'],
        ['PostCheck', 'Init']
      ],
      { creationTimestamp: old, updateTimestamp: old }
    )
    p.event(chosen({ kind: 'workflow', workflow: w }, { workflows: 1 }))
    expect(log.of('info')[1]).toMatch(
      /^The last upgrade of cluster c-1, upgrade workflow wf-1 \(v1\.28 → v1\.29\), ended with its cluster upgrade done \(workflow Running, post-check not started\) 90d before this step; no upgrade is under way\.$/
    )
  })

  it('guard use: nothing chosen is one line, and a workflow waiting for a person is named in a line', () => {
    const { log, clock } = at(t0)
    const p = new ProgressLog(log, clock, {
      clusterId: 'c-1',
      startedAt: t0,
      deadline: t0 + H,
      guard: true
    })
    const idle = workflow(
      'Running',
      [
        ['PreCheck', 'Success'],
        ['Cluster', 'Init'],
        ['PostCheck', 'Init']
      ],
      { uid: 'wf-idle', creationTimestamp: old }
    )
    p.event({ ...chosen({ kind: 'none' }, { workflows: 1 }), awaiting: [idle, idle] })
    expect(log.of('info')).toEqual([
      expect.stringMatching(
        /^Passing over upgrade workflow wf-idle \(v1\.28 → v1\.29, created 90d before this step\): it passed its pre-check .*and waits for a person to start its cluster upgrade, so it has changed nothing and holds no deploy\. Once its cluster upgrade starts, the gate holds\.$/
      ),
      'No upgrade is under way on cluster c-1: found 1 upgrade workflow(s) and 0 upgrade task(s), none that is changing the cluster.'
    ])
    expect(log.of('warning')).toEqual([])
  })

  it('does not warn about a recent or a running upgrade', () => {
    const { log, clock } = at(t0)
    const p = new ProgressLog(log, clock, { clusterId: 'c-1', startedAt: t0, deadline: t0 + H })
    const w = workflow('Running', [['PreCheck', 'Running']], { creationTimestamp: old })
    p.event(chosen({ kind: 'workflow', workflow: w }, { workflows: 1 }))
    expect(log.of('warning')).toEqual([])
    expect(log.of('info')[0]).toMatch(
      /^Waiting on upgrade workflow wf-1 \(v1\.28 → v1\.29, Running, started 90d before this step\)/
    )
  })

  it('with max-age, says that no upgrade started in the window yet, naming the newest', () => {
    const { log, clock } = at(t0)
    const p = new ProgressLog(log, clock, {
      clusterId: 'c-1',
      startedAt: t0,
      deadline: t0 + H,
      maxAgeMs: 2 * H
    })
    p.event(
      chosen(
        { kind: 'none', newest: { what: 'upgrade task old-1', phase: 'Success', at: t0 - 3 * H } },
        { tasks: 1 }
      )
    )
    expect(log.of('info')).toEqual([
      'No upgrade under way or ended in the last 2h yet (the newest, upgrade task old-1, started 3h before this step); found 0 upgrade workflow(s) and 1 upgrade task(s). Checking again every poll.'
    ])
    const none = { kind: 'wait', why: { kind: 'no-upgrade-yet' } } as const
    const first = obs({
      kind: 'none',
      newest: { what: 'upgrade task old-1', phase: 'Success', at: t0 - 3 * H }
    })
    p.observed(first, none, undefined)
    p.observed(first, none, first)
    expect(log.of('info')).toHaveLength(1)
    p.observed(
      obs({
        kind: 'none',
        newest: { what: 'upgrade task new-2', phase: 'Failed', at: t0 - 4 * H }
      }),
      none,
      first
    )
    expect(log.of('info')[1]).toMatch(
      /^No upgrade under way or ended in the last 2h yet \(the newest, upgrade task new-2, started 4h before this step\)/
    )
  })

  it('warns about a 403 on the cluster naming cce:cluster:get, and about pre-check items it cannot read', () => {
    const { log, clock } = at(t0)
    const p = new ProgressLog(log, clock, { clusterId: 'c-1', startedAt: t0, deadline: t0 + H })
    p.event({ kind: 'cluster-forbidden', message: 'CCE.01403001: Forbidden (request ID r9)' })
    p.event({ kind: 'cluster-forbidden', message: 'again' })
    p.event({ kind: 'precheck-unavailable', why: 'HTTP 500' })
    p.event({ kind: 'no-task-detail', taskId: 'up-1' })
    expect(log.of('warning')).toEqual([
      'This identity may not read cluster c-1 (HTTP 403 CCE.01403001: Forbidden (request ID r9)): the verdict rests on the upgrade alone, without waiting for the cluster to be Available. Grant the permission cce:cluster:get (e.g. the CCE ReadOnlyAccess policy) to have the gate check the cluster too.',
      "The failed pre-check's items could not be read: HTTP 500. See them in the CCE console (cluster → Upgrade → pre-check)."
    ])
    expect(log.of('info')).toEqual([
      'Upgrade task up-1 of the Cluster step has no detail yet (HTTP 404); its progress shows once it does.'
    ])
  })
})

describe('the heartbeat while no upgrade is known (issue 23)', () => {
  it('shows no `? → ?`: versions appear only once an upgrade is known', () => {
    const { clock, log, p } = progressLog({ maxAgeMs: 2 * H })
    const none = obs({ kind: 'none' }, { at: 0 })
    p.observed(none, WAIT, undefined)
    clock.advance(60_000)
    p.observed(obs({ kind: 'none' }, { at: 60_000 }), WAIT, none)
    clock.advance(60_000)
    p.idle()
    const lines = log.of('info')
    expect(lines).toEqual([
      'No upgrade under way or ended in the last 2h yet · 0s elapsed',
      'No upgrade under way or ended in the last 2h yet · 1m elapsed',
      'No upgrade under way or ended in the last 2h yet · 1m elapsed (still waiting, 2m so far)'
    ])
    clock.advance(60_000)
    p.observed(onTask(task('Running', '10.00'), { at: 180_000 }), WAIT, none)
    expect(log.of('info').at(-1)).toBe('Running 10.00% · v1.28.3-r4 → v1.29.5-r0 · 3m elapsed')
  })
})
