/**
 * Issue 19, items 3–8 (the choice's part): what an unreadable time is, the worst reading where the order is
 * unknown, "after its cluster upgrade", max-age counted from the end, a cancelled workflow with max-age, and items
 * of another cluster. Every case is pure over an injected API clock (`apiNow`).
 */
import { describe, expect, it } from '@jest/globals'
import { abandonedWorkflows, chooseUpgrade, workflowEndedAt } from '../../src/gate/choose.js'
import type { Policy } from '../../src/gate/verdict.js'
import { decodeTaskList } from '../../src/cce/task.js'
import { decodeWorkflowList } from '../../src/cce/workflow.js'
import { FUTURE_SLACK_MS, readPastTime } from '../../src/lib/go-time.js'
import { at, ms, task, taskJson, workflow, workflowJson } from '../support/upgrade-fixtures.js'

const ZERO = '0001-01-01 00:00:00 +0000 UTC'
const MIN = 60_000
const HOUR = 60 * MIN
/** The API's clock in these tests: 12:00 on the 24th. */
const NOW = ms('12:00')
/** Go time text for an instant, in UTC. */
const utc = (t: number): string =>
  new Date(t).toISOString().replace('T', ' ').replace('Z', ' +0000 UTC')

/** A step as the API sends it. */
const step = (taskType: string, status: string, o: Record<string, string> = {}) => ({
  taskType,
  status,
  ...o
})

describe('an unreadable time: does not parse, Go zero time, or over 5 minutes in the API clock future', () => {
  it('reads Go zero time, in any zone, as no time', () => {
    expect(readPastTime(ZERO)).toBeUndefined()
    expect(readPastTime('0001-01-01 08:05:43 +0805 LMT')).toBeUndefined()
    expect(readPastTime('0000-12-31 19:00:00 -0500 EST')).toBeUndefined()
    // the day after is a time (however odd)
    expect(readPastTime('0002-01-01 00:00:00 +0000 UTC')).toBeDefined()
  })

  it('reads a time more than 5 minutes in the future of the API clock as unreadable, up to 5 minutes as a time', () => {
    expect(FUTURE_SLACK_MS).toBe(5 * MIN)
    expect(readPastTime(utc(NOW + 5 * MIN), NOW)).toBe(NOW + 5 * MIN)
    expect(readPastTime(utc(NOW + 5 * MIN + 1000), NOW)).toBeUndefined()
    expect(readPastTime(utc(NOW - 3 * HOUR), NOW)).toBe(NOW - 3 * HOUR)
    // without the API clock nothing is in its future
    expect(readPastTime(utc(NOW + HOUR))).toBe(NOW + HOUR)
  })

  it('an expiry in Go zero time counts as not expired: the idle workflow is not abandoned', () => {
    const idle = workflow('Running', 'PreCheck:Success Cluster:Init PostCheck:Init', {
      expires: ZERO
    })
    expect(abandonedWorkflows([idle], NOW)).toEqual([])
    const old = task('Success', { uid: 'old', created: at('08:00') })
    expect(chooseUpgrade([idle], [old], { apiNow: NOW })).toEqual({
      kind: 'workflow',
      workflow: idle
    })
  })

  it('a creation in Go zero time leaves the order unknown: a failure of unknown order decides over a Success', () => {
    const ok = workflow('Success', 'PreCheck:Success Cluster:Success', {
      uid: 'wf-ok',
      created: at('11:00')
    })
    const failed = workflow('Pending', 'PreCheck:Success Cluster:Failed', {
      uid: 'wf-bad',
      created: ZERO
    })
    for (const ws of [
      [ok, failed],
      [failed, ok]
    ])
      expect(chooseUpgrade(ws, [], { apiNow: NOW })).toMatchObject({ workflow: { uid: 'wf-bad' } })
  })

  it('a creation in the future (a local time labelled UTC) does not rank an old Success newest', () => {
    // created 09:00 CST, written as 09:00 UTC: 8 h ahead, 5 h in the future of the API clock
    const old = workflow('Success', 'PreCheck:Success Cluster:Success', {
      uid: 'wf-old',
      created: '2026-11-24 09:00:00 +0000 UTC'
    })
    const failed = task('Failed', { uid: 'task-new', created: at('11:50') })
    expect(chooseUpgrade([old], [failed], { apiNow: NOW })).toEqual({ kind: 'task', task: failed })
    const newer = workflow('Pending', 'PreCheck:Failed', { uid: 'wf-new', created: at('11:50') })
    expect(chooseUpgrade([old, newer], [], { apiNow: NOW })).toMatchObject({
      workflow: { uid: 'wf-new' }
    })
    // without the API clock the same text reads as a time, and the old Success ranks newest
    expect(chooseUpgrade([old, newer], [])).toMatchObject({ workflow: { uid: 'wf-old' } })
  })

  it('a step end in the future is no end: workflowEndedAt falls back to what it can read', () => {
    const w = workflow('Success', '', {
      created: at('10:00'),
      updated: '',
      pointStatuses: [step('Cluster', 'Success', { endTimeStamp: utc(NOW + HOUR) })]
    })
    expect(workflowEndedAt(w, NOW)).toBe(ms('10:00'))
    expect(workflowEndedAt(w)).toBe(NOW + HOUR)
  })
})

