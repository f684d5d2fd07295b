/**
 * Issue 23.3 and 23.4: before `npm run local-action` starts GitHub's local runner, it warns about every INPUT_* in its
 * .env that action.yml does not declare (as the runner on GitHub does), and says at once when the fake API its
 * endpoint names is not there, instead of letting the gate retry. Both come before the runner is installed or started.
 */
import { describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A loopback port nothing listens on: one the system just gave out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise(resolve => server.close(resolve))
  return port
}

function runLocalAction(dotenv: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>(
    (resolve, reject) => {
      const started = Date.now()
      const child = spawn(process.execPath, ['tools/local-action/run.mjs', dotenv], {
        stdio: ['ignore', 'pipe', 'pipe']
      })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', c => (stdout += c))
      child.stderr.on('data', c => (stderr += c))
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
      child.on('error', reject)
      child.on('close', code => {
        clearTimeout(timer)
        resolve({ code, stdout, stderr, ms: Date.now() - started })
      })
    }
  )
}

describe('npm run local-action, before the runner starts', () => {
  it('warns about each INPUT_* action.yml does not declare, then names the fake that is not there and exits 1', async () => {
    const port = await closedPort()
    const dir = mkdtempSync(join(tmpdir(), 'cce-gate-preflight-'))
    const dotenv = join(dir, 'test.env')
    const example = readFileSync('.env.example', 'utf8').replace(
      /http:\/\/127\.0\.0\.1:18080/g,
      `http://127.0.0.1:${port}`
    )
    writeFileSync(
      dotenv,
      `${example}\n# misspelled, and unknown\nINPUT_TIMOUT=10x\nexport INPUT_FLEET-SIZE="3"\n`
    )
    const r = await runLocalAction(dotenv)
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    const lines = r.stderr.trimEnd().split('\n')
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(
      new RegExp(
        `^Warning: Unexpected input 'timout' \\(INPUT_TIMOUT in ${dotenv.replace(/[.]/g, '\\.')}\\): action\\.yml declares no such input, so the action does not read it\\. Did you mean INPUT_TIMEOUT\\? Valid inputs: cluster-id, task-id, .*\\.$`
      )
    )
    expect(lines[1]).toMatch(
      /^Warning: Unexpected input 'fleet-size' \(INPUT_FLEET-SIZE in .*\): action\.yml declares no such input, so the action does not read it\. Valid inputs: /
    )
    expect(lines[2]).toBe(
      `Nothing answers at http://127.0.0.1:${port} (INPUT_ENDPOINT in ${dotenv}): ECONNREFUSED. Start the fake API first, in another shell (node __tests__/support/fake-api.mjs --scenario workflow --port 18080; it stops after --max-seconds, 600 by default), or fix INPUT_ENDPOINT.`
    )
    // long before the first poll's request timeout (10 s) would have told
    expect(r.ms).toBeLessThan(10_000)
  })

  it('.env.example itself sets only inputs action.yml declares', async () => {
    const port = await closedPort()
    const dir = mkdtempSync(join(tmpdir(), 'cce-gate-preflight-'))
    const dotenv = join(dir, 'example.env')
    writeFileSync(
      dotenv,
      readFileSync('.env.example', 'utf8').replace(/127\.0\.0\.1:18080/g, `127.0.0.1:${port}`)
    )
    const r = await runLocalAction(dotenv)
    expect(r.code).toBe(1)
    expect(r.stderr).not.toContain('Unexpected input')
    expect(r.stderr).toMatch(/^Nothing answers at /)
  })
})
