/**
 * The end report of issue 22's end states: guard use with nothing under way, wait: false where the gate would wait
 * (`result: upgrading`), and require-version.
 */
import { describe, expect, it } from '@jest/globals'
import type { Observation } from '../../src/gate/observation.js'
import { Target, endReport } from '../../src/action/report.js'
import type { WaitResult } from '../../src/gate/waiter.js'
import { obs, onTask, onWorkflow, task, workflow } from '../support/observations.js'

const t0 = Date.UTC(2026, 10, 24, 12)
const common = { polls: 1, startedAt: t0, endedAt: t0 + 2_000 }
const ended = (last: Observation, rest: Partial<WaitResult> & Pick<WaitResult, 'end'>) =>
  ({ ...common, timeline: [last], last, ...rest }) as WaitResult

const guard: Target = { clusterId: 'cluster-1', target: { kind: 'current' }, timeoutMs: 3_600_000 }
const withMaxAge: Target = { ...guard, maxAgeMs: 7_200_000 }

describe('guard use, nothing under way', () => {
  it('passes, saying no upgrade is under way and the cluster is Available', () => {
    const r = endReport(
      ended(obs({ kind: 'none' }, { cluster: 'Available' }), {
        end: 'success',
        last: obs({ kind: 'none' }, { cluster: 'Available' }),
        clusterChecked: true
      }),
      guard
    )
    expect(r.passed).toBe(true)
    expect(r.message).toBe(
      'No upgrade is under way on cluster cluster-1, and it is Available: nothing holds the deploy.'
    )
    expect(r.outputs).toMatchObject({
      result: 'success',
      taskId: '',
      workflowId: '',
      clusterPhase: 'Available'
    })
    expect(r.summary).toContain('| Result | ✅ Success |')
  })

  it('names the newest workflow passed over, and says when the cluster could not be read', () => {
    const none = obs(
      { kind: 'none', abandoned: { what: 'upgrade workflow wf-idle', phase: 'Running' } },
      { cluster: 'forbidden' }
    )
    const r = endReport(ended(none, { end: 'success', last: none, clusterChecked: false }), guard)
    expect(r.message).toBe(
      'No upgrade is under way on cluster cluster-1; its upgrade workflows never started their cluster upgrade (the newest: upgrade workflow wf-idle), so they changed nothing, and its own state could not be read (HTTP 403: grant cce:cluster:get): nothing holds the deploy.'
    )
  })

  it('a timeout with nothing under way points at the cluster, not at starting an upgrade', () => {
    const none = obs({ kind: 'none' }, { cluster: 'Hibernating' })
    const r = endReport(ended(none, { end: 'timeout' }), guard)
    expect(r.message).toMatch(
      /^Timed out after 1h waiting for the current upgrade of cluster cluster-1: no upgrade under way, cluster Hibernating\. No upgrade is under way, but the cluster never became Available: see the cluster in the CCE console, then re-run this job\.$/
    )
    // with max-age the advice stays that of the pipeline that waits for its upgrade
    expect(endReport(ended(obs({ kind: 'none' }), { end: 'timeout' }), withMaxAge).message).toMatch(
      /no upgrade under way or ended in the last 2h\. No upgrade to wait on appeared: start the upgrade/
    )
  })
})

