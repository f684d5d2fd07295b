/**
 * `npm run local-action` (tools/local-action/run.mjs) against the fake API, with a .env made from .env.example:
 * GitHub's local runner must use its @actions/core stand-ins, so no secret from .env.example is ever printed,
 * outputs show in its table, ::debug:: lines follow ACTIONS_STEP_DEBUG, and a failing gate ends with exit code 1
 * and its ::error:: line, never a stack trace.
 *
 * The runner lives in tools/local-action/ with its own lock: beforeAll installs it through run.mjs --install (a
 * no-op when the lock has not changed since the last install; npm ci from the registry otherwise, ~30 s).
 * Every child runs in its own process group and is killed with it when it overstays, so a hang fails the test.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  DEMO,
  DEMO_PACE,
  demoTasks,
  demoWorkflowCluster,
  startFakeApi
} from '../support/fake-api.mjs'
import type { FakeApi, FakeApiOptions } from '../support/fake-api.mjs'

const ROOT = process.cwd()
const EXAMPLE = readFileSync(join(ROOT, '.env.example'), 'utf8')
/** where .env.example aims the action: the fake on the port its comment starts it on */
const EXAMPLE_URL = 'http://127.0.0.1:18080'

const INSTALL_MS = 360_000
const RUN_MS = 150_000

interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  /** stdout and stderr, in the order they arrived */
  output: string
  timedOut: boolean
  ms: number
}

/** Runs `command args` from the repository's root in its own process group; kills the group after `timeoutMs`. */
function runFromRoot(command: string, args: string[], timeoutMs: number): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' }
  // nothing from the job that runs the tests may reach the action: its settings come from the .env alone
  for (const name of Object.keys(env))
    if (/^(INPUT_|GITHUB_|ACTIONS_|RUNNER_)/.test(name) || name === 'FORCE_COLOR') delete env[name]
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const child = spawn(command, args, {
      cwd: ROOT,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let output = ''
    let timedOut = false
    child.stdout.on('data', (c: Buffer) => (output += c.toString()))
    child.stderr.on('data', (c: Buffer) => (output += c.toString()))
    const timer = setTimeout(() => {
      timedOut = true
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        child.kill('SIGKILL')
      }
    }, timeoutMs)
    child.on('error', e => {
      clearTimeout(timer)
      reject(e)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, output, timedOut, ms: Date.now() - started })
    })
  })
}

/** `npm run local-action -- <dotenv>`, as a developer types it. */
const localAction = (dotenv: string) =>
  runFromRoot('npm', ['run', '--silent', 'local-action', '--', dotenv], RUN_MS)

/** The KEY=VALUE lines of a dotenv file. */
function dotenvEntries(text: string): [string, string][] {
  return text
    .split('\n')
    .filter(l => /^[A-Z_][A-Z0-9_-]*=/.test(l))
    .map(l => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()])
}

/** Every value in .env.example that is a secret: keys, tokens, passwords (the access key ID is not one). */
const SECRETS = dotenvEntries(EXAMPLE).filter(([name]) =>
  /SECRET|TOKEN|PASSWORD|PRIVATE|_SK$/i.test(name)
)

