import { describe, expect, it } from '@jest/globals'
import { endReport, Target } from '../src/report.js'
import { UpgradeTask } from '../src/task.js'
import { WaitResult } from '../src/waiter.js'

const t0 = Date.UTC(2026, 10, 24, 12)
function task(phase: string, progress: string): UpgradeTask {
  return {
    uid: 'task-9',
    version: 'v1.28.3-r4',
    targetVersion: 'v1.29.5-r0',
    phase,
    progress,
    creationTimestamp: '',
    completionTime: phase === 'Success' || phase === 'Failed' ? '2026-11-24 20:14:00 +0800 CST' : ''
  }
}
function result(
  end: WaitResult['end'],
  phase?: string,
  progress = '0.00',
  extra: Partial<WaitResult> = {}
): WaitResult {
  const last = phase
    ? { at: t0 + 610_000, task: task(phase, progress), requestId: 'rid-last' }
    : undefined
  return {
    end,
    passed: end === 'success',
    last,
    polls: 12,
    startedAt: t0,
    endedAt: t0 + 610_000,
    timeline: last ? [{ at: t0, task: task('Init', '0.00') }, last] : [],
    ...extra
  }
}
const target: Target = {
  clusterId: 'cluster-1',
  taskId: 'task-9',
  timeoutMs: 3_600_000
}

describe('endReport', () => {
  it('success passes and says what happened', () => {
    const r = endReport(result('success', 'Success', '100.00'), target)
    expect(r.passed).toBe(true)
    expect(r.message).toBe(
      'The upgrade task task-9 of cluster cluster-1 succeeded (v1.28.3-r4 → v1.29.5-r0, 100.00%) after 10m10s of waiting: the cluster is upgraded.'
    )
  })

  it('failed names task, cluster, versions, progress and request ID, and what to do', () => {
    const r = endReport(result('failed', 'Failed', '62.50'), target)
    expect(r.passed).toBe(false)
    expect(r.message).toContain(
      'upgrade task task-9 of cluster cluster-1 Failed at 62.50% (v1.28.3-r4 → v1.29.5-r0); request ID of the last response: rid-last'
    )
    expect(r.message).toContain('do not deploy')
  })

  it('timeout says how long, the last phase and progress, and the last error', () => {
    const r = endReport(
      result('timeout', 'Running', '45.00', { problem: 'HTTP 503 APIG.0308' }),
      target
    )
    expect(r.message).toMatch(
      /^Timed out after 1h waiting for the upgrade task task-9 of cluster cluster-1: last phase Running, progress 45.00%; last error: HTTP 503 APIG.0308/
    )
    expect(endReport(result('timeout'), target).message).toContain('no poll succeeded')
  })

  it('pause: fail tells a person to resume, succeed passes with a caveat', () => {
    expect(endReport(result('paused', 'Pause', '30.00'), target).message).toMatch(
      /paused at 30.00% .* on-pause is fail. A person must resume it .*operation\/upgrade\/continue/
    )
    const ok = endReport(result('paused', 'Pause', '30.00', { passed: true }), target)
    expect(ok.passed).toBe(true)
    expect(ok.message).toMatch(/on-pause: succeed lets the pipeline go on/)
  })

  it('cancelled and error', () => {
    expect(endReport(result('cancelled', 'Running', '12.50'), target).message).toMatch(
      /^Cancelled after 10m10s while waiting .*last phase Running, progress 12.50%/
    )
    expect(
      endReport(result('error', undefined, '', { problem: 'CCE refused access' }), target).message
    ).toBe('CCE refused access')
    expect(endReport(result('error'), target).message).toBe(
      'Stopped waiting for the upgrade task task-9 of cluster cluster-1.'
    )
  })

  it('writes every output once a poll succeeded, and result/taskId always', () => {
    expect(endReport(result('failed', 'Failed', '62.50'), target).outputs).toEqual({
      result: 'failed',
      taskId: 'task-9',
      phase: 'Failed',
      progress: '62.50',
      version: 'v1.28.3-r4',
      targetVersion: 'v1.29.5-r0',
      completionTime: '2026-11-24 20:14:00 +0800 CST'
    })
    expect(endReport(result('timeout'), target).outputs).toEqual({
      result: 'timeout',
      taskId: 'task-9'
    })
    expect(endReport(result('error'), { ...target, taskId: undefined }).outputs).toEqual({
      result: 'error'
    })
  })

  it('summarises in a table with the timeline', () => {
    const s = endReport(result('failed', 'Failed', '62.50'), target).summary
    expect(s).toContain('| Cluster | `cluster-1` |')
    expect(s).toContain('| Task | `task-9` |')
    expect(s).toContain('| Versions | v1.28.3-r4 → v1.29.5-r0 |')
    expect(s).toContain('| Result | ❌ Failed (step failed) |')
    expect(s).toContain('| Progress | 62.50% |')
    expect(s).toContain('| Waited | 10m10s |')
    expect(s).toContain('| Polls | 12 |')
    expect(s).toContain('| Last request ID | `rid-last` |')
    expect(s).toContain('| Completed | 2026-11-24 20:14:00 +0800 CST |')
    expect(s).toContain('### Timeline')
    expect(s).toContain('| 0s | Init | 0.00% |')
    expect(s).toContain('| 10m10s | Failed | 62.50% |')
    const empty = endReport(result('error', undefined, '', { problem: 'bad | input\nline' }), {
      ...target,
      taskId: undefined
    }).summary
    expect(empty).toContain('| Task | `unknown` |')
    expect(empty).toContain('> bad \\| input line')
    expect(empty).not.toContain('Timeline')
  })
})
