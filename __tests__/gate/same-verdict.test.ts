/**
 * Issue 19, item 7: the same state gives the same verdict, however long the gate has watched. Each end state of the
 * README's rule tables is run twice through the observer, over an injected clock: followed from the start, and first
 * seen in its end state. The verdicts agree; a state the end no longer shows (a RollingBack seen on the way) may
 * only make the first one stricter.
 */
import { describe, expect, it } from '@jest/globals'
import { FatalApiError, Reply } from '../../src/huawei/api.js'
import type { CceClient, ClusterRead } from '../../src/cce/client.js'
import type { ListAnswer } from '../../src/cce/list.js'
import type { UpgradeTask } from '../../src/cce/task.js'
import type { Workflow } from '../../src/cce/workflow.js'
import type { WaitTarget } from '../../src/lib/config.js'
import { UpgradeObserver } from '../../src/gate/observer.js'
import { Policy, Verdict, judge } from '../../src/gate/verdict.js'
import { FakeClock } from '../support/fake-clock.js'
import { at, cluster, mixedPrecheck, ms, task, workflow } from '../support/upgrade-fixtures.js'

const HOUR = 3_600_000
const POLICY: Policy = { onPause: 'wait', waitForNewUpgrade: false, waitForPostCheck: false }

/** What the API shows at one moment; `at`, the clock then (the runner's and the API's alike). */
interface World {
  workflows: Workflow[]
  tasks: UpgradeTask[]
  cluster?: ClusterRead
  at?: number
}

/** The CCE calls, answering from the world the test has set. */
class WorldCce {
  world: World = { workflows: [], tasks: [] }

  private reply<T>(value: T): Reply<T> {
    return { value, requestId: 'req' }
  }
  async getTask(id: string): Promise<Reply<UpgradeTask>> {
    const t = this.world.tasks.find(x => x.uid === id)
    if (!t) throw new FatalApiError(`Upgrade task ${id} was not found`, 404)
    return this.reply(t)
  }
  async findTask(id: string): Promise<Reply<UpgradeTask> | undefined> {
    const t = this.world.tasks.find(x => x.uid === id)
    return t && this.reply(t)
  }
  async listTasks(): Promise<Reply<ListAnswer<UpgradeTask>>> {
    return this.reply({ items: this.world.tasks, unreadable: [] })
  }
  async listWorkflows(): Promise<Reply<ListAnswer<Workflow>>> {
    return this.reply({ items: this.world.workflows, unreadable: [] })
  }
  async getWorkflow(id: string): Promise<Reply<Workflow>> {
    const w = this.world.workflows.find(x => x.uid === id)
    if (!w) throw new FatalApiError(`CCE did not find upgrade workflow ${id}`, 404)
    return this.reply(w)
  }
  async getCluster(): Promise<Reply<ClusterRead>> {
    return this.reply(this.world.cluster ?? { kind: 'read', status: cluster('Available') })
  }
  async getPreCheck(): Promise<Reply<ReturnType<typeof mixedPrecheck>>> {
    return this.reply(mixedPrecheck())
  }
}

interface Case {
  name: string
  target?: WaitTarget
  policy?: Policy
  /** max-age 2 h before the step's start */
  maxAge?: boolean
  /** The states on the way; the last is the end state. */
  path: World[]
  /** What both runs end in: the verdict's kind and the failure's or wait's kind. */
  expected: string
  /** The run that followed the way may end stricter (it saw a state the end no longer shows). */
  firstEnds?: string
}

const START = ms('11:00')

/** Polls an observer through `path` (one poll per state), then at the end state until a verdict that is not wait. */
async function verdictOf(c: Case, path: World[]): Promise<Verdict> {
  const cce = new WorldCce()
  const clock = new FakeClock(path[0]?.at ?? START)
  const policy = c.policy ?? POLICY
  const maxAge = c.maxAge ? { notBefore: () => START - 2 * HOUR } : {}
  const observer = new UpgradeObserver(
    cce as unknown as CceClient,
    c.target ?? { kind: 'current' },
    clock,
    { ...policy, waitForNewUpgrade: Boolean(c.maxAge) },
    () => undefined,
    { ...maxAge, apiNow: () => clock.now(), startedAt: START }
  )
  let verdict: Verdict = { kind: 'wait', why: { kind: 'upgrading' } }
  const end = path[path.length - 1] as World
  for (const world of [...path, end, end, end]) {
    cce.world = world
    if (world.at !== undefined) clock.t = Math.max(clock.t, world.at)
    verdict = judge(await observer.observe(), { ...policy, waitForNewUpgrade: Boolean(c.maxAge) })
    clock.advance(30_000)
    if (verdict.kind !== 'wait') break
  }
  return verdict
}

