import { describe, expect, it } from '@jest/globals'
import {
  compareMinor,
  decodeCluster,
  decodeClusterOf,
  healthOf,
  minorVersion,
  OTHER_KNOWN_PHASES
} from '../../src/cce/cluster.js'
import {
  blockingItems,
  decodePreCheck,
  describeItem,
  PreCheckItem
} from '../../src/cce/precheck.js'
import {
  awaitingUpgradeStart,
  decodeWorkflow,
  decodeWorkflowList,
  decodeWorkflowOf,
  hasStarted,
  isAbandoned,
  isActive,
  isSkipped,
  stepOf
} from '../../src/cce/workflow.js'
import {
  at,
  clusterJson,
  ms,
  workflow,
  mixedPrecheck,
  precheckJson,
  workflowJson
} from '../support/upgrade-fixtures.js'

describe('decodeWorkflow', () => {
  it('reads a ShowUpgradeWorkFlow answer', () => {
    const json = workflowJson('Running', {
      uid: 'wf-7',
      created: at('10:00'),
      updated: at('10:06'),
      steps: 'PreCheck:Success Cluster:Running=task-7 PostCheck:Init'
    })
    expect(decodeWorkflow(json)).toEqual({
      uid: 'wf-7',
      creationTimestamp: at('10:00'),
      updateTimestamp: at('10:06'),
      clusterVersion: 'v1.28',
      targetVersion: 'v1.29',
      phase: 'Running',
      steps: [
        {
          type: 'PreCheck',
          taskId: 'precheck-1',
          status: 'Success',
          startedAt: at('10:05'),
          endedAt: at('10:30'),
          expiresAt: at('10:00', 25)
        },
        {
          type: 'Cluster',
          taskId: 'task-7',
          status: 'Running',
          startedAt: at('10:05'),
          endedAt: '',
          expiresAt: ''
        },
        {
          type: 'PostCheck',
          taskId: '',
          status: 'Init',
          startedAt: '',
          endedAt: '',
          expiresAt: ''
        }
      ]
    })
  })

  it('sorts the steps PreCheck → Snapshot → Cluster → PostCheck → Rollback, unknown types last', () => {
    const json = workflowJson('Running', {
      pointStatuses: [
        { taskType: 'PostCheck', status: 'Init' },
        { taskType: 'Backup', status: 'Init' },
        { taskType: 'Cluster', status: 'Init' },
        { taskType: 'Rollback', status: 'Init' },
        { taskType: 'Snapshot', status: 'Success' },
        { taskType: 'PreCheck', status: 'Success' }
      ]
    })
    expect(decodeWorkflow(json)?.steps.map(s => s.type)).toEqual([
      'PreCheck',
      'Snapshot',
      'Cluster',
      'PostCheck',
      'Rollback',
      'Backup'
    ])
  })

  it('keeps steps without a type unless empty, and reads one step given as an object', () => {
    const w = decodeWorkflow(
      workflowJson('Running', {
        pointStatuses: { taskType: 'PreCheck', taskID: 'p', status: 'Running' }
      })
    )
    expect(w?.steps).toEqual([
      {
        type: 'PreCheck',
        taskId: 'p',
        status: 'Running',
        startedAt: '',
        endedAt: '',
        expiresAt: ''
      }
    ])
    const untyped = decodeWorkflow(
      workflowJson('Running', {
        pointStatuses: [{ status: 'Failed' }, {}, 'junk', null, { taskType: 'Cluster' }]
      })
    )
    // a failure status without a taskType must reach the verdict; a step with nothing in it says nothing
    expect(untyped?.steps).toEqual([
      { type: 'Cluster', taskId: '', status: '', startedAt: '', endedAt: '', expiresAt: '' },
      { type: '', taskId: '', status: 'Failed', startedAt: '', endedAt: '', expiresAt: '' }
    ])
  })

  it('is undefined without an ID or a phase', () => {
    expect(decodeWorkflow(workflowJson(''))).toBeUndefined()
    const noUid = workflowJson('Running')
    noUid['metadata'] = {}
    expect(decodeWorkflow(noUid)).toBeUndefined()
    expect(decodeWorkflow(null)).toBeUndefined()
    expect(decodeWorkflow([workflowJson('Running')])).toBeUndefined()
    expect(decodeWorkflow('Running')).toBeUndefined()
  })

  it('stepOf and isActive', () => {
    const w = decodeWorkflow(workflowJson('Init', { steps: 'PreCheck:Init Cluster:Init' }))
    expect(w && stepOf(w, 'Cluster')?.status).toBe('Init')
    expect(w && stepOf(w, 'Snapshot')).toBeUndefined()
    const active = (phase: string) => isActive({ ...w!, phase })
    // a phase added later is never taken as ended
    expect(['Init', 'Running', 'Pending', 'Success', 'Cancel', 'Other'].filter(active)).toEqual([
      'Init',
      'Running',
      'Other'
    ])
  })
})

