/**
 * Issue 20.2 end to end through the committed dist/index.js: an error run() cannot handle (here the outputs file
 * is a directory, so writing the outputs throws) reaches src/index.ts's last resort, which prints one redacted
 * line, and a stack only with RUNNER_DEBUG=1.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEMO, demoInputs, demoTasks, startFakeApi } from '../support/fake-api.mjs'
import type { FakeApi } from '../support/fake-api.mjs'
import { errors, runAction, visible } from '../support/run-action.js'

const SK = 'sk-crash-0123456789abcdef'

let api: FakeApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

async function crashed(env: Record<string, string>) {
  api = await startFakeApi({
    credentials: { [DEMO.ak]: { secret: SK } },
    tasks: demoTasks([{ phase: 'Success', progress: '100.00' }])
  })
  // a directory named after the secret key: the error writing the outputs names it
  const output = join(mkdtempSync(join(tmpdir(), 'cce-gate-crash-')), `out-${SK}`)
  mkdirSync(output)
  const { inputs } = demoInputs(api.url, { 'secret-access-key': SK })
  return runAction({ inputs, env: { GITHUB_OUTPUT: output, ...env } })
}

describe('the last resort', () => {
  it('prints one redacted line and no stack', async () => {
    const r = await crashed({})
    expect(r.code).toBe(1)
    expect(errors(r.stdout)).toEqual([
      expect.stringMatching(/^::error::Unexpected error: .*out-\*\*\*/)
    ])
    expect(visible(r.stdout) + r.stderr).not.toContain(SK)
    expect(r.stdout).not.toMatch(/^\s+at /m)
    expect(r.stdout).not.toMatch(/::debug::\w*Error/)
  })

  it('prints the stack, redacted, with RUNNER_DEBUG=1', async () => {
    const r = await crashed({ RUNNER_DEBUG: '1' })
    expect(r.code).toBe(1)
    expect(errors(r.stdout)).toHaveLength(1)
    expect(r.stdout).toMatch(/^::debug::Error: .*out-\*\*\*.*%0A\s+at /m)
    expect(visible(r.stdout) + r.stderr).not.toContain(SK)
  })
})
