import { describe, expect, it } from '@jest/globals'
import type { Observation } from '../../src/gate/observation.js'
import { Target, endReport } from '../../src/action/report.js'
import type { PreCheckItem } from '../../src/cce/precheck.js'
import { WaitResult } from '../../src/gate/waiter.js'
import { obs, onTask, onWorkflow, task, workflow } from '../support/observations.js'

const t0 = Date.UTC(2026, 10, 24, 12)
const DONE = '2026-11-24 20:14:00 +0800 CST'

function taskSeen(phase: string, progress: string, cluster?: string): Observation {
  return onTask(
    task(phase, progress, {
      uid: 'task-9',
      completionTime: phase === 'Success' || phase === 'Failed' ? DONE : ''
    }),
    { at: t0 + 610_000, requestId: 'rid-last', cluster }
  )
}

const common = { polls: 12, startedAt: t0, endedAt: t0 + 610_000 }
function ended(
  last: Observation | undefined,
  rest: Partial<WaitResult> & Pick<WaitResult, 'end'>
): WaitResult {
  const timeline = last ? [onTask(task('Init', '0.00', { uid: 'task-9' }), { at: t0 }), last] : []
  return { ...common, timeline, last, ...rest } as WaitResult
}

const target: Target = {
  clusterId: 'cluster-1',
  target: { kind: 'task', taskId: 'task-9' },
  timeoutMs: 3_600_000
}
const current: Target = { ...target, target: { kind: 'current' } }

function item(name: string, node?: string): PreCheckItem {
  return {
    name,
    kind: 'Exception',
    level: 'Fatal',
    message: `${name} is wrong`,
    phase: 'Failed',
    scope: node ? 'node' : 'cluster',
    ...(node ? { node } : {})
  }
}