describe('decodeWorkflowList', () => {
  const one = workflowJson('Running', { uid: 'wf-1', steps: 'PreCheck:Running' })
  const two = workflowJson('Success', { uid: 'wf-2', steps: 'PreCheck:Success Cluster:Success' })
  const list = (items: unknown) => ({ kind: 'List', apiVersion: 'v3', items })

  const uids = (json: unknown) => decodeWorkflowList(json)?.items.map(w => w.uid)
  const none = { items: [], unreadable: [] }

  it('reads items as a list (Python SDK)', () => {
    expect(uids(list([one, two]))).toEqual(['wf-1', 'wf-2'])
  })

  it('reads items as one object (Go SDK)', () => {
    expect(uids(list(two))).toEqual(['wf-2'])
  })

  it('reads null and empty items as no workflow', () => {
    expect(decodeWorkflowList(list(null))).toEqual(none)
    expect(decodeWorkflowList(list([]))).toEqual(none)
    expect(decodeWorkflowList(list({}))).toEqual(none)
  })

  it('reads an answer without items as no workflow: every SDK marks items optional (Go: omitempty)', () => {
    expect(decodeWorkflowList({ kind: 'List', apiVersion: 'v3' })).toEqual(none)
    expect(decodeWorkflowList({})).toEqual(none)
  })

  it('is undefined (not the expected JSON) for an error body, a non-object, or items of another type', () => {
    for (const body of [
      { error_code: 'CCE.01500001', error_msg: 'internal error' },
      { errorCode: 'CCE.01404001', errorMessage: 'not found', items: [] },
      { error: { code: 401, message: 'unauthorized' } },
      list('wf-1'),
      list(3),
      list(true),
      [one],
      null,
      'not json'
    ])
      expect(decodeWorkflowList(body)).toBeUndefined()
  })

  it('keeps the readable items and sets aside the ones it cannot read, naming what is missing', () => {
    const noPhase = { metadata: { uid: 'wf-3', creationTimestamp: at('09:00') }, status: {} }
    const noId = { metadata: { creationTimestamp: at('09:30') }, status: { phase: 'Success' } }
    expect(decodeWorkflowList(list([one, noPhase, 'wf-2', noId]))).toEqual({
      items: [expect.objectContaining({ uid: 'wf-1' })],
      unreadable: [
        { what: 'upgrade workflow', uid: 'wf-3', created: at('09:00'), why: 'no status.phase' },
        { what: 'upgrade workflow', uid: '', created: '', why: 'not a JSON object' },
        { what: 'upgrade workflow', uid: '', created: at('09:30'), why: 'no metadata.uid' }
      ]
    })
    expect(decodeWorkflowList(list({ kind: 'Other' }))?.unreadable).toEqual([
      {
        what: 'upgrade workflow',
        uid: '',
        created: '',
        why: 'no metadata.uid, no status.phase'
      }
    ])
  })
})

