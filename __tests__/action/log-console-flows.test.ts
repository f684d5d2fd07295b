/**
 * What the log, the outputs and the final line say about the real upgrade flows of issue 12: each warning once
 * (each pause when it begins), naming the workflow or item and what a person must do next.
 */
import { describe, expect, it } from '@jest/globals'
import { ProgressLog } from '../../src/action/progress.js'
import { Target, endReport } from '../../src/action/report.js'
import type { UnreadableItem } from '../../src/cce/list.js'
import type { Observation } from '../../src/gate/observation.js'
import type { Verdict } from '../../src/gate/verdict.js'
import type { WaitResult } from '../../src/gate/waiter.js'
import { FakeClock } from '../support/fake-clock.js'
import { chosen, obs, onTask, onWorkflow, task, workflow } from '../support/observations.js'
import { recordingLog } from '../support/scripted-send.js'

const H = 3_600_000
const D = 24 * H
const t0 = Date.UTC(2026, 10, 24, 12)
const EXPIRES = '2026-11-25 10:00:00 +0800 CST'
const WAIT: Verdict = { kind: 'wait', why: { kind: 'upgrading' } }
const PASS: Verdict = { kind: 'pass', paused: false, clusterChecked: true }

function progressLog() {
  const clock = new FakeClock(t0)
  const log = recordingLog()
  const p = new ProgressLog(log, clock, { clusterId: 'c-1', startedAt: t0, deadline: t0 + H })
  return { clock, log, p }
}

const upgraded = workflow('Running', [
  ['PreCheck', 'Success'],
  ['Snapshot', 'Init'],
  ['Cluster', 'Success', 'task-1'],
  ['PostCheck', 'Init']
])
const idle = workflow('Running', [
  ['PreCheck', 'Success', 'pc-1', '', '', EXPIRES],
  ['Cluster', 'Init']
])
const hidden: UnreadableItem = {
  what: 'upgrade task',
  uid: 'task-x',
  created: '',
  why: 'no status.phase'
}

