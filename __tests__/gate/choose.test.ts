import { describe, expect, it } from '@jest/globals'
import {
  abandonedWorkflows,
  chooseUpgrade,
  endedAtOf,
  newestBy,
  startedOf,
  workflowEndedAt
} from '../../src/gate/choose.js'
import { at, ms, task, workflow } from '../support/upgrade-fixtures.js'

const named = (stamps: string[]) => stamps.map((stamp, i) => ({ name: `#${i}`, stamp }))
const newestName = (stamps: string[]) => newestBy(named(stamps), x => x.stamp)?.name

describe('newestBy compares instants, not text', () => {
  it('across UTC offsets in Go time format', () => {
    // 10:00 +0800 is 02:00 UTC; 09:00 +0000 is later although its text sorts first
    expect(
      newestName(['2026-11-24 10:00:00.123456 +0800 CST', '2026-11-24 09:00:00 +0000 UTC'])
    ).toBe('#1')
    expect(
      newestName(['2026-11-24 09:00:00 +0000 UTC', '2026-11-24 10:00:00.123456 +0800 CST'])
    ).toBe('#0')
  })

  it('across RFC 3339 offsets and mixed formats', () => {
    // 03:00+01:00 = 02:00Z; 01:30-05:00 = 06:30Z; Go 14:00 +0800 = 06:00Z
    expect(
      newestName([
        '2026-11-24T03:00:00+01:00',
        '2026-11-24T01:30:00-05:00',
        '2026-11-24 14:00:00.999 +0800 CST'
      ])
    ).toBe('#1')
    expect(newestName(['2026-11-24T06:00:00.5Z', '2026-11-24 14:00:00.4 +0800 CST'])).toBe('#0')
  })

  it('ranks unreadable timestamps newest: their order is unknown', () => {
    expect(
      newestName(['2020-01-01 00:00:00 +0000 UTC', 'not a time', '', '2026-13-01T00:00:00Z'])
    ).toBe('#1')
    expect(newestName(['garbage', '2030-01-01 00:00:00 +0000 UTC'])).toBe('#0')
    // all unreadable: still one of them (the first), never nothing
    expect(newestName(['x', 'y'])).toBe('#0')
    expect(newestName([])).toBeUndefined()
  })

  it('where the order is unknown (unreadable or equal), never picks a success over one that is not', () => {
    const items = (...x: [string, string, string][]) =>
      x.map(([uid, phase, creationTimestamp]) => ({ uid, phase, creationTimestamp }))
    const pick = (...x: [string, string, string][]) =>
      newestBy(
        items(...x),
        i => i.creationTimestamp,
        i => i.phase === 'Success'
      )?.uid
    const T = '2026-11-24 10:00:00 +0800 CST'
    for (const [a, b] of [
      [
        ['ok', 'Success', T],
        ['bad', 'Failed', T]
      ],
      [
        ['bad', 'Failed', T],
        ['ok', 'Success', T]
      ],
      [
        ['ok', 'Success', ''],
        ['bad', 'Failed', T]
      ],
      [
        ['bad', 'Failed', 'x'],
        ['ok', 'Success', '2030-01-01T00:00:00Z']
      ],
      [
        ['ok', 'Success', ''],
        ['bad', 'Running', '']
      ]
    ] as [string, string, string][][])
      expect(pick(a!, b!)).toBe('bad')
    // a readable newer failure still wins over a readable older success, and the reverse
    expect(pick(['ok', 'Success', '2020-01-01T00:00:00Z'], ['bad', 'Failed', T])).toBe('bad')
    expect(pick(['bad', 'Failed', '2020-01-01T00:00:00Z'], ['ok', 'Success', T])).toBe('ok')
  })
})

describe('workflowEndedAt', () => {
  it('is the latest of its steps ends and its update', () => {
    const w = workflow('Success', 'PreCheck:Success Cluster:Success', { updated: at('10:20') })
    // the steps end at 10:30 (fixture), later than the update
    expect(workflowEndedAt(w)).toBe(ms('10:30'))
    const later = workflow('Success', 'PreCheck:Success', { updated: at('11:45') })
    expect(workflowEndedAt(later)).toBe(ms('11:45'))
  })
  it('falls back to its creation when nothing else is readable', () => {
    const w = workflow('Cancel', 'PreCheck:Running', { created: at('09:00'), updated: '' })
    expect(workflowEndedAt(w)).toBe(ms('09:00'))
  })
})

