/**
 * End to end, issue 12: the committed dist/index.js against the fake CCE API in the flows real console users
 * produce around a workflow's steps (a post-check nobody starts, a skipped backup, an abandoned or idle workflow,
 * workflows that hold nothing after a review of real flows) and the bugs these flows found, run as the runner runs
 * it (see e2e.test.ts). The flows of what the API answers are in e2e-console-flows-answers.test.ts.
 *
 * Every run has a short `timeout` input and a kill timeout: a rule that breaks fails its test, it never hangs it.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { goTime } from '../support/fake-api.mjs'
import { errors, warnings } from '../support/run-action.js'
import {
  C,
  NEW_TASK,
  OLD_TASK,
  PREV_TASK,
  WF,
  PREV_WF,
  ABANDONED,
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
  cceRequests,
  expectAtMostTwoPerPoll,
  expectOnePerPoll,
  infoLines,
  morning
} from '../support/e2e-console-flows-harness.js'

afterEach(closeFake)

describe('a post-check nobody starts (issue 12, rule 1)', () => {
  /**
   * The Cluster step runs (seen in the lists and at the first read of the workflow), then succeeds at the third
   * poll; the post-check stays Init for good.
   */
  const upgradedNoPostCheck = (at: number) =>
    fake(
      {
        workflows: [
          workflow(at, [
            state(
              'Running',
              [
                ['PreCheck', 'Success'],
                ['Snapshot', 'Success'],
                ['Cluster', 'Running'],
                ['PostCheck', 'Init']
              ],
              1
            ),
            state('Running', [
              ['PreCheck', 'Success'],
              ['Snapshot', 'Success'],
              ['Cluster', 'Success'],
              ['PostCheck', 'Init']
            ])
          ])
        ]
      },
      [oldTask(at), newTask(at, ['50.00'])]
    )

  it(
    'passes once the cluster is upgraded, with one warning saying where to start the post-check; workflowPhase Running',
    async () => {
      const a = await upgradedNoPostCheck(Date.now())
      const r = await run(a)
      expect(r.stderr).toBe('')
      expect(errors(r.stdout)).toEqual([])
      expect(r.code).toBe(0)
      expect(warnings(r.stdout)).toEqual([
        `::warning::The cluster upgrade of workflow ${WF} succeeded, but its post-check has not been started: the gate passes without it (wait-for-post-check: false); the workflow stays Running until it is done. Once your services are back, start the post-check in the CCE console (cluster → Upgrade); set wait-for-post-check: true to have the gate wait for it.`
      ])
      expect(infoLines(r.stdout).at(-1)).toMatch(
        line(
          `The cluster upgrade of the upgrade workflow ${WF} of cluster ${C} succeeded (v1.28.3-r4 → v1.29.5-r0, 100.00%) and cluster ${C} is Available, after `,
          /\d+s/,
          ' of waiting: the cluster is upgraded. Its post-check has not been started (the workflow stays Running): start it in the CCE console (cluster → Upgrade) once your services are back.'
        )
      )
      expect(r.outputs).toEqual({
        result: 'success',
        taskId: NEW_TASK,
        phase: 'Success',
        progress: '100.00',
        version: 'v1.28.3-r4',
        targetVersion: 'v1.29.5-r0',
        completionTime: expect.stringMatching(/^\d{4}-\d\d-\d\d /),
        workflowId: WF,
        workflowPhase: 'Running',
        failedStep: '',
        clusterPhase: 'Available',
        results: expect.stringContaining('"workflowPhase":"Running"'),
        passed: JSON.stringify([C]),
        failed: '[]'
      })
      expect(r.summary).toContain('| PostCheck | Init | — | — | — |')
      expect(r.summary).toContain('its post-check has not been started')
      // the cluster is read only once the upgrade passed, and the task never again after its end
      expect(a.count({ kind: 'cluster' })).toBe(1)
      expect(a.count({ kind: 'task', taskId: OLD_TASK })).toBe(0)
    },
    TEST_MS
  )

  it(
    'with wait-for-post-check: true, waits for it instead, says so once, and times out',
    async () => {
      const a = await upgradedNoPostCheck(Date.now())
      const r = await run(a, { 'wait-for-post-check': 'true', timeout: SHORT })
      expect(r.code).toBe(1)
      expect(warnings(r.stdout)).toEqual([
        `::warning::The Cluster step of upgrade workflow ${WF} succeeded; the workflow now waits for its post-check, and wait-for-post-check: true has the gate wait for it too. Start the post-check in the CCE console (cluster → Upgrade); the gate passes once the workflow succeeds and the cluster is Available.`
      ])
      expect(errors(r.stdout)).toEqual([
        expect.stringMatching(
          line(
            `::error::Timed out after 5s waiting for the upgrade workflow ${WF} of cluster ${C}: last seen: workflow Running, step PostCheck Init, task Success at 100.00%; request ID of the last response: `,
            new RegExp(RID),
            '. The cluster upgrade is done; the workflow waits for its post-check, which a person starts: start it in the CCE console (cluster → Upgrade) once your services are back, then re-run this job (or set wait-for-post-check: false to pass without it).'
          )
        )
      ])
      expect(r.outputs).toMatchObject({
        result: 'timeout',
        workflowId: WF,
        workflowPhase: 'Running',
        taskId: NEW_TASK,
        phase: 'Success',
        clusterPhase: ''
      })
      // waiting for the post-check is waiting for the workflow: the cluster is not read meanwhile
      expect(a.count({ kind: 'cluster' })).toBe(0)
      expectAtMostTwoPerPoll(a, r)
    },
    TEST_MS
  )

  it(
    'a post-check that runs is waited for, and one that fails fails the gate',
    async () => {
      const at = Date.now()
      const steps = (postCheck: string): [string, string][] => [
        ['PreCheck', 'Success'],
        ['Cluster', 'Success'],
        ['PostCheck', postCheck]
      ]
      const a = await fake(
        {
          workflows: [
            workflow(at, [state('Running', steps('Running'), 2), state('Pending', steps('Failed'))])
          ]
        },
        [oldTask(at), newTask(at)]
      )
      const r = await run(a)
      expect(r.code).toBe(1)
      expect(warnings(r.stdout)).toEqual([])
      expect(errors(r.stdout)).toEqual([
        expect.stringMatching(
          line(
            `::error::Step PostCheck of the upgrade workflow ${WF} of cluster ${C} failed (v1.28.3-r4 → v1.29.5-r0); request ID of the last response: `,
            new RegExp(RID),
            '. The cluster was upgraded but failed its post-upgrade check: do not deploy onto it until the check passes. See the workflow in the CCE console (cluster → Upgrade) and give Huawei support the request ID; re-run this job after the upgrade has been retried.'
          )
        )
      ])
      expect(r.outputs).toMatchObject({
        result: 'failed',
        workflowPhase: 'Pending',
        failedStep: 'PostCheck',
        clusterPhase: ''
      })
      // it waited through the post-check, never passing: the lists and two reads showed it Running, the next Failed
      expect(pollsOf(r)).toBe(4)
      expect(a.count({ kind: 'cluster' })).toBe(0)
    },
    TEST_MS
  )
})