describe('unknown order is fail-safe: the gate passes only if every upgrade that could be newest would pass', () => {
  // the cluster upgrade is done and nobody started the post-check: it passes without its post-check
  const atRest = workflow('Running', 'PreCheck:Success Cluster:Success=task-a PostCheck:Init', {
    uid: 'wf-at-rest',
    created: ''
  })
  const clusterFailed = workflow('Pending', 'PreCheck:Success Cluster:Failed=task-b', {
    uid: 'wf-failed',
    created: at('11:50')
  })

  it('a workflow that would pass without its post-check, created at an unreadable time, does not beat a failure', () => {
    for (const ws of [
      [atRest, clusterFailed],
      [clusterFailed, atRest]
    ])
      expect(chooseUpgrade(ws, [], { apiNow: NOW })).toMatchObject({
        workflow: { uid: 'wf-failed' }
      })
  })

  it('passes when every one that could be newest would pass', () => {
    const ok = workflow('Success', 'PreCheck:Success Cluster:Success=task-c PostCheck:Success', {
      uid: 'wf-ok',
      created: at('11:50')
    })
    const choice = chooseUpgrade([atRest, ok], [], { apiNow: NOW })
    expect(['wf-at-rest', 'wf-ok']).toContain(choice.kind === 'workflow' && choice.workflow.uid)
  })

  it('one that holds decides over ones that pass: with wait-for-post-check the workflow at rest holds', () => {
    const policy: Policy = { onPause: 'wait', waitForNewUpgrade: false, waitForPostCheck: true }
    const ok = workflow('Success', 'PreCheck:Success Cluster:Success=task-c PostCheck:Success', {
      uid: 'wf-ok',
      created: at('11:50')
    })
    for (const ws of [
      [atRest, ok],
      [ok, atRest]
    ])
      expect(chooseUpgrade(ws, [], { apiNow: NOW, policy })).toMatchObject({
        workflow: { uid: 'wf-at-rest' }
      })
  })

  it('a failure decides over one that holds', () => {
    const policy: Policy = { onPause: 'wait', waitForNewUpgrade: false, waitForPostCheck: true }
    for (const ws of [
      [atRest, clusterFailed],
      [clusterFailed, atRest]
    ])
      expect(chooseUpgrade(ws, [], { apiNow: NOW, policy })).toMatchObject({
        workflow: { uid: 'wf-failed' }
      })
  })

  it('a workflow is judged with its Cluster task from the list: a Success whose task Failed is a failure', () => {
    const claimsSuccess = workflow('Success', 'PreCheck:Success Cluster:Success=task-x', {
      uid: 'wf-claims',
      created: ''
    })
    const ok = workflow('Success', 'PreCheck:Success Cluster:Success=task-y', {
      uid: 'wf-ok',
      created: at('11:00')
    })
    const taskX = task('Failed', { uid: 'task-x', created: at('10:10') })
    for (const ws of [
      [claimsSuccess, ok],
      [ok, claimsSuccess]
    ]) {
      expect(chooseUpgrade(ws, [taskX], { apiNow: NOW })).toMatchObject({
        workflow: { uid: 'wf-claims' }
      })
      // without its task in the list both pass: the one with a readable start is followed
      expect(chooseUpgrade(ws, [], { apiNow: NOW })).toMatchObject({ workflow: { uid: 'wf-ok' } })
    }
  })

  it('of tasks that are under way, the newest one that fails decides (on-pause: fail)', () => {
    const policy: Policy = { onPause: 'fail', waitForNewUpgrade: false, waitForPostCheck: false }
    const paused = task('Pause', { uid: 'paused', created: '' })
    const running = task('Running', { uid: 'running', created: at('11:00') })
    for (const ts of [
      [paused, running],
      [running, paused]
    ])
      expect(chooseUpgrade([], ts, { apiNow: NOW, policy })).toMatchObject({
        task: { uid: 'paused' }
      })
  })
})