/** A line of a stack trace (`    at fn (file:1:2)`), or what the runner's bin printed for a failed child. */
const STACK =
  /^\s+at .*(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$|Error: Command failed|node:internal/m

let dir: string
let api: FakeApi | undefined

/** A copy of .env.example aimed at the fake (its port), writing the summary into the test's folder. */
function dotenvFor(url: string, name: string, changes: Record<string, string> = {}): string {
  const summary = join(dir, `${name}-summary.md`)
  writeFileSync(summary, '')
  let text = EXAMPLE.split(EXAMPLE_URL).join(url)
  for (const [key, value] of Object.entries({ GITHUB_STEP_SUMMARY: summary, ...changes })) {
    const line = new RegExp(`^${key}=.*$`, 'm')
    expect(text).toMatch(line)
    text = text.replace(line, `${key}=${value}`)
  }
  const file = join(dir, `${name}.env`)
  writeFileSync(file, text)
  return file
}

async function fake(options: FakeApiOptions): Promise<string> {
  api = await startFakeApi(options)
  return api.url
}

/** The rows of the runner's "Action Outputs" table (console.table): output name → value. */
function outputsTable(output: string): Record<string, string> {
  const table = output.slice(output.lastIndexOf('Action Outputs'))
  const rows: Record<string, string> = {}
  for (const m of table.matchAll(/^│\s*\d+\s*│\s*'([^']*)'\s*│\s*'([^']*)'\s*│$/gm))
    rows[m[1]!] = m[2]!
  return rows
}

function expectNoSecret(output: string, summaryFile: string): void {
  const summary = readFileSync(summaryFile, 'utf8')
  for (const [name, value] of SECRETS) {
    expect({ name, printed: output.includes(value) }).toEqual({ name, printed: false })
    expect({ name, inSummary: summary.includes(value) }).toEqual({ name, inSummary: false })
  }
  // the stand-in setSecret records the value; the real one would print it as a workflow command
  expect(output).not.toContain('::add-mask::')
}

describe('npm run local-action', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cce-gate-local-action-'))
    const install = await runFromRoot(
      process.execPath,
      ['tools/local-action/run.mjs', '--install'],
      INSTALL_MS
    )
    if (install.code !== 0) throw new Error(`run.mjs --install failed:\n${install.output}`)
    expect(existsSync(join(ROOT, 'tools/local-action/node_modules/@github/local-action'))).toBe(
      true
    )
  }, INSTALL_MS + 30_000)

  afterEach(async () => {
    await api?.close()
    api = undefined
  })

  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('.env.example holds the secret the test looks for, and aims the action at the fake', () => {
    expect(SECRETS.map(([name]) => name)).toContain('INPUT_SECRET-ACCESS-KEY')
    expect(Object.fromEntries(SECRETS)['INPUT_SECRET-ACCESS-KEY']).toBe(DEMO.sk)
    expect(EXAMPLE).toContain(`INPUT_ENDPOINT=${EXAMPLE_URL}\n`)
    expect(EXAMPLE).toMatch(/^GITHUB_STEP_SUMMARY=[^/.][^\n]*$/m) // relative to the root, not to tools/
    expect(
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts['local-action']
    ).toBe('node tools/local-action/run.mjs')
  })

  it('installs only when its package is missing or its lock changed', async () => {
    const tools = join(ROOT, 'tools/local-action')
    const runMjs = (flag: string) =>
      runFromRoot(process.execPath, ['tools/local-action/run.mjs', flag], 60_000)
    // after beforeAll's install, a second one does nothing and says nothing
    const again = await runMjs('--install')
    expect([again.code, again.output]).toEqual([0, ''])
    // the stamp is the hash of package.json and the lock, so an edit of either makes an install due
    const stamp = join(tools, 'node_modules/.installed-lock-sha256')
    const hash = createHash('sha256')
    for (const f of ['package.json', 'package-lock.json']) hash.update(readFileSync(join(tools, f)))
    const recorded = readFileSync(stamp, 'utf8')
    expect(recorded).toBe(`${hash.digest('hex')}\n`)
    try {
      writeFileSync(stamp, `${'0'.repeat(64)}\n`)
      const stale = await runMjs('--check')
      expect([stale.code, stale.output]).toEqual([
        1,
        'install due: its package.json or lock changed\n'
      ])
      rmSync(stamp)
      const unrecorded = await runMjs('--check')
      expect([unrecorded.code, unrecorded.output]).toEqual([
        1,
        'install due: no record of a finished install\n'
      ])
    } finally {
      writeFileSync(stamp, recorded)
    }
    const current = await runMjs('--check')
    expect([current.code, current.output]).toEqual([0, 'installed and current\n'])
  })

  it(
    'a passing gate: outputs in the table, debug lines on request, no secret printed, exit code 0',
    async () => {
      // the demo workflow at four times its pace: PreCheck, Snapshot, Cluster and PostCheck in about 4 s
      const quarter = (ms: number) => Math.round(ms / 4)
      const pace = {
        preCheckMs: quarter(DEMO_PACE.preCheckMs),
        snapshotMs: quarter(DEMO_PACE.snapshotMs),
        clusterMs: quarter(DEMO_PACE.clusterMs),
        postCheckMs: quarter(DEMO_PACE.postCheckMs),
        progress: DEMO_PACE.progress.map(([p, ms]) => [p, quarter(ms)] as [string, number])
      }
      const url = await fake(demoWorkflowCluster(Date.now(), pace))
      const env = dotenvFor(url, 'pass', { ACTIONS_STEP_DEBUG: 'true' })
      const run = await localAction(env)

      expectNoSecret(run.output, join(dir, 'pass-summary.md'))
      expect({ timedOut: run.timedOut, code: run.code, signal: run.signal }).toEqual({
        timedOut: false,
        code: 0,
        signal: null
      })
      expect(run.output).not.toMatch(STACK)
      const outputs = outputsTable(run.output)
      expect(outputs).toMatchObject({
        result: 'success',
        workflowId: DEMO.workflowId,
        workflowPhase: 'Success',
        clusterPhase: 'Available'
      })
      expect(run.output).not.toContain('No outputs were set!')
      expect(run.output).toMatch(/^::debug::/m)
      const summary = readFileSync(join(dir, 'pass-summary.md'), 'utf8')
      expect(summary).toContain('## CCE upgrade gate')
      expect(summary).toContain('\n```mermaid\ngantt\n') // the workflow's steps as a chart
      // the gate signed its requests with the key the output never shows
      expect(
        api!.requests.filter(r => r.auth === 'aksk' && r.status === 200).length
      ).toBeGreaterThan(0)
    },
    RUN_MS + 30_000
  )

  it(
    'a failing gate: its ::error:: line and outputs, no debug lines when ACTIONS_STEP_DEBUG is false, no stack trace, exit code 1',
    async () => {
      const url = await fake({
        tasks: demoTasks([
          { phase: 'Running', progress: '12.50', ms: 1000 },
          { phase: 'Failed', progress: '12.50' }
        ])
      })
      const env = dotenvFor(url, 'fail', { ACTIONS_STEP_DEBUG: 'false' })
      const run = await localAction(env)

      expectNoSecret(run.output, join(dir, 'fail-summary.md'))
      expect({ timedOut: run.timedOut, code: run.code, signal: run.signal }).toEqual({
        timedOut: false,
        code: 1,
        signal: null
      })
      expect(run.output).not.toMatch(STACK)
      const errors = run.output.split('\n').filter(l => l.startsWith('::error::'))
      expect(errors).toHaveLength(1)
      expect(errors[0]).toContain(`upgrade task ${DEMO.taskId} of cluster ${DEMO.clusterId} Failed`)
      expect(outputsTable(run.output)).toMatchObject({ result: 'failed', phase: 'Failed' })
      expect(run.output).not.toMatch(/^::debug::/m)
    },
    RUN_MS + 30_000
  )
})
