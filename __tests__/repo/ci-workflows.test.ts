/**
 * What the workflows and the README's workflow examples must keep, beyond the schemas `npm run validate` checks:
 * a time limit on every job, one run per PR, no `${{ }}` pasted into a shell script, only the release job may
 * write, actions on majors that run on node24 — and the `uses: ./` job's fake API start must fail, not fall
 * through, when the server never listens.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import * as http from 'node:http'
import * as net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const WORKFLOWS = join('.github', 'workflows')
const workflows = readdirSync(WORKFLOWS)
  .filter(f => /\.ya?ml$/.test(f))
  .map(f => ({ name: f, text: readFileSync(join(WORKFLOWS, f), 'utf8') }))
// the README's examples and those it links in docs/examples.md
const readmeExamples = ['README.md', 'docs/examples.md']
  .flatMap(f => [...readFileSync(f, 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)])
  .map(m => m[1] ?? '')

/** The first major of each action whose action.yml says `runs.using: node24` (older ones run on Node 20). */
const NODE24_FROM: Record<string, number> = {
  'actions/checkout': 5,
  'actions/setup-node': 5,
  'actions/upload-artifact': 6,
  'github/codeql-action': 4
}

const indentOf = (line: string) => line.length - line.trimStart().length

/** The shell text of every `run:` (one-line or block scalar), with the line it starts on. */
function runScripts(yaml: string): { line: number; script: string }[] {
  const lines = yaml.split('\n')
  const scripts: { line: number; script: string }[] = []
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)(- )?run:\s*(.*)$/.exec(lines[i] ?? '')
    if (!m) continue
    const keyIndent = (m[1] ?? '').length + (m[2] ? 2 : 0)
    const start = i + 1
    let script = m[3] ?? ''
    if (/^[|>][-+]?\s*$/.test(script)) {
      script = ''
      while (i + 1 < lines.length) {
        const next = lines[i + 1] ?? ''
        if (next.trim() !== '' && indentOf(next) <= keyIndent) break
        script += `${next}\n`
        i++
      }
    }
    scripts.push({ line: start, script })
  }
  return scripts
}

/** Each job of a workflow: its ID and the lines under it. */
function jobs(yaml: string): { id: string; body: string }[] {
  const lines = yaml.split('\n')
  const start = lines.indexOf('jobs:')
  const found: { id: string; body: string }[] = []
  for (const line of start < 0 ? [] : lines.slice(start + 1)) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue
    if (indentOf(line) === 0) break
    const id = /^ {2}([A-Za-z_][\w-]*):\s*$/.exec(line)?.[1]
    if (id) found.push({ id, body: '' })
    else if (found.length > 0) found[found.length - 1]!.body += `${line}\n`
  }
  return found
}

describe('the workflows', () => {
  it('exist (ci, codeql, mutate, release)', () => {
    expect(workflows.map(w => w.name).sort()).toEqual([
      'ci.yml',
      'codeql.yml',
      'mutate.yml',
      'release.yml'
    ])
  })

  it.each(workflows.map(w => [w.name, w.text]))(
    '%s: every job has a timeout-minutes',
    (_, text) => {
      const all = jobs(text)
      expect(all.length).toBeGreaterThan(0)
      expect(all.filter(j => !/^ {4}timeout-minutes: \d+$/m.test(j.body)).map(j => j.id)).toEqual(
        []
      )
    }
  )

  it.each(workflows.map(w => [w.name, w.text]))('%s: has a concurrency group', (_, text) => {
    expect(text).toMatch(/^concurrency:\n {2}group: \S/m)
  })

  it.each(workflows.map(w => [w.name, w.text]))(
    '%s: no ${{ }} inside a run: script (values go through env:)',
    (_, text) => {
      expect(runScripts(text).filter(s => s.script.includes('${{'))).toEqual([])
    }
  )

  it('have their run: scripts found by the scanner the checks above rely on', () => {
    const scripts = workflows.flatMap(w => runScripts(w.text).map(s => s.script))
    expect(scripts).toContain('bash .ci/run')
    expect(scripts.some(s => s.includes('git push --force origin "refs/tags/$MAJOR"\n'))).toBe(true)
    expect(jobs(workflows.find(w => w.name === 'ci.yml')!.text).map(j => j.id)).toEqual([
      'check',
      'run-action'
    ])
  })

  it('grant read-only contents at the top, and write only to the job that moves the major tag', () => {
    for (const { text } of workflows) expect(text).toMatch(/^permissions:\n {2}contents: read$/m)
    const writers = workflows.flatMap(w =>
      jobs(w.text)
        .filter(j => /: write\b/.test(j.body))
        .map(j => `${w.name}:${j.id}:${/^ {6}([\w-]+): write/m.exec(j.body)?.[1]}`)
    )
    expect(writers.sort()).toEqual([
      'codeql.yml:analyze:security-events',
      'release.yml:move-major-tag:contents'
    ])
  })

  it('use each action at a major that runs on node24', () => {
    const uses = workflows.flatMap(w =>
      [...w.text.matchAll(/uses:\s*([\w.-]+\/[\w.-]+)(?:\/[\w./-]+)?@(\S+)/g)].map(m => ({
        action: m[1] ?? '',
        ref: m[2] ?? ''
      }))
    )
    expect(uses.length).toBeGreaterThan(0)
    for (const { action, ref } of uses) {
      const first = NODE24_FROM[action]
      expect([action, first === undefined ? 'not in NODE24_FROM' : 'known']).toEqual([
        action,
        'known'
      ])
      expect([action, Number(/^v(\d+)$/.exec(ref)?.[1]) >= first!]).toEqual([action, true])
    }
  })
})