describe('warnings while it waits', () => {
  it('a post-check nobody started: one warning on the pass, saying where to start it', () => {
    const { log, p } = progressLog()
    const pass: Verdict = { ...PASS, postCheckNotStarted: true }
    p.observed(onWorkflow(upgraded, task('Success')), pass, undefined)
    p.observed(onWorkflow(upgraded, task('Success')), pass, undefined)
    expect(log.of('warning')).toEqual([
      'The cluster upgrade of workflow wf-1 succeeded, but its post-check has not been started: the gate passes without it (wait-for-post-check: false); the workflow stays Running until it is done. Once your services are back, start the post-check in the CCE console (cluster → Upgrade); set wait-for-post-check: true to have the gate wait for it.'
    ])
    expect(p.warnings).toEqual(log.of('warning'))
  })

  it('a workflow that says Success without its post-check: the warning does not say it stays Running', () => {
    const { log, p } = progressLog()
    const done = workflow('Success', [
      ['PreCheck', 'Success'],
      ['Cluster', 'Success', 'task-1'],
      ['PostCheck', 'Init']
    ])
    p.observed(onWorkflow(done, task('Success')), { ...PASS, postCheckNotStarted: true }, undefined)
    expect(log.of('warning')).toEqual([
      'The cluster upgrade of workflow wf-1 succeeded, but its post-check has not been started: the gate passes without it (wait-for-post-check: false). Once your services are back, start the post-check in the CCE console (cluster → Upgrade); set wait-for-post-check: true to have the gate wait for it.'
    ])
  })

  it('no post-check warning on a plain pass', () => {
    const { log, p } = progressLog()
    p.observed(onWorkflow(upgraded, task('Success')), PASS, undefined)
    expect(log.of('warning')).toEqual([])
  })

  it('an idle workflow: one warning at once that a person must start the upgrade, until when', () => {
    const { log, p } = progressLog()
    const v: Verdict = { kind: 'wait', why: { kind: 'upgrade-not-started', expires: EXPIRES } }
    p.observed(onWorkflow(idle), v, undefined)
    p.observed(onWorkflow(idle), v, onWorkflow(idle))
    expect(log.of('warning')).toEqual([
      `Upgrade workflow wf-1 (v1.28 → v1.29) passed its pre-check, but its cluster upgrade has not started: a person must start it in the CCE console (cluster → Upgrade). The gate keeps waiting; the pre-check result is valid until ${EXPIRES}, after which this workflow cannot go on (cancel it or run a new pre-check).`
    ])
    const { log: noExpiry, p: p2 } = progressLog()
    p2.observed(
      onWorkflow(idle),
      { kind: 'wait', why: { kind: 'upgrade-not-started', expires: '' } },
      undefined
    )
    expect(noExpiry.of('warning')[0]).toMatch(
      /must start it in the CCE console \(cluster → Upgrade\)\. The gate keeps waiting\.$/
    )
  })

  it('each pause warns when it begins: a second pause of the same task warns again', () => {
    const { log, p } = progressLog()
    const paused: Verdict = { kind: 'wait', why: { kind: 'paused' } }
    const seen = (phase: string, progress: string) => onTask(task(phase, progress))
    p.observed(seen('Pause', '30.00'), paused, undefined)
    p.observed(seen('Pause', '30.00'), paused, undefined)
    p.observed(seen('Running', '40.00'), WAIT, undefined)
    p.observed(seen('Pause', '60.00'), paused, undefined)
    p.observed(seen('Pause', '60.00'), paused, undefined)
    const warnings = log.of('warning')
    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toMatch(/^Upgrade task task-1 is paused at 30\.00%/)
    expect(warnings[1]).toMatch(/^Upgrade task task-1 is paused at 60\.00%/)
  })

  it('an unreadable item that may be the current upgrade: one warning naming it, and a line', () => {
    const { log, p } = progressLog()
    const u = obs({ kind: 'unreadable', item: hidden })
    const v: Verdict = { kind: 'wait', why: { kind: 'list-item-unreadable', item: hidden } }
    p.observed(u, v, undefined)
    p.observed(u, v, u)
    expect(log.of('warning')).toEqual([
      "The cluster's list of upgrades holds an item the gate cannot read, which may be its current upgrade: upgrade task task-x: no status.phase. The gate does not pass over it: it keeps waiting until the item can be read or the timeout ends the wait. Give workflow-id or task-id to wait on a known upgrade, and please report the item."
    ])
    expect(log.of('info')[0]).toMatch(
      /^Waiting: an item of the upgrade lists cannot be read and may be the current upgrade \(upgrade task task-x: no status\.phase\) · 0s elapsed$/
    )
  })

  it('a version it could not compare: a debug line, no warning', () => {
    const { log, p } = progressLog()
    p.observed(
      onTask(task('Success', '100.00'), { cluster: 'Available' }),
      { ...PASS, versionUnchecked: 'ShowCluster reported no spec.version' },
      undefined
    )
    expect(log.of('debug')).toEqual([
      "Cluster version not compared with the upgrade's target: ShowCluster reported no spec.version"
    ])
    expect(log.of('warning')).toEqual([])
  })
})

