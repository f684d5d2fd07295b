/**
 * list.ts: a list answer is told from an error body whatever error field it carries, and an item the gate cannot
 * read is named by what can still be read of it (the log and the verdict's message show that name).
 */
import { describe, expect, it } from '@jest/globals'
import { decodeList, describeUnreadable } from '../../src/cce/list.js'
import { decodeTaskList } from '../../src/cce/task.js'
import { decodeWorkflowList } from '../../src/cce/workflow.js'
import { at } from '../support/upgrade-fixtures.js'

describe('a list answer is not an error body', () => {
  it.each(['error_code', 'errorCode', 'error_msg', 'errorMessage', 'error'])(
    'an answer with %s alone is an error, not a (possibly empty) list',
    field => {
      for (const items of [[], undefined]) {
        const body = { [field]: 'CCE.01500001', ...(items ? { items } : {}) }
        expect(decodeWorkflowList(body)).toBeUndefined()
        expect(decodeTaskList(body)).toBeUndefined()
      }
      // the same answer without the error field is an empty list
      expect(decodeTaskList({ items: [] })).toEqual({ items: [], unreadable: [] })
    }
  )

  it('reads an object that is not an item as one unreadable item, an empty one as none', () => {
    // a decoder stricter than the required fields: an item that has them all still may not decode
    const decode = (json: unknown) => decodeList(json, 'thing', () => undefined, ['metadata.uid'])
    expect(decode({ items: { metadata: { uid: 'x-1' } } })?.unreadable).toEqual([
      { what: 'thing', uid: 'x-1', created: '', why: 'no readable fields' }
    ])
    expect(decode({ items: { metadata: { name: 'x' } } })?.unreadable).toEqual([
      { what: 'thing', uid: '', created: '', why: 'no metadata.uid' }
    ])
    expect(decode({ items: {} })).toEqual({ items: [], unreadable: [] })
    expect(decode({ items: null })).toEqual({ items: [], unreadable: [] })
  })
})

describe('describeUnreadable', () => {
  it('names the item by its ID, with its creation time when it can be read', () => {
    expect(
      describeUnreadable({
        what: 'upgrade workflow',
        uid: 'wf-3',
        created: at('09:00'),
        why: 'no status.phase'
      })
    ).toBe(`upgrade workflow wf-3 (created ${at('09:00')}): no status.phase`)
    expect(
      describeUnreadable({ what: 'upgrade task', uid: 't-9', created: '', why: 'no status.phase' })
    ).toBe('upgrade task t-9: no status.phase')
  })

  it('says when the item has no ID', () => {
    expect(
      describeUnreadable({ what: 'upgrade task', uid: '', created: '', why: 'not a JSON object' })
    ).toBe('an upgrade task without an ID: not a JSON object')
    expect(
      describeUnreadable({
        what: 'upgrade workflow',
        uid: '',
        created: at('09:30'),
        why: 'no metadata.uid'
      })
    ).toBe(`an upgrade workflow without an ID (created ${at('09:30')}): no metadata.uid`)
  })
})
