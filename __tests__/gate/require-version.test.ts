/**
 * require-version (issue 22.3): after every other rule passed, the cluster's spec.version must be at least the
 * major.minor asked for; older fails naming both, unreadable fails.
 */
import { describe, expect, it } from '@jest/globals'
import type { ClusterView, Observation, Upgrade } from '../../src/gate/observation.js'
import { versionShortfall } from '../../src/gate/require-version.js'
import { Policy, judge } from '../../src/gate/verdict.js'
import type { RequiredVersion } from '../../src/lib/config.js'
import { cluster, task, workflow } from '../support/upgrade-fixtures.js'

const V1_29: RequiredVersion = { text: 'v1.29', minor: [1, 29] }
const POLICY: Policy = { onPause: 'wait', waitForNewUpgrade: false, waitForPostCheck: false }
const REQUIRE: Policy = { ...POLICY, requireVersion: V1_29 }

const read = (phase: string, version: string): ClusterView => ({
  kind: 'read',
  status: { ...cluster(phase), version },
  rolledBack: false
})

function seen(upgrade: Upgrade, view: ClusterView): Observation {
  return { at: 0, apiAt: 0, upgrade, cluster: view, precheck: { kind: 'unread' } }
}

/** Last month's upgrade, to v1.28: it took, and every other rule passes on a v1.28 cluster. */
const done: Upgrade = { kind: 'task', task: { ...task('Success'), targetVersion: 'v1.28.3-r0' } }

describe('versionShortfall', () => {
  it('is met by the same or a newer major.minor, whatever the patch or suffix', () => {
    for (const v of ['v1.29', 'v1.29.5-r0', '1.29', 'v1.30', 'v1.100', 'v2.0'])
      expect(versionShortfall(read('Available', v), V1_29)).toBeUndefined()
  })

  it('names an older version', () => {
    for (const v of ['v1.28', 'v1.28.9-r3', 'v0.99', 'v1.3'])
      expect(versionShortfall(read('Available', v), V1_29)).toEqual({ have: v })
    // by number, not text: v1.100 is newer than v1.29, v1.3 older
    expect(versionShortfall(read('Available', 'v1.3'), { text: '1.10', minor: [1, 10] })).toEqual({
      have: 'v1.3'
    })
  })

  it('says why a version cannot be read', () => {
    expect(versionShortfall(read('Available', ''), V1_29)).toEqual({
      have: '',
      unreadable: 'ShowCluster reported no spec.version'
    })
    expect(versionShortfall(read('Available', 'latest'), V1_29)).toEqual({
      have: 'latest',
      unreadable: 'spec.version "latest" is not a version'
    })
    expect(versionShortfall({ kind: 'forbidden' }, V1_29)).toEqual({
      have: '',
      unreadable: 'this identity may not read the cluster (HTTP 403)'
    })
    expect(versionShortfall({ kind: 'unread' }, V1_29)).toEqual({
      have: '',
      unreadable: 'the cluster was not read'
    })
  })
})

describe('judge with require-version', () => {
  it('passes a healthy cluster that runs the version', () => {
    expect(judge(seen(done, read('Available', 'v1.29')), REQUIRE)).toMatchObject({
      kind: 'pass',
      clusterChecked: true
    })
  })

  it('fails, naming both, where every other rule passed on an older cluster', () => {
    expect(judge(seen(done, read('Available', 'v1.28')), REQUIRE)).toEqual({
      kind: 'fail',
      failure: { kind: 'version-required', want: 'v1.29', have: 'v1.28' }
    })
    // in guard use with no upgrade at all, too
    expect(
      judge(seen({ kind: 'none' }, read('Available', 'v1.27')), { ...REQUIRE, guard: true })
    ).toEqual({ kind: 'fail', failure: { kind: 'version-required', want: 'v1.29', have: 'v1.27' } })
    // without it, the same state passes
    expect(judge(seen(done, read('Available', 'v1.28')), POLICY).kind).toBe('pass')
    expect(
      judge(seen({ kind: 'none' }, read('Available', 'v1.27')), { ...POLICY, guard: true }).kind
    ).toBe('pass')
  })

  it('fails where the version cannot be read: 403, missing, not a version', () => {
    expect(judge(seen(done, { kind: 'forbidden' }), REQUIRE)).toMatchObject({
      kind: 'fail',
      failure: { kind: 'version-required', unreadable: expect.stringMatching(/HTTP 403/) }
    })
    expect(judge(seen(done, read('Available', '')), REQUIRE)).toMatchObject({
      kind: 'fail',
      failure: { kind: 'version-required', have: '' }
    })
    expect(judge(seen(done, { kind: 'forbidden' }), POLICY).kind).toBe('pass')
  })

  it('comes after every other rule: a wait or another failure is what it is', () => {
    const running: Upgrade = { kind: 'task', task: task('Running') }
    expect(judge(seen(running, read('Available', 'v1.28')), REQUIRE)).toEqual({
      kind: 'wait',
      why: { kind: 'upgrading' }
    })
    expect(judge(seen(done, read('Upgrading', 'v1.28')), REQUIRE)).toEqual({
      kind: 'wait',
      why: { kind: 'cluster-settling', phase: 'Upgrading' }
    })
    expect(
      judge(seen({ kind: 'task', task: task('Failed') }, read('Available', 'v1.28')), REQUIRE)
    ).toEqual({ kind: 'fail', failure: { kind: 'task-failed' } })
    // the upgrade's own target check stays first: a cluster behind its target fails as version-behind
    const w: Upgrade = {
      kind: 'workflow',
      workflow: workflow('Success', 'PreCheck:Success Cluster:Success PostCheck:Success')
    }
    expect(judge(seen(w, read('Available', 'v1.28')), REQUIRE)).toMatchObject({
      kind: 'fail',
      failure: { kind: 'version-behind' }
    })
  })

  it('holds a pass that on-pause: succeed allows to the version too', () => {
    const paused: Upgrade = { kind: 'task', task: task('Pause') }
    const policy: Policy = { ...REQUIRE, onPause: 'succeed' }
    expect(judge(seen(paused, read('Upgrading', 'v1.28')), policy)).toEqual({
      kind: 'fail',
      failure: { kind: 'version-required', want: 'v1.29', have: 'v1.28' }
    })
    expect(judge(seen(paused, read('Upgrading', 'v1.29')), policy)).toMatchObject({
      kind: 'pass',
      paused: true
    })
  })
})
