import { describe, expect, it } from '@jest/globals'
import { ClusterOutcome, SEVERITY, clusterNameOf, fleetVerdict } from '../../src/gate/fleet.js'
import type { WaitResult } from '../../src/gate/waiter.js'
import { onTask, task } from '../support/observations.js'

const common = { polls: 1, startedAt: 0, endedAt: 1000, timeline: [] }
const done = onTask(task('Success', '100.00'), { cluster: 'Available' })

const results: Record<string, WaitResult> = {
  success: { ...common, end: 'success', last: done, clusterChecked: true },
  pausedPassing: { ...common, end: 'paused', last: onTask(task('Pause')), passed: true },
  paused: { ...common, end: 'paused', last: onTask(task('Pause')), passed: false },
  failed: {
    ...common,
    end: 'failed',
    last: onTask(task('Failed')),
    failure: { kind: 'task-failed' }
  },
  timeout: { ...common, end: 'timeout' },
  cancelled: { ...common, end: 'cancelled' },
  error: { ...common, end: 'error', problem: 'HTTP 404' },
  upgrading: {
    ...common,
    end: 'upgrading',
    last: onTask(task('Running')),
    why: { kind: 'upgrading' }
  }
}

const of = (...names: string[]): ClusterOutcome[] =>
  names.map((n, i) => ({ clusterId: `${n}-${i}`, result: results[n]!, warnings: [] }))

describe('fleetVerdict', () => {
  it('passes only when every cluster passed, and lists the IDs in the order given', () => {
    const v = fleetVerdict(of('success', 'success'))
    expect(v).toEqual({
      result: 'success',
      passed: true,
      passedIds: ['success-0', 'success-1'],
      failedIds: []
    })
  })

  it('one cluster not passing fails the step without changing another’s', () => {
    for (const other of ['paused', 'failed', 'timeout', 'cancelled', 'error']) {
      const v = fleetVerdict(of('success', other))
      expect(v.passed).toBe(false)
      expect(v.passedIds).toEqual(['success-0'])
      expect(v.failedIds).toEqual([`${other}-1`])
      expect(v.result).toBe(results[other]!.end)
    }
  })

  it('a pause passed with on-pause: succeed counts as passed; the result says paused', () => {
    const v = fleetVerdict(of('success', 'pausedPassing'))
    expect(v).toMatchObject({ passed: true, result: 'paused', failedIds: [] })
  })

  it('the result is the most severe end: failed, error, timeout, paused, cancelled, success', () => {
    expect(SEVERITY).toEqual([
      'failed',
      'error',
      'timeout',
      'upgrading',
      'paused',
      'cancelled',
      'success'
    ])
    const order = ['failed', 'error', 'timeout', 'upgrading', 'paused', 'cancelled', 'success']
    for (let i = 0; i < order.length; i++) {
      // every end from i on, in reverse: the most severe wins wherever it stands
      const v = fleetVerdict(of(...order.slice(i).reverse()))
      expect(v.result).toBe(order[i])
    }
  })

  it('no cluster at all is no success', () => {
    expect(fleetVerdict([])).toMatchObject({ passed: false, result: 'error' })
  })
})

describe('clusterNameOf', () => {
  it('is the name ShowCluster gave, when it was read', () => {
    const named: WaitResult = {
      ...common,
      end: 'success',
      clusterChecked: true,
      last: {
        ...done,
        cluster: {
          kind: 'read',
          status: { phase: 'Available', reason: '', message: '', version: 'v1.29', name: 'prod' },
          rolledBack: false
        }
      }
    }
    expect(clusterNameOf(named)).toBe('prod')
    expect(clusterNameOf(results['success']!)).toBeUndefined()
    expect(clusterNameOf(results['timeout']!)).toBeUndefined()
  })
})
