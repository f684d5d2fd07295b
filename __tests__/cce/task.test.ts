import { describe, expect, it } from '@jest/globals'
import { decodeTask, decodeTaskList, decodeTaskOf } from '../../src/cce/task.js'

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