describe('chooseUpgrade', () => {
  it('waits on a workflow in Init or Running even when its own Cluster task is newer', () => {
    for (const phase of ['Init', 'Running']) {
      const w = workflow(phase, 'PreCheck:Success Cluster:Running=task-new', {
        created: at('10:00'),
        updated: at('10:05')
      })
      const t = task('Running', { uid: 'task-new', created: at('10:10') })
      expect(chooseUpgrade([w], [t])).toEqual({ kind: 'workflow', workflow: w })
    }
  })

  it.each(['Init', 'Running'])(
    'waits on an active workflow (%s) even when a task outside it is newer',
    phase => {
      const w = workflow(phase, 'PreCheck:Running Cluster:Init', {
        created: at('10:00'),
        updated: at('10:01')
      })
      const t = task('Success', { uid: 'api-task', created: at('10:30') })
      expect(chooseUpgrade([w], [t])).toEqual({ kind: 'workflow', workflow: w })
    }
  )

  it('the pre-check race: a running pre-check wins over the previous upgrade task Success', () => {
    const old = task('Success', { uid: 'task-old', created: at('10:00', 20) })
    const w = workflow('Running', 'PreCheck:Running Cluster:Init', {
      uid: 'wf-new',
      created: at('10:00')
    })
    expect(chooseUpgrade([w], [old])).toMatchObject({
      kind: 'workflow',
      workflow: { uid: 'wf-new' }
    })
  })

  it('takes a task created after the newest workflow ended, outside any workflow (API upgrade)', () => {
    const w = workflow('Success', 'PreCheck:Success Cluster:Success=task-1', {
      created: at('10:00'),
      updated: at('10:40')
    })
    const t = task('Running', { uid: 'api-task', created: at('11:00') })
    expect(chooseUpgrade([w], [t])).toEqual({ kind: 'task', task: t })
  })

  it('keeps the newest workflow when the newest task started before its cluster upgrade ended', () => {
    const w = workflow('Success', 'PreCheck:Success Cluster:Success=task-1', {
      created: at('10:00'),
      updated: at('10:40')
    })
    // the Cluster step ended at 10:30 (fixture)
    const t = task('Success', { uid: 'other', created: at('10:25') })
    expect(chooseUpgrade([w], [t])).toEqual({ kind: 'workflow', workflow: w })
  })

  it('never lets a workflow step task win over its workflow, whatever the timestamps say', () => {
    // the workflow's own timestamps were not updated when its Cluster step failed: its task looks newer
    const w = workflow('Pending', '', {
      created: at('10:00'),
      updated: at('10:00'),
      pointStatuses: [
        { taskType: 'PreCheck', taskID: 'precheck-1', status: 'Success' },
        { taskType: 'Cluster', taskID: 'task-7', status: 'Failed' }
      ]
    })
    const t = task('Failed', { uid: 'task-7', created: at('10:10') })
    expect(chooseUpgrade([w], [t])).toEqual({ kind: 'workflow', workflow: w })
    // a step task of an older workflow does not win over the newest workflow either
    const newer = workflow('Cancel', '', {
      uid: 'wf-2',
      created: at('10:05'),
      updated: at('10:05')
    })
    expect(chooseUpgrade([w, newer], [t])).toEqual({ kind: 'workflow', workflow: newer })
  })

  it('keeps an ended workflow over an ended task whose creation cannot be read', () => {
    const w = workflow('Success', 'PreCheck:Success Cluster:Success')
    const t = task('Success', { uid: 'api-task', created: 'yesterday' })
    expect(chooseUpgrade([w], [t])).toEqual({ kind: 'workflow', workflow: w })
  })

  it('takes a task under way outside any workflow over an ended workflow, whatever the timestamps', () => {
    const w = workflow('Success', 'PreCheck:Success Cluster:Success', {
      updated: '2026-11-24 23:00:00 +0800 CST'
    })
    for (const phase of ['Running', 'Pause', 'Queuing']) {
      const t = task(phase, { uid: 'api-task', created: 'yesterday' })
      expect(chooseUpgrade([w], [t])).toEqual({ kind: 'task', task: t })
    }
    // its own Cluster task never counts as outside it
    const own = task('Running', { uid: 'task-1', created: 'yesterday' })
    expect(chooseUpgrade([w], [own])).toEqual({ kind: 'workflow', workflow: w })
  })

  it('takes a workflow under way over a newer one that ended', () => {
    const running = workflow('Running', 'PreCheck:Running', {
      uid: 'wf-old',
      created: '2026-11-24 10:00:00 +0800 CST'
    })
    const ended = workflow('Cancel', '', {
      uid: 'wf-new',
      created: '2026-11-24 11:00:00 +0800 CST'
    })
    expect(chooseUpgrade([ended, running], [])).toMatchObject({
      kind: 'workflow',
      workflow: { uid: 'wf-old' }
    })
    // and when no timestamp can be read, still the one under way, whatever the list order
    const a = workflow('Success', '', { uid: 'wf-a', created: '' })
    const b = workflow('Init', '', { uid: 'wf-b', created: '' })
    expect(chooseUpgrade([a, b], [])).toMatchObject({ workflow: { uid: 'wf-b' } })
    expect(chooseUpgrade([b, a], [])).toMatchObject({ workflow: { uid: 'wf-b' } })
  })

  it('takes the newest workflow by instant', () => {
    const a = workflow('Success', '', { uid: 'wf-a', created: '2026-11-24 10:00:00 +0800 CST' })
    const b = workflow('Pending', '', { uid: 'wf-b', created: '2026-11-24 03:00:00 +0000 UTC' })
    expect(chooseUpgrade([a, b], [])).toMatchObject({ kind: 'workflow', workflow: { uid: 'wf-b' } })
  })

  it('takes the newest task when there is no workflow', () => {
    const a = task('Success', { uid: 'a', created: '2026-11-24 10:00:00 +0800 CST' })
    const b = task('Failed', { uid: 'b', created: '2026-11-24T03:00:00Z' })
    const c = task('Success', { uid: 'c', created: '' })
    expect(chooseUpgrade([], [a, b, c])).toEqual({ kind: 'task', task: b })
  })

  it('finds nothing when there is nothing', () => {
    expect(chooseUpgrade([], [])).toEqual({ kind: 'none' })
    expect(chooseUpgrade([], [], { notBefore: ms('10:00') })).toEqual({ kind: 'none' })
  })

  describe('with notBefore (max-age)', () => {
    it('finds nothing when the upgrade ended earlier, and says which upgrade that was', () => {
      // ended at 10:30 (fixture: the step's end, the workflow's update, the task's completion)
      const w = workflow('Success', 'Cluster:Success', { uid: 'wf-old', created: at('10:00') })
      expect(chooseUpgrade([w], [], { notBefore: ms('10:31') })).toEqual({
        kind: 'none',
        newest: { what: 'upgrade workflow wf-old', phase: 'Success', at: ms('10:00') }
      })
      const t = task('Success', { uid: 'task-old', created: at('10:00') })
      expect(chooseUpgrade([], [t], { notBefore: ms('10:31') })).toEqual({
        kind: 'none',
        newest: { what: 'upgrade task task-old', phase: 'Success', at: ms('10:00') }
      })
    })

    it('takes an upgrade that started at or after it', () => {
      const w = workflow('Running', 'PreCheck:Running', { created: at('10:00') })
      expect(chooseUpgrade([w], [], { notBefore: ms('10:00') })).toEqual({
        kind: 'workflow',
        workflow: w
      })
      expect(chooseUpgrade([w], [], { notBefore: ms('09:00') })).toEqual({
        kind: 'workflow',
        workflow: w
      })
    })

    it('takes the right upgrade first, then applies the age: an old active workflow counts whatever its age', () => {
      const w = workflow('Running', 'PreCheck:Running', { created: at('09:00') })
      const t = task('Success', { created: at('08:00') })
      expect(chooseUpgrade([w], [t], { notBefore: ms('09:30') })).toEqual({
        kind: 'workflow',
        workflow: w
      })
    })

    it('takes a task under way whose start cannot be read', () => {
      const t = task('Running', { uid: 'no-date', created: '' })
      expect(chooseUpgrade([], [t], { notBefore: ms('10:00') })).toEqual({ kind: 'task', task: t })
      expect(chooseUpgrade([], [t])).toEqual({ kind: 'task', task: t })
    })
  })

  it('startedOf names the upgrade and reads its start as an instant', () => {
    const w = workflow('Running', '', { uid: 'wf-9', created: '2026-11-24T02:00:00.123Z' })
    expect(startedOf({ kind: 'workflow', workflow: w })).toEqual({
      what: 'upgrade workflow wf-9',
      phase: 'Running',
      at: ms('10:00')
    })
  })
})

