/**
 * End to end, issue 7: the committed dist/index.js follows upgrade workflows, their pre-check and the cluster's own
 * phase, against the fake CCE API's scripted workflows (run as the runner runs it; see e2e.test.ts).
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { DEMO, demoInputs, goTime, startFakeApi } from '../support/fake-api.mjs'
import type { FakeApi, FakeApiOptions, FakeCluster, FakeWorkflow } from '../support/fake-api.mjs'
import { errors, runAction, visible, warnings } from '../support/run-action.js'

const P = DEMO.projectId
const C = DEMO.clusterId
const KEY = `${P}/${C}`
const NEW_TASK = 'a1b2c3d4-new0-11ef-8d2c-0255ac100031'
const OLD_TASK = '0ld00000-old0-11ef-8d2c-0255ac100031'
const WF = '5b2f9a10-wf00-11ef-8d2c-0255ac100031'
const PRECHECK = 'pc000000-pc00-11ef-8d2c-0255ac100031'
const DAY = 86_400_000

let api: FakeApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

/**
 * Last quarter's upgrade: a task that ended in Success 90 days ago (and half an hour: ages are floored, and the
 * API clock's offset is read to the second).
 */
const oldTask = {
  uid: OLD_TASK,
  completionTime: goTime(Date.now() - 90 * DAY - DAY / 48),
  version: 'v1.27.3-r0',
  targetVersion: 'v1.28.3-r4',
  creationTimestamp: goTime(Date.now() - 91 * DAY - DAY / 48),
  timeline: [{ phase: 'Success', progress: '100.00' }]
}

/** The new upgrade's task: created by the workflow's Cluster step; Running at each progress for one poll, then `end`. */
const newTask = (progress: string[] = [], end = { phase: 'Success', progress: '100.00' }) => ({
  uid: NEW_TASK,
  version: 'v1.28.3-r4',
  targetVersion: 'v1.29.5-r0',
  creationTimestamp: goTime(Date.now()),
  timeline: [...progress.map(p => ({ phase: 'Running', progress: p, polls: 1 })), end]
})

type Steps = [string, string][]
const state = (phase: string, steps: Steps, polls = 1) => ({
  phase,
  polls,
  steps: steps.map(([taskType, status]) => ({
    taskType,
    status,
    taskID: taskType === 'Cluster' ? NEW_TASK : taskType === 'PreCheck' ? PRECHECK : undefined
  }))
})

/** PreCheck → Snapshot → Cluster → PostCheck, each step shown for one poll of the workflow. */
const succeeding: ReturnType<typeof state>[] = [
  state('Running', [
    ['PreCheck', 'Running'],
    ['Snapshot', 'Init'],
    ['Cluster', 'Init'],
    ['PostCheck', 'Init']
  ]),
  state('Running', [
    ['PreCheck', 'Running'],
    ['Snapshot', 'Init'],
    ['Cluster', 'Init'],
    ['PostCheck', 'Init']
  ]),
  state('Running', [
    ['PreCheck', 'Success'],
    ['Snapshot', 'Running'],
    ['Cluster', 'Init'],
    ['PostCheck', 'Init']
  ]),
  state(
    'Running',
    [
      ['PreCheck', 'Success'],
      ['Snapshot', 'Success'],
      ['Cluster', 'Running'],
      ['PostCheck', 'Init']
    ],
    3
  ),
  state('Running', [
    ['PreCheck', 'Success'],
    ['Snapshot', 'Success'],
    ['Cluster', 'Success'],
    ['PostCheck', 'Running']
  ]),
  state('Success', [
    ['PreCheck', 'Success'],
    ['Snapshot', 'Success'],
    ['Cluster', 'Success'],
    ['PostCheck', 'Success']
  ])
]

function workflow(
  timeline: ReturnType<typeof state>[],
  extra: Partial<FakeWorkflow> = {}
): FakeWorkflow {
  return {
    uid: WF,
    creationTimestamp: goTime(Date.now() - 60_000),
    clusterVersion: 'v1.28',
    targetVersion: 'v1.29',
    timeline,
    ...extra
  }
}

