import { describe, expect, it } from '@jest/globals'
import { EtaEstimator, ProgressLog, percent, versions } from '../src/progress.js'
import { UpgradeTask } from '../src/task.js'
import { FakeClock } from './support/fake-clock.js'
import { recordingLog } from './support/scripted-send.js'

function task(phase: string, progress: string, extra: Partial<UpgradeTask> = {}): UpgradeTask {
  return {
    uid: 'task-1',
    version: 'v1.28.3-r4',
    targetVersion: 'v1.29.5-r0',
    phase,
    progress,
    creationTimestamp: '',
    completionTime: '',
    ...extra
  }
}

describe('progress lines', () => {
  it('formats versions and percent with fallbacks', () => {
    expect(versions(task('Init', '0.00'))).toBe('v1.28.3-r4 → v1.29.5-r0')
    expect(versions(task('Init', '0.00', { version: '', targetVersion: '' }))).toBe('? → ?')
    expect(percent('')).toBe('progress unknown')
  })

  it('estimates the time left from progress since Running started', () => {
    const eta = new EtaEstimator()
    const at = (s: number) => s * 1000
    expect(eta.update({ at: at(0), task: task('Queuing', '0.00') })).toBeUndefined()
    expect(eta.update({ at: at(0), task: task('Running', '10.00') })).toBeUndefined()
    expect(eta.update({ at: at(60), task: task('Running', '20.00') })).toBe(480_000)
    expect(eta.update({ at: at(60), task: task('Running', 'n/a') })).toBeUndefined()
    expect(eta.update({ at: at(120), task: task('Running', '5.00') })).toBeUndefined()
    expect(eta.update({ at: at(120), task: task('Running', '100.00') })).toBeUndefined()
  })

  it('logs one line per change and a heartbeat every minute otherwise', () => {
    const clock = new FakeClock(0)
    const log = recordingLog()
    const p = new ProgressLog(log, clock, 'https://cce/continue', 3_600_000)
    p.observed({ at: 0, task: task('Running', '10.00') }, true)
    clock.advance(15_000)
    p.observed({ at: clock.now(), task: task('Running', '10.00') }, false)
    p.idle()
    clock.advance(15_000)
    p.observed({ at: clock.now(), task: task('Running', '20.00') }, true)
    clock.advance(60_000)
    p.idle()
    clock.advance(20_000)
    p.idle()
    clock.advance(370_000)
    p.observed({ at: clock.now(), task: task('Running', '45.00') }, true)
    expect(log.of('info')).toEqual([
      'Running 10.00% · v1.28.3-r4 → v1.29.5-r0 · 0s elapsed',
      'Running 20.00% · v1.28.3-r4 → v1.29.5-r0 · 30s elapsed · ETA ~4m',
      'Running 20.00% · v1.28.3-r4 → v1.29.5-r0 · 30s elapsed · ETA ~4m (still waiting, 1m30s so far)',
      'Running 45.00% · v1.28.3-r4 → v1.29.5-r0 · 8m elapsed · ETA ~13m'
    ])
  })

  it('logs an unchanged poll when the last line is a minute old', () => {
    const clock = new FakeClock(0)
    const log = recordingLog()
    const p = new ProgressLog(log, clock, 'u', 1)
    p.observed({ at: 0, task: task('Queuing', '0.00') }, true)
    clock.advance(60_000)
    p.observed({ at: 60_000, task: task('Queuing', '0.00') }, false)
    expect(log.of('info')).toHaveLength(2)
    p.idle()
    expect(log.of('info')).toHaveLength(2)
  })

  it('shows <1m when the end is near', () => {
    const clock = new FakeClock(0)
    const log = recordingLog()
    const p = new ProgressLog(log, clock, 'u', 1)
    p.observed({ at: 0, task: task('Running', '10.00') }, true)
    p.observed({ at: 60_000, task: task('Running', '95.00') }, true)
    expect(log.of('info')[1]).toMatch(/ETA ~<1m$/)
  })

  it('warns about Pause with how to resume, and about unknown phases', () => {
    const clock = new FakeClock(0)
    const log = recordingLog()
    const p = new ProgressLog(
      log,
      clock,
      'https://cce.example.com/api/v3/projects/p/clusters/c/operation/upgrade/continue',
      600_000
    )
    p.pausedWaiting(task('Pause', '30.00'))
    p.unknownPhase('RollingBack', task('RollingBack', '30.00'))
    expect(log.of('warning')).toEqual([
      'Upgrade task task-1 is paused at 30.00% (v1.28.3-r4 → v1.29.5-r0): a person must resume it — Continue in the CCE console, or POST https://cce.example.com/api/v3/projects/p/clusters/c/operation/upgrade/continue. Still waiting (on-pause: wait); the pause counts toward the timeout, 10m left.',
      'Upgrade task task-1 reports phase "RollingBack", which this action does not know; it keeps waiting for Success or Failed. Please report it if it persists.'
    ])
  })
})