describe('chooseUpgrade where the order is unknown', () => {
  it('takes a workflow with an unreadable start that is not Success over an old Success', () => {
    const old = workflow('Success', 'PreCheck:Success Cluster:Success', {
      uid: 'wf-old',
      created: at('10:00', 1)
    })
    const fresh = workflow('Pending', 'PreCheck:Failed Cluster:Init', {
      uid: 'wf-new',
      created: ''
    })
    for (const ws of [
      [old, fresh],
      [fresh, old]
    ])
      expect(chooseUpgrade(ws, [])).toMatchObject({ kind: 'workflow', workflow: { uid: 'wf-new' } })
  })

  it('takes of two tasks with the same start the one that is not Success', () => {
    const ok = task('Success', { uid: 'ok', created: at('10:00') })
    const bad = task('Failed', { uid: 'bad', created: at('10:00') })
    expect(chooseUpgrade([], [ok, bad])).toMatchObject({ kind: 'task', task: { uid: 'bad' } })
    expect(chooseUpgrade([], [bad, ok])).toMatchObject({ kind: 'task', task: { uid: 'bad' } })
  })

  it('takes a failed task outside any workflow over a Success workflow when the task start is unreadable', () => {
    const w = workflow('Success', 'PreCheck:Success Cluster:Success=task-w', {
      created: at('09:00')
    })
    const t = task('Failed', { uid: 'api-task', created: '' })
    expect(chooseUpgrade([w], [t])).toMatchObject({ kind: 'task', task: { uid: 'api-task' } })
    // a Success task of unknown order does not replace the workflow
    const ok = task('Success', { uid: 'api-ok', created: '' })
    expect(chooseUpgrade([w], [ok])).toMatchObject({ kind: 'workflow' })
  })

  it.each(['Suspended', 'running', 'Paused'])(
    'counts a workflow in a phase it does not know (%s) as under way',
    phase => {
      const old = workflow('Success', 'PreCheck:Success Cluster:Success', {
        uid: 'wf-old',
        created: at('12:00')
      })
      const odd = workflow(phase, 'PreCheck:Success Cluster:Running', {
        uid: 'wf-odd',
        created: at('10:00')
      })
      expect(chooseUpgrade([old, odd], [])).toMatchObject({
        kind: 'workflow',
        workflow: { uid: 'wf-odd' }
      })
    }
  )
})