function describeVerdict(v: Verdict): string {
  switch (v.kind) {
    case 'pass':
      return `pass${v.postCheckNotStarted ? ' (post-check not started)' : ''}`
    case 'wait':
      return `wait ${v.why.kind}`
    case 'fail':
      return `fail ${v.failure.kind}`
  }
}

// the fixtures' steps started at 10:05 and ended at 10:30 on the 24th; a pre-check is valid until 10:00 on the 25th
const oldTask = (phase = 'Success') => task(phase, { uid: 'task-old', created: at('09:00', 20) })
const running = (uid = 'wf-1', created = at('10:00')) =>
  workflow('Running', 'PreCheck:Running Cluster:Init PostCheck:Init', { uid, created })
const clusterRunning = workflow('Running', 'PreCheck:Success Cluster:Running PostCheck:Init')
const cancelledBefore = workflow('Cancel', 'PreCheck:Success Cluster:Init PostCheck:Init')
const idle = workflow('Running', 'PreCheck:Success Cluster:Init PostCheck:Init')
const succeeded = workflow('Success', 'PreCheck:Success Cluster:Success PostCheck:Success')
const AFTER_EXPIRY = ms('10:01', 25)
const readCluster = (phase: string, version = 'v1.29'): ClusterRead => ({
  kind: 'read',
  status: { ...cluster(phase), version }
})