describe('decodeCluster', () => {
  it('reads the phase, reason, message and spec.version', () => {
    expect(
      decodeCluster(clusterJson('RollbackFailed', 'UpgradeFailed', 'rollback of master 1 failed'))
    ).toEqual({
      name: 'prod',
      phase: 'RollbackFailed',
      reason: 'UpgradeFailed',
      message: 'rollback of master 1 failed',
      version: 'v1.29'
    })
    expect(decodeCluster(clusterJson('Available'))).toEqual({
      name: 'prod',
      phase: 'Available',
      reason: '',
      message: '',
      version: 'v1.29'
    })
  })

  it('reads a missing or non-string spec.version as absent', () => {
    const without = { status: { phase: 'Available' } }
    expect(decodeCluster(without)?.version).toBe('')
    expect(decodeCluster({ ...without, spec: { version: 1.29 } })?.version).toBe('')
    expect(decodeCluster({ ...without, spec: { version: 'v1.31' } })?.version).toBe('v1.31')
  })

  it('minorVersion reads major.minor of the ways CCE writes a version, nothing else', () => {
    expect(minorVersion('v1.29')).toEqual([1, 29])
    expect(minorVersion('v1.29.5-r0')).toEqual([1, 29])
    expect(minorVersion('1.30')).toEqual([1, 30])
    expect(minorVersion(' v1.28.3 ')).toEqual([1, 28])
    expect(minorVersion('v1.29-r1')).toEqual([1, 29])
    for (const bad of [
      '',
      'v1',
      'latest',
      'v1.x',
      'vv1.29',
      'v1.29x',
      'cce.10.0x',
      'v1.2.3.4a'.slice(0, 3)
    ])
      expect(minorVersion(bad)).toBeUndefined()
  })

  it('compareMinor orders by major, then minor', () => {
    expect(compareMinor([1, 28], [1, 29])).toBeLessThan(0)
    expect(compareMinor([1, 29], [1, 29])).toBe(0)
    expect(compareMinor([1, 30], [1, 29])).toBeGreaterThan(0)
    expect(compareMinor([2, 0], [1, 99])).toBeGreaterThan(0)
    expect(compareMinor([1, 99], [2, 0])).toBeLessThan(0)
  })

  it('is undefined without a phase', () => {
    expect(decodeCluster(clusterJson(''))).toBeUndefined()
    expect(decodeCluster({ metadata: { uid: 'c' } })).toBeUndefined()
    expect(decodeCluster(null)).toBeUndefined()
  })

  it('healthOf sorts the documented phases', () => {
    const phases = [
      'Available',
      'Upgrading',
      'RollingBack',
      'RollbackFailed',
      'Unavailable',
      'Error',
      'Deleting',
      'Creating',
      'Hibernation',
      'NewPhase'
    ]
    expect(Object.fromEntries(phases.map(p => [p, healthOf(p)]))).toEqual({
      Available: 'ready',
      Upgrading: 'settling',
      RollingBack: 'settling',
      RollbackFailed: 'broken',
      Unavailable: 'broken',
      Error: 'broken',
      Deleting: 'broken',
      Creating: 'other',
      Hibernation: 'other',
      NewPhase: 'other'
    })
  })
})

describe('decodePreCheck', () => {
  it('reads cluster, addon and node items, nodes by name', () => {
    const p = mixedPrecheck()
    expect(p.uid).toBe('precheck-1')
    expect(p.phase).toBe('Failed')
    expect(p.message).toBe('pre-check failed: 2 items must be fixed')
    expect(p.items.map(i => [i.scope, i.name, i.node])).toEqual([
      ['cluster', 'block-exception', undefined],
      ['cluster', 'ok-risk-warning', undefined],
      ['cluster', 'ok-exception-passed', undefined],
      ['addon', 'block-fatal-risk', undefined],
      ['addon', 'ok-risk-info', undefined],
      ['node', 'block-node-disk', 'node-a'],
      ['node', 'ok-node-risk', 'node-a']
    ])
    expect(p.items[0]).toEqual({
      name: 'block-exception',
      kind: 'Exception',
      level: 'Warning',
      message: 'PSP is in use',
      phase: 'Failed',
      scope: 'cluster'
    })
  })

  it('names a node by its uid when it has no name, and reads one node given as an object', () => {
    const json = precheckJson({})
    const status = json['status'] as Record<string, unknown>
    status['nodeCheckStatus'] = {
      phase: 'Failed',
      nodeStageStatus: {
        nodeInfo: { uid: 'node-uid-1' },
        itemsStatus: [{ name: 'disk', kind: 'Exception', level: 'Fatal', message: 'full' }]
      }
    }
    expect(decodePreCheck(json)?.items).toEqual([
      {
        name: 'disk',
        kind: 'Exception',
        level: 'Fatal',
        message: 'full',
        phase: '',
        scope: 'node',
        node: 'node-uid-1'
      }
    ])
  })

  it('reads a pre-check without item sections as one without items', () => {
    const p = decodePreCheck({
      metadata: { uid: 'x' },
      status: { phase: 'Error', message: 'boom' }
    })
    expect(p).toEqual({ uid: 'x', phase: 'Error', message: 'boom', items: [] })
  })

  it('is undefined without a phase', () => {
    expect(decodePreCheck(precheckJson({}, ''))).toBeUndefined()
    expect(decodePreCheck(undefined)).toBeUndefined()
  })
})