describe('chooseUpgrade without an ID: an outside task against a Success workflow (never pass over a failure)', () => {
  // the workflow's steps end at 10:30 (fixture) and it was last updated at 10:40: it ended at 10:40
  const succeeded = () =>
    workflow('Success', 'PreCheck:Success Cluster:Success=task-w', {
      uid: 'wf-ok',
      created: at('10:00'),
      updated: at('10:40')
    })

  it('lets an outside task that failed after the workflow ended decide', () => {
    const w = succeeded()
    const t = task('Failed', { uid: 'api-task', created: at('11:00') })
    expect(chooseUpgrade([w], [t])).toEqual({ kind: 'task', task: t })
    expect(chooseUpgrade([w], [t], { notBefore: ms('09:00') })).toEqual({ kind: 'task', task: t })
    // and one that succeeded after it ended is as much the current upgrade
    const ok = task('Success', { uid: 'api-ok', created: at('11:00') })
    expect(chooseUpgrade([w], [ok])).toEqual({ kind: 'task', task: ok })
  })

  it('still counts a Running outside task created (readably) before the workflow ended as under way', () => {
    const w = succeeded()
    for (const phase of ['Running', 'Init', 'Queuing', 'Pause']) {
      const t = task(phase, { uid: 'api-task', created: at('10:35') })
      expect(chooseUpgrade([w], [t])).toEqual({ kind: 'task', task: t })
    }
  })

  it('does not let an outside task that failed before a newer workflow succeeded outrank it', () => {
    const w = succeeded()
    // the workflow's cluster upgrade ended at 10:30 (fixture)
    for (const created of [at('09:00'), at('10:25'), at('10:00', 23)]) {
      const t = task('Failed', { uid: 'api-task', created })
      expect(chooseUpgrade([w], [t])).toEqual({ kind: 'workflow', workflow: w })
    }
  })

  it('takes a Failed task created exactly when the cluster upgrade ended: the tie never lets the Success pass', () => {
    const w = succeeded()
    const t = task('Failed', { uid: 'api-task', created: at('10:30') })
    expect(workflowEndedAt(w)).toBe(ms('10:40'))
    expect(chooseUpgrade([w], [t])).toEqual({ kind: 'task', task: t })
    // a Success task in the same tie: both would pass, and the one that started last is followed
    const ok = task('Success', { uid: 'api-ok', created: at('10:30') })
    expect(chooseUpgrade([w], [ok])).toEqual({ kind: 'task', task: ok })
  })

  it('takes the tie when the workflow ended with its last step (no later update)', () => {
    const w = workflow('Success', 'PreCheck:Success Cluster:Success=task-w', {
      created: at('10:00'),
      updated: at('10:20')
    })
    const t = task('Failed', { uid: 'api-task', created: at('10:30') })
    expect(chooseUpgrade([w], [t])).toEqual({ kind: 'task', task: t })
  })
})