describe('"after its cluster upgrade" means after the Cluster step ended, whatever the workflow did afterwards', () => {
  // the cluster upgrade ended at 10:00; the post-check ran until 10:50 and the workflow was updated at 10:55
  const later = (cluster: Record<string, string>, tasks = 'task-w') =>
    workflow('Success', '', {
      uid: 'wf-1',
      created: at('09:00'),
      updated: at('10:55'),
      pointStatuses: [
        step('PreCheck', 'Success', { taskID: 'pc-1', endTimeStamp: at('09:10') }),
        step('Cluster', 'Success', { taskID: tasks, ...cluster }),
        step('PostCheck', 'Success', { endTimeStamp: at('10:50') })
      ]
    })

  it('a bare task that failed 30 minutes after the cluster upgrade ended decides, though the workflow ran on', () => {
    const w = later({ endTimeStamp: at('10:00') })
    const t = task('Failed', { uid: 'api-task', created: at('10:30') })
    expect(chooseUpgrade([w], [t], { apiNow: NOW })).toEqual({ kind: 'task', task: t })
    // one created before the cluster upgrade ended does not
    const before = task('Failed', { uid: 'api-task', created: at('09:59') })
    expect(chooseUpgrade([w], [before], { apiNow: NOW })).toEqual({ kind: 'workflow', workflow: w })
  })

  it("without the step's endTimeStamp, its task's completionTime dates the cluster upgrade", () => {
    const w = later({})
    const own = { ...task('Success', { uid: 'task-w', created: at('09:20') }) }
    own.completionTime = at('10:00')
    const t = task('Failed', { uid: 'api-task', created: at('10:30') })
    expect(chooseUpgrade([w], [own, t], { apiNow: NOW })).toEqual({ kind: 'task', task: t })
    const before = task('Failed', { uid: 'api-task', created: at('09:59') })
    expect(chooseUpgrade([w], [own, before], { apiNow: NOW })).toEqual({
      kind: 'workflow',
      workflow: w
    })
  })

  it('with neither, the order is unknown: a failed task decides, a Success one does not replace a pass', () => {
    for (const end of [{}, { endTimeStamp: ZERO }, { endTimeStamp: 'soon' }] as Record<
      string,
      string
    >[]) {
      const w = later(end, 'task-unlisted')
      const failed = task('Failed', { uid: 'api-task', created: at('09:30') })
      expect(chooseUpgrade([w], [failed], { apiNow: NOW })).toEqual({
        kind: 'task',
        task: failed
      })
      const ok = task('Success', { uid: 'api-ok', created: at('09:30') })
      expect(chooseUpgrade([w], [ok], { apiNow: NOW }).kind).not.toBe('none')
    }
  })
})

describe('max-age counts from the end', () => {
  const opts = { apiNow: NOW, notBefore: NOW - 2 * HOUR }

  it('a workflow created 3 h ago whose cluster upgrade runs now is the current upgrade', () => {
    const w = workflow('Running', 'PreCheck:Success Cluster:Running', { created: at('09:00') })
    expect(chooseUpgrade([w], [], opts)).toEqual({ kind: 'workflow', workflow: w })
  })

  it('a bare task started 2 h 30 min ago and still running is the current upgrade', () => {
    const t = task('Running', { uid: 'slow', created: at('09:30') })
    expect(chooseUpgrade([], [t], opts)).toEqual({ kind: 'task', task: t })
  })

  it('a workflow waiting for a person with a valid pre-check counts whatever its age', () => {
    const idle = workflow('Running', 'PreCheck:Success Cluster:Init', {
      created: at('06:00'),
      expires: at('12:00', 25)
    })
    expect(chooseUpgrade([idle], [], opts)).toEqual({ kind: 'workflow', workflow: idle })
  })

  it('an ended upgrade counts when it ended at most max-age before the step, whenever it started', () => {
    const ended = (completion: string) => ({
      ...task('Success', { uid: 'done', created: at('08:00') }),
      completionTime: completion
    })
    expect(chooseUpgrade([], [ended(at('10:00'))], opts)).toMatchObject({ kind: 'task' })
    expect(chooseUpgrade([], [ended(at('09:59'))], opts)).toMatchObject({
      kind: 'none',
      newest: { what: 'upgrade task done' }
    })
  })

  it('an ended upgrade whose end cannot be read counts unless it would pass', () => {
    for (const completion of ['', ZERO, utc(NOW + HOUR)]) {
      const ok = {
        ...task('Success', { uid: 'ok', created: at('08:00') }),
        completionTime: completion
      }
      expect(chooseUpgrade([], [ok], opts)).toMatchObject({ kind: 'none' })
      const bad = {
        ...task('Failed', { uid: 'bad', created: at('08:00') }),
        completionTime: completion
      }
      expect(chooseUpgrade([], [bad], opts)).toEqual({ kind: 'task', task: bad })
      // started inside max-age, it ended inside it too
      const recent = { ...ok, creationTimestamp: at('11:00') }
      expect(chooseUpgrade([], [recent], opts)).toEqual({ kind: 'task', task: recent })
    }
  })

  it("a workflow's end is its last step's end or update: a Success that ran its post-check an hour ago counts", () => {
    const w = workflow('Success', '', {
      created: at('07:00'),
      updated: '',
      pointStatuses: [
        step('Cluster', 'Success', { endTimeStamp: at('08:00') }),
        step('PostCheck', 'Success', { endTimeStamp: at('11:00') })
      ]
    })
    expect(chooseUpgrade([w], [], opts)).toEqual({ kind: 'workflow', workflow: w })
    expect(chooseUpgrade([w], [], { ...opts, notBefore: ms('11:01') })).toMatchObject({
      kind: 'none'
    })
  })
})

