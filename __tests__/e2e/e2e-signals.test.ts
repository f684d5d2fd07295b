/**
 * End to end, the signal handling of src/index.ts in the committed dist/index.js: the first signal cancels the
 * wait so that outputs and the summary are written; a second signal ends the process at once, and so does a run
 * that has not ended 5 s after the first signal. To make a run that cannot end by itself, GITHUB_STEP_SUMMARY
 * names a FIFO that nobody reads: opening it for writing blocks a thread of libuv's pool, so after the first
 * signal the action hangs writing its summary (and process.exit() would hang too: it waits for that thread).
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEMO, demoInputs, demoTasks, startFakeApi } from '../support/fake-api.mjs'
import type { FakeApi } from '../support/fake-api.mjs'
import { errors, runAction } from '../support/run-action.js'

let api: FakeApi | undefined
let dir: string | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = undefined
})

/** The demo upgrade, Running for as long as a test lasts, and a summary "file" that blocks its writer. */
async function stuckAtSummary() {
  api = await startFakeApi({
    projects: [{ id: DEMO.projectId, name: DEMO.region }],
    tasks: demoTasks([{ phase: 'Running', progress: '25.00' }])
  })
  dir = mkdtempSync(join(tmpdir(), 'cce-gate-fifo-'))
  const fifo = join(dir, 'summary')
  execFileSync('mkfifo', [fifo])
  return {
    inputs: demoInputs(api.url).inputs,
    env: { GITHUB_STEP_SUMMARY: fifo },
    signalWhen: /Running 25\.00%/,
    timeoutMs: 20_000
  }
}

// mkfifo and POSIX signals: not on Windows runners.
const posix = process.platform === 'win32' ? describe.skip : describe

posix('signals (dist/index.js)', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'a second signal (%s) ends a run stuck after the first at once',
    async second => {
      const r = await runAction({
        ...(await stuckAtSummary()),
        secondSignalAfterMs: 1000,
        secondSignal: second
      })
      // ended by the signal's default action (not by the harness's SIGKILL after 20 s)
      expect(r.signal).toBe(second)
      // the first signal was handled: the wait was cancelled and the outputs written before the summary hung
      expect(r.outputs).toMatchObject({ result: 'cancelled', phase: 'Running', progress: '25.00' })
      expect(r.afterSecondSignalMs).toBeLessThan(1500)
      expect(r.afterSignalMs).toBeLessThan(4000) // not the 5 s forced exit
    }
  )

  it('a run not ended 5 s after the first signal is ended', async () => {
    const r = await runAction(await stuckAtSummary())
    expect(r.signal).toBe('SIGINT')
    expect(r.outputs).toMatchObject({ result: 'cancelled' })
    expect(r.afterSignalMs).toBeGreaterThanOrEqual(4000)
    expect(r.afterSignalMs).toBeLessThan(9000)
  })
})

describe('a request that never ends (dist/index.js)', () => {
  let silent: http.Server | undefined
  afterEach(async () => {
    silent?.closeAllConnections()
    await new Promise(r => silent?.close(r) ?? r(undefined))
    silent = undefined
  })

  it('does not keep the process alive after the verdict: GitHub OIDC token endpoint accepts and never answers', async () => {
    const asked: string[] = []
    silent = http.createServer(req => void asked.push(req.url ?? '')) // never answers
    await new Promise<void>(r => silent?.listen(0, '127.0.0.1', () => r()))
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`
    const r = await runAction({
      inputs: {
        ...demoInputs(url).inputs,
        'access-key-id': '',
        'secret-access-key': '',
        'identity-provider': 'github-actions',
        timeout: '3s'
      },
      env: {
        ACTIONS_ID_TOKEN_REQUEST_URL: `${url}/oidc/token?api-version=2.0`,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token'
      },
      timeoutMs: 30_000
    })
    expect(asked).toEqual([expect.stringMatching(/^\/oidc\/token/)])
    // ended by itself with the verdict's exit code, not by the harness's SIGKILL after 30 s
    expect(r.signal).toBeNull()
    expect(r.code).toBe(1)
    expect(r.wallMs).toBeLessThan(3000 + 8000)
    expect(errors(r.stdout)).toEqual([
      expect.stringMatching(
        /^::error::Timed out after 3s .*: no request succeeded, so the upgrade's state is unknown; last error: GitHub's OIDC token endpoint \(ACTIONS_ID_TOKEN_REQUEST_URL\) gave no ID token before the deadline\. Re-run this job, or raise the timeout input\.$/
      )
    ])
    expect(r.outputs).toMatchObject({ result: 'timeout' })
    expect(r.stderr).toBe('')
  })
})