const CASES: Case[] = [
  {
    name: 'task Success, cluster Available',
    path: [
      { workflows: [], tasks: [task('Running', { created: at('10:00') })] },
      { workflows: [], tasks: [task('Success', { created: at('10:00') })] }
    ],
    expected: 'pass'
  },
  {
    name: 'task Failed',
    path: [
      { workflows: [], tasks: [task('Running', { created: at('10:00') })] },
      { workflows: [], tasks: [task('Failed', { created: at('10:00') })] }
    ],
    expected: 'fail task-failed'
  },
  {
    name: 'task Pause, on-pause: fail',
    policy: { ...POLICY, onPause: 'fail' },
    path: [
      { workflows: [], tasks: [task('Running', { created: at('10:00') })] },
      { workflows: [], tasks: [task('Pause', { created: at('10:00') })] }
    ],
    expected: 'fail paused'
  },
  {
    name: 'workflow Success, Cluster task Success',
    path: [
      { workflows: [running()], tasks: [oldTask()] },
      { workflows: [clusterRunning], tasks: [oldTask(), task('Running')] },
      { workflows: [succeeded], tasks: [oldTask(), task('Success')] }
    ],
    expected: 'pass'
  },
  {
    name: 'workflow Pending, PreCheck failed',
    path: [
      { workflows: [running()], tasks: [oldTask()] },
      { workflows: [workflow('Pending', 'PreCheck:Failed Cluster:Init')], tasks: [oldTask()] }
    ],
    expected: 'fail step-failed'
  },
  {
    name: 'workflow Pending, Cluster step failed',
    path: [
      { workflows: [clusterRunning], tasks: [task('Running')] },
      {
        workflows: [workflow('Pending', 'PreCheck:Success Cluster:Failed PostCheck:Init')],
        tasks: [task('Failed')]
      }
    ],
    expected: 'fail step-failed'
  },
  {
    name: 'workflow Cancel after its cluster upgrade started',
    path: [
      { workflows: [clusterRunning], tasks: [task('Running')] },
      {
        workflows: [workflow('Cancel', 'PreCheck:Success Cluster:Failed PostCheck:Init')],
        tasks: [task('Failed')]
      }
    ],
    expected: 'fail workflow-cancelled'
  },
  {
    name: 'workflow cancelled before its cluster upgrade, without max-age: passed over, the older upgrade decides',
    path: [
      { workflows: [running()], tasks: [oldTask()] },
      { workflows: [cancelledBefore], tasks: [oldTask()] }
    ],
    expected: 'pass'
  },
  {
    name: 'workflow cancelled before its cluster upgrade, without max-age, nothing else: no upgrade',
    path: [
      { workflows: [running()], tasks: [] },
      { workflows: [cancelledBefore], tasks: [] }
    ],
    expected: 'fail no-upgrade'
  },
  {
    name: 'workflow cancelled before its cluster upgrade, the newest inside max-age: cancelled',
    maxAge: true,
    path: [
      { workflows: [running()], tasks: [oldTask()] },
      { workflows: [cancelledBefore], tasks: [oldTask()] }
    ],
    expected: 'fail workflow-cancelled'
  },
  {
    name: 'workflow cancelled before its cluster upgrade, named by workflow-id',
    target: { kind: 'workflow', workflowId: 'wf-1' },
    path: [
      { workflows: [running()], tasks: [oldTask()] },
      { workflows: [cancelledBefore], tasks: [oldTask()] }
    ],
    expected: 'fail workflow-cancelled'
  },
  {
    name: 'Cluster step Success, post-check not started',
    path: [
      { workflows: [clusterRunning], tasks: [task('Running')] },
      {
        workflows: [workflow('Running', 'PreCheck:Success Cluster:Success PostCheck:Init')],
        tasks: [task('Success')]
      }
    ],
    expected: 'pass (post-check not started)'
  },
  {
    name: 'waiting for a person until the pre-check expired: passed over, the older upgrade decides',
    path: [
      { workflows: [idle], tasks: [oldTask('Failed')], at: START },
      { workflows: [idle], tasks: [oldTask('Failed')], at: AFTER_EXPIRY }
    ],
    expected: 'fail task-failed'
  },
  {
    name: 'waiting for a person while the pre-check is valid',
    path: [
      { workflows: [running()], tasks: [oldTask()] },
      { workflows: [idle], tasks: [oldTask()] }
    ],
    expected: 'wait upgrade-not-started'
  },
  {
    name: 'cluster Available on an older minor than the target',
    path: [
      { workflows: [clusterRunning], tasks: [task('Running')] },
      {
        workflows: [succeeded],
        tasks: [task('Success')],
        cluster: readCluster('Available', 'v1.28')
      }
    ],
    expected: 'fail version-behind'
  },
  {
    name: 'cluster RollingBack on the way, then Available',
    path: [
      { workflows: [succeeded], tasks: [task('Success')], cluster: readCluster('RollingBack') },
      { workflows: [succeeded], tasks: [task('Success')], cluster: readCluster('Available') }
    ],
    expected: 'pass',
    firstEnds: 'fail rolled-back'
  },
  {
    name: 'an upgrade that failed after the one followed started: it decides',
    path: [
      { workflows: [], tasks: [task('Running', { uid: 'task-a', created: at('10:00') })] },
      {
        workflows: [],
        tasks: [
          task('Success', { uid: 'task-a', created: at('10:00') }),
          task('Failed', { uid: 'task-b', created: at('10:40') })
        ]
      }
    ],
    expected: 'fail task-failed'
  },
  {
    name: 'a failure of unknown order beside a Success: the failure decides',
    path: [
      { workflows: [running('wf-new', ''), succeeded], tasks: [] },
      {
        workflows: [
          workflow('Pending', 'PreCheck:Success Cluster:Failed=task-9', {
            uid: 'wf-new',
            created: ''
          }),
          succeeded
        ],
        tasks: []
      }
    ],
    expected: 'fail step-failed'
  }
]

describe('the same end state gives the same verdict, followed from the start or first seen at the end', () => {
  it.each(CASES.map(c => [c.name, c] as const))('%s', async (_name, c) => {
    const followed = describeVerdict(await verdictOf(c, c.path))
    const firstSeen = describeVerdict(await verdictOf(c, c.path.slice(-1)))
    expect(firstSeen).toBe(c.expected)
    expect(followed).toBe(c.firstEnds ?? c.expected)
  })

  it('covers every end state the rule tables name', () => {
    const ends = new Set(CASES.map(c => c.expected.split(' ').slice(0, 2).join(' ')))
    for (const end of [
      'pass',
      'fail task-failed',
      'fail paused',
      'fail step-failed',
      'fail workflow-cancelled',
      'fail version-behind',
      'fail no-upgrade',
      'wait upgrade-not-started'
    ])
      expect(ends).toContain(end)
  })
})