describe('a skipped backup (rule 2)', () => {
  it(
    'a Snapshot step still Init while the Cluster step and the post-check succeeded holds nothing: passes',
    async () => {
      const at = Date.now()
      const steps = (cluster: string, postCheck: string): [string, string][] => [
        ['PreCheck', 'Success'],
        ['Snapshot', 'Init'],
        ['Cluster', cluster],
        ['PostCheck', postCheck]
      ]
      const a = await fake(
        {
          workflows: [
            workflow(at, [
              state('Running', steps('Running', 'Init'), 1),
              state('Running', steps('Success', 'Running'), 1),
              state('Success', steps('Success', 'Success'))
            ])
          ]
        },
        [oldTask(at), newTask(at, ['50.00'])]
      )
      const r = await run(a)
      expect(r.stderr).toBe('')
      expect(errors(r.stdout)).toEqual([])
      expect(warnings(r.stdout)).toEqual([])
      expect(r.code).toBe(0)
      expect(infoLines(r.stdout)).toContainEqual(
        expect.stringMatching(/^Upgrade workflow 5b2f9a10-wf00-.*: Success · /)
      )
      expect(r.outputs).toMatchObject({
        result: 'success',
        workflowId: WF,
        workflowPhase: 'Success',
        taskId: NEW_TASK,
        phase: 'Success',
        failedStep: '',
        clusterPhase: 'Available'
      })
      expect(r.summary).toContain('| Snapshot | Init | — | — | — |')
    },
    TEST_MS
  )
})

