// @ts-check
/**
 * Every end state a user may want to see before trusting the gate, as a scenario of the fake API: what the fake
 * serves, the inputs that differ from demoInputs', and how the step ends. `npm run demo -- <name>` runs the committed
 * dist/index.js against it; `node __tests__/support/fake-api.mjs --scenario <name>` serves it for the local runner.
 * docs/scenarios.md describes each one; the README's end-state table links its rows there.
 *
 * One entry per scenario, each self-contained: a new one is a new entry (a merge adds lines, it changes none).
 * `options` builds the fake's state afresh, its times relative to `at` (the moment the scenario starts).
 */
import { DEMO, demoTasks, demoTimeline, demoWorkflowCluster, goTime } from './fake-api.mjs'

/**
 * @typedef {import('./fake-api.mjs').FakeApiOptions} FakeApiOptions
 * @typedef {import('./fake-cce.mjs').WorkflowState} WorkflowState
 * @typedef {import('./fake-cce.mjs').PreCheckItem} PreCheckItem
 * @typedef {{
 *   note: string,
 *   inputs?: Record<string, string>,
 *   expect: { code: 0 | 1, result: string },
 *   options: (at: number) => FakeApiOptions
 * }} Scenario
 */

// fake-api.mjs imports this file for its command line: what comes from there is read only inside functions
const key = () => `${DEMO.projectId}/${DEMO.clusterId}`
const projects = () => [{ id: DEMO.projectId, name: DEMO.region }]
const DAY = 86_400_000
/** No task-id: the gate finds the cluster's current upgrade (workflow or task) itself. */
const CURRENT = { 'task-id': '' }

/**
 * A workflow state: the phase, then each step as [type, status]; the PreCheck and Cluster steps name their tasks.
 * @param {string} phase @param {[string, string][]} steps @param {number} [ms]
 * @returns {WorkflowState}
 */
function state(phase, steps, ms) {
  /** @type {Record<string, string>} */
  const ids = { PreCheck: DEMO.preCheckId, Cluster: DEMO.taskId }
  return {
    phase,
    ...(ms !== undefined ? { ms } : {}),
    steps: steps.map(([taskType, status]) => ({
      taskType,
      ...(ids[taskType] !== undefined ? { taskID: ids[taskType] } : {}),
      status
    }))
  }
}

/** @param {string} pre @param {string} snapshot @param {string} cluster @param {string} post @returns {[string, string][]} */
const steps = (pre, snapshot, cluster, post) => [
  ['PreCheck', pre],
  ['Snapshot', snapshot],
  ['Cluster', cluster],
  ['PostCheck', post]
]

/** The demo workflow (demoWorkflowCluster) with another timeline and, optionally, other cluster phases. */
function demoWorkflow(
  /** @type {number} */ at,
  /** @type {WorkflowState[]} */ timeline,
  /** @type {import('./fake-cce.mjs').ClusterPhase[] | undefined} */ phases,
  /** @type {Partial<import('./fake-cce.mjs').FakeWorkflow>} */ extra = {}
) {
  const demo = demoWorkflowCluster(at)
  const cluster = /** @type {import('./fake-cce.mjs').FakeCluster} */ (demo.clusters[key()])
  const workflow = /** @type {import('./fake-cce.mjs').FakeWorkflow} */ (cluster.workflows?.[0])
  return {
    projects: projects(),
    tasks: demo.tasks,
    clusters: {
      [key()]: {
        ...cluster,
        ...(phases ? { phases } : {}),
        workflows: [{ ...workflow, ...extra, timeline }]
      }
    }
  }
}

/** @param {string} name @param {string} message @returns {PreCheckItem} */
const blocking = (name, message) => ({
  name,
  kind: 'Exception',
  level: 'Fatal',
  phase: 'Failed',
  message
})

