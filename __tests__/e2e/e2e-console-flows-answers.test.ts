/**
 * End to end, issue 12: the committed dist/index.js against the fake CCE API in the flows real console users
 * produce in what the API answers (list answers without `items` or with an item the gate cannot read, the APIG.
 * gateway prefix, the cluster's spec.version, a stale task-id, a second pause), run as the runner runs it (see
 * e2e.test.ts). The flows around a workflow's steps are in e2e-console-flows-workflows.test.ts.
 *
 * Every run has a short `timeout` input and a kill timeout: a rule that breaks fails its test, it never hangs it.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { goTime } from '../support/fake-api.mjs'
import type { FakeCluster } from '../support/fake-api.mjs'
import { errors, warnings } from '../support/run-action.js'
import {
  P,
  C,
  NEW_TASK,
  OLD_TASK,
  WF,
  PREV_WF,
  MIN,
  HOUR,
  DAY,
  SHORT,
  TEST_MS,
  RID,
  closeFake,
  line,
  oldTask,
  newTask,
  state,
  workflow,
  fake,
  run,
  pollsOf,
  expectAtMostTwoPerPoll,
  expectOnePerPoll,
  infoLines,
  debugLines,
  succeededWorkflow
} from '../support/e2e-console-flows-harness.js'

afterEach(closeFake)

describe('lists, fail-safe (rule 5)', () => {
  it(
    'a workflow list without items and an old task without status.phase: follows the current task and passes; the old one only in a debug line',
    async () => {
      const at = Date.now()
      const old = oldTask(at, { omit: ['status.phase'] })
      const a = await fake({ lists: { workflows: 'omit-empty' }, workflows: [] }, [
        old,
        newTask(at, ['40.00', '80.00'])
      ])
      const r = await run(a, {}, { RUNNER_DEBUG: '1' })
      expect(r.stderr).toBe('')
      expect(errors(r.stdout)).toEqual([])
      expect(warnings(r.stdout)).toEqual([])
      expect(r.code).toBe(0)
      expect(r.outputs).toMatchObject({
        result: 'success',
        taskId: NEW_TASK,
        phase: 'Success',
        workflowId: '',
        workflowPhase: '',
        clusterPhase: 'Available'
      })
      expect(infoLines(r.stdout)).toContainEqual(
        expect.stringMatching(
          line(
            `Waiting on upgrade task ${NEW_TASK} (v1.28.3-r4 → v1.29.5-r0, Running, started `,
            /\d+s/,
            " before this step): the cluster's current upgrade among 0 upgrade workflow(s) and 1 upgrade task(s)."
          )
        )
      )
      // the item left out is named in a debug line (shown only with ACTIONS_STEP_DEBUG / RUNNER_DEBUG), nowhere else
      const mentions = r.stdout.split('\n').filter(l => l.includes(OLD_TASK))
      expect(mentions).toEqual([
        `::debug::Left out of the choice, unreadable but older than it: upgrade task ${OLD_TASK} (created ${old.creationTimestamp}): no status.phase`
      ])
      expect(debugLines(r.stdout)).toContain(mentions[0])
      expect(r.summary).not.toContain(OLD_TASK)
    },
    TEST_MS
  )

  it(
    'an unreadable item newer than everything (and a workflow list with items: null): no pass, the timeout ends it naming the item',
    async () => {
      const at = Date.now()
      const created = goTime(at)
      const mystery = newTask(at, [], { uid: 'mystery-task', omit: ['status.phase'] })
      const a = await fake({ lists: { workflows: 'null-empty' }, workflows: [] }, [
        oldTask(at),
        mystery
      ])
      const r = await run(a, { timeout: SHORT })
      expect(r.code).toBe(1)
      const item = `upgrade task mystery-task (created ${created}): no status.phase`
      expect(warnings(r.stdout)).toEqual([
        `::warning::The cluster's list of upgrades holds an item the gate cannot read, which may be its current upgrade: ${item}. The gate does not pass over it: it keeps waiting until the item can be read or the timeout ends the wait. Give workflow-id or task-id to wait on a known upgrade, and please report the item.`
      ])
      expect(errors(r.stdout)).toEqual([
        expect.stringMatching(
          line(
            `::error::Timed out after 5s waiting for the current upgrade of cluster ${C}: an item of the upgrade lists could not be read and may be the current upgrade: ${item}; request ID of the last response: `,
            new RegExp(RID),
            '. The gate does not pass while an item it cannot read may be the current upgrade: give workflow-id or task-id of the upgrade to wait on, and please report the item; then re-run this job.'
          )
        )
      ])
      expect(r.outputs).toMatchObject({ result: 'timeout', taskId: '', workflowId: '' })
      // never on to the cluster, nor to last quarter's Success: only the two lists, each poll
      expect(a.count({ kind: 'cluster' })).toBe(0)
      expect(a.count({ kind: 'task' })).toBe(0)
      expectOnePerPoll(a.count({ kind: 'workflows' }), pollsOf(r))
      expectOnePerPoll(a.count({ kind: 'tasks' }), pollsOf(r))
      expectAtMostTwoPerPoll(a, r)
    },
    TEST_MS
  )
})

describe('both gateway prefixes (rule 6)', () => {
  it(
    'a clock skew answered with 401 APIG.0301 "signature expired" is corrected, and the gate passes',
    async () => {
      const at = Date.now()
      const a = await fake({}, [newTask(at, ['50.00'])], {
        // the gateway's clock is 20 minutes ahead of the runner's
        now: () => Date.now() + 20 * MIN,
        gatewayPrefix: 'APIG'
      })
      const r = await run(a, { 'task-id': NEW_TASK })
      expect(r.stderr).toBe('')
      expect(errors(r.stdout)).toEqual([])
      expect(r.code).toBe(0)
      expect(warnings(r.stdout)).toEqual([
        expect.stringMatching(
          line(
            "::warning::This runner's clock is ",
            /(19m5\ds|20m|20m1s)/,
            " behind the API's; correcting (signing with the API's time from now on)"
          )
        )
      ])
      // one refusal measured the skew; every request after it was signed right
      expect(a.count({ status: 401 })).toBe(1)
      expect(a.requests.find(q => q.status === 401)?.kind).toBe('task')
      expect(r.outputs).toMatchObject({ result: 'success', taskId: NEW_TASK, phase: 'Success' })
    },
    TEST_MS
  )

  it(
    'a workflow list answered 404 APIG.0101 is an endpoint without workflows: fails at once, pointing at task-id',
    async () => {
      const a = await fake({ noWorkflowApi: true }, [newTask(Date.now())], {
        gatewayPrefix: 'APIG'
      })
      const r = await run(a)
      expect(r.code).toBe(1)
      const path = `/api/v3/projects/${P}/clusters/${C}/operation/upgradeworkflows`
      expect(errors(r.stdout)).toEqual([
        expect.stringMatching(
          line(
            `::error::This endpoint does not offer upgrade workflows (HTTP 404 APIG.0101: The API does not exist or has not been published in the environment: GET ${path} (request ID `,
            new RegExp(RID),
            ')): give task-id to wait on the upgrade task, or check the endpoint input.'
          )
        )
      ])
      expect(a.count({ kind: 'workflows' })).toBe(1)
      expect(r.outputs).toMatchObject({ result: 'error' })
    },
    TEST_MS
  )
})

describe('the cluster’s version against the upgrade’s target (rule 7)', () => {
  const succeeded = (at: number, version: FakeCluster['version']) =>
    fake(
      {
        version,
        workflows: [
          workflow(at, [
            state('Success', [
              ['PreCheck', 'Success'],
              ['Cluster', 'Success'],
              ['PostCheck', 'Success']
            ])
          ])
        ]
      },
      [oldTask(at), newTask(at)]
    )

  it(
    'a cluster still on an older minor version fails, naming both versions',
    async () => {
      const a = await succeeded(Date.now(), 'v1.28')
      const r = await run(a)
      expect(r.code).toBe(1)
      expect(errors(r.stdout)).toEqual([
        expect.stringMatching(
          line(
            `::error::The upgrade workflow ${WF} of cluster ${C} ended, but cluster ${C} runs Kubernetes v1.28, older than the upgrade's target v1.29.5-r0; request ID of the last response: `,
            new RegExp(RID),
            ': it was rolled back, or the upgrade never took effect. Do not deploy what needs the new version; see the cluster and its upgrade history in the CCE console (cluster → Upgrade), upgrade again, then re-run this job.'
          )
        )
      ])
      expect(r.outputs).toMatchObject({
        result: 'failed',
        workflowId: WF,
        workflowPhase: 'Success',
        targetVersion: 'v1.29.5-r0',
        failedStep: '',
        clusterPhase: 'Available'
      })
    },
    TEST_MS
  )

  it(
    'no spec.version, or one that is not a version: passes, saying so in a debug line only',
    async () => {
      for (const [version, why] of [
        [null, 'ShowCluster reported no spec.version'],
        ['latest', 'spec.version "latest" is not a version']
      ] as const) {
        const a = await succeeded(Date.now(), version)
        const r = await run(a)
        expect([version, r.code, errors(r.stdout)]).toEqual([version, 0, []])
        expect(warnings(r.stdout)).toEqual([])
        expect(r.stdout.split('\n').filter(l => l.includes('not compared'))).toEqual([
          `::debug::Cluster version not compared with the upgrade's target: ${why}`
        ])
        expect(r.outputs).toMatchObject({ result: 'success', clusterPhase: 'Available' })
      }
    },
    TEST_MS
  )
})

describe('a stale ID (rule 8)', () => {
  it(
    'a task-id that succeeded 90 days ago while a new workflow runs: the warning names the newer upgrade',
    async () => {
      const at = Date.now()
      const a = await fake(
        {
          // the new upgrade is under way: the cluster is Upgrading at first
          phases: [{ phase: 'Upgrading', polls: 2 }, { phase: 'Available' }],
          workflows: [
            workflow(at, [
              state('Running', [
                ['PreCheck', 'Success'],
                ['Cluster', 'Running'],
                ['PostCheck', 'Init']
              ])
            ])
          ]
        },
        [oldTask(at), newTask(at, ['30.00'])]
      )
      const r = await run(a, { 'task-id': OLD_TASK })
      expect(r.code).toBe(0)
      expect(warnings(r.stdout)).toEqual([
        expect.stringMatching(
          line(
            `::warning::The upgrade task ${OLD_TASK} that task-id names ended 90d before this step: it is probably not the upgrade this pipeline means, yet it decides the gate. The cluster's current upgrade is another one: upgrade workflow ${WF} (Running, started `,
            /1m(\d+s)?|5\ds/,
            " before this step). Pass the ID from the step that starts the upgrade (its metadata.uid), or leave task-id empty and set max-age (e.g. max-age: 2h) to wait on the cluster's current upgrade."
          )
        )
      ])
      expect(r.summary).toContain(
        `The cluster's current upgrade is another one: upgrade workflow ${WF}`
      )
      expect(r.outputs).toMatchObject({
        result: 'success',
        taskId: OLD_TASK,
        targetVersion: 'v1.28.3-r4',
        workflowId: ''
      })
      // the lists are read once, for the warning
      expect([a.count({ kind: 'workflows' }), a.count({ kind: 'tasks' })]).toEqual([1, 1])
    },
    TEST_MS
  )

  it(
    'a workflow-id of a workflow that ended 90 days ago while an upgrade task runs: the warning names the task',
    async () => {
      const at = Date.now()
      const a = await fake(
        {
          workflows: [
            succeededWorkflow(at, OLD_TASK, {
              creationTimestamp: goTime(at - 91 * DAY),
              startedAt: at - 90 * DAY - HOUR / 2,
              clusterVersion: 'v1.27',
              targetVersion: 'v1.28'
            })
          ]
        },
        // today's upgrade, started through the API: a task of no workflow
        [oldTask(at), newTask(at, ['30.00', '60.00'])]
      )
      const r = await run(a, { 'workflow-id': PREV_WF })
      expect(r.code).toBe(0)
      expect(warnings(r.stdout)).toEqual([
        expect.stringMatching(
          line(
            `::warning::The upgrade workflow ${PREV_WF} that workflow-id names ended 90d before this step: it is probably not the upgrade this pipeline means, yet it decides the gate. The cluster's current upgrade is another one: upgrade task ${NEW_TASK} (Running, started `,
            /\d+s/,
            " before this step). Pass the ID from the step that starts the upgrade (its metadata.uid), or leave workflow-id empty and set max-age (e.g. max-age: 2h) to wait on the cluster's current upgrade."
          )
        )
      ])
      expect(r.outputs).toMatchObject({
        result: 'success',
        workflowId: PREV_WF,
        workflowPhase: 'Success',
        taskId: OLD_TASK,
        targetVersion: 'v1.28.3-r4'
      })
      expect(r.summary).toMatch(/\| Cluster \| Success \| \d{4}-.* \| \d{4}-.* \| 0ld00000/)
      expect([a.count({ kind: 'workflows' }), a.count({ kind: 'tasks' })]).toEqual([1, 1])
    },
    TEST_MS
  )
})

describe('pauses (rule 9)', () => {
  it(
    'two pauses of the same task: two warnings, one as each begins',
    async () => {
      const at = Date.now()
      const step = (phase: string, progress: string) => ({ phase, progress, polls: 1 })
      const a = await fake({}, [
        newTask(at, [], {
          timeline: [
            step('Running', '20.00'),
            step('Pause', '40.00'),
            { phase: 'Pause', progress: '40.00', polls: 1 },
            step('Running', '50.00'),
            step('Pause', '60.00'),
            step('Running', '80.00'),
            { phase: 'Success', progress: '100.00' }
          ]
        })
      ])
      const r = await run(a, { 'task-id': NEW_TASK })
      expect(r.code).toBe(0)
      const pause = (progress: string) =>
        expect.stringMatching(
          line(
            `::warning::Upgrade task ${NEW_TASK} is paused at ${progress}% (v1.28.3-r4 → v1.29.5-r0): a person must resume it in the CCE console (cluster → Upgrade page). Still waiting (on-pause: wait); the pause counts toward the timeout, `,
            /\d+s/,
            ' left.'
          )
        )
      expect(warnings(r.stdout)).toEqual([pause('40.00'), pause('60.00')])
      expect(r.outputs).toMatchObject({ result: 'success', taskId: NEW_TASK, phase: 'Success' })
    },
    TEST_MS
  )
})
