import { describe, expect, it } from '@jest/globals'
import { decodeCluster, decodeClusterOf, healthOf } from '../../src/cce/cluster.js'
import {
  blockingItems,
  decodePreCheck,
  describeItem,
  PreCheckItem
} from '../../src/cce/precheck.js'
import {
  decodeWorkflow,
  decodeWorkflowList,
  decodeWorkflowOf,
  isActive,
  stepOf
} from '../../src/cce/workflow.js'
import {
  at,
  clusterJson,
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
          endedAt: at('10:30')
        },
        {
          type: 'Cluster',
          taskId: 'task-7',
          status: 'Running',
          startedAt: at('10:05'),
          endedAt: ''
        },
        { type: 'PostCheck', taskId: '', status: 'Init', startedAt: '', endedAt: '' }
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
      { type: 'PreCheck', taskId: 'p', status: 'Running', startedAt: '', endedAt: '' }
    ])
    const untyped = decodeWorkflow(
      workflowJson('Running', {
        pointStatuses: [{ status: 'Failed' }, {}, 'junk', null, { taskType: 'Cluster' }]
      })
    )
    // a failure status without a taskType must reach the verdict; a step with nothing in it says nothing
    expect(untyped?.steps).toEqual([
      { type: 'Cluster', taskId: '', status: '', startedAt: '', endedAt: '' },
      { type: '', taskId: '', status: 'Failed', startedAt: '', endedAt: '' }
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

  it('reads items as a list (Python SDK)', () => {
    expect(decodeWorkflowList(list([one, two]))?.map(w => w.uid)).toEqual(['wf-1', 'wf-2'])
  })

  it('reads items as one object (Go SDK)', () => {
    expect(decodeWorkflowList(list(two))?.map(w => w.uid)).toEqual(['wf-2'])
  })

  it('reads null and empty items as no workflow', () => {
    expect(decodeWorkflowList(list(null))).toEqual([])
    expect(decodeWorkflowList(list([]))).toEqual([])
    expect(decodeWorkflowList(list({}))).toEqual([])
  })

  it('is undefined (not the expected JSON) without an items key at all', () => {
    expect(decodeWorkflowList({ kind: 'List', apiVersion: 'v3' })).toBeUndefined()
    expect(decodeWorkflowList({ kind: 'List', Items: [one] })).toBeUndefined()
  })

  it('is undefined (not the expected JSON) for an item that is not a workflow', () => {
    expect(decodeWorkflowList(list([one, { kind: 'Other' }]))).toBeUndefined()
    expect(decodeWorkflowList(list([one, 'wf-2']))).toBeUndefined()
    expect(decodeWorkflowList(list({ kind: 'Other' }))).toBeUndefined()
    expect(decodeWorkflowList(list('wf-1'))).toBeUndefined()
    expect(decodeWorkflowList(list(3))).toBeUndefined()
    expect(decodeWorkflowList([one])).toBeUndefined()
    expect(decodeWorkflowList(null)).toBeUndefined()
  })
})

describe('decodeCluster', () => {
  it('reads the phase, reason and message', () => {
    expect(
      decodeCluster(clusterJson('RollbackFailed', 'UpgradeFailed', 'rollback of master 1 failed'))
    ).toEqual({
      phase: 'RollbackFailed',
      reason: 'UpgradeFailed',
      message: 'rollback of master 1 failed'
    })
    expect(decodeCluster(clusterJson('Available'))).toEqual({
      phase: 'Available',
      reason: '',
      message: ''
    })
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
