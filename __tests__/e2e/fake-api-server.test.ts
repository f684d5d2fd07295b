/**
 * The fake API is the judge of the end-to-end tests, so it is tested too (one file per part of it,
 * fake-api-*.test.ts). Here, the fake as a server: its request log, its throttling like one account's quota,
 * concurrent and hanging requests, its command line and its built-in scenarios, as documented in fake-api.mjs.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import * as http from 'node:http'
import { fileURLToPath } from 'node:url'
import { parseGoTime } from '../../src/lib/go-time.js'
import {
  DEMO,
  cliUsage,
  demoWorkflowCluster,
  goTime,
  scenarios,
  startFakeApi
} from '../support/fake-api.mjs'
import {
  P,
  C,
  T,
  clusterPath,
  taskPath,
  clusterBase,
  KEY,
  TOKEN,
  T0,
  call,
  sdkSign,
  task,
  fake,
  closeFakes,
  WF,
  PC,
  state,
  workflow,
  workflowsPath,
  workflowPath,
  preChecksPath
} from '../support/fake-api-harness.js'

afterEach(closeFakes)

describe('the request log', () => {
  it('names the endpoint of every request, answered, refused or throttled', async () => {
    const api = await fake({
      now: () => T0,
      tasks: { [KEY]: [task(T, [{ phase: 'Running', progress: '1.00' }])] },
      clusters: {
        [KEY]: {
          workflows: [workflow([state('Running', 'Success', 'Running')])],
          prechecks: [{ uid: PC, phase: 'Success' }]
        }
      },
      rateLimit: { rate: 1, burst: 10 }
    })
    const paths = [
      clusterBase(),
      clusterPath(),
      taskPath(),
      workflowsPath(),
      workflowPath(),
      preChecksPath(),
      `${preChecksPath()}/${PC}`,
      '/v3/projects',
      '/api/v3/nothing'
    ]
    for (const path of paths) await call(api.url, path, TOKEN)
    await call(api.url, '/oidc/token?audience=x', { Authorization: 'Bearer oidc-request-token' })
    await call(api.url, clusterBase(), {}) // 401: still a cluster request
    await call(api.url, workflowPath(), TOKEN) // throttled
    const kinds = api.requests.map(r => [r.kind, r.status])
    expect(kinds).toEqual([
      ['cluster', 200],
      ['tasks', 200],
      ['task', 200],
      ['workflows', 200],
      ['workflow', 200],
      ['prechecks', 200],
      ['precheck', 200],
      ['iam', 200],
      ['other', 404],
      ['oidc', 200],
      ['cluster', 401],
      ['workflow', 429]
    ])
    expect(api.requests.map(r => r.taskId)).toEqual([
      undefined,
      undefined,
      T,
      undefined,
      WF,
      undefined,
      PC,
      undefined,
      undefined,
      undefined,
      undefined,
      WF
    ])
    expect(api.count({ clusterId: C })).toBe(9)
    expect(api.count({ kind: 'workflow' })).toBe(2)
  })
})

describe('rate limit', () => {
  it('is one token bucket for all requests; 429 APIG.0308 with or without Retry-After', async () => {
    let now = 1_000_000
    const api = await fake({
      now: () => now,
      tasks: { [`${P}/${C}`]: [task(T, [{ phase: 'Init', progress: '0.00' }])] },
      rateLimit: { rate: 2, burst: 3, retryAfter: true }
    })
    const statuses = async (n: number) => {
      const out = []
      for (let i = 0; i < n; i++)
        out.push((await call(api.url, i % 2 ? '/v3/projects' : taskPath(), TOKEN)).status)
      return out
    }
    expect(await statuses(4)).toEqual([200, 200, 200, 429])
    const limited = await call(api.url, taskPath(), TOKEN)
    expect([limited.status, limited.headers['retry-after']]).toEqual([429, '1'])
    expect(limited.json()).toEqual({
      error_msg:
        'The throttling threshold has been reached: policy user over ratelimit,limit:2,time:1 second',
      error_code: 'APIG.0308',
      request_id: limited.headers['x-request-id']
    })
    now += 500
    expect(await statuses(2)).toEqual([200, 429])
    now += 10_000
    expect(await statuses(4)).toEqual([200, 200, 200, 429])
    expect(api.count({ throttled: true })).toBe(4)
    expect(api.count(r => r.throttled && r.status === 429)).toBe(4)
    // GitHub's OIDC endpoint is not part of the Huawei account's quota
    const oidc = await call(api.url, '/oidc/token?audience=x', {
      Authorization: 'Bearer oidc-request-token'
    })
    expect(oidc.status).toBe(200)

    for (const [retryAfter, header] of [
      ['7', '7'],
      [undefined, undefined]
    ] as const) {
      const other = await fake({ rateLimit: { rate: 1, burst: 1, retryAfter } })
      await call(other.url, '/x', TOKEN)
      const res = await call(other.url, '/x', TOKEN)
      expect([res.status, res.headers['retry-after']]).toEqual([429, header])
    }
  })
})

describe('server', () => {
  it('serves many concurrent keep-alive requests, each with its own request ID', async () => {
    const lines: string[] = []
    const api = await fake({
      tasks: { [`${P}/${C}`]: [task(T, [{ phase: 'Running', progress: '1.00' }])] },
      log: line => lines.push(line)
    })
    const agent = new http.Agent({ keepAlive: true, maxSockets: 30 })
    try {
      const answers = await Promise.all(
        Array.from({ length: 90 }, () => call(api.url, taskPath(), TOKEN, { agent }))
      )
      expect(answers.every(a => a.status === 200)).toBe(true)
      expect(new Set(answers.map(a => a.headers['x-request-id'])).size).toBe(90)
      expect(api.count()).toBe(90)
      expect(api.count({ taskId: T })).toBe(90)
      expect(lines).toHaveLength(90)
      expect(lines.join('\n')).not.toContain('demo-iam-token')
    } finally {
      agent.destroy()
    }
  })

  it('closes promptly while a request hangs', async () => {
    const api = await startFakeApi({
      tasks: {
        [`${P}/${C}`]: [
          task(T, [{ phase: 'Running', progress: '1.00' }], { faults: [{ poll: 1, kind: 'hang' }] })
        ]
      }
    })
    const pending = call(api.url, taskPath(), TOKEN)
    while (api.count() === 0) await new Promise(r => setTimeout(r, 5))
    const t0 = Date.now()
    await api.close()
    expect(Date.now() - t0).toBeLessThan(500)
    await expect(pending).rejects.toThrow()
    expect(api.requests[0]?.status).toBe(-2)
    await api.close() // twice is fine
  })

  /** Runs the fake's CLI with a scenario, hands `use` its URL, then stops it with SIGTERM. */
  async function withCli(scenario: string, use: (url: string) => Promise<void>) {
    const script = fileURLToPath(new URL('../support/fake-api.mjs', import.meta.url))
    const child = spawn(process.execPath, [script, '--scenario', scenario, '--port', '0'], {
      // its stderr says what it serves and when it stops (checked in scenarios.test.ts), not for jest's output
      stdio: ['ignore', 'pipe', 'pipe']
    })
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = ''
        child.stdout.on('data', c => {
          out += c
          if (out.includes('\n')) resolve(out)
        })
        child.on('error', reject)
        child.on('exit', code => reject(new Error(`exited ${code}`)))
      })
      const m = /^FAKE_API_URL=(http:\/\/127\.0\.0\.1:\d+)\n$/.exec(line)
      expect(m).not.toBeNull()
      await use(m![1]!)
    } finally {
      const exited = new Promise(r => child.on('exit', (code, signal) => r([code, signal])))
      child.kill('SIGTERM')
      expect(await exited).toEqual([0, null])
    }
  }
  const signedGet = (url: string, path: string) =>
    call(url, path, sdkSign(url, path, { at: Date.now() }))

  it('runs from the command line with a built-in scenario', async () => {
    expect(Object.keys(scenarios)).toEqual(['success', 'failed', 'workflow'])
    await withCli('failed', async url => {
      const res = await signedGet(url, taskPath())
      expect([res.status, res.json().status.phase]).toEqual([200, 'Init'])
      const listed = await signedGet(url, clusterPath())
      expect(listed.json().items[0].spec).toEqual({
        version: 'v1.28.3-r4',
        targetVersion: 'v1.29.5-r0',
        items: {}
      })
    })
  })

  /** Runs the fake's CLI with `args` to its end; kills it (and fails) when it is still running after 20 s. */
  function cliRun(args: string[]) {
    const script = fileURLToPath(new URL('../support/fake-api.mjs', import.meta.url))
    return new Promise<{ code: number | null; stdout: string; stderr: string; killed: boolean }>(
      (resolve, reject) => {
        const child = spawn(process.execPath, [script, ...args], {
          stdio: ['ignore', 'pipe', 'pipe']
        })
        let stdout = ''
        let stderr = ''
        let killed = false
        child.stdout.on('data', c => (stdout += c))
        child.stderr.on('data', c => (stderr += c))
        const timer = setTimeout(() => {
          killed = true
          child.kill('SIGKILL')
        }, 20_000)
        child.on('error', reject)
        child.on('close', code => {
          clearTimeout(timer)
          resolve({ code, stdout, stderr, killed })
        })
      }
    )
  }

  it('--help prints the usage (every flag, every scenario) and exits 0 without serving', async () => {
    for (const flag of ['--help', '-h']) {
      const r = await cliRun([flag])
      expect({ killed: r.killed, code: r.code, stderr: r.stderr }).toEqual({
        killed: false,
        code: 0,
        stderr: ''
      })
      expect(r.stdout).toBe(`${cliUsage()}\n`)
    }
    const usage = cliUsage()
    expect(usage.split('\n')[0]).toBe(
      'usage: node __tests__/support/fake-api.mjs [--scenario NAME] [--port N] [--max-seconds N] [--verbose]'
    )
    for (const flag of [
      '--scenario NAME',
      '--port N',
      '--max-seconds N',
      '--verbose',
      '-h, --help'
    ])
      expect(usage).toMatch(new RegExp(`^  ${flag.replace(/[-,]/g, '\\$&')}  `, 'm'))
    for (const name of Object.keys(scenarios))
      expect(usage).toMatch(new RegExp(`^ {23}${name} +\\S`, 'm'))
    expect(usage).not.toContain(DEMO.sk)
  })

  it('an unknown flag, a missing value or a bad one: the problem and the usage on stderr, exit 2', async () => {
    const cases: [string[], string][] = [
      [['--bogus'], "fake-api.mjs: Unknown option '--bogus'"],
      [['--scenario', 'workflow', '--prot', '18080'], "fake-api.mjs: Unknown option '--prot'"],
      [['--port'], "fake-api.mjs: Option '--port <value>' argument missing"],
      [['workflow'], "fake-api.mjs: Unexpected argument 'workflow'"],
      [['--port', 'eighty'], 'fake-api.mjs: --port eighty: expected a port number, 0 to 65535'],
      [
        ['--scenario', 'rollback'],
        'fake-api.mjs: unknown scenario rollback: use success, failed, workflow'
      ],
      [
        ['--max-seconds', '0'],
        'fake-api.mjs: --max-seconds 0: expected a number of seconds above 0'
      ]
    ]
    for (const [args, problem] of cases) {
      const r = await cliRun(args)
      expect({ args, killed: r.killed, code: r.code, stdout: r.stdout }).toEqual({
        args,
        killed: false,
        code: 2,
        stdout: ''
      })
      expect(r.stderr.startsWith(problem)).toBe(true)
      expect(r.stderr.endsWith(`\n\n${cliUsage()}\n`)).toBe(true)
    }
  })

  it('serves the workflow scenario from the command line', async () => {
    await withCli('workflow', async url => {
      const workflows = (await signedGet(url, `${clusterBase()}/operation/upgradeworkflows`)).json()
      expect(workflows.items.map((w: { metadata: { uid: string } }) => w.metadata.uid)).toEqual([
        DEMO.workflowId
      ])
      expect(workflows.items[0].status.pointStatuses[0]).toMatchObject({
        taskType: 'PreCheck',
        status: 'Running'
      })
      const tasks = (await signedGet(url, clusterPath())).json().items
      expect(tasks.map((t: { metadata: { uid: string } }) => t.metadata.uid)).toEqual([
        DEMO.oldTaskId
      ])
      expect((await signedGet(url, taskPath())).status).toBe(404)
      const cluster = await signedGet(url, clusterBase())
      expect([cluster.status, cluster.json().status.phase]).toEqual([200, 'Available'])
    })
  })

  it('the workflow scenario passes through PreCheck, Snapshot, Cluster and PostCheck in about 14 s', async () => {
    let now = 0
    const api = await fake({ ...scenarios.workflow, now: () => now })
    const json = async (path: string) => {
      const res = await call(api.url, path, TOKEN)
      return res.status === 200 ? res.json() : res.status
    }
    const seen: [string, number][] = []
    const last = new Map<string, string>()
    /** notes each change of what one source shows, and when */
    const note = (source: string, shown: string) => {
      if (last.get(source) !== shown) seen.push([`${source} ${shown}`, now])
      last.set(source, shown)
    }
    let oldTask: { status: { phase: string; completionTime: string } } | undefined
    for (now = 0; now <= 20_000; now += 250) {
      const w = await json(workflowPath(DEMO.workflowId))
      const running = (w.status.pointStatuses as { taskType: string; status: string }[]).filter(
        p => p.status === 'Running'
      )
      note('workflow', `${w.status.phase} ${running.map(p => p.taskType).join()}`)
      const t = await json(taskPath())
      note('task', t === 404 ? 'hidden' : `${t.status.phase} ${t.status.progress}`)
      note('cluster', (await json(clusterBase())).status.phase)
      oldTask ??= await json(taskPath(DEMO.oldTaskId))
      if (w.status.phase === 'Success') break
    }
    expect(seen).toEqual([
      ['workflow Running PreCheck', 0],
      ['task hidden', 0],
      ['cluster Available', 0],
      ['workflow Running Snapshot', 2000],
      ['workflow Running Cluster', 4000],
      ['task Running 12.50', 4000],
      ['cluster Upgrading', 4000],
      ['task Running 37.50', 5500],
      ['task Running 62.50', 7500],
      ['task Running 87.50', 9500],
      ['task Success 100.00', 11_000],
      ['workflow Running PostCheck', 12_000],
      ['cluster Available', 13_000],
      ['workflow Success ', 14_000]
    ])
    // last quarter's upgrade: Success 90 days ago, visible from the start
    expect(oldTask!.status.phase).toBe('Success')
    const days = (Date.now() - parseGoTime(oldTask!.status.completionTime)!) / 86_400_000
    expect(Math.round(days)).toBe(90)
    // the helper builds the same cluster for other tests, relative to a given time
    const built = demoWorkflowCluster(T0)
    expect(built.tasks[KEY]!.map(t => t.uid)).toEqual([DEMO.oldTaskId, DEMO.taskId])
    expect(built.clusters[KEY]!.workflows![0]!.creationTimestamp).toBe(goTime(T0 - 1000))
  })

  it('scenarios end in Success after about 15 s and in Failed after about 10 s', async () => {
    for (const [name, phase, seconds] of [
      ['success', 'Success', 15],
      ['failed', 'Failed', 10]
    ] as const) {
      let now = 0
      const api = await fake({ ...scenarios[name], now: () => now })
      const seen: string[] = []
      for (now = 0; now <= 20_000; now += 250) {
        const s = (await call(api.url, taskPath(), TOKEN)).json().status
        const last = seen.at(-1)
        if (last !== `${s.phase} ${s.progress}`) seen.push(`${s.phase} ${s.progress}`)
        if (s.phase === phase) break
      }
      expect(seen.at(-1)).toBe(`${phase} ${phase === 'Success' ? '100.00' : '62.50'}`)
      expect(Math.abs(now - seconds * 1000)).toBeLessThanOrEqual(500)
      expect(seen.slice(0, 3)).toEqual(['Init 0.00', 'Queuing 0.00', 'Running 12.50'])
    }
  })
})
