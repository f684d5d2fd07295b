/**
 * Issue 23.2 and 23.3: every end state can be tried (`npm run demo -- <scenario>`, the fake's `--scenario`), each
 * scenario ends as it says, and the fake says on stderr what it serves and when and why it stops. The committed
 * dist/index.js runs against each scenario as the runner runs it.
 */
import { describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { demoInputs, startFakeApi } from '../support/fake-api.mjs'
import { SCENARIOS, scenarioList } from '../support/scenarios.mjs'
import { errors, runAction, warnings } from '../support/run-action.js'

const REQUIRED = [
  'success',
  'failed',
  'workflow',
  'precheck-failed',
  'paused',
  'rolled-back',
  'cancelled',
  'post-check-not-started',
  'throttled',
  'abandoned-workflow'
]

function node(script: string, args: string[], killAfterMs = 20_000) {
  return new Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>(
    (resolve, reject) => {
      const started = Date.now()
      const child = spawn(process.execPath, [script, ...args], {
        stdio: ['ignore', 'pipe', 'pipe']
      })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', c => (stdout += c))
      child.stderr.on('data', c => (stderr += c))
      const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs)
      child.on('error', reject)
      child.on('close', code => {
        clearTimeout(timer)
        resolve({ code, stdout, stderr, ms: Date.now() - started })
      })
    }
  )
}

const script = (name: string) => fileURLToPath(new URL(`../support/${name}`, import.meta.url))

describe('the scenarios', () => {
  it('cover every end state the issue names; --list names each with one line', async () => {
    expect(Object.keys(SCENARIOS)).toEqual(expect.arrayContaining(REQUIRED))
    const r = await node(script('demo.mjs'), ['--list'])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(`${scenarioList()}\n`)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines.map(l => l.split(/\s+/)[0])).toEqual(Object.keys(SCENARIOS))
    for (const [name, s] of Object.entries(SCENARIOS)) {
      expect(s.note).not.toContain('\n')
      expect(lines).toContainEqual(
        expect.stringMatching(new RegExp(`^${name} +${s.note.slice(0, 20)}`))
      )
    }
  })

  it('an unknown demo names the scenarios and --list, exit 2', async () => {
    const r = await node(script('demo.mjs'), ['rollback'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`use one of ${Object.keys(SCENARIOS).join(', ')}, or all`)
    expect(r.stderr).toContain('--list')
  })

  // all at once: each waits on the fake's timeline (5 to 20 s), not on the CPU
  it('each ends as it says: exit code, result, and what the log says', async () => {
    const runs = await Promise.all(
      Object.entries(SCENARIOS).map(async ([name, s]) => {
        const api = await startFakeApi(s.options(Date.now()))
        try {
          const r = await runAction({
            inputs: demoInputs(api.url, s.inputs ?? {}).inputs,
            timeoutMs: 150_000
          })
          return { name, r, requests: [...api.requests] }
        } finally {
          await api.close()
        }
      })
    )
    const by = Object.fromEntries(runs.map(x => [x.name, x]))
    for (const { name, r } of runs)
      expect({ name, code: r.code, result: r.outputs['result'] }).toEqual({
        name,
        code: SCENARIOS[name]!.expect.code,
        result: SCENARIOS[name]!.expect.result
      })
    const error = (name: string) => errors(by[name]!.r.stdout).join('\n')
    const warned = (name: string) => warnings(by[name]!.r.stdout).join('\n')
    expect(by['precheck-failed']!.r.outputs['failedStep']).toBe('PreCheck')
    expect(error('precheck-failed')).toContain('2 item(s) block the upgrade: DeprecatedAPI')
    expect(error('paused')).toContain('is paused at 37.50%')
    expect(error('rolled-back')).toMatch(/Rollback step ran|rolled back/)
    expect(error('cancelled')).toContain('was cancelled')
    expect(warned('post-check-not-started')).toContain('its post-check has not been started')
    expect(by['throttled']!.requests.some(q => q.status === 429)).toBe(true)
    expect(warned('throttled')).toMatch(/HTTP 429 APIG\.0308/)
    expect(warned('abandoned-workflow')).toContain(
      'passed its pre-check but its cluster upgrade was never started'
    )
    expect(by['abandoned-workflow']!.r.outputs['taskId']).not.toBe('')
  }, 200_000)
})

describe("the fake's command line", () => {
  it('says on stderr what it serves, and when and why it stops after --max-seconds', async () => {
    const r = await node(script('fake-api.mjs'), ['--scenario', 'paused', '--max-seconds', '1'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^FAKE_API_URL=http:\/\/127\.0\.0\.1:\d+\n$/)
    const url = r.stdout.trim().slice('FAKE_API_URL='.length)
    const [serving, stopping, ...rest] = r.stderr.trimEnd().split('\n')
    expect(serving).toMatch(
      /^fake-api\.mjs: serving scenario paused \(.+\); the gate's inputs for it: on-pause: fail\. Stops on Ctrl-C, SIGTERM or after --max-seconds 1 \(at \d\d:\d\d:\d\d UTC\)\.$/
    )
    expect(stopping).toBe(
      `fake-api.mjs: stopping (--max-seconds 1 reached; start it again, or give a larger --max-seconds); ${url} no longer answers.`
    )
    expect(rest).toEqual([])
  })

  it('serves every scenario', async () => {
    const usage = readFileSync(script('fake-api.mjs'), 'utf8')
    expect(usage).toContain("import { SCENARIOS } from './scenarios.mjs'")
    const r = await node(script('fake-api.mjs'), [
      '--scenario',
      'abandoned-workflow',
      '--max-seconds',
      '1'
    ])
    expect(r.code).toBe(0)
    expect(r.stderr).toContain("the gate's inputs for it: task-id: (empty)")
  })
})

describe('the scenarios in the docs', () => {
  const page = readFileSync('docs/scenarios.md', 'utf8')
  // the end-state table, linked from the README's "How the gate decides"
  const endStates = readFileSync('docs/end-states.md', 'utf8')

  it('docs/scenarios.md describes each scenario under its name, and no other', () => {
    const headings = [...page.matchAll(/^### (\S+)$/gm)].map(m => m[1])
    expect(headings).toEqual(Object.keys(SCENARIOS))
  })

  it('the end-state table (docs/end-states.md) links each scenario, and only to scenarios that exist', () => {
    const links = [...endStates.matchAll(/\(scenarios\.md#([\w-]+)\)/g)].map(m => m[1])
    expect(new Set(links)).toEqual(new Set(Object.keys(SCENARIOS)))
    // each link sits in a row of the table
    for (const name of Object.keys(SCENARIOS))
      expect(endStates).toMatch(
        new RegExp(`^\\| [^\\n]*\\(scenarios\\.md#${name}\\)[^\\n]*\\|$`, 'm')
      )
  })
})