describe('what the choice and a named ID warn about', () => {
  const abandoned = workflow(
    'Running',
    [
      ['PreCheck', 'Success', 'pc-1', '', '', EXPIRES],
      ['Cluster', 'Init']
    ],
    {
      uid: 'wf-idle',
      creationTimestamp: '2026-11-21 20:00:00 +0800 CST'
    }
  )
  const old = workflow(
    'Success',
    [
      ['PreCheck', 'Success'],
      ['Cluster', 'Success']
    ],
    { uid: 'wf-old' }
  )

  it('an abandoned workflow: one warning with its ID, age, and what to do', () => {
    const { log, p } = progressLog()
    const event = chosen(
      { kind: 'workflow', workflow: old },
      { workflows: 2, abandoned: [abandoned], leftOut: [hidden] }
    )
    p.event(event)
    p.event(event)
    expect(log.of('warning')).toEqual([
      `Upgrade workflow wf-idle (v1.28 → v1.29, created 3d before this step) passed its pre-check but its cluster upgrade was never started, and the pre-check expired at ${EXPIRES}: it changed nothing and cannot go on, so it does not hold the gate (the choice passes over it). Cancel it in the CCE console (cluster → Upgrade), or run a new pre-check to upgrade.`
    ])
    expect(log.of('debug')).toEqual([
      'Left out of the choice, unreadable but older than it: upgrade task task-x: no status.phase',
      'Left out of the choice, unreadable but older than it: upgrade task task-x: no status.phase'
    ])
  })

  it('a workflow cancelled before its cluster upgrade: one line saying why it is passed over, no warning', () => {
    const { log, p } = progressLog()
    const cancelled = workflow(
      'Cancel',
      [
        ['PreCheck', 'Success'],
        ['Cluster', 'Init']
      ],
      { uid: 'wf-cancelled', creationTimestamp: '2026-11-23 20:00:00 +0800 CST' }
    )
    const event = chosen(
      { kind: 'workflow', workflow: old },
      { workflows: 2, cancelled: [cancelled] }
    )
    p.event(event)
    p.event(event)
    expect(log.of('warning')).toEqual([])
    expect(log.of('info').filter(l => l.includes('wf-cancelled'))).toEqual([
      'Passing over upgrade workflow wf-cancelled (v1.28 → v1.29, created 24h before this step): it was cancelled before its cluster upgrade started, so it changed nothing.'
    ])
  })

  it('a stale task-id: one warning with its age, naming the current upgrade and how to pass the right ID', () => {
    const { log, p } = progressLog()
    p.event({
      kind: 'stale-target',
      upgrade: { what: 'upgrade task task-old', phase: 'Success', at: t0 - 91 * D },
      endedAt: t0 - 90 * D,
      current: { what: 'upgrade workflow wf-new', phase: 'Running', at: t0 - 5 * 60_000 }
    })
    expect(log.of('warning')).toEqual([
      "The upgrade task task-old that task-id names ended 90d before this step: it is probably not the upgrade this pipeline means, yet it decides the gate. The cluster's current upgrade is another one: upgrade workflow wf-new (Running, started 5m before this step). Pass the ID from the step that starts the upgrade (its metadata.uid), or leave task-id empty and set max-age (e.g. max-age: 2h) to wait on the cluster's current upgrade."
    ])
  })

  it('a stale ID whose current upgrade is an unreadable item says what it could read of it', () => {
    const { log, p } = progressLog()
    p.event({
      kind: 'stale-target',
      upgrade: { what: 'upgrade task task-old', phase: 'Success', at: t0 - 3 * D },
      endedAt: t0 - 2 * D,
      current: { what: 'an upgrade workflow without an ID: not a JSON object', phase: '' }
    })
    expect(log.of('warning')[0]).toContain(
      "The cluster's current upgrade is another one: an upgrade workflow without an ID: not a JSON object (phase unknown, started at an unreadable time)."
    )
  })

  it('tells ages by the API clock, which stamps the upgrades', () => {
    const clock = new FakeClock(t0)
    const log = recordingLog()
    const p = new ProgressLog(log, clock, {
      clusterId: 'c-1',
      startedAt: t0,
      deadline: t0 + H,
      apiClockOffsetMs: () => 10 * 60_000
    })
    p.event({
      kind: 'stale-target',
      upgrade: { what: 'upgrade task task-old', phase: 'Success', at: t0 - 3 * D },
      endedAt: t0 - 2 * D
    })
    expect(log.of('warning')[0]).toMatch(/ended 2d before this step/)
    const w = workflow('Running', [['PreCheck', 'Running']], {
      creationTimestamp: '2026-11-24 19:40:00 +0800 CST'
    })
    p.event(chosen({ kind: 'workflow', workflow: w }, { workflows: 1 }))
    // 19:40 +0800 is 11:40Z; the step began at 12:00Z by the runner, 12:10Z by the API
    expect(log.of('info')[0]).toMatch(/started 30m before this step/)
  })

  it('a stale workflow-id with no other upgrade known names none', () => {
    const { log, p } = progressLog()
    p.event({
      kind: 'stale-target',
      upgrade: { what: 'upgrade workflow wf-old', phase: 'Success', at: t0 - 3 * D },
      endedAt: t0 - 2 * D
    })
    expect(log.of('warning')).toEqual([
      "The upgrade workflow wf-old that workflow-id names ended 2d before this step: it is probably not the upgrade this pipeline means, yet it decides the gate. Pass the ID from the step that starts the upgrade (its metadata.uid), or leave workflow-id empty and set max-age (e.g. max-age: 2h) to wait on the cluster's current upgrade."
    ])
  })
})