describe('newestBy where one timestamp is unreadable', () => {
  const pick = (...x: [string, string, string][]) =>
    newestBy(
      x.map(([uid, phase, creationTimestamp]) => ({ uid, phase, creationTimestamp })),
      i => i.creationTimestamp,
      i => i.phase === 'Success'
    )?.uid
  const T = '2026-11-24 10:00:00 +0800 CST'

  it('keeps a readable failure over a later unreadable success, in either order', () => {
    expect(pick(['bad', 'Failed', T], ['ok', 'Success', ''])).toBe('bad')
    expect(pick(['ok', 'Success', ''], ['bad', 'Failed', T])).toBe('bad')
  })

  it('ranks an unreadable item newest between two alike, in either order', () => {
    expect(pick(['a', 'Failed', T], ['b', 'Failed', 'x'])).toBe('b')
    expect(pick(['b', 'Failed', 'x'], ['a', 'Failed', T])).toBe('b')
  })
})

describe('endedAtOf: when an upgrade ended', () => {
  it('is the end of an ended workflow, and nothing for one under way', () => {
    const w = workflow('Success', 'PreCheck:Success Cluster:Success', { updated: at('11:00') })
    expect(endedAtOf({ kind: 'workflow', workflow: w })).toBe(ms('11:00'))
    const running = workflow('Running', 'PreCheck:Success Cluster:Running', {
      updated: at('11:00')
    })
    expect(endedAtOf({ kind: 'workflow', workflow: running })).toBeUndefined()
  })

  it('is the completion of a task that succeeded or failed, and nothing for one under way', () => {
    for (const phase of ['Success', 'Failed'])
      expect(endedAtOf({ kind: 'task', task: task(phase) })).toBe(ms('10:30'))
    // a completion time on a task still running is not an end
    const running = { ...task('Running'), completionTime: at('10:30') }
    expect(endedAtOf({ kind: 'task', task: running })).toBeUndefined()
    expect(endedAtOf({ kind: 'none' })).toBeUndefined()
  })
})

describe('chooseUpgrade passes over a workflow abandoned before its cluster upgrade', () => {
  // waits for a person after its pre-check, which is valid until 10:00 on the 25th (fixture)
  const idle = () =>
    workflow('Running', 'PreCheck:Success Cluster:Init PostCheck:Init', {
      uid: 'wf-idle',
      created: at('09:00')
    })
  const expired = ms('10:00', 25) + 1

  it('abandonedWorkflows: only with the API time, and only once the pre-check expired', () => {
    const w = idle()
    expect(abandonedWorkflows([w], undefined)).toEqual([])
    expect(abandonedWorkflows([w], ms('10:00', 25))).toEqual([])
    expect(abandonedWorkflows([w], expired)).toEqual([w])
  })

  it('takes the newest other upgrade instead of it', () => {
    const w = idle()
    const old = task('Failed', { uid: 'task-old', created: at('08:00') })
    expect(chooseUpgrade([w], [old], { apiNow: expired })).toEqual({ kind: 'task', task: old })
    // while its pre-check is valid it is the upgrade under way
    expect(chooseUpgrade([w], [old], { apiNow: ms('12:00') })).toEqual({
      kind: 'workflow',
      workflow: w
    })
  })

  it('finds nothing, naming the abandoned workflow, when there is no other upgrade', () => {
    expect(chooseUpgrade([idle()], [], { apiNow: expired })).toEqual({
      kind: 'none',
      abandoned: { what: 'upgrade workflow wf-idle', phase: 'Running', at: ms('09:00') }
    })
  })
})