describe('an abandoned workflow: its pre-check expired before anyone started the upgrade (rule 3)', () => {
  /**
   * This morning's upgrade (a workflow that ended in Success 2 hours ago) and, newer, a workflow whose pre-check
   * passed 30 minutes ago but nobody started its cluster upgrade; its pre-check expired a minute before the step.
   * Every time is the API's: `apiAhead` ms ahead of the runner's clock.
   */
  async function abandonedAfterSuccess(runnerAt: number, apiAhead = 0) {
    const at = runnerAt + apiAhead
    const expired = at - MIN
    const ids = { PreCheck: 'pc-gone', Cluster: 'task-never' }
    const a = await fake(
      {
        // the cluster is on the previous upgrade's version: the abandoned one's target never took
        version: 'v1.29',
        workflows: [
          morning(at).workflow,
          workflow(
            at,
            [
              state(
                'Running',
                [
                  ['PreCheck', 'Success'],
                  ['Cluster', 'Init'],
                  ['PostCheck', 'Init']
                ],
                undefined,
                ids
              )
            ],
            {
              uid: ABANDONED,
              creationTimestamp: goTime(at - 30 * MIN),
              // its pre-check passed 30 minutes ago, and was valid for 29 minutes
              startedAt: at - 30 * MIN,
              clusterVersion: 'v1.29',
              targetVersion: 'v1.30',
              preCheckExpiry: { afterEndMs: 29 * MIN }
            }
          )
        ]
      },
      [morning(at).task],
      apiAhead ? { now: () => Date.now() + apiAhead } : {}
    )
    return { a, expires: goTime(expired) }
  }

  it(
    'without an ID it does not hold the gate: one warning names it, and the older Success decides',
    async () => {
      const { a, expires } = await abandonedAfterSuccess(Date.now())
      const r = await run(a)
      expect(r.stderr).toBe('')
      expect(errors(r.stdout)).toEqual([])
      expect(r.code).toBe(0)
      expect(warnings(r.stdout)).toEqual([
        expect.stringMatching(
          line(
            `::warning::Upgrade workflow ${ABANDONED} (v1.29 → v1.30, created `,
            /30m(\d+s)?|29m5\ds/,
            ` before this step) passed its pre-check but its cluster upgrade was never started, and the pre-check expired at ${expires}: it changed nothing and cannot go on, so it does not hold the gate (the choice passes over it). Cancel it in the CCE console (cluster → Upgrade), or run a new pre-check to upgrade.`
          )
        )
      ])
      expect(infoLines(r.stdout)).toContainEqual(
        expect.stringMatching(
          line(
            `Waiting on upgrade workflow ${PREV_WF} (v1.28 → v1.29, Success, started `,
            /3h/,
            " before this step): the cluster's current upgrade among 2 upgrade workflow(s) and 1 upgrade task(s)."
          )
        )
      )
      expect(r.outputs).toMatchObject({
        result: 'success',
        workflowId: PREV_WF,
        workflowPhase: 'Success',
        taskId: PREV_TASK,
        targetVersion: 'v1.29.5-r0',
        clusterPhase: 'Available'
      })
      expect(a.count({ kind: 'workflow', taskId: ABANDONED })).toBe(0)
    },
    TEST_MS
  )

  it(
    'expired by the API’s clock, though not yet by the runner’s (10 minutes behind): passed over all the same',
    async () => {
      const { a, expires } = await abandonedAfterSuccess(Date.now(), 10 * MIN)
      const r = await run(a)
      expect(r.stderr).toBe('')
      expect(errors(r.stdout)).toEqual([])
      expect(r.code).toBe(0)
      // (the age is the runner's reckoning: see the report on ages under clock skew)
      expect(warnings(r.stdout)).toEqual([
        expect.stringMatching(
          line(
            `::warning::Upgrade workflow ${ABANDONED} (v1.29 → v1.30, created `,
            /\d+m(\d+s)?/,
            ` before this step) passed its pre-check but its cluster upgrade was never started, and the pre-check expired at ${expires}: it changed nothing and cannot go on, so it does not hold the gate (the choice passes over it). Cancel it in the CCE console (cluster → Upgrade), or run a new pre-check to upgrade.`
          )
        )
      ])
      expect(r.outputs).toMatchObject({ result: 'success', workflowId: PREV_WF })
      // the skew is within what a signature may be off: nothing was refused
      expect(a.count({ status: 401 })).toBe(0)
    },
    TEST_MS
  )

  it(
    'named by workflow-id it fails fast: the pre-check expired and the upgrade never started',
    async () => {
      const { a, expires } = await abandonedAfterSuccess(Date.now())
      const r = await run(a, { 'workflow-id': ABANDONED })
      expect(r.code).toBe(1)
      expect(errors(r.stdout)).toEqual([
        `::error::The upgrade workflow ${ABANDONED} of cluster ${C} passed its pre-check, but its cluster upgrade was never started and the pre-check expired at ${expires} (v1.29 → v1.30): the cluster was not upgraded, and this workflow cannot go on. Run the pre-check again and start the upgrade in the CCE console (cluster → Upgrade), or cancel the workflow; then re-run this job with the new workflow's ID, or without workflow-id.`
      ])
      expect(warnings(r.stdout)).toEqual([])
      expect(r.outputs).toMatchObject({
        result: 'failed',
        workflowId: ABANDONED,
        workflowPhase: 'Running',
        failedStep: '',
        taskId: '',
        clusterPhase: ''
      })
      // at the first poll: one read of the workflow, nothing else
      expect(pollsOf(r)).toBe(1)
      expect(cceRequests(a)).toBe(1)
      expect(r.wallMs).toBeLessThan(15_000)
    },
    TEST_MS
  )
})

