/**
 * Probe: odd answers, each scripted with the fake's `rewrite`: HTTP 200 carrying an error, an empty body, fields of
 * the wrong JSON type. None may pass; a harmless oddity (progress out of range)
 * must not hold a good upgrade.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import type { FakeApi, FakeApiOptions, FakeTask } from '../support/fake-api.mjs'
import {
  KEY,
  MIN,
  SHORT,
  TASK,
  TEST_MS,
  WF,
  fake,
  goTime,
  run,
  state,
  task,
  workflow
} from '../support/probe-kit.js'

let api: FakeApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

type Rewrite = NonNullable<FakeApiOptions['rewrite']>
/** Edits the built body of one kind of answer (a copy), or replaces it when `edit` returns a value. */
const edit =
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a probe reshapes untyped JSON
  (kind: string, f: (body: any) => unknown): Rewrite =>
    r => {
      if (r.kind !== kind || r.body === undefined) return undefined
      const body = structuredClone(r.body)
      const out = f(body)
      return { status: 200, body: out === undefined ? body : out }
    }
const raw =
  (kind: string, body: unknown): Rewrite =>
  r =>
    r.kind === kind ? { status: 200, body } : undefined

async function taskGate(rewrite: Rewrite, t: FakeTask = task(TASK)) {
  api = await fake({ [KEY]: {} }, { [KEY]: [t] }, { rewrite })
  return run(api, { 'task-id': TASK, timeout: SHORT })
}

const ERROR_BODY = {
  errorCode: 'CCE.01500001',
  errorMessage: 'internal error',
  error_code: 'CCE_CM.0500',
  error_msg: 'internal error'
}

describe('HTTP 200 that is not the answer asked for', () => {
  it.each([
    ['an error body', ERROR_BODY],
    ['a Status-kind error body', { kind: 'Status', status: 'Failure', code: 500, message: 'x' }],
    ['an empty object', {}],
    ['null', null],
    ['an empty string', '']
  ])(
    'ShowUpgradeClusterTask answers %s → no pass',
    async (_, body) => {
      const r = await taskGate(raw('task', body))
      expect(r.outputs['result']).not.toBe('success')
      expect(r.code).toBe(1)
    },
    TEST_MS
  )

  it.each([
    ['an error body', ERROR_BODY],
    [
      'an error body that also carries status.phase Available',
      { ...ERROR_BODY, status: { phase: 'Available' } }
    ],
    ['a Status-kind error body', { kind: 'Status', status: 'Failure', code: 500 }],
    ['an empty object', {}]
  ])(
    'ShowCluster answers %s → no pass',
    async (_, body) => {
      const r = await taskGate(raw('cluster', body))
      expect(r.outputs['result']).not.toBe('success')
      expect(r.code).toBe(1)
    },
    TEST_MS
  )
})

describe('fields of the wrong JSON type', () => {
  it(
    "the task's status.phase is an array ['Success'] → no pass",
    async () => {
      const r = await taskGate(edit('task', b => void (b.status.phase = ['Success'])))
      expect(r.code).toBe(1)
    },
    TEST_MS
  )
  it(
    "the task's metadata.uid is a number → no pass",
    async () => {
      const r = await taskGate(edit('task', b => void (b.metadata.uid = 42)))
      expect(r.code).toBe(1)
    },
    TEST_MS
  )
  it(
    "the cluster's status.phase is true → no pass",
    async () => {
      const r = await taskGate(edit('cluster', b => void (b.status.phase = true)))
      expect(r.code).toBe(1)
    },
    TEST_MS
  )
  it(
    'a Success workflow whose pointStatuses is null → no pass',
    async () => {
      api = await fake(
        {
          [KEY]: {
            workflows: [
              workflow([state('Success', 'PreCheck:Success Cluster:Success PostCheck:Success')])
            ]
          }
        },
        { [KEY]: [task(TASK)] },
        { rewrite: edit('workflow', b => void (b.status.pointStatuses = null)) }
      )
      const r = await run(api, { 'workflow-id': WF, timeout: SHORT })
      expect(r.code).toBe(1)
    },
    TEST_MS
  )
  it(
    "a Success workflow whose Rollback step's status is the number 1 → no pass",
    async () => {
      api = await fake(
        {
          [KEY]: {
            workflows: [
              workflow([
                state('Success', 'PreCheck:Success Cluster:Success PostCheck:Success Rollback:Init')
              ])
            ]
          }
        },
        { [KEY]: [task(TASK)] },
        {
          rewrite: edit('workflow', b => {
            for (const s of b.status.pointStatuses) if (s.taskType === 'Rollback') s.status = 1
          })
        }
      )
      const r = await run(api, { 'workflow-id': WF, timeout: SHORT })
      expect(r.code).toBe(1)
    },
    TEST_MS
  )
})

describe('harmless oddities do not hold a good upgrade', () => {
  it.each([['150.00'], ['n/a'], [null], [{ value: 100 }]])(
    'task Success with progress %j → passes',
    async progress => {
      const r = await taskGate(edit('task', b => void (b.status.progress = progress)))
      expect(r.code).toBe(0)
      expect(r.outputs['result']).toBe('success')
    },
    TEST_MS
  )
})

describe('guard use: a workflow running its pre-check', () => {
  /** A workflow running its pre-check (the cluster still Available): in guard use it holds the deploy. */
  const running = (rewrite?: Rewrite) =>
    fake(
      {
        [KEY]: {
          version: 'v1.29',
          workflows: [workflow([state('Running', 'PreCheck:Running Cluster:Init PostCheck:Init')])]
        }
      },
      { [KEY]: [task(TASK, undefined, { creationTimestamp: goTime(Date.now() - 90 * MIN) })] },
      rewrite ? { rewrite } : {}
    )

  it(
    'holds the deploy',
    async () => {
      api = await running()
      const r = await run(api, { timeout: SHORT })
      expect(r.code).toBe(1)
    },
    TEST_MS
  )
})