describe('a workflow cancelled before its cluster upgrade, with max-age', () => {
  const cancelled = (updated: string) =>
    workflow('Cancel', 'PreCheck:Success Cluster:Init', {
      uid: 'wf-cancelled',
      created: at('11:00'),
      updated
    })
  const older = task('Success', { uid: 'older', created: at('10:00') })

  it('the newest upgrade inside max-age: chosen, so the step fails as cancelled', () => {
    const opts = { apiNow: NOW, notBefore: NOW - 2 * HOUR }
    const w = cancelled(at('11:30'))
    expect(chooseUpgrade([w], [older], opts)).toEqual({ kind: 'workflow', workflow: w })
    expect(chooseUpgrade([w], [], opts)).toEqual({ kind: 'workflow', workflow: w })
  })

  it('outside max-age it does not count; without max-age it is passed over', () => {
    const w = workflow('Cancel', 'PreCheck:Success Cluster:Init', {
      uid: 'wf-cancelled',
      created: at('07:00'),
      updated: at('08:00'),
      pointStatuses: [step('PreCheck', 'Success'), step('Cluster', 'Init')]
    })
    expect(chooseUpgrade([w], [], { apiNow: NOW, notBefore: NOW - 2 * HOUR })).toMatchObject({
      kind: 'none',
      newest: { what: 'upgrade workflow wf-cancelled' }
    })
    expect(chooseUpgrade([cancelled(at('11:30'))], [older], { apiNow: NOW })).toEqual({
      kind: 'task',
      task: older
    })
  })
})

describe('an item whose spec.clusterID names another cluster never decides', () => {
  const of = (json: Record<string, unknown>, clusterID?: string) => ({
    ...json,
    spec: { ...(json['spec'] as object), clusterID }
  })

  it('is set aside by the list decoders, named with its cluster', () => {
    const mine = workflowJson('Success', { uid: 'wf-mine' })
    const theirs = of(workflowJson('Pending', { uid: 'wf-theirs' }), 'cluster-2')
    const answer = decodeWorkflowList({ items: [mine, theirs] }, 'cluster-1')
    expect(answer?.items.map(w => w.uid)).toEqual(['wf-mine'])
    expect(answer?.otherCluster).toEqual([
      {
        what: 'upgrade workflow',
        uid: 'wf-theirs',
        created: at('10:00'),
        why: 'of cluster cluster-2'
      }
    ])
    // the same ID in another case, or no clusterID at all, is this cluster's
    const upper = of(workflowJson('Pending', { uid: 'wf-upper' }), 'CLUSTER-1')
    const none = of(workflowJson('Pending', { uid: 'wf-none' }))
    expect(decodeWorkflowList({ items: [upper, none] }, 'cluster-1')?.items).toHaveLength(2)
    // without the cluster asked about, nothing is set aside
    expect(decodeWorkflowList({ items: [theirs] })?.items).toHaveLength(1)
  })

  it('tasks too, even one the gate could not otherwise read', () => {
    const theirs = of(taskJson('Failed', { uid: 'task-theirs' }), 'cluster-2')
    const broken = { metadata: { uid: 'task-broken' }, spec: { clusterID: 'cluster-2' } }
    const answer = decodeTaskList({ items: [theirs, broken, taskJson('Success')] }, 'cluster-1')
    expect(answer?.items.map(t => t.uid)).toEqual(['task-1'])
    expect(answer?.unreadable).toEqual([])
    expect(answer?.otherCluster?.map(i => i.uid)).toEqual(['task-theirs', 'task-broken'])
  })
})