describe('an idle workflow: pre-check passed, nobody started the upgrade yet (rule 4)', () => {
  // with max-age it holds the gate; in guard use (neither ID nor max-age) it holds nothing: e2e-guard.test.ts
  it(
    'with max-age, keeps waiting, saying once that a person must start the upgrade in the CCE console; times out',
    async () => {
      const at = Date.now()
      const validUntil = goTime(at + 2 * HOUR)
      const a = await fake(
        {
          workflows: [
            workflow(
              at,
              [
                state('Running', [
                  ['PreCheck', 'Success'],
                  ['Cluster', 'Init'],
                  ['PostCheck', 'Init']
                ])
              ],
              { creationTimestamp: goTime(at - 5 * MIN), preCheckExpiry: { at: at + 2 * HOUR } }
            )
          ]
        },
        [oldTask(at)]
      )
      const r = await run(a, { timeout: SHORT, 'max-age': '2h' })
      expect(r.code).toBe(1)
      expect(warnings(r.stdout)).toEqual([
        `::warning::Upgrade workflow ${WF} (v1.28 → v1.29) passed its pre-check, but its cluster upgrade has not started: a person must start it in the CCE console (cluster → Upgrade). The gate keeps waiting; the pre-check result is valid until ${validUntil}, after which this workflow cannot go on (cancel it or run a new pre-check).`
      ])
      expect(errors(r.stdout)).toEqual([
        expect.stringMatching(
          line(
            `::error::Timed out after 5s waiting for the upgrade workflow ${WF} of cluster ${C}: last seen: workflow Running, step Cluster Init; request ID of the last response: `,
            new RegExp(RID),
            '. The pre-check passed, but nobody started the cluster upgrade: start it in the CCE console (cluster → Upgrade), then re-run this job.'
          )
        )
      ])
      expect(r.outputs).toMatchObject({
        result: 'timeout',
        workflowId: WF,
        workflowPhase: 'Running',
        taskId: '',
        clusterPhase: ''
      })
      // chosen once from the lists, then only the workflow by ID
      expect([a.count({ kind: 'workflows' }), a.count({ kind: 'tasks' })]).toEqual([1, 1])
      expectOnePerPoll(a.count({ kind: 'workflow' }), pollsOf(r) - 1)
      expectAtMostTwoPerPoll(a, r)
    },
    TEST_MS
  )
})