describe("the README's workflow examples", () => {
  it('are there', () => {
    expect(readmeExamples.length).toBeGreaterThan(3)
  })

  it('put no ${{ }} inside a run: script (values go through env:)', () => {
    const leaks = readmeExamples.flatMap(e => runScripts(e).filter(s => s.script.includes('${{')))
    expect(leaks).toEqual([])
  })

  it('grant id-token: write wherever they log in with OIDC', () => {
    for (const example of readmeExamples.filter(e => /identity-provider:/.test(e)))
      expect(example).toMatch(/^\s*id-token: write\b/m)
  })
})

describe('.ci/start-fake-api', () => {
  let dir = ''
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'start-fake-api-'))
    // A server that starts but never listens: the import never settles, so fake-api.mjs never runs.
    writeFileSync(
      join(dir, 'hang.mjs'),
      'setInterval(() => {}, 1000)\nawait new Promise(() => {})\n'
    )
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const freePort = () =>
    new Promise<number>((resolve, reject) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo
        server.close(() => resolve(port))
      })
      server.on('error', reject)
    })

  const start = (scenario: string, port: number, env: Record<string, string> = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>(resolve => {
      execFile(
        'bash',
        ['.ci/start-fake-api', scenario, String(port)],
        { env: { ...process.env, RUNNER_TEMP: dir, NODE_OPTIONS: '', ...env }, timeout: 25_000 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
          resolve({ code, stdout, stderr })
        }
      )
    })

  const alive = (pid: number) => {
    try {
      process.kill(pid, 0)
      return true
    } catch {
      return false
    }
  }

  it('returns once the server listens, and leaves it running', async () => {
    const port = await freePort()
    const { code, stdout, stderr } = await start('success', port)
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
    const pid = Number(/pid (\d+)/.exec(stdout)?.[1])
    try {
      const status = await new Promise<number>((resolve, reject) =>
        http
          .get(`http://127.0.0.1:${port}/`, res => {
            res.resume()
            resolve(res.statusCode ?? 0)
          })
          .on('error', reject)
      )
      expect(status).toBeGreaterThan(0)
    } finally {
      process.kill(pid)
    }
  })

  it('fails with the server output when the server exits before it listens', async () => {
    const { code, stderr } = await start('no-such-scenario', await freePort())
    expect(code).toBe(1)
    expect(stderr).toMatch(
      /^::error::fake API \(no-such-scenario, pid \d+\) on 127\.0\.0\.1:\d+ exited with status 2/
    )
    expect(stderr).toContain('unknown scenario no-such-scenario')
  })

  it('fails, and ends the server, when it does not listen in time', async () => {
    const { code, stderr } = await start('success', await freePort(), {
      NODE_OPTIONS: `--import=${join(dir, 'hang.mjs')}`,
      FAKE_API_WAIT_SECONDS: '1'
    })
    expect(code).toBe(1)
    expect(stderr).toMatch(
      /^::error::fake API \(success, pid \d+\) on 127\.0\.0\.1:\d+ did not listen within 1s/
    )
    expect(alive(Number(/pid (\d+)/.exec(stderr)?.[1]))).toBe(false)
  })
})

describe('the mutation testing workflow (mutate.yml)', () => {
  const text = () => workflows.find(w => w.name === 'mutate.yml')?.text ?? ''

  it('runs weekly and on demand, never on a push or a pull request (too slow)', () => {
    expect(text()).toMatch(/^on:\n(?: {2}.*\n)*? {2}schedule:\n {4}- cron: '[^']+'\n/m)
    expect(text()).toMatch(/^ {2}workflow_dispatch:/m)
    expect(text()).not.toMatch(/^ {2}(push|pull_request)\b/m)
  })

  it('installs with npm ci, runs npm run mutate, and uploads the report whatever the outcome', () => {
    // (the `defaults: run:` mapping reads as an empty script)
    const scripts = runScripts(text())
      .map(s => s.script.trim())
      .filter(Boolean)
    expect(scripts).toEqual(['npm ci --no-audit --no-fund', 'npm run mutate'])
    expect(text()).toMatch(
      / {6}if: always\(\)\n {8}uses: actions\/upload-artifact@v\d+\n {8}with:\n(?: {10}.*\n)*? {10}path: reports\/mutation\/\n/
    )
  })
})
