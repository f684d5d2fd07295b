import { describe, expect, it } from '@jest/globals'
import { decodeTask, decodeTaskList, decodeTaskOf } from '../../src/cce/task.js'
import { decodeWorkflow, decodeWorkflowOf } from '../../src/cce/workflow.js'
import { decodeCluster } from '../../src/cce/cluster.js'
import { isErrorBody } from '../../src/cce/list.js'
import { otherThan } from '../../src/cce/identity.js'

describe('decodeTask', () => {
  it('reads the documented shape', () => {
    const body = {
      kind: 'UpgradeTask',
      metadata: { uid: 'u', creationTimestamp: 'c' },
      spec: { version: 'v1', targetVersion: 'v2', items: {} },
      status: { phase: 'Running', progress: '12.50', completionTime: '' }
    }
    expect(decodeTask(body)).toEqual({
      uid: 'u',
      version: 'v1',
      targetVersion: 'v2',
      phase: 'Running',
      progress: '12.50',
      creationTimestamp: 'c',
      completionTime: ''
    })
  })

  it('keeps a numeric progress in the API format and rejects bodies without a phase', () => {
    expect(decodeTask({ status: { phase: 'Init', progress: 5 } })?.progress).toBe('5.00')
    expect(decodeTask({ status: {} })).toBeUndefined()
    expect(decodeTask(null)).toBeUndefined()
    expect(decodeTask([])).toBeUndefined()
  })

  it('decodes lists; no items, or null, is an empty list; an item without ID or phase is set aside', () => {
    const ok = { metadata: { uid: 't-1' }, status: { phase: 'Init' } }
    const none = { items: [], unreadable: [] }
    expect(decodeTaskList({ items: [ok] })?.items.map(t => t.uid)).toEqual(['t-1'])
    expect(decodeTaskList({ items: ok })?.items.map(t => t.uid)).toEqual(['t-1'])
    expect(decodeTaskList({ items: [] })).toEqual(none)
    expect(decodeTaskList({ items: null })).toEqual(none)
    expect(decodeTaskList({ kind: 'List', apiVersion: 'v3', metadata: {} })).toEqual(none)
    expect(decodeTaskList({ items: [ok, {}, { status: { phase: 'Success' } }] })).toEqual({
      items: [expect.objectContaining({ uid: 't-1' })],
      unreadable: [
        { what: 'upgrade task', uid: '', created: '', why: 'no metadata.uid, no status.phase' },
        { what: 'upgrade task', uid: '', created: '', why: 'no metadata.uid' }
      ]
    })
    // an error body, a non-object or items of another type is not a list answer: retried as broken
    expect(decodeTaskList({ error_code: 'APIG.0308', error_msg: 'throttled' })).toBeUndefined()
    expect(decodeTaskList({ items: 'x' })).toBeUndefined()
    expect(decodeTaskList('x')).toBeUndefined()
    expect(decodeTaskList([ok])).toBeUndefined()
  })
})

describe('decodeTaskOf: an answer about another task is not an answer', () => {
  const body = (uid?: string) => ({
    metadata: uid === undefined ? {} : { uid },
    status: { phase: 'Success' }
  })
  it('takes the task asked for, never one without an ID (issue 20: a generic Success must not pass)', () => {
    expect(decodeTaskOf('task-1')(body('task-1'))?.phase).toBe('Success')
    expect(decodeTaskOf('task-1')(body())).toBeUndefined()
    expect(decodeTaskOf('task-1')(body(''))).toBeUndefined()
  })
  it('rejects another ID', () => {
    expect(decodeTaskOf('task-1')(body('task-2'))).toBeUndefined()
    expect(decodeTaskOf('task-1')(body('TASK-1'))).toBeUndefined()
  })
})

describe('an answer by ID about another cluster, or an error body, is not an answer', () => {
  const body = (extra: Record<string, unknown> = {}) => ({
    metadata: { uid: 'task-1' },
    spec: { clusterID: 'cluster-1' },
    status: { phase: 'Success' },
    ...extra
  })

  it('decodeTaskOf: spec.clusterID must be the cluster asked about (without case), or absent', () => {
    expect(decodeTaskOf('task-1', 'cluster-1')(body())?.phase).toBe('Success')
    expect(decodeTaskOf('task-1', 'CLUSTER-1')(body())?.phase).toBe('Success')
    expect(decodeTaskOf('task-1', 'cluster-1')(body({ spec: {} }))?.phase).toBe('Success')
    expect(decodeTaskOf('task-1', 'cluster-2')(body())).toBeUndefined()
    // without a cluster to compare, the ID alone decides
    expect(decodeTaskOf('task-1')(body())?.phase).toBe('Success')
  })

  it('decodeWorkflowOf: the same', () => {
    const w = {
      metadata: { uid: 'wf-1' },
      spec: { clusterID: 'cluster-1' },
      status: { phase: 'Success', pointStatuses: [] }
    }
    expect(decodeWorkflowOf('wf-1', 'cluster-1')(w)?.phase).toBe('Success')
    expect(decodeWorkflowOf('wf-1', 'cluster-2')(w)).toBeUndefined()
    expect(decodeWorkflowOf('wf-1')(w)?.phase).toBe('Success')
  })

  it('otherThan names the other cluster; the one asked about, or none named, is no mismatch', () => {
    const of = otherThan('upgrade task', 'task-1', 'cluster-1')
    expect(of(body())).toBeUndefined()
    expect(of(body({ spec: {} }))).toBeUndefined()
    expect(of(body({ spec: { clusterID: 'cluster-2' } }))).toBe(
      'upgrade task task-1 of cluster "cluster-2", not of cluster cluster-1'
    )
    expect(
      otherThan('upgrade task', 'task-1')(body({ spec: { clusterID: 'cluster-2' } }))
    ).toBeUndefined()
    // an answer with metadata and no status is shaped like a task too
    expect(otherThan('upgrade task', 'task-1')({ metadata: { uid: 'task-2' } })).toBe(
      'upgrade task "task-2", not upgrade task task-1'
    )
    // decodeTaskOf of what is not a task at all: no answer, not an error
    expect(decodeTaskOf('task-1', 'cluster-1')({})).toBeUndefined()
    expect(decodeTaskOf('task-1', 'cluster-1')(null)).toBeUndefined()
  })

  it('a body with an error field is none of a task, a workflow, a cluster, whatever status it carries', () => {
    for (const field of ['error_code', 'errorCode', 'error_msg', 'errorMessage', 'error']) {
      expect(decodeTask(body({ [field]: 'x' }))).toBeUndefined()
      expect(decodeWorkflow(body({ [field]: 'x' }))).toBeUndefined()
      expect(
        decodeCluster({ metadata: {}, status: { phase: 'Available' }, [field]: 'x' })
      ).toBeUndefined()
      expect(isErrorBody({ [field]: 'x' })).toBe(true)
    }
    expect(decodeTask(body())?.phase).toBe('Success')
    expect(decodeCluster({ status: { phase: 'Available' } })?.phase).toBe('Available')
    expect(isErrorBody(null)).toBe(false)
    expect(isErrorBody('error')).toBe(false)
  })
})
