import { describe, expect, it } from '@jest/globals'
import { SUMMARY_LIMIT, fleetReport } from '../../src/action/fleet-report.js'
import { MERMAID_MAX_TEXT } from '../../src/action/gantt.js'
import type { ClusterOutcome } from '../../src/gate/fleet.js'
import type { WaitResult } from '../../src/gate/waiter.js'
import { onTask, task } from '../support/observations.js'

const t0 = Date.UTC(2026, 10, 24, 12, 0, 0)
const common = { polls: 3, startedAt: t0, endedAt: t0 + 90_000, timeline: [] }
const started = '2026-11-24 19:55:00 +0800 CST'
const ended = '2026-11-24 20:01:00 +0800 CST'
const success: WaitResult = {
  ...common,
  end: 'success',
  clusterChecked: true,
  last: onTask(task('Success', '100.00', { creationTimestamp: started, completionTime: ended }), {
    cluster: 'Available'
  })
}
const failed: WaitResult = {
  ...common,
  end: 'failed',
  last: onTask(task('Failed', '40.00', { creationTimestamp: started, completionTime: ended })),
  failure: { kind: 'task-failed' }
}
const target = { target: { kind: 'current' as const }, timeoutMs: 3_600_000 }

function fleet(n: number, failing: (i: number) => boolean, warnings = 0): ClusterOutcome[] {
  return Array.from({ length: n }, (_, i) => ({
    clusterId: `cluster-${String(i).padStart(3, '0')}-0000-0000-0000-000000000000`,
    name: `prod-${i}`,
    result: failing(i) ? failed : success,
    warnings: Array.from({ length: warnings }, (_, k) => `warning ${k} ${'x'.repeat(400)}`)
  }))
}

describe('fleetReport', () => {
  it('writes results, passed and failed, the step’s result, and leaves the single-cluster outputs empty', () => {
    const r = fleetReport(
      fleet(3, i => i === 1),
      target
    )
    expect(r.passed).toBe(false)
    expect(r.outputs['result']).toBe('failed')
    expect(JSON.parse(r.outputs['passed']!)).toEqual([
      'cluster-000-0000-0000-0000-000000000000',
      'cluster-002-0000-0000-0000-000000000000'
    ])
    expect(JSON.parse(r.outputs['failed']!)).toEqual(['cluster-001-0000-0000-0000-000000000000'])
    const results = JSON.parse(r.outputs['results']!)
    expect(results[1]).toMatchObject({
      name: 'prod-1',
      result: 'failed',
      phase: 'Failed',
      passed: false
    })
    for (const k of ['phase', 'progress', 'taskId', 'clusterPhase', 'version', 'targetVersion'])
      expect(r.outputs[k]).toBe('')
    expect(r.message).toMatch(/^1 of 3 clusters did not pass \(result: failed\)/)
    expect(r.message).toContain('- prod-1 (cluster-001-0000-0000-0000-000000000000): failed.')
    expect(r.message).not.toContain('prod-0 (')
  })

  it('passes when all passed, naming them', () => {
    const r = fleetReport(
      fleet(2, () => false),
      target
    )
    expect(r.passed).toBe(true)
    expect(r.outputs['result']).toBe('success')
    expect(r.message).toMatch(/^All 2 clusters passed: prod-0 \(/)
  })

  it('at 100 clusters: a row and a chart section per cluster, the detail folded, under the limits', () => {
    const r = fleetReport(
      fleet(100, i => i % 3 === 0),
      target
    )
    const rows = r.summary.split('\n').filter(l => /^\| prod-\d+ \|/.test(l))
    expect(rows).toHaveLength(100)
    const chart = r.summary.slice(r.summary.indexOf('```mermaid'), r.summary.lastIndexOf('```'))
    expect(chart.match(/^ {4}section prod-\d+$/gm)).toHaveLength(100)
    expect(chart.match(/^ {4}Upgrade \(Failed\) :crit, u\d+, /gm)).toHaveLength(34)
    expect(chart.length).toBeLessThan(MERMAID_MAX_TEXT)
    expect(r.summary).toContain(
      '<details><summary>What each cluster that did not pass needs (34)</summary>'
    )
    expect(Buffer.byteLength(r.summary)).toBeLessThan(SUMMARY_LIMIT)
  })

  it('caps the folded warnings, the table kept, under GitHub’s summary limit', () => {
    const r = fleetReport(
      fleet(200, () => true, 20),
      target
    )
    expect(Buffer.byteLength(r.summary)).toBeLessThanOrEqual(SUMMARY_LIMIT + 100)
    expect(r.summary.split('\n').filter(l => /^\| prod-\d+ \|/.test(l))).toHaveLength(200)
    expect(r.summary).toContain('<details><summary>Warnings (4000)</summary>')
    expect(r.summary).toContain('- … and 3700 more (in the log)')
  })
})
