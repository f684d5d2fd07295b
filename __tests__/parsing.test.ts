import { describe, expect, it } from '@jest/globals'
import { describeDetails, parseErrorBody } from '../src/huawei/api-error.js'
import { backoffDelay, parseRetryAfter } from '../src/huawei/backoff.js'
import { newestBy } from '../src/gate/choose.js'
import { joinUrl } from '../src/huawei/endpoints.js'
import { Secrets } from '../src/lib/secrets.js'
import { decodeTask, decodeTaskList, decodeTaskOf } from '../src/cce/task.js'

describe('parseErrorBody', () => {
  const h = { 'x-request-id': 'rid' }
  it('reads errorCode/errorMessage first, then error_code/error_msg, then reason/message', () => {
    const all = {
      errorCode: 'CCE.01404001',
      errorMessage: 'Resource not found',
      error_code: 'CCE_CM.0003',
      error_msg: 'x',
      message: 'm',
      reason: 'NotFound'
    }
    expect(parseErrorBody(JSON.stringify(all), h)).toEqual({
      code: 'CCE.01404001',
      message: 'Resource not found',
      requestId: 'rid'
    })
    const { errorCode: _c, errorMessage: _m, ...second } = all
    expect(parseErrorBody(JSON.stringify(second), h)).toEqual({
      code: 'CCE_CM.0003',
      message: 'x',
      requestId: 'rid'
    })
    expect(parseErrorBody(JSON.stringify({ message: 'm', reason: 'NotFound' }), h)).toEqual({
      code: 'NotFound',
      message: 'm',
      requestId: 'rid'
    })
    expect(parseErrorBody(JSON.stringify({ message: 'only' }), h)).toEqual({
      code: undefined,
      message: 'only',
      requestId: 'rid'
    })
  })

  it('reads the API gateway body with its request_id when there is no header', () => {
    expect(
      parseErrorBody('{"error_msg":"sig","error_code":"APIGW.0301","request_id":"gw-1"}', {})
    ).toEqual({ code: 'APIGW.0301', message: 'sig', requestId: 'gw-1' })
  })

  it('reads IAM errors and the IAM trace ID', () => {
    expect(
      parseErrorBody('{"error":{"code":401,"message":"bad token","title":"Unauthorized"}}', {
        'x-iam-trace-id': 't-1'
      })
    ).toEqual({ code: 'Unauthorized', message: 'bad token', requestId: 't-1' })
    expect(parseErrorBody('{"error":{"code":401,"message":"bad"}}', {})).toEqual({
      code: '401',
      message: 'bad',
      requestId: undefined
    })
  })

  it('keeps a snippet of a non-JSON body', () => {
    expect(parseErrorBody('<html>\n  <b>Bad Gateway</b>\n</html>', h)).toEqual({
      message: '<html> <b>Bad Gateway</b> </html>',
      requestId: 'rid'
    })
    expect(parseErrorBody('', { 'x-request-id': ['a', 'b'] })).toEqual({
      message: undefined,
      requestId: 'a'
    })
    expect(parseErrorBody('[1]', {})).toEqual({ message: '[1]', requestId: undefined })
    expect(parseErrorBody('{"other":1}', {})).toEqual({ requestId: undefined })
  })

  it('describes details in one line', () => {
    expect(describeDetails({ code: 'A', message: 'b', requestId: 'r' })).toBe('A: b (request ID r)')
    expect(describeDetails({})).toBe('no error details in the response')
  })
})

describe('backoff', () => {
  it('doubles from 1 s up to the interval, with jitter between half and all of it', () => {
    expect(backoffDelay(1, 15_000, 0)).toBe(500)
    expect(backoffDelay(1, 15_000, 0.999999)).toBe(1000)
    expect(backoffDelay(3, 15_000, 1)).toBe(4000)
    expect(backoffDelay(10, 15_000, 1)).toBe(15_000)
    expect(backoffDelay(10, 15_000, 0)).toBe(7500)
    expect(backoffDelay(0, 500, 1)).toBe(500)
  })

  it('parses Retry-After seconds and HTTP dates', () => {
    const now = Date.UTC(2026, 10, 24, 12)
    expect(parseRetryAfter('3', now)).toBe(3000)
    expect(parseRetryAfter(['1.5'], now)).toBe(1500)
    expect(parseRetryAfter(new Date(now + 10_000).toUTCString(), now)).toBe(10_000)
    expect(parseRetryAfter(new Date(now - 10_000).toUTCString(), now)).toBe(0)
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
    expect(parseRetryAfter(' ', now)).toBeUndefined()
  })
})

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

describe('newestBy', () => {
  const t = (uid: string, creationTimestamp: string) => ({
    uid,
    creationTimestamp,
    version: '',
    targetVersion: '',
    phase: 'Init',
    progress: '',
    completionTime: ''
  })
  it('compares as instants, unreadable ones rank newest', () => {
    const newest = (items: ReturnType<typeof t>[]) => newestBy(items, x => x.creationTimestamp)
    expect(newest([])).toBeUndefined()
    expect(newest([t('bad', 'x')])?.uid).toBe('bad')
    const picked = newest([
      t('bad', 'x'),
      t('a', '2026-01-01 10:00:00 +0800 CST'),
      t('b', '2026-01-01 03:00:00 +0000 UTC'),
      t('bad2', '')
    ])
    expect(picked?.uid).toBe('bad')
    const readable = newest([
      t('a', '2026-01-01 10:00:00 +0800 CST'),
      t('b', '2026-01-01 03:00:00 +0000 UTC')
    ])
    expect(readable?.uid).toBe('b')
  })
})

describe('helpers', () => {
  it('joins base URLs with path prefixes and queries', () => {
    expect(joinUrl(new URL('https://h/prefix/'), '/v3/projects', { name: 'a b' }).href).toBe(
      'https://h/prefix/v3/projects?name=a%20b'
    )
    expect(joinUrl(new URL('https://h'), '/x').href).toBe('https://h/x')
  })

  it('redacts registered secrets and masks each once', () => {
    const masked: string[] = []
    const s = new Secrets(v => masked.push(v))
    s.add('abc')
    s.add(' abc ')
    s.add('')
    s.add(undefined)
    expect(masked).toEqual(['abc'])
    expect(s.redact('xabcxabc')).toBe('x***x***')
  })
})