/** @type {Record<string, Scenario>} */
export const SCENARIOS = {
  success: {
    note: 'the demo upgrade task (task-id) succeeds in about 15 s, the cluster Available: the step passes',
    expect: { code: 0, result: 'success' },
    options: () => ({ projects: projects(), tasks: demoTasks(demoTimeline(false)) })
  },
  failed: {
    note: 'the demo upgrade task fails at 62.50 % after about 10 s: the step fails, the cluster may be partly upgraded',
    expect: { code: 1, result: 'failed' },
    options: () => ({ projects: projects(), tasks: demoTasks(demoTimeline(true)) })
  },
  workflow: {
    note: "no task-id: the cluster's console upgrade workflow, PreCheck → Snapshot → Cluster → PostCheck, in about 14 s, passes",
    inputs: CURRENT,
    expect: { code: 0, result: 'success' },
    options: at => ({ projects: projects(), ...demoWorkflowCluster(at) })
  },
  'precheck-failed': {
    note: 'the workflow stops Pending at a failed pre-check: the step fails naming the items that block the upgrade',
    inputs: CURRENT,
    expect: { code: 1, result: 'failed' },
    options: at => {
      const o = demoWorkflow(at, [
        state('Running', steps('Running', 'Init', 'Init', 'Init'), 3000),
        state('Pending', steps('Failed', 'Init', 'Init', 'Init'))
      ])
      const cluster = /** @type {import('./fake-cce.mjs').FakeCluster} */ (o.clusters[key()])
      cluster.phases = [{ phase: 'Available' }]
      cluster.prechecks = [
        {
          uid: DEMO.preCheckId,
          phase: 'Failed',
          message: 'pre-check found 2 problems',
          clusterItems: [
            blocking(
              'DeprecatedAPI',
              'extensions/v1beta1 Ingress is removed in v1.29: migrate to networking.k8s.io/v1'
            )
          ],
          addonItems: [],
          nodes: [
            {
              uid: 'node-0001',
              name: '192.168.0.11',
              items: [blocking('NodeDiskSpace', 'less than 10 GiB free on /var/lib/containerd')]
            }
          ]
        }
      ]
      return o
    }
  },
  paused: {
    note: 'the demo upgrade task pauses at 37.50 % with on-pause: fail: the step fails, a person must resume it',
    inputs: { 'on-pause': 'fail' },
    expect: { code: 1, result: 'paused' },
    options: () => ({
      projects: projects(),
      tasks: demoTasks([
        { phase: 'Init', progress: '0.00', ms: 1000 },
        { phase: 'Running', progress: '12.50', ms: 2000 },
        { phase: 'Running', progress: '37.50', ms: 2000 },
        { phase: 'Pause', progress: '37.50' }
      ])
    })
  },
  'rolled-back': {
    note: 'the Cluster step fails and the workflow rolls the cluster back: the step fails, the upgrade did not take',
    inputs: CURRENT,
    expect: { code: 1, result: 'failed' },
    options: at => ({
      ...demoWorkflow(
        at,
        [
          state('Running', steps('Success', 'Success', 'Running', 'Init'), 5000),
          state('Running', [
            ...steps('Success', 'Success', 'Failed', 'Init'),
            ['Rollback', 'Running']
          ])
        ],
        [{ phase: 'Upgrading', ms: 5000 }, { phase: 'RollingBack' }]
      ),
      tasks: demoTasks([
        { phase: 'Running', progress: '25.00', ms: 2500 },
        { phase: 'Running', progress: '50.00', ms: 2500 },
        { phase: 'Failed', progress: '50.00' }
      ])
    })
  },
  cancelled: {
    note: 'workflow-id names the demo workflow, which is cancelled after its pre-check: the step fails',
    get inputs() {
      return { 'task-id': '', 'workflow-id': DEMO.workflowId }
    },
    expect: { code: 1, result: 'failed' },
    options: at =>
      demoWorkflow(
        at,
        [
          state('Running', steps('Running', 'Init', 'Init', 'Init'), 2000),
          state('Running', steps('Success', 'Init', 'Init', 'Init'), 2000),
          state('Cancel', steps('Success', 'Init', 'Init', 'Init'))
        ],
        [{ phase: 'Available' }]
      )
  },
  'post-check-not-started': {
    note: 'the cluster upgrade succeeds, nobody starts the post-check: the step passes with one warning (wait-for-post-check: false)',
    inputs: CURRENT,
    expect: { code: 0, result: 'success' },
    options: at =>
      demoWorkflow(at, [
        state('Running', steps('Running', 'Init', 'Init', 'Init'), 2000),
        state('Running', steps('Success', 'Running', 'Init', 'Init'), 2000),
        state('Running', steps('Success', 'Success', 'Running', 'Init'), 8000),
        state('Running', steps('Success', 'Success', 'Success', 'Init'))
      ])
  },
  throttled: {
    note: "the demo task succeeds, but the account's quota is small: 429 APIG.0308, the gate slows down and still passes",
    expect: { code: 0, result: 'success' },
    options: () => ({
      projects: projects(),
      tasks: demoTasks(demoTimeline(false)),
      rateLimit: { rate: 0.5, burst: 3, retryAfter: '2' }
    })
  },
  'abandoned-workflow': {
    note: "no task-id: a workflow from yesterday whose pre-check expired unstarted is passed over (one warning); today's task passes",
    inputs: CURRENT,
    expect: { code: 0, result: 'success' },
    options: at => {
      return {
        projects: projects(),
        tasks: demoTasks(demoTimeline(false)),
        clusters: {
          [key()]: {
            workflows: [
              {
                uid: DEMO.workflowId,
                creationTimestamp: goTime(at - DAY - 3_600_000),
                clusterVersion: 'v1.28',
                targetVersion: 'v1.29',
                startedAt: at - DAY - 3_600_000,
                preCheckExpiry: { at: at - DAY + 3_600_000 },
                // its Cluster step never started, so it names no task (today's task is outside it)
                timeline: [
                  {
                    phase: 'Running',
                    steps: steps('Success', 'Init', 'Init', 'Init').map(([taskType, status]) => ({
                      taskType,
                      status,
                      ...(taskType === 'PreCheck' ? { taskID: DEMO.preCheckId } : {})
                    }))
                  }
                ]
              }
            ]
          }
        }
      }
    }
  }
}

/** `--list`: each scenario's name and what it shows, one line each. */
export function scenarioList() {
  const width = Math.max(...Object.keys(SCENARIOS).map(n => n.length))
  return Object.entries(SCENARIOS)
    .map(([name, s]) => `${name.padEnd(width)}  ${s.note}`)
    .join('\n')
}
