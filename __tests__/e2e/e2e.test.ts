/**
 * End to end: the committed dist/index.js, run as the runner runs it (INPUT_* variables with action.yml's
 * defaults, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, SIGINT), against the project's fake CCE API, which
 * checks every AK/SK signature with its own implementation.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEMO, startFakeApi } from '../support/fake-api.mjs'
import type { FakeApi, FakeApiOptions } from '../support/fake-api.mjs'
import { errors, warnings, visible, runAction } from '../support/run-action.js'

const P = DEMO.projectId
const C = DEMO.clusterId
const T = DEMO.taskId

let api: FakeApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

const steps = (...s: [string, string][]) =>
  s.map(([phase, progress]) => ({ phase, progress, polls: 1 }))

function task(timeline: ReturnType<typeof steps>, extra: Record<string, unknown> = {}) {
  return {
    uid: T,
    version: 'v1.28.3-r4',
    targetVersion: 'v1.29.5-r0',
    creationTimestamp: '2026-11-24 18:00:00.123456 +0800 CST',
    timeline,
    ...extra
  }
}

async function fake(options: Partial<FakeApiOptions> = {}): Promise<FakeApi> {
  api = await startFakeApi({
    projects: [{ id: P, name: 'ap-southeast-1' }],
    tasks: { [`${P}/${C}`]: [task(steps(['Running', '50.00'], ['Success', '100.00']))] },
    ...options
  })
  return api
}

function inputs(a: FakeApi, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'cluster-id': C,
    'task-id': T,
    region: 'ap-southeast-1',
    'project-id': P,
    'access-key-id': DEMO.ak,
    'secret-access-key': DEMO.sk,
    endpoint: a.url,
    'iam-endpoint': a.url,
    interval: '1s',
    timeout: '30s',
    ...extra
  }
}

describe('the gate, end to end', () => {
  it('passes on Success with signed requests, outputs and a summary', async () => {
    const a = await fake({
      tasks: {
        [`${P}/${C}`]: [
          task(
            steps(
              ['Init', '0.00'],
              ['Queuing', '0.00'],
              ['Running', '45.00'],
              ['Success', '100.00']
            )
          )
        ]
      }
    })
    const r = await runAction({ inputs: inputs(a) })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.outputs).toEqual({
      result: 'success',
      taskId: T,
      phase: 'Success',
      progress: '100.00',
      version: 'v1.28.3-r4',
      targetVersion: 'v1.29.5-r0',
      completionTime: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/),
      workflowId: '',
      workflowPhase: '',
      failedStep: '',
      clusterPhase: 'Available'
    })
    expect(r.summary).toContain('| Result | ✅ Success |')
    expect(r.summary).toContain('### Timeline')
    expect(r.stdout).toMatch(/Running 45.00% · v1.28.3-r4 → v1.29.5-r0 · \d+s elapsed/)
    const polls = a.requests.filter(q => q.path.endsWith(`/tasks/${T}`))
    expect(polls).toHaveLength(4)
    expect(polls.every(q => q.status === 200 && q.auth === 'aksk')).toBe(true)
  })

  it('fails on Failed, naming task, cluster, versions, progress and the request ID', async () => {
    const a = await fake({
      tasks: { [`${P}/${C}`]: [task(steps(['Running', '40.00'], ['Failed', '62.50']))] }
    })
    const r = await runAction({ inputs: inputs(a) })
    expect(r.code).toBe(1)
    const e = errors(r.stdout)
    expect(e).toHaveLength(1)
    expect(e[0]).toMatch(
      new RegExp(
        `upgrade task ${T} of cluster ${C} Failed at 62.50% \\(v1.28.3-r4 → v1.29.5-r0\\); request ID of the last response: [0-9a-f]+`
      )
    )
    expect(r.outputs).toMatchObject({ result: 'failed', phase: 'Failed', progress: '62.50' })
    expect(r.summary).toContain('❌ Failed')
  })

  it('rides out 429 (with and without Retry-After), 5xx, resets and broken JSON', async () => {
    const faults = [
      {
        poll: 1,
        kind: 'status',
        status: 429,
        body: { error_code: 'APIG.0308', error_msg: 'The throttling threshold has been reached' }
      },
      { poll: 2, kind: 'status', status: 503 },
      { poll: 3, kind: 'reset' },
      { poll: 4, kind: 'badjson' },
      { poll: 5, kind: 'status', status: 429, retryAfter: '1' },
      { poll: 6, kind: 'status', status: 502 }
    ]
    const a = await fake({
      tasks: {
        [`${P}/${C}`]: [task(steps(['Running', '50.00'], ['Success', '100.00']), { faults })]
      }
    })
    const r = await runAction({ inputs: inputs(a) })
    expect(r.code).toBe(0)
    const w = warnings(r.stdout)
    expect(w).toHaveLength(6)
    expect(w[0]).toMatch(
      /^::warning::HTTP 429 APIG.0308: The throttling threshold has been reached \(request ID [0-9a-f]+\); retrying in/
    )
    expect(w[1]).toMatch(/HTTP 503/)
    expect(w[2]).toMatch(/ECONNRESET|socket hang up|closed/)
    expect(w[3]).toMatch(/not the expected JSON/)
    expect(r.outputs['phase']).toBe('Success')
  })

  it('fails at once on a refused signature, without a stack trace or the secret', async () => {
    const a = await fake()
    const r = await runAction({
      inputs: inputs(a, { 'secret-access-key': 'the-wrong-secret-key' }),
      env: { RUNNER_DEBUG: '1' }
    })
    expect(r.code).toBe(1)
    expect(a.requests).toHaveLength(1)
    expect(errors(r.stdout)[0]).toMatch(
      /CCE refused access .* \(HTTP 401 APIGW.0301: .*\(request ID [0-9a-f]+\)\)\. CCE did not accept the credentials: check that access-key-id and secret-access-key .* runner's clock is right/
    )
    expect(visible(r.stdout + r.stderr)).not.toContain('the-wrong-secret-key')
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/)
  })

  it('rejects bad input with one clear error before any request', async () => {
    const a = await fake()
    const r = await runAction({
      inputs: inputs(a, { 'task-id': '../../clusters', interval: '5s' })
    })
    expect(r.code).toBe(1)
    expect(errors(r.stdout)).toEqual([
      '::error::Input task-id is not a valid ID: only letters, digits, "-" and "_" are accepted (1 to 128 characters)'
    ])
    expect(a.requests).toHaveLength(0)
    expect(r.outputs['result']).toBe('error')
    expect(Object.entries(r.outputs).filter(([k, v]) => k !== 'result' && v)).toEqual([])
    expect(r.summary).toContain('Input task-id is not a valid ID')
  })

  it('times out within about a second of the deadline, with the last phase', async () => {
    const a = await fake({ tasks: { [`${P}/${C}`]: [task(steps(['Running', '45.00']))] } })
    const r = await runAction({ inputs: inputs(a, { timeout: '3s' }) })
    expect(r.code).toBe(1)
    expect(errors(r.stdout)[0]).toMatch(
      /^::error::Timed out after 3s waiting for the upgrade task .*: last phase Running, progress 45.00%/
    )
    expect(r.outputs).toMatchObject({ result: 'timeout', phase: 'Running' })
    expect(r.wallMs).toBeLessThan(3000 + 1500)
    const last = Math.max(...a.requests.map(q => q.t))
    expect(last - a.requests[0]!.t).toBeLessThan(3000)
  })

  it('cuts a hanging request at the deadline', async () => {
    const a = await fake({
      tasks: {
        [`${P}/${C}`]: [task(steps(['Running', '45.00']), { faults: [{ poll: 2, kind: 'hang' }] })]
      }
    })
    const r = await runAction({ inputs: inputs(a, { timeout: '3s' }) })
    expect(r.code).toBe(1)
    expect(errors(r.stdout)[0]).toMatch(/Timed out after 3s/)
    expect(r.wallMs).toBeLessThan(3000 + 1500)
  })

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'on %s aborts the request in flight, writes outputs and summary, exits non-zero within a second',
    async signal => {
      const a = await fake({
        tasks: {
          [`${P}/${C}`]: [
            task(steps(['Running', '20.00'], ['Running', '25.00']), {
              faults: [{ poll: 3, kind: 'hang' }]
            })
          ]
        }
      })
      const r = await runAction({ inputs: inputs(a), signalWhen: /Running 25\.00%/, signal })
      expect(r.code).toBe(1)
      expect(r.afterSignalMs).toBeLessThan(1000)
      expect(errors(r.stdout)[0]).toMatch(
        /^::error::Cancelled after .* last phase Running, progress 25.00%/
      )
      expect(r.outputs).toMatchObject({ result: 'cancelled', phase: 'Running', progress: '25.00' })
      expect(r.summary).toContain('Cancelled')
    }
  )

  it.each([
    ['fail', 1, 'paused', /on-pause is fail. A person must resume it/],
    ['succeed', 0, 'paused', /on-pause: succeed lets the pipeline go on/],
    [
      'wait',
      0,
      'success',
      /a person must resume it in the CCE console \(cluster → Upgrade page\)\. Still waiting/
    ]
  ])('on-pause %s', async (onPause, code, result, message) => {
    const a = await fake({
      tasks: {
        [`${P}/${C}`]: [
          task(steps(['Running', '30.00'], ['Pause', '30.00'], ['Success', '100.00']))
        ]
      }
    })
    const r = await runAction({ inputs: inputs(a, { 'on-pause': onPause }) })
    expect(r.code).toBe(code)
    expect(r.outputs['result']).toBe(result)
    expect(r.stdout).toMatch(message)
  })

  it('keeps waiting through an unknown phase, warning once', async () => {
    const a = await fake({
      tasks: {
        [`${P}/${C}`]: [
          task(steps(['Verifying', '90.00'], ['Verifying', '95.00'], ['Success', '100.00']))
        ]
      }
    })
    const r = await runAction({ inputs: inputs(a) })
    expect(r.code).toBe(0)
    expect(warnings(r.stdout).filter(w => w.includes('"Verifying"'))).toHaveLength(1)
  })

  it('says whether the task or the cluster was not found', async () => {
    const a = await fake()
    const task404 = await runAction({ inputs: inputs(a, { 'task-id': 'no-such-task' }) })
    expect(errors(task404.stdout)[0]).toMatch(
      new RegExp(
        `Upgrade task no-such-task was not found on cluster ${C}: .*its upgrade tasks: ${T}`
      )
    )
    const cluster404 = await runAction({ inputs: inputs(a, { 'cluster-id': 'no-such-cluster' }) })
    expect(errors(cluster404.stdout)[0]).toMatch(/Cluster no-such-cluster was not found in project/)
  })

  it('does not follow a redirect', async () => {
    const a = await fake({
      tasks: {
        [`${P}/${C}`]: [
          task(steps(['Running', '1.00']), {
            faults: [{ poll: 1, kind: 'redirect', location: 'http://127.0.0.2:9/steal' }]
          })
        ]
      }
    })
    const r = await runAction({ inputs: inputs(a) })
    expect(r.code).toBe(1)
    expect(errors(r.stdout)[0]).toMatch(
      /HTTP 302 redirecting to http:\/\/127.0.0.2:9\/steal: redirects are not followed/
    )
    expect(a.requests).toHaveLength(1)
  })

  it('never prints a secret, even with RUNNER_DEBUG=1', async () => {
    const a = await fake({
      credentials: {
        AKTEMP0001: { secret: 'temp-secret-key-1', securityToken: 'temp-security-token-1' }
      }
    })
    const r = await runAction({
      inputs: inputs(a, {
        'access-key-id': 'AKTEMP0001',
        'secret-access-key': 'temp-secret-key-1',
        'security-token': 'temp-security-token-1'
      }),
      env: { RUNNER_DEBUG: '1' }
    })
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^::debug::/m)
    const lines = r.stdout.split('\n')
    const masks = lines.filter(l => l.startsWith('::add-mask::'))
    // each also in its encodings (issue 20; __tests__/e2e/e2e-echo.test.ts), and the access key ID too
    expect(masks).toEqual(
      expect.arrayContaining([
        '::add-mask::temp-secret-key-1',
        '::add-mask::temp-security-token-1',
        '::add-mask::AKTEMP0001'
      ])
    )
    expect(lines.findIndex(l => l.startsWith('::add-mask::'))).toBe(0)
    for (const secret of ['temp-secret-key-1', 'temp-security-token-1']) {
      expect(visible(r.stdout)).not.toContain(secret)
      expect(r.summary + JSON.stringify(r.outputs)).not.toContain(secret)
    }
  })

  it('fails at once, without retrying, on a host name that does not exist', async () => {
    const r = await runAction({
      inputs: { ...inputs(await fake()), endpoint: 'https://cce.nonexistent.invalid' }
    })
    expect(r.code).toBe(1)
    expect(errors(r.stdout)[0]).toMatch(
      /^::error::Cannot resolve cce.nonexistent.invalid: .*Check the region/
    )
    expect(warnings(r.stdout)).toEqual([])
    expect(r.wallMs).toBeLessThan(5000)
  })

  it('fails at once, without retrying, on a certificate that does not verify', async () => {
    // a self-signed certificate, made for this test with the machine's openssl
    const dir = mkdtempSync(join(tmpdir(), 'cce-gate-tls-'))
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=127.0.0.1',
        '-days',
        '1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem')
      ],
      { stdio: 'ignore' }
    )
    const server = createServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (_req, res) => res.end('{}')
    )
    await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()))
    try {
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
      const r = await runAction({ inputs: { ...inputs(await fake()), endpoint: url } })
      expect(r.code).toBe(1)
      expect(errors(r.stdout)[0]).toMatch(
        /TLS certificate check failed: (DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_CERT_ALTNAME_INVALID).*certificate is not trusted/
      )
      expect(warnings(r.stdout)).toEqual([])
    } finally {
      server.close()
    }
  })
})
