/**
 * Issue 20.3: an answer must be the thing asked for. A task (or workflow) whose metadata.uid is missing or is not
 * task-id (workflow-id) is retried as a broken answer, never passes, and the one error names what came back.
 */
import { describe, expect, it } from '@jest/globals'
import { run } from '../src/main.js'
import type { HttpRequest, HttpResponse } from '../src/huawei/transport.js'
import { FakeClock } from './support/fake-clock.js'
import { recordingIo } from './support/recording-io.js'
import { taskBody } from './support/scripted-send.js'
import { UNIT_INPUTS } from './support/unit-inputs.js'

type Answer = { status?: number; body: string }

/** Serves `answers` in turn (the last repeats) for `path`, an Available cluster, and no workflows. */
async function go(overrides: Record<string, string>, path: RegExp, answers: Answer[]) {
  const { io, rec, everything } = recordingIo({ ...UNIT_INPUTS, ...overrides })
  const asked: string[] = []
  let i = 0
  const send = async (req: HttpRequest): Promise<HttpResponse> => {
    asked.push(req.url.pathname)
    const headers = { 'x-request-id': `rid-${asked.length}` }
    if (path.test(req.url.pathname))
      return { status: 200, headers, ...answers[Math.min(i++, answers.length - 1)]! }
    if (/\/clusters\/cluster-1$/.test(req.url.pathname))
      return { status: 200, headers, body: '{"kind":"Cluster","status":{"phase":"Available"}}' }
    if (req.url.pathname.endsWith('/operation/upgradeworkflows'))
      return { status: 200, headers, body: '{"kind":"List","items":[]}' }
    return { status: 404, headers, body: '{"message":"no route"}' }
  }
  await run(io, { send, clock: new FakeClock() })
  const warnings = rec.lines.filter(l => l.startsWith('::warning::'))
  return { rec, everything, asked: asked.filter(p => path.test(p)), warnings }
}

const TASK = /\/operation\/upgrade\/tasks\/task-1$/
const success = (metadata: unknown) => ({
  body: JSON.stringify({ ...JSON.parse(taskBody('Success', '100.00')), metadata })
})

describe('a task answer that is not task-id', () => {
  it.each([
    ['without metadata.uid', { creationTimestamp: '2026-11-24 10:00:00 +0800 CST' }],
    ['with an empty metadata.uid', { uid: '' }],
    ['without metadata', undefined]
  ])('%s never passes, and the error says so', async (_, metadata) => {
    const { rec, asked, warnings } = await go({}, TASK, [success(metadata)])
    expect(rec.outputs['result']).not.toBe('success')
    expect(rec.failed).toEqual([
      'cce.ap-southeast-1.myhuaweicloud.com answered 3 times in a row with something that is not the expected JSON: an upgrade task without metadata.uid (phase Success), not upgrade task task-1 (the last request ID rid-3). An answer about something other than what was asked for, or without its metadata.uid, never passes: check the endpoint input and any proxy or cache between the runner and Huawei Cloud.'
    ])
    // retried as a broken answer first
    expect(asked).toHaveLength(3)
    expect(warnings[0]).toMatch(
      /^::warning::HTTP 200 with an upgrade task without metadata\.uid \(phase Success\), not upgrade task task-1 \(request ID rid-1\); retrying in /
    )
  })

  it('about another task names it', async () => {
    const { rec } = await go({}, TASK, [success({ uid: 'task-2' })])
    expect(rec.failed[0]).toContain(
      'not the expected JSON: upgrade task "task-2" (phase Success), not upgrade task task-1 (the last request ID rid-3).'
    )
  })

  it('is retried: the right answer after it passes', async () => {
    const { rec, asked } = await go({}, TASK, [
      success({}),
      { body: taskBody('Success', '100.00') }
    ])
    expect(rec.failed).toEqual([])
    expect(rec.outputs['result']).toBe('success')
    expect(asked.length).toBeGreaterThanOrEqual(2)
  })

  it('quotes a long ID cut, after redacting the secret it echoes', async () => {
    const token = `ST-${'0123456789abcdefghij'.repeat(3)}`
    const uid = `x${'y'.repeat(40)}${encodeURIComponent(`${token}/`)}`
    const { rec, everything } = await go({ 'security-token': token }, TASK, [success({ uid })])
    expect(rec.failed[0]).toContain(`upgrade task "x${'y'.repeat(40)}***%2F" (phase Success)`)
    expect(everything()).not.toContain('0123456789')
  })

  it('of another shape keeps the generic message', async () => {
    const { rec } = await go({}, TASK, [{ body: '{"hello":"world"}' }])
    expect(rec.failed[0]).toContain(
      'not the expected JSON: the last was HTTP 200, no content-type, body starting "{\\"hello\\":\\"world\\"}"'
    )
  })
})

describe('a workflow answer that is not workflow-id', () => {
  const WF = /\/operation\/upgradeworkflows\/wf-7$/
  const workflow = (metadata: unknown) => ({
    body: JSON.stringify({ metadata, status: { phase: 'Success', pointStatuses: [] } })
  })
  it.each([
    ['without metadata.uid', {}, 'an upgrade workflow without metadata.uid'],
    ['about another workflow', { uid: 'wf-8' }, 'upgrade workflow "wf-8"']
  ])('%s never passes, and the error names it', async (_, metadata, named) => {
    const { rec, asked } = await go({ 'task-id': '', 'workflow-id': 'wf-7' }, WF, [
      workflow(metadata)
    ])
    expect(rec.outputs['result']).not.toBe('success')
    expect(rec.failed).toHaveLength(1)
    expect(rec.failed[0]).toContain(
      `not the expected JSON: ${named} (phase Success), not upgrade workflow wf-7 (the last request ID`
    )
    expect(asked).toHaveLength(3)
  })
})