describe('blockingItems', () => {
  const item = (kind: string, level: string, phase = 'Failed'): PreCheckItem => ({
    name: `${kind}/${level}/${phase}`,
    kind,
    level,
    phase,
    message: '',
    scope: 'cluster'
  })

  it('blocks on kind Exception or level Fatal, never on an item that itself passed', () => {
    const items = [
      item('Exception', 'Info'),
      item('Exception', 'Warning'),
      item('Exception', 'Fatal'),
      item('Risk', 'Fatal'),
      item('Risk', 'Warning'),
      item('Risk', 'Info'),
      item('Exception', 'Fatal', 'Success'),
      item('Risk', 'Fatal', 'Success'),
      item('Exception', 'Warning', '')
    ]
    expect(
      blockingItems({ uid: 'p', phase: 'Failed', message: '', items }).map(i => i.name)
    ).toEqual([
      'Exception/Info/Failed',
      'Exception/Warning/Failed',
      'Exception/Fatal/Failed',
      'Risk/Fatal/Failed',
      'Exception/Warning/'
    ])
  })

  it('keeps the items of every scope, in order', () => {
    expect(blockingItems(mixedPrecheck()).map(i => i.name)).toEqual([
      'block-exception',
      'block-fatal-risk',
      'block-node-disk'
    ])
  })
})

describe('describeItem', () => {
  const base: PreCheckItem = {
    name: 'NodeDiskCheck',
    kind: 'Exception',
    level: 'Fatal',
    phase: 'Failed',
    message: 'the disk is full',
    scope: 'node'
  }
  it('names the check, the node when there is one, and the message', () => {
    expect(describeItem({ ...base, node: 'node-a' })).toBe(
      'NodeDiskCheck on node node-a: the disk is full'
    )
    expect(describeItem({ ...base, scope: 'cluster' })).toBe('NodeDiskCheck: the disk is full')
  })
  it('says so when the name or the message is missing', () => {
    expect(describeItem({ ...base, name: '', message: '' })).toBe('(unnamed check): no message')
  })
})

describe('answers about another workflow or cluster are not answers', () => {
  it('decodeWorkflowOf takes only the workflow asked for', () => {
    const w = workflowJson('Success', { uid: 'wf-1', steps: 'PreCheck:Success Cluster:Success' })
    expect(decodeWorkflowOf('wf-1')(w)?.uid).toBe('wf-1')
    expect(decodeWorkflowOf('wf-2')(w)).toBeUndefined()
  })

  it('decodeClusterOf takes the cluster asked for, or one without an ID', () => {
    const c = (metadata: unknown) => ({ metadata, status: { phase: 'Available' } })
    expect(decodeClusterOf('cluster-1')(c({ uid: 'cluster-1' }))?.phase).toBe('Available')
    expect(decodeClusterOf('cluster-1')(c({ name: 'prod' }))?.phase).toBe('Available')
    expect(decodeClusterOf('cluster-1')(c(undefined))?.phase).toBe('Available')
    expect(decodeClusterOf('cluster-1')(c({ uid: 'cluster-2' }))).toBeUndefined()
  })
})