async function fake(
  cluster: FakeCluster,
  tasks: object[] = [oldTask],
  extra: Partial<FakeApiOptions> = {}
) {
  api = await startFakeApi({
    projects: [{ id: P, name: 'ap-southeast-1' }],
    tasks: { [KEY]: tasks } as FakeApiOptions['tasks'],
    clusters: { [KEY]: cluster },
    ...extra
  })
  return api
}

/** The demo cluster's inputs without task-id: the gate looks for the cluster's current upgrade. */
function inputs(a: FakeApi, extra: Record<string, string> = {}): Record<string, string> {
  return demoInputs(a.url, { 'task-id': '', timeout: '40s', ...extra }).inputs
}

const infoLines = (stdout: string) =>
  visible(stdout)
    .split('\n')
    .filter(l => l && !l.startsWith('::'))

describe('following the upgrade workflow, end to end', () => {
  it('the pre-check race: waits through the new workflow’s pre-check instead of passing on last quarter’s Success, then passes', async () => {
    const a = await fake({ workflows: [workflow(succeeding)] }, [
      oldTask,
      newTask(['20.00', '60.00'])
    ])
    const r = await runAction({ inputs: inputs(a) })
    expect(r.stderr).toBe('')
    expect(errors(r.stdout)).toEqual([])
    expect(r.code).toBe(0)
    const lines = infoLines(r.stdout).map(l => l.split(' · ')[0])
    for (const expected of [
      'PreCheck Running',
      'PreCheck Success',
      'Snapshot Running',
      'Cluster Running 20.00%',
      'Cluster Running 60.00%',
      'PostCheck Running',
      `Upgrade workflow ${WF}: Success`
    ])
      expect(lines).toContain(expected)
    expect(lines.indexOf('PreCheck Running')).toBeLessThan(lines.indexOf('Cluster Running 20.00%'))
    expect(r.outputs).toMatchObject({
      result: 'success',
      workflowId: WF,
      workflowPhase: 'Success',
      taskId: NEW_TASK,
      phase: 'Success',
      targetVersion: 'v1.29.5-r0',
      failedStep: '',
      clusterPhase: 'Available'
    })
    expect(a.count({ kind: 'task', taskId: OLD_TASK })).toBe(0)
    expect(r.summary).toContain(`### Upgrade workflow \`${WF}\``)
    expect(r.summary).toMatch(/\| Cluster \| Success \| \d{4}-.* \| \d{4}-.* \| \d+s \| a1b2c3d4/)
    // the steps as a Mermaid Gantt chart: a bar per step, from the times the fake stamped, and the gate's wait
    const chart = r.summary.slice(r.summary.indexOf('```mermaid\n'), r.summary.indexOf('\n```\n'))
    const bars = chart.split('\n').flatMap(l => /^ {4}(.+), (\d+), (\d+)$/.exec(l) ?? [])
    expect(bars.filter((_, i) => i % 4 === 1)).toEqual([
      'PreCheck (Success) :done, step0',
      'Snapshot (Success) :done, step1',
      'Cluster (Success) :done, step2',
      'PostCheck (Success) :done, step3',
      'Wait (success) :done, gate'
    ])
  })

  it('the pre-check race, failing: the new upgrade’s Cluster step fails, and so does the gate', async () => {
    const failing = [
      ...succeeding.slice(0, 3),
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
      state('Pending', [
        ['PreCheck', 'Success'],
        ['Snapshot', 'Success'],
        ['Cluster', 'Failed'],
        ['PostCheck', 'Init']
      ])
    ]
    const a = await fake({ workflows: [workflow(failing)] }, [
      oldTask,
      newTask(['20.00'], { phase: 'Failed', progress: '40.00' })
    ])
    const r = await runAction({ inputs: inputs(a) })
    expect(r.code).toBe(1)
    const [error] = errors(r.stdout)
    expect(error).toMatch(
      new RegExp(
        `^::error::Step Cluster of the upgrade workflow ${WF} of cluster ${C} failed at 40.00% \\(v1.28.3-r4 → v1.29.5-r0\\); request ID of the last response: [0-9a-f]{32}\\. The cluster may be partly upgraded: do not deploy onto it\\.`
      )
    )
    expect(r.outputs).toMatchObject({
      result: 'failed',
      workflowPhase: 'Pending',
      failedStep: 'Cluster',
      phase: 'Failed',
      progress: '40.00',
      clusterPhase: ''
    })
    expect(a.count({ kind: 'cluster' })).toBe(0)
  })

  it('a failed pre-check names the items that block the upgrade: three in the error, all in the summary', async () => {
    const item = (name: string, extra: object = {}) => ({
      name,
      kind: 'Exception' as const,
      level: 'Fatal' as const,
      phase: 'Failed',
      message: `${name} check failed`,
      ...extra
    })
    const a = await fake(
      {
        workflows: [
          workflow([
            state('Running', [
              ['PreCheck', 'Running'],
              ['Cluster', 'Init'],
              ['PostCheck', 'Init']
            ]),
            state('Pending', [
              ['PreCheck', 'Failed'],
              ['Cluster', 'Init'],
              ['PostCheck', 'Init']
            ])
          ])
        ],
        prechecks: [
          {
            uid: PRECHECK,
            phase: 'Failed',
            message: 'pre-check found 4 problems',
            clusterItems: [
              item('DeprecatedAPI'),
              {
                name: 'IngressRisk',
                kind: 'Risk',
                level: 'Warning',
                phase: 'Failed',
                message: 'may be skipped'
              }
            ],
            addonItems: [item('CoreDNSVersion')],
            nodes: [
              {
                uid: 'n1',
                name: 'node-a',
                items: [
                  item('NodeDiskSpace'),
                  {
                    name: 'NodeOK',
                    kind: 'Exception',
                    level: 'Info',
                    phase: 'Success',
                    message: 'fine'
                  }
                ]
              },
              {
                uid: 'n2',
                name: 'node-b',
                items: [item('NodeRuntime', { kind: 'Risk', level: 'Fatal' })]
              }
            ]
          }
        ]
      },
      [oldTask]
    )
    const r = await runAction({ inputs: inputs(a) })
    expect(r.code).toBe(1)
    const [error] = errors(r.stdout)
    expect(error).toMatch(
      new RegExp(
        `^::error::Step PreCheck of the upgrade workflow ${WF} of cluster ${C} failed \\(v1.28 → v1.29\\)`
      )
    )
    expect(error).toContain(
      '4 item(s) block the upgrade: DeprecatedAPI: DeprecatedAPI check failed; CoreDNSVersion: CoreDNSVersion check failed; NodeDiskSpace on node node-a: NodeDiskSpace check failed; and 1 more (all in the job summary).'
    )
    expect(error).toContain('The upgrade did not start; the cluster is unchanged.')
    expect(error).not.toMatch(/IngressRisk|NodeOK/)
    expect(r.summary).toContain(
      '| NodeRuntime | node-b | Risk | Fatal | NodeRuntime check failed |'
    )
    expect(r.summary).toContain(
      '| DeprecatedAPI | — | Exception | Fatal | DeprecatedAPI check failed |'
    )
    expect(r.summary).not.toContain('IngressRisk')
    expect(r.outputs).toMatchObject({
      result: 'failed',
      failedStep: 'PreCheck',
      workflowPhase: 'Pending',
      phase: '',
      progress: '',
      taskId: ''
    })
    expect(a.count({ kind: 'precheck' })).toBe(1)
  })

  it('a workflow cancelled after its cluster upgrade started fails the gate', async () => {
    // (one cancelled before its cluster upgrade changed nothing: passed over, e2e-time-order.test.ts)
    const a = await fake({
      workflows: [
        workflow([
          state('Running', [
            ['PreCheck', 'Success'],
            ['Cluster', 'Running']
          ]),
          state('Cancel', [
            ['PreCheck', 'Success'],
            ['Cluster', 'Failed']
          ])
        ])
      ]
    })
    const r = await runAction({ inputs: inputs(a) })
    expect(r.code).toBe(1)
    expect(errors(r.stdout)[0]).toMatch(
      new RegExp(`^::error::The upgrade workflow ${WF} of cluster ${C} was cancelled`)
    )
    expect(r.outputs).toMatchObject({ result: 'failed', workflowPhase: 'Cancel', failedStep: '' })
  })

  it('Success while the cluster is still Upgrading: waits for Available, then reads the workflow once more', async () => {
    const a = await fake(
      {
        workflows: [workflow([succeeding.at(-1)!])],
        phases: [{ phase: 'Upgrading', polls: 3 }, { phase: 'Available' }]
      },
      [oldTask, newTask()]
    )
    const r = await runAction({ inputs: inputs(a) })
    expect(r.code).toBe(0)
    expect(infoLines(r.stdout).some(l => l.startsWith(`Cluster ${C} is Upgrading`))).toBe(true)
    expect(a.count({ kind: 'cluster' })).toBe(4)
    // the lists: once to choose, once more before passing on what was chosen polls ago
    expect(a.count({ kind: 'workflows' })).toBe(2)
    // while the cluster settles only the cluster is read; the workflow once more before passing on it
    expect(a.count({ kind: 'workflow' })).toBe(1)
    expect(r.outputs).toMatchObject({
      result: 'success',
      clusterPhase: 'Available',
      workflowPhase: 'Success'
    })
  })

  it('RollbackFailed fails the gate with the cluster’s reason', async () => {
    const a = await fake(
      {
        workflows: [workflow([succeeding.at(-1)!])],
        phases: [
          { phase: 'RollingBack', polls: 1 },
          {
            phase: 'RollbackFailed',
            reason: 'RollbackError',
            message: 'restoring etcd from the snapshot failed'
          }
        ]
      },
      [oldTask, newTask()]
    )
    const r = await runAction({ inputs: inputs(a) })
    expect(r.code).toBe(1)
    expect(errors(r.stdout)[0]).toMatch(
      new RegExp(
        `cluster ${C} is RollbackFailed \\(RollbackError: restoring etcd from the snapshot failed\\); request ID of the last response: [0-9a-f]{32}\\. Do not deploy onto it`
      )
    )
    expect(r.outputs).toMatchObject({ result: 'failed', clusterPhase: 'RollbackFailed' })
  })

  it('a 403 on ShowCluster: one warning naming cce:cluster:get, the verdict rests on the workflow', async () => {
    const a = await fake({ workflows: [workflow([succeeding.at(-1)!])], forbidden: true }, [
      oldTask,
      newTask()
    ])
    const r = await runAction({ inputs: inputs(a) })
    expect(r.code).toBe(0)
    const w = warnings(r.stdout).filter(l => l.includes('cce:cluster:get'))
    expect(w).toHaveLength(1)
    expect(r.outputs).toMatchObject({ result: 'success', clusterPhase: '' })
    expect(r.summary).toContain('cce:cluster:get')
  })

  it('max-age: waits for an upgrade to appear, saying so, then follows it', async () => {
    const workflows: FakeWorkflow[] = []
    const tasks: object[] = [oldTask]
    const a = await fake({ workflows }, tasks)
    // the upgrade starts 2.5 s into the step: its workflow and (hidden until its Cluster step) its task appear
    setTimeout(() => {
      workflows.push(workflow(succeeding.slice(2), { creationTimestamp: goTime(Date.now()) }))
      tasks.push(newTask(['50.00']))
    }, 2500)
    const r = await runAction({ inputs: inputs(a, { 'max-age': '2h' }) })
    expect(r.code).toBe(0)
    const lines = infoLines(r.stdout)
    expect(
      lines.filter(l => l.startsWith('No upgrade under way or ended in the last 2h yet'))
    ).toHaveLength(1)
    expect(lines.find(l => l.startsWith('No upgrade under way'))).toMatch(
      /the newest, upgrade task 0ld00000.*, started 91d before this step/
    )
    expect(r.outputs).toMatchObject({ result: 'success', workflowId: WF, taskId: NEW_TASK })
    expect(a.count({ kind: 'workflows' })).toBeGreaterThanOrEqual(3)
  })

  it('max-age: times out when no upgrade appears, saying none started', async () => {
    const a = await fake({ workflows: [] }, [oldTask])
    const r = await runAction({ inputs: inputs(a, { 'max-age': '1h', timeout: '3s' }) })
    expect(r.code).toBe(1)
    expect(errors(r.stdout)[0]).toMatch(
      /^::error::Timed out after 3s waiting for the current upgrade of cluster .*: no upgrade under way or ended in the last 1h/
    )
  })

  it('max-age: a SIGINT while it looks for an upgrade ends the step at once, with outputs and summary', async () => {
    const a = await fake({ workflows: [] }, [oldTask])
    const r = await runAction({
      inputs: inputs(a, { 'max-age': '1h', interval: '5s' }),
      signalWhen: /No upgrade under way or ended in the last 1h yet/
    })
    expect(r.code).toBe(1)
    expect(r.afterSignalMs).toBeLessThan(1000)
    expect(errors(r.stdout)[0]).toMatch(
      /^::error::Cancelled after .*: no upgrade under way or ended in the last 1h/
    )
    expect(r.outputs).toMatchObject({ result: 'cancelled' })
    expect(r.summary).toContain('🚫 Cancelled')
  })

  it('without max-age (guard use, issue 22): no warning about the old upgrade, a line on how it ended', async () => {
    const a = await fake({ workflows: [] }, [oldTask])
    const r = await runAction({ inputs: inputs(a) })
    expect(r.code).toBe(0)
    expect(warnings(r.stdout)).toEqual([])
    expect(r.stdout).toMatch(
      /\nThe last upgrade of cluster .*, upgrade task 0ld00000\S* \(.*\), ended Success 90d before this step; no upgrade is under way\.\n/
    )
    expect(r.summary).not.toContain('Warnings')
  })

  it('workflow-id: waits on that workflow by ID, at most 2 requests per poll', async () => {
    const a = await fake({ workflows: [workflow(succeeding)] }, [newTask(['20.00', '60.00'])])
    const r = await runAction({ inputs: inputs(a, { 'workflow-id': WF }) })
    expect(r.code).toBe(0)
    expect(a.count({ kind: 'workflows' })).toBe(0)
    expect(a.count({ kind: 'tasks' })).toBe(0)
    const workflowGets = a.count({ kind: 'workflow' })
    const taskGets = a.count({ kind: 'task' })
    expect(taskGets).toBeLessThanOrEqual(workflowGets)
    expect(a.count({ kind: 'cluster' })).toBe(1)
    expect(a.count()).toBeLessThanOrEqual(2 * workflowGets + 1)
    expect(r.outputs).toMatchObject({ result: 'success', workflowId: WF })
  })

  it('an Autopilot cluster: the same calls under /autopilot/v3', async () => {
    const a = await fake({ type: 'autopilot', workflows: [workflow(succeeding.slice(3))] }, [
      oldTask,
      newTask(['50.00'])
    ])
    const wrong = await runAction({ inputs: inputs(a) })
    expect(wrong.code).toBe(1)
    expect(errors(wrong.stdout)[0]).toMatch(
      /was not found in project .*an Autopilot cluster needs cluster-type: autopilot/
    )
    const r = await runAction({ inputs: inputs(a, { 'cluster-type': 'autopilot' }) })
    expect(r.code).toBe(0)
    expect(r.outputs).toMatchObject({ result: 'success', workflowId: WF })
    expect(a.requests.filter(q => q.path.startsWith('/autopilot/v3/')).length).toBeGreaterThan(3)
  })

  it('reads a workflow list given as one object instead of a list', async () => {
    const a = await fake(
      { workflows: [workflow(succeeding.slice(3))], workflowListAsObject: true },
      [oldTask, newTask(['50.00'])]
    )
    const r = await runAction({ inputs: inputs(a) })
    expect(r.code).toBe(0)
    expect(r.outputs).toMatchObject({ result: 'success', workflowId: WF, taskId: NEW_TASK })
  })
})
