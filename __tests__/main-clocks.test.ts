/**
 * run() over an injected wall clock and an injected monotonic clock (issue 19 items 1, 2 and 10): the API's clock
 * comes from the answers' Date headers however far off the runner's is, and a step of the runner's wall clock
 * mid-run changes neither a max-age verdict nor the deadline. The runner's clock here is 8 h 10 min ahead of the
 * API's, which no signature refusal ever says (the scripted API checks no signature).
 */
import { describe, expect, it } from '@jest/globals'
import { run } from '../src/main.js'
import type { HttpRequest, HttpResponse } from '../src/huawei/transport.js'
import { FakeClock } from './support/fake-clock.js'
import { recordingIo } from './support/recording-io.js'
import { taskBody } from './support/scripted-send.js'
import { UNIT_INPUTS } from './support/unit-inputs.js'

const HOUR = 3_600_000
/** taskBody's task completed at 2026-11-24 10:20 +0800 (02:20 UTC). */
const COMPLETED = Date.UTC(2026, 10, 24, 2, 20)

/**
 * The API answers with its clock `completedAgo` ms after the task's completion when the run starts; the cluster is
 * Upgrading for its first `upgradingReads` reads. The runner's wall clock steps by `wallStep` ms at the 2nd sleep.
 */
async function gate(o: {
  completedAgo: number
  wallStep: number
  upgradingReads: number
  inputs?: Record<string, string>
  phase?: string
  /** The runner's wall clock at the start; 8 h 10 min ahead of the API's by default. */
  runnerAt?: number
}) {
  const clock = new FakeClock(o.runnerAt)
  clock.onSleep = () => {
    if (clock.sleeps.length === 2) clock.stepWall(o.wallStep)
  }
  const start = clock.monotonic()
  const apiStart = COMPLETED + o.completedAgo
  let clusterReads = 0
  const requests: HttpRequest[] = []
  const send = async (req: HttpRequest): Promise<HttpResponse> => {
    requests.push(req)
    const headers = {
      'x-request-id': `rid-${requests.length}`,
      date: new Date(apiStart + clock.monotonic() - start).toUTCString()
    }
    const path = req.url.pathname
    const task = JSON.parse(taskBody(o.phase ?? 'Success', o.phase ? '50.00' : '100.00'))
    let body: unknown
    if (path.endsWith('/operation/upgradeworkflows')) body = { kind: 'List', items: [] }
    else if (path.endsWith('/operation/upgrade/tasks')) body = { kind: 'List', items: [task] }
    else if (path.endsWith('/operation/upgrade/tasks/task-1')) body = task
    else if (path.endsWith('/clusters/cluster-1'))
      body = {
        kind: 'Cluster',
        status: { phase: clusterReads++ < o.upgradingReads ? 'Upgrading' : 'Available' }
      }
    else return { status: 404, headers, body: '{"message":"no route"}' }
    return { status: 200, headers, body: JSON.stringify(body) }
  }
  const { io, rec } = recordingIo({ ...UNIT_INPUTS, ...o.inputs })
  await run(io, { send, clock })
  return { rec, requests, clock, elapsed: clock.monotonic() - start }
}

describe("run() on the API's clock and the monotonic clock", () => {
  it.each([
    ['+2 h', 2 * HOUR],
    ['−2 h', -2 * HOUR]
  ])(
    'max-age: 2h counts an upgrade that ended 1 h 30 min ago by the API, the runner 8 h 10 min off and stepped %s mid-run',
    async (_, wallStep) => {
      const { rec, clock } = await gate({
        completedAgo: 90 * 60_000,
        wallStep,
        upgradingReads: 3,
        inputs: { 'task-id': '', 'max-age': '2h' }
      })
      expect(clock.wallStepMs).toBe(wallStep)
      expect(rec.failed).toEqual([])
      expect(rec.outputs).toMatchObject({
        result: 'success',
        taskId: 'task-1',
        clusterPhase: 'Available'
      })
      expect(rec.lines).toContainEqual(
        expect.stringMatching(/This runner's clock is 8h10m ahead of the API's \(its Date header\)/)
      )
    }
  )

  it('max-age: 2h leaves out an upgrade that ended 2 h 30 min ago by the API, though 30 min ago by the runner', async () => {
    const { rec } = await gate({
      completedAgo: 150 * 60_000,
      runnerAt: COMPLETED + 30 * 60_000,
      wallStep: 2 * HOUR,
      upgradingReads: 0,
      inputs: { 'task-id': '', 'max-age': '2h', timeout: '2m' }
    })
    expect(rec.outputs['result']).toBe('timeout')
  })

  it('a −1 h step mid-run ends the wait at its timeout by the monotonic clock, with outputs and summary', async () => {
    const { rec, elapsed, clock } = await gate({
      completedAgo: 0,
      wallStep: -HOUR,
      upgradingReads: 0,
      phase: 'Running',
      inputs: { timeout: '2m' }
    })
    expect(clock.wallStepMs).toBe(-HOUR)
    expect(rec.outputs).toMatchObject({ result: 'timeout', phase: 'Running' })
    expect(rec.failed[0]).toMatch(/^Timed out after 2m /)
    expect(rec.summary).toContain('⌛ Timed out')
    // the last look, a second before the deadline
    expect(elapsed).toBe(2 * 60_000 - 1000)
  })
})