describe('endReport', () => {
  it('success passes and says what happened, the cluster included', () => {
    const r = endReport(
      ended(taskSeen('Success', '100.00', 'Available'), { end: 'success', clusterChecked: true }),
      target
    )
    expect(r.passed).toBe(true)
    expect(r.message).toBe(
      'The upgrade task task-9 of cluster cluster-1 succeeded (v1.28.3-r4 → v1.29.5-r0, 100.00%) and cluster cluster-1 is Available, after 10m10s of waiting: the cluster is upgraded.'
    )
    const blind = endReport(
      ended(taskSeen('Success', '100.00', 'forbidden'), { end: 'success', clusterChecked: false }),
      target
    )
    expect(blind.message).toContain(
      "cluster cluster-1's own state could not be read (HTTP 403: grant cce:cluster:get)"
    )
  })

  it('failed names task, cluster, versions, progress and request ID, and what to do', () => {
    const r = endReport(
      ended(taskSeen('Failed', '62.50'), { end: 'failed', failure: { kind: 'task-failed' } }),
      target
    )
    expect(r.passed).toBe(false)
    expect(r.message).toContain(
      'upgrade task task-9 of cluster cluster-1 Failed at 62.50% (v1.28.3-r4 → v1.29.5-r0); request ID of the last response: rid-last'
    )
    expect(r.message).toContain('do not deploy')
  })

  it('a failed pre-check names its blocking items: the first three in the message, all in the summary', () => {
    const w = workflow('Pending', [
      ['PreCheck', 'Failed', 'pc-1'],
      ['Cluster', 'Init'],
      ['PostCheck', 'Init']
    ])
    const blocking = [
      item('NodeDiskSpace', 'node-a'),
      item('AddonVersion'),
      item('ApiDeprecated'),
      item('PodSecurity', 'node-b')
    ]
    const r = endReport(
      ended(onWorkflow(w, undefined, { at: t0 + 60_000, requestId: 'rid-pc' }), {
        end: 'failed',
        failure: { kind: 'step-failed', step: 'PreCheck', blocking }
      }),
      current
    )
    expect(r.message).toBe(
      'Step PreCheck of the upgrade workflow wf-1 of cluster cluster-1 failed (v1.28 → v1.29); request ID of the last response: rid-pc. 4 item(s) block the upgrade: NodeDiskSpace on node node-a: NodeDiskSpace is wrong; AddonVersion: AddonVersion is wrong; ApiDeprecated: ApiDeprecated is wrong; and 1 more (all in the job summary). The upgrade did not start; the cluster is unchanged. Fix what blocks the upgrade (CCE console → cluster → Upgrade → pre-check), start the upgrade again, then re-run this job.'
    )
    expect(r.outputs).toMatchObject({
      result: 'failed',
      workflowId: 'wf-1',
      workflowPhase: 'Pending',
      failedStep: 'PreCheck',
      phase: '',
      taskId: '',
      version: 'v1.28',
      targetVersion: 'v1.29',
      clusterPhase: ''
    })
    expect(r.summary).toContain('### Pre-check items that block the upgrade')
    expect(r.summary).toContain(
      '| PodSecurity | node-b | Exception | Fatal | PodSecurity is wrong |'
    )
    expect(r.summary).toContain(
      '| NodeDiskSpace | node-a | Exception | Fatal | NodeDiskSpace is wrong |'
    )
    expect(r.summary).toContain('| PreCheck | Failed | — | — | — | pc-1 |')
  })

  it('a failed pre-check whose items could not be read says so', () => {
    const w = workflow('Pending', [['PreCheck', 'Failed', 'pc-1']])
    const last = onWorkflow(w, undefined, { precheck: { kind: 'unavailable', why: 'HTTP 500' } })
    const r = endReport(
      ended(last, { end: 'failed', failure: { kind: 'step-failed', step: 'PreCheck' } }),
      current
    )
    expect(r.message).toContain('Its items could not be read: HTTP 500.')
  })

  it('a failed Cluster step reports the task’s progress; cancelled and broken clusters say what to do', () => {
    const w = workflow('Pending', [
      ['PreCheck', 'Success'],
      ['Cluster', 'Failed', 'up-1']
    ])
    const cluster = endReport(
      ended(onWorkflow(w, task('Failed', '40.00', { uid: 'up-1' })), {
        end: 'failed',
        failure: { kind: 'step-failed', step: 'Cluster' }
      }),
      current
    )
    expect(cluster.message).toMatch(
      /^Step Cluster of the upgrade workflow wf-1 of cluster cluster-1 failed at 40.00% \(v1.28.3-r4 → v1.29.5-r0\)\. The cluster may be partly upgraded: do not deploy onto it\./
    )
    expect(cluster.outputs).toMatchObject({
      failedStep: 'Cluster',
      phase: 'Failed',
      progress: '40.00',
      taskId: 'up-1'
    })

    const cancelled = endReport(
      ended(onWorkflow(workflow('Cancel', [['PreCheck', 'Success']])), {
        end: 'failed',
        failure: { kind: 'workflow-cancelled' }
      }),
      current
    )
    expect(cancelled.message).toMatch(
      /^The upgrade workflow wf-1 of cluster cluster-1 was cancelled/
    )
    expect(cancelled.outputs).toMatchObject({ workflowPhase: 'Cancel', failedStep: '' })

    const status = {
      phase: 'RollbackFailed',
      reason: 'RollbackError',
      message: 'etcd restore failed',
      version: 'v1.29'
    }
    const broken = endReport(
      ended(taskSeen('Success', '100.00', 'RollbackFailed'), {
        end: 'failed',
        failure: { kind: 'cluster-broken', cluster: status }
      }),
      target
    )
    expect(broken.message).toContain(
      'cluster cluster-1 is RollbackFailed (RollbackError: etcd restore failed)'
    )
    expect(broken.outputs).toMatchObject({ clusterPhase: 'RollbackFailed', phase: 'Success' })
  })

  it('a failed step names its status when the verdict read one', () => {
    const w = workflow('Success', [
      ['PreCheck', 'Success'],
      ['Snapshot', 'Error']
    ])
    const r = endReport(
      ended(onWorkflow(w), {
        end: 'failed',
        failure: { kind: 'step-failed', step: 'Snapshot', status: 'Error' }
      }),
      current
    )
    expect(r.message).toMatch(
      /^Step Snapshot \(Error\) of the upgrade workflow wf-1 of cluster cluster-1 failed/
    )
  })

  it('a timeout on a workflow that never became passable says why instead of "may still be running"', () => {
    const unknown = endReport(
      ended(onWorkflow(workflow('Upgrading', [['PreCheck', 'Success']])), { end: 'timeout' }),
      current
    )
    expect(unknown.message).toMatch(/The workflow's phase Upgrading is not one this action knows/)
    expect(unknown.message).not.toMatch(/may still be running/)
    const unconfirmed = endReport(
      ended(
        onWorkflow(
          workflow('Success', [
            ['PreCheck', 'Success'],
            ['Cluster', 'Running', 'up-1']
          ])
        ),
        { end: 'timeout' }
      ),
      current
    )
    expect(unconfirmed.message).toMatch(/The workflow says Success, but its steps never all agreed/)
    expect(unconfirmed.message).not.toMatch(/may still be running/)
    const running = endReport(
      ended(onWorkflow(workflow('Running', [['PreCheck', 'Running']])), { end: 'timeout' }),
      current
    )
    expect(running.message).toMatch(/The upgrade may still be running/)
  })

  describe('timeout before any request succeeded', () => {
    const message = (problem?: string) =>
      endReport(ended(undefined, { end: 'timeout', problem }), target).message
    const head =
      "Timed out after 1h waiting for the upgrade task task-9 of cluster cluster-1: no request succeeded, so the upgrade's state is unknown"

    it('says the state is unknown and never that the upgrade may still be running', () => {
      for (const problem of [undefined, 'HTTP 429 APIG.0308: throttled', 'HTTP 503 x', 'odd'])
        expect(message(problem)).not.toMatch(/may still be running/)
    })

    it('after throttling, says the quota is shared and what to change', () => {
      for (const problem of [
        'HTTP 429 APIG.0308: Too many requests (request ID r1)',
        'HTTP 503 APIG.0308: throttled',
        // the gateway writes the same code with either prefix
        'HTTP 503 APIGW.0308: throttled'
      ])
        expect(message(problem)).toBe(
          `${head}; last error: ${problem}. The API throttled the requests: its quota is shared by every user of these credentials; raise the interval input or run fewer gates at once, then re-run this job.`
        )
    })

    it.each([
      'GET cce.ap-southeast-1.myhuaweicloud.com: connect ECONNREFUSED 10.0.0.1:443',
      'GET cce.ap-southeast-1.myhuaweicloud.com: read ECONNRESET',
      'GET cce.ap-southeast-1.myhuaweicloud.com: getaddrinfo EAI_AGAIN cce.ap-southeast-1.myhuaweicloud.com',
      'GET cce.ap-southeast-1.myhuaweicloud.com: no response within 15000 ms'
    ])('after a network error (%s), names the host and what to check', problem => {
      expect(message(problem)).toBe(
        `${head}; last error: ${problem}. Could not reach cce.ap-southeast-1.myhuaweicloud.com: check the endpoint and region inputs, the runner's network, and https_proxy/no_proxy; then re-run this job.`
      )
    })

    it('after 5xx answers, says the API was failing', () => {
      expect(message('HTTP 502 no error details in the response')).toBe(
        `${head}; last error: HTTP 502 no error details in the response. The API was failing: re-run this job later.`
      )
    })

    it('otherwise says to re-run', () => {
      expect(message()).toBe(`${head}. Re-run this job, or raise the timeout input.`)
    })
  })

  it('timeout says how long, the last state and the last error; a bare-number timeout says it means seconds', () => {
    const r = endReport(
      ended(taskSeen('Running', '45.00'), { end: 'timeout', problem: 'HTTP 503 APIG.0308' }),
      target
    )
    expect(r.message).toMatch(
      /^Timed out after 1h waiting for the upgrade task task-9 of cluster cluster-1: last phase Running, progress 45.00%; last error: HTTP 503 APIG.0308/
    )
    expect(endReport(ended(undefined, { end: 'timeout' }), target).message).toContain(
      "no request succeeded, so the upgrade's state is unknown"
    )
    const bare = endReport(ended(undefined, { end: 'timeout' }), {
      ...target,
      timeoutMs: 90_000,
      timeoutBareNumber: true
    })
    expect(bare.message).toMatch(
      /^Timed out after 1m30s \(timeout is a bare number, read as seconds\)/
    )
    const none = endReport(ended(obs({ kind: 'none' }), { end: 'timeout' }), {
      ...current,
      maxAgeMs: 7_200_000
    })
    expect(none.message).toMatch(
      /waiting for the current upgrade of cluster cluster-1: no upgrade under way or ended in the last 2h/
    )
    expect(none.message).toMatch(
      /No upgrade to wait on appeared: start the upgrade .*check cluster-id and max-age/
    )
    expect(none.message).not.toMatch(/may still be running/)
  })

  it('pause: fail tells a person to resume in the console, succeed passes with a caveat', () => {
    const paused = endReport(
      ended(taskSeen('Pause', '30.00'), { end: 'paused', passed: false }),
      target
    )
    expect(paused.message).toMatch(
      /paused at 30.00% .* on-pause is fail. A person must resume it in the CCE console/
    )
    expect(paused.message).not.toMatch(/continue/)
    const ok = endReport(ended(taskSeen('Pause', '30.00'), { end: 'paused', passed: true }), target)
    expect(ok.passed).toBe(true)
    expect(ok.message).toMatch(/on-pause: succeed lets the pipeline go on/)
  })

  it('cancelled and error', () => {
    expect(
      endReport(ended(taskSeen('Running', '12.50'), { end: 'cancelled' }), target).message
    ).toMatch(/^Cancelled after 10m10s while waiting .*last phase Running, progress 12.50%/)
    expect(
      endReport(ended(undefined, { end: 'error', problem: 'CCE refused access' }), target).message
    ).toBe('CCE refused access')
    expect(endReport(ended(undefined, { end: 'error' }), target).message).toBe(
      'Stopped waiting for the upgrade task task-9 of cluster cluster-1.'
    )
    expect(
      endReport(
        ended(obs({ kind: 'none' }), { end: 'error', failure: { kind: 'no-upgrade' } }),
        current
      ).message
    ).toMatch(
      /^Cluster cluster-1 has no upgrade workflow and no upgrade task: start the upgrade first .* set max-age/
    )
  })

  it('writes every output in every end state, empty when not known', () => {
    expect(
      endReport(
        ended(taskSeen('Failed', '62.50'), { end: 'failed', failure: { kind: 'task-failed' } }),
        target
      ).outputs
    ).toEqual({
      result: 'failed',
      taskId: 'task-9',
      phase: 'Failed',
      progress: '62.50',
      version: 'v1.28.3-r4',
      targetVersion: 'v1.29.5-r0',
      completionTime: DONE,
      workflowId: '',
      workflowPhase: '',
      failedStep: '',
      clusterPhase: ''
    })
    const empty = {
      taskId: '',
      phase: '',
      progress: '',
      version: '',
      targetVersion: '',
      completionTime: '',
      workflowId: '',
      workflowPhase: '',
      failedStep: '',
      clusterPhase: ''
    }
    // the task-id input is not a task seen (issue 23: a 401 or 404 names none)
    expect(endReport(ended(undefined, { end: 'timeout' }), target).outputs).toEqual({
      ...empty,
      result: 'timeout'
    })
    expect(
      endReport(ended(undefined, { end: 'error' }), {
        ...target,
        target: { kind: 'workflow', workflowId: 'wf-9' }
      }).outputs
    ).toEqual({ ...empty, result: 'error', workflowId: 'wf-9' })
  })

  it('summarises in a table with warnings, the workflow’s steps and the timeline', () => {
    const s = endReport(
      ended(taskSeen('Failed', '62.50'), { end: 'failed', failure: { kind: 'task-failed' } }),
      target,
      ['The upgrade task task-9 ended 90d before this step: …']
    ).summary
    expect(s).toContain('| Cluster | `cluster-1` |')
    expect(s).toContain('| Task | `task-9` |')
    expect(s).toContain('| Versions | v1.28.3-r4 → v1.29.5-r0 |')
    expect(s).toContain('| Result | ❌ Failed (step failed) |')
    expect(s).toContain('| Progress | 62.50% |')
    expect(s).toContain('| Cluster phase | not read |')
    expect(s).toContain('| Waited | 10m10s |')
    expect(s).toContain('| Polls | 12 |')
    expect(s).toContain('| Last request ID | `rid-last` |')
    expect(s).toContain(`| Completed | ${DONE} |`)
    expect(s).toContain('### Warnings\n\n- The upgrade task task-9 ended 90d before this step: …')
    expect(s).toContain('### Timeline')
    expect(s).toContain('| 0s | Init, progress 0.00% |')
    expect(s).toContain('| 10m10s | Failed, progress 62.50% |')

    const w = workflow('Success', [
      [
        'PreCheck',
        'Success',
        'pc-1',
        '2026-11-24 20:00:00 +0800 CST',
        '2026-11-24 20:01:00 +0800 CST'
      ],
      [
        'Cluster',
        'Success',
        'up-1',
        '2026-11-24 20:01:00 +0800 CST',
        '2026-11-24 20:10:00 +0800 CST'
      ]
    ])
    const ws = endReport(
      ended(onWorkflow(w, task('Success', '100.00', { uid: 'up-1' }), { cluster: 'Available' }), {
        end: 'success',
        clusterChecked: true
      }),
      current
    ).summary
    expect(ws).toContain('### Upgrade workflow `wf-1`')
    expect(ws).toContain(
      '| PreCheck | Success | 2026-11-24 20:00:00 +0800 CST | 2026-11-24 20:01:00 +0800 CST | 1m | pc-1 |'
    )
    expect(ws).toContain('| Workflow phase | Success |')
    expect(ws).toContain('| Cluster phase | Available |')

    const empty = endReport(
      ended(undefined, { end: 'error', problem: 'bad | input\nline' }),
      current
    ).summary
    expect(empty).toContain('| Task | — |')
    expect(empty).toContain('> bad \\| input line')
    expect(empty).not.toContain('Timeline')
  })
})

describe('issue 23: the cancel message and taskId', () => {
  const refused = 'GET cce.ap-southeast-1.myhuaweicloud.com: connect ECONNREFUSED 10.0.0.1:443'

  it('a cancellation before any answer gives the endpoint advice a timeout gives', () => {
    const r = endReport(ended(undefined, { end: 'cancelled', problem: refused }), target)
    expect(r.message).toBe(
      `Cancelled after 10m10s while waiting for the upgrade task task-9 of cluster cluster-1: no request succeeded, so the upgrade's state is unknown; last error: ${refused}. The upgrade itself goes on; nothing was deployed. Could not reach cce.ap-southeast-1.myhuaweicloud.com: check the endpoint and region inputs, the runner's network, and https_proxy/no_proxy; then re-run this job.`
    )
    expect(r.outputs['result']).toBe('cancelled')
  })

  it('a cancellation with the upgrade seen says what was seen, and no endpoint advice', () => {
    const r = endReport(
      ended(taskSeen('Running', '40.00'), { end: 'cancelled', problem: 'HTTP 503 x' }),
      target
    )
    expect(r.message).toBe(
      'Cancelled after 10m10s while waiting for the upgrade task task-9 of cluster cluster-1: last phase Running, progress 40.00%; last error: HTTP 503 x; request ID of the last response: rid-last. The upgrade itself goes on; nothing was deployed.'
    )
  })

  it('taskId is empty when the API refused the task-id (401, 404): no task was seen', () => {
    for (const problem of ['explained 404', 'explained 401']) {
      const r = endReport(ended(undefined, { end: 'error', problem }), target)
      expect(r.outputs['taskId']).toBe('')
      expect(r.summary).toContain('| Task | — |')
    }
    const seen = endReport(ended(taskSeen('Failed', '62.50'), { end: 'timeout' }), target)
    expect(seen.outputs['taskId']).toBe('task-9')
  })
})