/** What these runs first showed to be wrong in src/, now fixed. */
describe('bugs these flows found', () => {
  it(
    'after waiting for a post-check nobody starts (wait-for-post-check: true), the timeout asks a person to start it, not "the upgrade may still be running"',
    async () => {
      const at = Date.now()
      const a = await fake(
        {
          workflows: [
            workflow(at, [
              state('Running', [
                ['PreCheck', 'Success'],
                ['Cluster', 'Success'],
                ['PostCheck', 'Init']
              ])
            ])
          ]
        },
        [oldTask(at), newTask(at)]
      )
      const r = await run(a, { 'wait-for-post-check': 'true', timeout: SHORT })
      const [error] = errors(r.stdout)
      // not "The upgrade may still be running": the cluster upgrade is done; only a person can end this wait
      expect(error).toMatch(new RegExp(`request ID of the last response: ${RID}\\. .*post-check`))
    },
    TEST_MS
  )

  it(
    'ages in the log are reckoned by the API’s clock: a workflow created 30 minutes before the step shows as 30m, not 20m, under a 10-minute skew',
    async () => {
      const at = Date.now()
      const apiAt = at + 10 * MIN
      const a = await fake(
        {
          workflows: [
            workflow(
              apiAt,
              [
                state('Running', [
                  ['PreCheck', 'Success'],
                  ['Cluster', 'Init']
                ])
              ],
              { creationTimestamp: goTime(apiAt - 30 * MIN), preCheckExpiry: { at: apiAt - MIN } }
            )
          ]
        },
        [],
        { now: () => Date.now() + 10 * MIN }
      )
      const r = await run(a)
      // the Date header gives the API's clock to the second: 29m59s is the same age
      expect(warnings(r.stdout)[0]).toMatch(/created (30m(\d+s)?|29m5\ds) before this step/)
    },
    TEST_MS
  )
})

describe('workflows that hold nothing after a review of real flows', () => {
  it(
    'a workflow cancelled before its cluster upgrade (as the abandoned warning advises) is passed over in a log line; the older Success decides',
    async () => {
      const at = Date.now()
      const before = morning(at)
      const a = await fake(
        {
          version: 'v1.29',
          workflows: [
            before.workflow,
            workflow(
              at,
              [
                state(
                  'Cancel',
                  [
                    ['PreCheck', 'Success'],
                    ['Cluster', 'Init'],
                    ['PostCheck', 'Init']
                  ],
                  undefined,
                  { PreCheck: 'pc-gone' }
                )
              ],
              { uid: ABANDONED, creationTimestamp: goTime(at - 30 * MIN), targetVersion: 'v1.30' }
            )
          ]
        },
        [before.task]
      )
      const r = await run(a)
      expect(r.stderr).toBe('')
      expect(errors(r.stdout)).toEqual([])
      expect(warnings(r.stdout)).toEqual([])
      expect(r.code).toBe(0)
      expect(infoLines(r.stdout)).toContainEqual(
        expect.stringMatching(
          line(
            `Passing over upgrade workflow ${ABANDONED} (v1.28 → v1.30, created `,
            /30m(\d+s)?|29m5\ds/,
            ' before this step): it was cancelled before its cluster upgrade started, so it changed nothing.'
          )
        )
      )
      expect(r.outputs).toMatchObject({
        result: 'success',
        workflowId: PREV_WF,
        workflowPhase: 'Success',
        taskId: PREV_TASK
      })
    },
    TEST_MS
  )

  it(
    'a workflow left Running two days ago on a post-check nobody started does not outrank a newer task that failed: the step fails',
    async () => {
      const at = Date.now()
      const a = await fake(
        {
          version: 'v1.29',
          workflows: [
            workflow(
              at,
              [
                state(
                  'Running',
                  [
                    ['PreCheck', 'Success'],
                    ['Cluster', 'Success'],
                    ['PostCheck', 'Init']
                  ],
                  undefined,
                  { PreCheck: 'pc-prev', Cluster: PREV_TASK }
                )
              ],
              {
                uid: PREV_WF,
                creationTimestamp: goTime(at - 2 * DAY - HOUR),
                startedAt: at - 2 * DAY
              }
            )
          ]
        },
        [
          {
            uid: PREV_TASK,
            version: 'v1.28.3-r4',
            targetVersion: 'v1.29.5-r0',
            creationTimestamp: goTime(at - 2 * DAY),
            completionTime: goTime(at - 2 * DAY + HOUR),
            timeline: [{ phase: 'Success', progress: '100.00' }]
          },
          newTask(at - 10 * MIN, [], {
            version: 'v1.29.5-r0',
            targetVersion: 'v1.30.1-r0',
            timeline: [{ phase: 'Failed', progress: '35.00' }]
          })
        ]
      )
      const r = await run(a)
      expect(r.code).toBe(1)
      expect(r.outputs).toMatchObject({
        result: 'failed',
        taskId: NEW_TASK,
        phase: 'Failed',
        workflowId: ''
      })
      expect(errors(r.stdout)).toEqual([expect.stringContaining(`upgrade task ${NEW_TASK}`)])
    },
    TEST_MS
  )
})