describe('chooseUpgrade and list items it could not read', () => {
  const item = (created: string) => ({
    what: 'upgrade task',
    uid: 'hidden',
    created,
    why: 'no status.phase'
  })
  const w = () =>
    workflow('Success', 'PreCheck:Success Cluster:Success', { uid: 'wf-ok', created: at('10:00') })

  it('chooses an unreadable item that may be newer than the upgrade chosen: never pass on one it may hide', () => {
    for (const created of ['', 'yesterday', at('10:00'), at('11:00')]) {
      const u = item(created)
      expect(chooseUpgrade([w()], [], { unreadable: [u] })).toEqual({ kind: 'unreadable', item: u })
    }
    // nothing else at all: any unreadable item is the upgrade
    expect(chooseUpgrade([], [], { unreadable: [item(at('08:00'))] })).toMatchObject({
      kind: 'unreadable'
    })
  })

  it('leaves out an unreadable item older than the upgrade chosen, or than max-age', () => {
    expect(chooseUpgrade([w()], [], { unreadable: [item(at('09:59'))] })).toEqual({
      kind: 'workflow',
      workflow: w()
    })
    expect(
      chooseUpgrade([], [], { unreadable: [item(at('08:00'))], notBefore: ms('09:00') })
    ).toEqual({ kind: 'none' })
    // at max-age exactly it may still be the current upgrade
    expect(
      chooseUpgrade([], [], { unreadable: [item(at('09:00'))], notBefore: ms('09:00') })
    ).toMatchObject({ kind: 'unreadable' })
  })

  it('startedOf names an unreadable item and reads its creation', () => {
    expect(startedOf({ kind: 'unreadable', item: item(at('08:00')) })).toEqual({
      what: `upgrade task hidden (created ${at('08:00')}): no status.phase`,
      phase: '',
      at: ms('08:00')
    })
  })
})

it('chooseUpgrade takes a Failed outside task over a Success workflow whose end cannot be read', () => {
  const w = workflow('Success', 'PreCheck:Success', { created: '', updated: '' })
  const steps = w.steps.map(s => ({ ...s, endedAt: '' }))
  const unreadable = { ...w, steps }
  expect(workflowEndedAt(unreadable)).toBeUndefined()
  const t = task('Failed', { uid: 'api-task', created: at('11:00') })
  expect(chooseUpgrade([unreadable], [t])).toEqual({ kind: 'task', task: t })
  // a Success task in the same place does not replace the workflow
  const ok = task('Success', { uid: 'api-ok', created: at('11:00') })
  expect(chooseUpgrade([unreadable], [ok])).toEqual({ kind: 'workflow', workflow: unreadable })
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

describe('two upgrades under way at once: every one that changes the cluster now counts beside the newest', () => {
  // its cluster upgrade done, no post-check listed: it passes on its own
  const upgraded = workflow('Running', 'PreCheck:Success Snapshot:Success Cluster:Success=task-1', {
    uid: 'wf-new',
    created: at('10:00')
  })

  it('a task queued outside any workflow holds, though a newer-looking workflow passes (it was ignored)', () => {
    const queued = task('Queuing', { uid: 'task-2', created: at('10:40') })
    expect(chooseUpgrade([upgraded], [queued])).toEqual({ kind: 'task', task: queued })
    // created before the workflow: still at work on the cluster now
    const earlier = task('Running', { uid: 'task-3', created: at('09:00') })
    expect(chooseUpgrade([upgraded], [earlier])).toEqual({ kind: 'task', task: earlier })
  })

  it('an older workflow whose Cluster step runs holds over a newer one that passes', () => {
    const running = workflow('Running', 'PreCheck:Success Cluster:Running=task-9 PostCheck:Init', {
      uid: 'wf-old',
      created: at('09:00')
    })
    expect(chooseUpgrade([upgraded, running], [])).toEqual({ kind: 'workflow', workflow: running })
  })

  it('an older one under way that changes nothing now (no step running, no task) leaves the newest to decide', () => {
    const idle = workflow('Init', 'PreCheck:Init Cluster:Init PostCheck:Init', {
      uid: 'wf-idle',
      created: at('09:00')
    })
    expect(chooseUpgrade([idle, upgraded], [])).toEqual({ kind: 'workflow', workflow: upgraded })
    const ended = task('Success', { uid: 'task-4', created: at('10:40') })
    expect(chooseUpgrade([upgraded], [ended])).toEqual({ kind: 'workflow', workflow: upgraded })
  })
})