describe('the final line and the outputs', () => {
  const target: Target = {
    clusterId: 'cluster-1',
    target: { kind: 'workflow', workflowId: 'wf-1' },
    timeoutMs: H
  }
  const common = { polls: 3, startedAt: t0, endedAt: t0 + 120_000, timeline: [] }
  const result = (last: Observation, rest: Partial<WaitResult> & Pick<WaitResult, 'end'>) =>
    ({ ...common, last, ...rest }) as WaitResult

  it('a pass without the post-check says so, and workflowPhase is Running', () => {
    const r = endReport(
      result(onWorkflow(upgraded, task('Success', '100.00'), { cluster: 'Available' }), {
        end: 'success',
        clusterChecked: true,
        postCheckNotStarted: true
      }),
      target
    )
    expect(r.passed).toBe(true)
    expect(r.message).toBe(
      'The cluster upgrade of the upgrade workflow wf-1 of cluster cluster-1 succeeded (v1.28.3-r4 → v1.29.5-r0, 100.00%) and cluster cluster-1 is Available, after 2m of waiting: the cluster is upgraded. Its post-check has not been started (the workflow stays Running): start it in the CCE console (cluster → Upgrade) once your services are back.'
    )
    expect(r.outputs).toMatchObject({
      result: 'success',
      workflowPhase: 'Running',
      phase: 'Success'
    })
  })

  it('a workflow that says Success without its post-check: the final line does not say it stays Running', () => {
    const done = workflow('Success', [
      ['PreCheck', 'Success'],
      ['Cluster', 'Success', 'task-1'],
      ['PostCheck', 'Init']
    ])
    const r = endReport(
      result(onWorkflow(done, task('Success', '100.00'), { cluster: 'Available' }), {
        end: 'success',
        clusterChecked: true,
        postCheckNotStarted: true
      }),
      target
    )
    expect(r.message).toMatch(
      /the cluster is upgraded\. Its post-check has not been started: start it in the CCE console/
    )
  })

  it('a cluster on an older version fails, naming both versions', () => {
    const last = onTask(task('Success', '100.00'), { cluster: 'Available' })
    const status = { phase: 'Available', reason: '', message: '', version: 'v1.28' }
    const r = endReport(
      result(last, {
        end: 'failed',
        failure: { kind: 'version-behind', cluster: status, target: 'v1.29.5-r0' }
      }),
      { ...target, target: { kind: 'task', taskId: 'task-1' } }
    )
    expect(r.passed).toBe(false)
    expect(r.message).toBe(
      "The upgrade task task-1 of cluster cluster-1 ended, but cluster cluster-1 runs Kubernetes v1.28, older than the upgrade's target v1.29.5-r0: it was rolled back, or the upgrade never took effect. Do not deploy what needs the new version; see the cluster and its upgrade history in the CCE console (cluster → Upgrade), upgrade again, then re-run this job."
    )
  })

  it('a named workflow whose pre-check expired fails, saying the upgrade never started', () => {
    const r = endReport(
      result(onWorkflow(idle), {
        end: 'failed',
        failure: { kind: 'precheck-expired', expires: EXPIRES }
      }),
      target
    )
    expect(r.message).toBe(
      `The upgrade workflow wf-1 of cluster cluster-1 passed its pre-check, but its cluster upgrade was never started and the pre-check expired at ${EXPIRES} (v1.28 → v1.29): the cluster was not upgraded, and this workflow cannot go on. Run the pre-check again and start the upgrade in the CCE console (cluster → Upgrade), or cancel the workflow; then re-run this job with the new workflow's ID, or without workflow-id.`
    )
    expect(r.outputs).toMatchObject({ result: 'failed', workflowPhase: 'Running', failedStep: '' })
  })

  it('no upgrade but abandoned workflows: says so instead of "no upgrade workflow"', () => {
    const none = obs({
      kind: 'none',
      abandoned: { what: 'upgrade workflow wf-idle', phase: 'Running', at: t0 - 3 * D }
    })
    const r = endReport(result(none, { end: 'error', failure: { kind: 'no-upgrade' } }), {
      ...target,
      target: { kind: 'current' }
    })
    expect(r.message).toMatch(
      /^Cluster cluster-1 has no upgrade to wait on: its only upgrade workflow\(s\) never started the cluster upgrade: they waited for a person until the pre-check expired, or were cancelled first \(the newest: upgrade workflow wf-idle\), so they changed nothing\. Start the upgrade/
    )
  })

  it('a timeout on an idle workflow or an unreadable item says what held the gate and what to do', () => {
    const onIdle = onWorkflow(idle, undefined, { at: t0, apiAt: t0 })
    const r = endReport(result(onIdle, { end: 'timeout' }), target)
    expect(r.message).toMatch(
      /^Timed out after 1h waiting for the upgrade workflow wf-1 of cluster cluster-1: last seen: workflow Running, step Cluster Init\. The pre-check passed, but nobody started the cluster upgrade: start it in the CCE console \(cluster → Upgrade\), then re-run this job\.$/
    )
    const upgraded = workflow('Running', [
      ['PreCheck', 'Success'],
      ['Cluster', 'Success'],
      ['PostCheck', 'Init']
    ])
    expect(endReport(result(onWorkflow(upgraded), { end: 'timeout' }), target).message).toMatch(
      /\. The cluster upgrade is done; the workflow waits for its post-check, which a person starts: start it in the CCE console \(cluster → Upgrade\) once your services are back, then re-run this job \(or set wait-for-post-check: false to pass without it\)\.$/
    )
    const onItem = endReport(
      result(obs({ kind: 'unreadable', item: hidden }), { end: 'timeout' }),
      { ...target, target: { kind: 'current' } }
    )
    expect(onItem.message).toBe(
      'Timed out after 1h waiting for the current upgrade of cluster cluster-1: an item of the upgrade lists could not be read and may be the current upgrade: upgrade task task-x: no status.phase. The gate does not pass while an item it cannot read may be the current upgrade: give workflow-id or task-id of the upgrade to wait on, and please report the item; then re-run this job.'
    )
  })

  it('a rollback in a running workflow is told as one under way', () => {
    const rolling = workflow('Running', [
      ['Cluster', 'Failed'],
      ['Rollback', 'Running']
    ])
    const r = endReport(
      result(onWorkflow(rolling), { end: 'failed', failure: { kind: 'workflow-rolled-back' } }),
      target
    )
    expect(r.message).toMatch(
      /^The upgrade workflow wf-1 of cluster cluster-1 is rolling back: its Rollback step ran/
    )
  })
})