describe('wait: false where the gate would wait: result upgrading', () => {
  it('fails naming the upgrade, its phase and progress, with outputs and summary', () => {
    const running = onTask(task('Running', '45.00', { uid: 'task-9' }), { requestId: 'rid-1' })
    const r = endReport(ended(running, { end: 'upgrading', why: { kind: 'upgrading' } }), guard)
    expect(r.passed).toBe(false)
    expect(r.message).toBe(
      'An upgrade is under way: the upgrade task task-9 of cluster cluster-1 (v1.28.3-r4 → v1.29.5-r0; phase Running, progress 45.00%); request ID of the last response: rid-1. wait: false looked once and does not wait, so the step fails: re-run this job later, or set wait: true to wait for it (up to timeout).'
    )
    expect(r.outputs).toMatchObject({
      result: 'upgrading',
      taskId: 'task-9',
      phase: 'Running',
      progress: '45.00'
    })
    expect(r.summary).toContain('| Result | ⏳ Upgrade under way (step failed) |')
    expect(r.summary).toContain('| Polls | 1 |')
  })

  it('a workflow: its phase, step and task progress', () => {
    const w = workflow('Running', [
      ['PreCheck', 'Success'],
      ['Cluster', 'Running', 'task-9'],
      ['PostCheck', 'Init']
    ])
    const seen = onWorkflow(w, task('Running', '12.50', { uid: 'task-9' }))
    const r = endReport(ended(seen, { end: 'upgrading', why: { kind: 'upgrading' } }), guard)
    expect(r.message).toMatch(
      /^An upgrade is under way: the upgrade workflow wf-1 of cluster cluster-1 \(v1\.28\.3-r4 → v1\.29\.5-r0; workflow Running, step Cluster Running, task Running at 12\.50%\)\. wait: false/
    )
    expect(r.outputs).toMatchObject({
      result: 'upgrading',
      workflowId: 'wf-1',
      workflowPhase: 'Running'
    })
  })

  it('says what held it where that is not an upgrade running', () => {
    const done = onTask(task('Success', '100.00', { uid: 'task-9' }), { cluster: 'Upgrading' })
    expect(
      endReport(
        ended(done, { end: 'upgrading', why: { kind: 'cluster-settling', phase: 'Upgrading' } }),
        guard
      ).message
    ).toMatch(
      /^The upgrade task task-9 of cluster cluster-1 ended \(v1\.28\.3-r4 → v1\.29\.5-r0\), but cluster cluster-1 is Upgrading, not yet Available\. wait: false/
    )
    expect(
      endReport(
        ended(obs({ kind: 'none' }), { end: 'upgrading', why: { kind: 'no-upgrade-yet' } }),
        withMaxAge
      ).message
    ).toMatch(
      /^No upgrade of cluster cluster-1 under way or ended in the last 2h yet\. wait: false/
    )
    const paused = onTask(task('Pause', '30.00', { uid: 'task-9' }))
    expect(
      endReport(ended(paused, { end: 'upgrading', why: { kind: 'paused' } }), guard).message
    ).toMatch(
      /^The upgrade task task-9 of cluster cluster-1 is paused \(.*progress 30\.00%; on-pause: wait\)\./
    )
    const idle = onWorkflow(
      workflow('Running', [
        ['PreCheck', 'Success'],
        ['Cluster', 'Init']
      ])
    )
    expect(
      endReport(
        ended(idle, {
          end: 'upgrading',
          why: { kind: 'upgrade-not-started', expires: 'tomorrow' }
        }),
        withMaxAge
      ).message
    ).toMatch(
      /waits for a person to start its cluster upgrade \(.*; pre-check valid until tomorrow\)\. wait: false/
    )
  })
})

describe('require-version', () => {
  const last = onTask(task('Success', '100.00', { uid: 'task-9' }), {
    cluster: 'Available',
    requestId: 'rid-2'
  })

  it('an older cluster fails naming both versions', () => {
    const r = endReport(
      ended(last, {
        end: 'failed',
        failure: { kind: 'version-required', want: 'v1.30', have: 'v1.29' }
      }),
      guard
    )
    expect(r.passed).toBe(false)
    expect(r.message).toBe(
      'Cluster cluster-1 runs Kubernetes v1.29, older than require-version v1.30; request ID of the last response: rid-2: every other check passed, but this deploy needs v1.30 or newer. Upgrade the cluster (CCE console → cluster → Upgrade) and re-run this job, or lower require-version.'
    )
    expect(r.outputs).toMatchObject({ result: 'failed', failedStep: '' })
  })

  it('an unreadable version fails, saying why and what to do', () => {
    const r = endReport(
      ended(last, {
        end: 'failed',
        failure: {
          kind: 'version-required',
          want: 'v1.30',
          have: '',
          unreadable: 'this identity may not read the cluster (HTTP 403)'
        }
      }),
      guard
    )
    expect(r.message).toMatch(
      /^Input require-version asks for Kubernetes v1\.30 or newer, but the version of cluster cluster-1 could not be read \(this identity may not read the cluster \(HTTP 403\)\).*: the step fails\. Grant cce:cluster:get/
    )
  })
})