describe('workflow steps: started, skipped, waiting for a person, abandoned', () => {
  const stepIn = (steps: string, type: string) => {
    const w = workflow('Running', steps)
    return { w, s: stepOf(w, type)! }
  }

  it('hasStarted: a step left Init; an empty status says nothing', () => {
    const { w } = stepIn('PreCheck:Success Snapshot:Init Cluster:Running PostCheck:=', 'PreCheck')
    expect(w.steps.map(s => [s.type, hasStarted(s)])).toEqual([
      ['PreCheck', true],
      ['Snapshot', false],
      ['Cluster', true],
      ['PostCheck', false]
    ])
    for (const status of ['Queuing', 'Failed', 'Pause'])
      expect(hasStarted({ ...w.steps[0]!, status })).toBe(true)
  })

  it('isSkipped: a step still Init while a later one (not Rollback) started', () => {
    const skipped = stepIn('PreCheck:Success Snapshot:Init Cluster:Running', 'Snapshot')
    expect(isSkipped(skipped.w, skipped.s)).toBe(true)
    for (const [steps, type] of [
      // nothing later has started yet: it may still run
      ['PreCheck:Success Snapshot:Init Cluster:Init', 'Snapshot'],
      // a later Rollback does not make it skipped
      ['PreCheck:Success Snapshot:Init Rollback:Running', 'Snapshot'],
      // only an Init step is ever skipped
      ['PreCheck:Success Snapshot:Running Cluster:Running', 'Snapshot'],
      ['PreCheck:Success Snapshot:= Cluster:Running', 'Snapshot'],
      // Rollback is Init until it runs, and never skipped
      ['PreCheck:Success Cluster:Success Rollback:Init PostCheck:Running', 'Rollback']
    ]) {
      const { w, s } = stepIn(steps!, type!)
      expect([steps, isSkipped(w, s)]).toEqual([steps, false])
    }
  })

  it('awaitingUpgradeStart: the pre-check passed (and the backup, if it ran), nothing else started', () => {
    for (const steps of [
      'PreCheck:Success Cluster:Init PostCheck:Init',
      'PreCheck:Success Snapshot:Success Cluster:Init',
      'PreCheck:Success Snapshot:Init Cluster:Init'
    ])
      expect(awaitingUpgradeStart(workflow('Running', steps))?.type).toBe('PreCheck')
    for (const steps of [
      'PreCheck:Running Cluster:Init',
      'PreCheck:Success Snapshot:Running Cluster:Init',
      'PreCheck:Success Cluster:Queuing',
      'PreCheck:Success Cluster:Success PostCheck:Init',
      'Cluster:Init'
    ])
      expect([steps, awaitingUpgradeStart(workflow('Running', steps))]).toEqual([steps, undefined])
    // only a workflow under way, in a phase the API documents
    for (const phase of ['Success', 'Pending', 'Cancel', 'Suspended'])
      expect(awaitingUpgradeStart(workflow(phase, 'PreCheck:Success Cluster:Init'))).toBeUndefined()
  })

  it('isAbandoned: waiting for a person once the pre-check expired (strictly after its expiry)', () => {
    const idle = workflow('Running', 'PreCheck:Success Cluster:Init')
    const expiry = ms('10:00', 25)
    expect(stepOf(idle, 'PreCheck')?.expiresAt).toBe(at('10:00', 25))
    expect(isAbandoned(idle, expiry - 1)).toBe(false)
    expect(isAbandoned(idle, expiry)).toBe(false)
    expect(isAbandoned(idle, expiry + 1)).toBe(true)
    // an unreadable expiry never abandons; nor does an expiry on a workflow that is not waiting
    const noExpiry = { ...idle, steps: idle.steps.map(s => ({ ...s, expiresAt: '' })) }
    expect(isAbandoned(noExpiry, expiry + 1)).toBe(false)
    expect(isAbandoned(workflow('Running', 'PreCheck:Success Cluster:Running'), expiry + 1)).toBe(
      false
    )
  })

  it('decodeWorkflowOf answers undefined, not an error, for a body that is not a workflow', () => {
    expect(decodeWorkflowOf('wf-1')({})).toBeUndefined()
    expect(decodeWorkflowOf('wf-1')(null)).toBeUndefined()
  })
})

describe('the cluster phases the API documents are all known to the gate', () => {
  // docs/cce-api.md §10.4 (ShowCluster), with the four the gate also knows from Huawei's material
  const DOCUMENTED = [
    'Available',
    'Unavailable',
    'ScalingUp',
    'ScalingDown',
    'Creating',
    'Deleting',
    'Upgrading',
    'Resizing',
    'RollingBack',
    'RollbackFailed',
    'Empty',
    'Error',
    'Hibernating',
    'Hibernation',
    'Awaking'
  ]

  it('each has a health, or is one of the other known phases (the log calls the rest unknown)', () => {
    const unknown = DOCUMENTED.filter(
      p => healthOf(p) === 'other' && !OTHER_KNOWN_PHASES.includes(p)
    )
    expect(unknown).toEqual([])
    // and the other known phases are documented ones that are neither ready, settling nor broken
    for (const p of OTHER_KNOWN_PHASES)
      expect([p, DOCUMENTED.includes(p), healthOf(p)]).toEqual([p, true, 'other'])
  })

  it('minorVersion reads a major version of more than one digit', () => {
    expect(minorVersion('v10.2')).toEqual([10, 2])
    expect(minorVersion('12.31.0-r1')).toEqual([12, 31])
  })
})

describe('decodeCluster: the name', () => {
  it('is metadata.name when it is a string, and absent otherwise', () => {
    const named = (name: unknown) =>
      decodeCluster({ metadata: { uid: 'c', name }, status: { phase: 'Available' } })?.name
    expect(named('prod-eu-1')).toBe('prod-eu-1')
    expect(named(12)).toBeUndefined()
    expect(named('')).toBeUndefined()
  })
})
