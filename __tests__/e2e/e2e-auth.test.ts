/**
 * End to end through the committed dist/index.js: credential sources and their precedence, GitHub OIDC login,
 * project resolution from the region and task discovery, against the fake CCE + IAM API.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { DEMO, startFakeApi } from '../support/fake-api.mjs'
import type { FakeApi, FakeApiOptions } from '../support/fake-api.mjs'
import { errors, runAction, visible } from '../support/run-action.js'

const P = DEMO.projectId
const C = DEMO.clusterId
const T = DEMO.taskId
const REGION = 'ap-southeast-1'
const inputKeys = { 'access-key-id': 'AKINPUT01', 'secret-access-key': 'sk-input' }

let api: FakeApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

const done = [{ phase: 'Success', progress: '100.00', polls: 1 }]
const task = (uid: string, creationTimestamp: string) => ({
  uid,
  version: 'v1.28.3-r4',
  targetVersion: 'v1.29.5-r0',
  creationTimestamp,
  timeline: done
})

async function fake(options: Partial<FakeApiOptions> = {}): Promise<FakeApi> {
  api = await startFakeApi({
    credentials: {
      AKINPUT01: { secret: 'sk-input' },
      AKENV0001: { secret: 'sk-env-1' },
      AKENV0002: { secret: 'sk-env-2' },
      AKENV0003: { secret: 'sk-env-3' }
    },
    tokens: ['iam-token-input'],
    projects: [{ id: P, name: REGION }],
    tasks: { [`${P}/${C}`]: [task(T, '2026-11-24 18:00:00 +0800 CST')] },
    ...options
  })
  return api
}

function base(a: FakeApi, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'cluster-id': C,
    'task-id': T,
    region: REGION,
    'project-id': P,
    endpoint: a.url,
    'iam-endpoint': a.url,
    interval: '1s',
    timeout: '30s',
    ...extra
  }
}

const oidcEnv = (a: FakeApi) => ({
  ACTIONS_ID_TOKEN_REQUEST_URL: `${a.url}/oidc/token?api-version=2.0`,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token'
})

describe('credential sources', () => {
  const env = {
    HUAWEICLOUD_SDK_AK: 'AKENV0001',
    HUAWEICLOUD_SDK_SK: 'sk-env-1',
    HUAWEI_CLOUD_ACCESS_KEY_ID: 'AKENV0002',
    HUAWEI_CLOUD_SECRET_ACCESS_KEY: 'sk-env-2',
    CLOUD_SDK_AK: 'AKENV0003',
    CLOUD_SDK_SK: 'sk-env-3'
  }

  it('the inputs win over the environment', async () => {
    const a = await fake()
    const r = await runAction({
      inputs: base(a, { 'access-key-id': 'AKINPUT01', 'secret-access-key': 'sk-input' }),
      env
    })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Credentials: inputs access-key-id/secret-access-key')
  })

  it.each([
    [{}, 'HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK'],
    [
      { HUAWEICLOUD_SDK_AK: '', HUAWEICLOUD_SDK_SK: '' },
      'HUAWEI_CLOUD_ACCESS_KEY_ID/HUAWEI_CLOUD_SECRET_ACCESS_KEY'
    ],
    [
      {
        HUAWEICLOUD_SDK_AK: '',
        HUAWEICLOUD_SDK_SK: '',
        HUAWEI_CLOUD_ACCESS_KEY_ID: '',
        HUAWEI_CLOUD_SECRET_ACCESS_KEY: ''
      },
      'CLOUD_SDK_AK/CLOUD_SDK_SK'
    ]
  ])('then the environment, in order (%j unset → %s)', async (unset, source) => {
    const a = await fake()
    const r = await runAction({ inputs: base(a), env: { ...env, ...unset } })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`Credentials: environment ${source}`)
    const set = { ...env, ...unset }
    for (const sk of ['sk-env-1', 'sk-env-2', 'sk-env-3'].filter(v =>
      Object.values(set).includes(v)
    )) {
      expect(r.stdout).toContain(`::add-mask::${sk}`)
      expect(visible(r.stdout)).not.toContain(sk)
    }
  })

  it('an auth-token input is sent as X-Auth-Token', async () => {
    const a = await fake()
    const r = await runAction({ inputs: base(a, { 'auth-token': 'iam-token-input' }) })
    expect(r.code).toBe(0)
    expect(a.requests.every(q => q.auth === 'token')).toBe(true)
    expect(r.stdout).toContain('Credentials: input auth-token')
  })

  it('two explicit methods at once is an error naming both, before any request', async () => {
    const a = await fake()
    const r = await runAction({
      inputs: base(a, { 'auth-token': 'iam-token-input', 'identity-provider': 'github-actions' }),
      env: oidcEnv(a)
    })
    expect(r.code).toBe(1)
    expect(errors(r.stdout)).toEqual([
      '::error::Inputs auth-token and identity-provider are both set: give exactly one credential method (auth-token, access-key-id/secret-access-key, or identity-provider)'
    ])
    expect(a.requests).toHaveLength(0)
  })

  it('AK without SK says so', async () => {
    const a = await fake()
    const r = await runAction({ inputs: base(a, { 'access-key-id': 'AKINPUT01' }) })
    expect(errors(r.stdout)).toEqual([
      '::error::Input access-key-id is set but secret-access-key is empty: give both, or neither'
    ])
  })
})

describe('GitHub OIDC keyless login', () => {
  it('waits with only cluster-id, region and identity-provider', async () => {
    const a = await fake()
    const r = await runAction({
      inputs: {
        'cluster-id': C,
        region: REGION,
        'identity-provider': 'github-actions',
        endpoint: a.url,
        'iam-endpoint': a.url,
        interval: '1s'
      },
      env: oidcEnv(a)
    })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Credentials: input identity-provider (GitHub OIDC)')
    expect(r.stdout).toMatch(new RegExp(`Project ${REGION}: ${P} \\(from the token's scope\\)`))
    expect(r.stdout).toMatch(
      new RegExp(
        `Waiting on upgrade task ${T} .*among 0 upgrade workflow\\(s\\) and 1 upgrade task\\(s\\)`
      )
    )
    expect(r.outputs).toMatchObject({ result: 'success', taskId: T })
    const cce = a.requests.filter(q => q.path.startsWith('/api/v3/'))
    expect(cce.length).toBeGreaterThan(0)
    expect(cce.every(q => q.auth === 'token')).toBe(true)
    // both tokens are masked before they could be printed
    const masks = r.stdout.split('\n').filter(l => l.startsWith('::add-mask::'))
    expect(masks.length).toBeGreaterThanOrEqual(2)
    for (const m of masks)
      expect(
        r.stdout
          .split('\n')
          .filter(l => !l.startsWith('::add-mask::'))
          .join('\n')
      ).not.toContain(m.slice(12))
  })

  it('without id-token: write fails before any request, saying what to add', async () => {
    const a = await fake()
    const r = await runAction({ inputs: base(a, { 'identity-provider': 'github-actions' }) })
    expect(r.code).toBe(1)
    expect(errors(r.stdout)[0]).toMatch(/add `permissions: id-token: write` to the job/)
    expect(a.requests).toHaveLength(0)
  })

  it('IAM refusing the token explains what to check', async () => {
    const a = await fake()
    const r = await runAction({
      inputs: base(a, { 'identity-provider': 'some-other-idp' }),
      env: oidcEnv(a)
    })
    expect(r.code).toBe(1)
    expect(errors(r.stdout)[0]).toMatch(
      /IAM refused the GitHub OIDC token \(HTTP 4\d\d .*request ID [0-9a-zA-Z-]+\)\)\. Check: identity-provider is the ID/
    )
  })
})

describe('project from the region', () => {
  it.each([
    [[{ id: P, name: REGION }], 0, new RegExp(`Project ${REGION}: ${P} \\(looked up in IAM\\)`)],
    [[{ id: P, name: 'cn-north-4' }], 1, /IAM has no project named ap-southeast-1/],
    [
      [
        { id: P, name: REGION },
        { id: 'second', name: REGION }
      ],
      1,
      /IAM has 2 projects named ap-southeast-1/
    ]
  ])('projects %j', async (projects, code, message) => {
    const a = await fake({ projects })
    const r = await runAction({
      inputs: base(a, { 'project-id': '', ...inputKeys })
    })
    expect(r.code).toBe(code)
    expect(r.stdout).toMatch(message)
    expect(a.requests[0]).toMatchObject({ method: 'GET', auth: 'aksk', status: 200 })
  })

  it('takes region and project from HUAWEI_CLOUD_REGION / HUAWEI_CLOUD_PROJECT_ID', async () => {
    const a = await fake()
    const r = await runAction({
      inputs: base(a, {
        region: '',
        'project-id': '',
        'access-key-id': 'AKINPUT01',
        'secret-access-key': 'sk-input'
      }),
      env: { HUAWEI_CLOUD_REGION: REGION, HUAWEI_CLOUD_PROJECT_ID: P }
    })
    expect(r.code).toBe(0)
    expect(a.requests.every(q => q.path.startsWith(`/api/v3/projects/${P}/`))).toBe(true)
  })
})

describe('no task ID', () => {
  it('waits on the newest task, comparing timestamps with mixed offsets as instants', async () => {
    const a = await fake({
      tasks: {
        [`${P}/${C}`]: [
          task('older-utc', '2026-11-24 09:00:00 +0000 UTC'),
          task('newest-cst', '2026-11-24 17:30:00.25 +0800 CST'),
          task('text-largest', '2026-11-24 18:00:00 +0900 JST'),
          task('oldest', '2025-01-01 00:00:00 -0500 EST')
        ]
      }
    })
    const r = await runAction({
      inputs: base(a, { 'task-id': '', ...inputKeys })
    })
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(
      /Waiting on upgrade task newest-cst \(v1.28.3-r4 → v1.29.5-r0, Success, started .* among 0 upgrade workflow\(s\) and 4 upgrade task\(s\)/
    )
    expect(r.outputs['taskId']).toBe('newest-cst')
  })

  it('guard use (issue 22): a cluster with no upgrade at all passes once it is Available', async () => {
    const a = await fake({ tasks: { [`${P}/${C}`]: [] } })
    const r = await runAction({
      inputs: base(a, { 'task-id': '', ...inputKeys })
    })
    expect(r.code).toBe(0)
    expect(errors(r.stdout)).toEqual([])
    expect(r.stdout).toContain(
      `No upgrade is under way on cluster ${C}, and it is Available: nothing holds the deploy.`
    )
    expect(r.outputs).toMatchObject({ result: 'success', clusterPhase: 'Available' })
  })
})
