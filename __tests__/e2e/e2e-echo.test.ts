/**
 * Issue 20.1 end to end through the committed dist/index.js: every error path of the fake API answers with a body
 * that echoes each secret the action holds (secret key, access key ID, security token, IAM token, OIDC ID token and
 * request token, a proxy password) in each form of echo-forms.mjs, and none shows in the log (without the runner's
 * own masking), stderr, the summary or the outputs.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { DEMO, startFakeApi } from '../support/fake-api.mjs'
import type { FakeApi, FakeApiOptions, Fault } from '../support/fake-api.mjs'
import { echoForms } from '../support/echo-forms.mjs'
import { type ActionRun, runAction, visible } from '../support/run-action.js'

const P = DEMO.projectId
const C = DEMO.clusterId
const T = DEMO.taskId
const AK = 'AKECHO0000000001'
const SK = 'echo/secret+key=0123456789'
const ST = 'ST-echo/token+abc=0123456789=='
const AUTH_TOKEN = 'MIIecho/iam+token=0123456789abcdef'
const REQUEST_TOKEN = 'ghs-echo/request+token=01234'
const PROXY_PASSWORD = 'pr0xy/p@ss+w=rd'
/** the fake is on loopback, which @actions/http-client never sends through a proxy: the password is only held */
const PROXY = `http://gate-user:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:9`
const SECRETS = [AK, SK, ST, AUTH_TOKEN, REQUEST_TOKEN, PROXY_PASSWORD]

let api: FakeApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

async function fake(faults: Fault[] = [], options: Partial<FakeApiOptions> = {}) {
  api = await startFakeApi({
    credentials: { [AK]: { secret: SK, securityToken: ST } },
    tokens: ['iam-token-known'],
    projects: [{ id: P, name: 'ap-southeast-1' }],
    oidcRequestToken: REQUEST_TOKEN,
    tasks: {
      [`${P}/${C}`]: [
        {
          uid: T,
          version: 'v1.28.3-r4',
          targetVersion: 'v1.29.5-r0',
          creationTimestamp: '2026-11-24 18:00:00 +0800 CST',
          timeline: [{ phase: 'Success', progress: '100.00' }],
          faults
        }
      ]
    },
    // what never travels (the secret key, the proxy password); the rest the fake reads from each request
    echo: [SK, PROXY_PASSWORD],
    ...options
  })
  return api
}

const aksk = (a: FakeApi, extra: Record<string, string> = {}) => ({
  'cluster-id': C,
  'task-id': T,
  region: 'ap-southeast-1',
  'project-id': P,
  'access-key-id': AK,
  'secret-access-key': SK,
  'security-token': ST,
  endpoint: a.url,
  'iam-endpoint': a.url,
  interval: '1s',
  timeout: '20s',
  ...extra
})
const token = (a: FakeApi, extra: Record<string, string> = {}) => ({
  ...aksk(a, { 'access-key-id': '', 'secret-access-key': '', 'security-token': '' }),
  'auth-token': AUTH_TOKEN,
  ...extra
})
const oidc = (a: FakeApi, extra: Record<string, string> = {}) => ({
  ...aksk(a, { 'access-key-id': '', 'secret-access-key': '', 'security-token': '' }),
  'identity-provider': 'github-actions',
  ...extra
})
const oidcEnv = (a: FakeApi) => ({
  ACTIONS_ID_TOKEN_REQUEST_URL: `${a.url}/oidc/token?api-version=2.0`,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN
})

const times = (n: number, f: Omit<Fault, 'poll'>): Fault[] =>
  Array.from({ length: n }, (_, i) => ({ ...f, poll: i + 1 }))

interface Case {
  faults?: Fault[]
  options?: Partial<FakeApiOptions>
  inputs: (a: FakeApi) => Record<string, string>
  env?: (a: FakeApi) => Record<string, string>
  /** whether the step passes (a transient fault, retried) */
  passes?: boolean
  /** whether the log quotes text of the echoing answer (a confidential answer is never quoted) */
  quoted?: boolean
}

const CASES: Record<string, Case> = {
  'a JSON refusal (403)': { faults: times(1, { kind: 'status', status: 403 }), inputs: aksk },
  'a text refusal, cut to a snippet (400)': { faults: times(1, { kind: 'text' }), inputs: aksk },
  'a transient error, retried (503)': {
    faults: times(1, { kind: 'status', status: 503 }),
    inputs: aksk,
    passes: true
  },
  'throttling, retried (429)': {
    faults: times(1, { kind: 'status', status: 429, retryAfter: '1' }),
    inputs: aksk,
    passes: true
  },
  'an HTML page, three times': { faults: times(3, { kind: 'html' }), inputs: aksk },
  'broken JSON, three times': { faults: times(3, { kind: 'badjson' }), inputs: aksk },
  'JSON of another shape, three times': {
    faults: times(3, { kind: 'status', status: 200, body: { kind: 'Other', note: '{{echo}}' } }),
    inputs: aksk
  },
  'a task whose metadata.uid echoes, three times': {
    faults: times(3, {
      kind: 'status',
      status: 200,
      body: { metadata: { uid: '{{echo}}' }, status: { phase: 'Success' } }
    }),
    inputs: aksk
  },
  'a task whose fields echo, until the timeout': {
    faults: times(8, {
      kind: 'status',
      status: 200,
      body: {
        metadata: { uid: T, creationTimestamp: '{{echo}}' },
        spec: { version: '{{echo}}', targetVersion: '{{echo}}' },
        status: { phase: '{{echo}}', progress: '{{echo}}' }
      }
    }),
    inputs: a => aksk(a, { timeout: '4s' })
  },
  'a redirect': { faults: times(1, { kind: 'redirect' }), inputs: aksk },
  'a refused signature (401)': {
    options: { credentials: { [AK]: { secret: 'another-secret', securityToken: ST } } },
    inputs: aksk
  },
  'a task that is not there (404)': {
    inputs: a => aksk(a, { 'task-id': '00000000-none-4e1f-9a6b-000000000000' })
  },
  'a refused IAM token (401)': { inputs: token },
  'a refused IAM token at the project lookup (401)': {
    inputs: a => token(a, { 'project-id': '' })
  },
  'OIDC: an unknown identity provider (404, never quoted)': {
    inputs: a => oidc(a, { 'identity-provider': 'nobody' }),
    env: oidcEnv,
    quoted: false
  },
  "OIDC: GitHub's token endpoint refusing the request token (401)": {
    options: { oidcRequestToken: 'another-request-token' },
    inputs: oidc,
    env: oidcEnv,
    quoted: false
  },
  'OIDC: logged in, then a refusal (403) echoing the IAM token': {
    faults: times(1, { kind: 'status', status: 403 }),
    inputs: oidc,
    env: oidcEnv
  }
}

/** The first form of a secret that `text` shows, or a piece of 12 characters of the secret itself. */
function leak(text: string, secret: string): string | undefined {
  for (const [name, form] of Object.entries(echoForms(secret)))
    if (text.includes(form)) return `${name}: ${form}`
  for (let i = 0; i + 12 <= secret.length; i++)
    if (text.includes(secret.slice(i, i + 12))) return `piece: ${secret.slice(i, i + 12)}`
  return undefined
}

const shown = (r: ActionRun): string =>
  [visible(r.stdout), r.stderr, r.summary, JSON.stringify(r.outputs)].join('\n')

describe('a secret echoed by an error path', () => {
  it.each(Object.entries(CASES))('%s: none shows', async (_, c) => {
    // the secrets this run holds, and those the fake issues to it: the fake echoes the secret key only to a run
    // that holds it (one that does not cannot know it)
    const given = (u: string) => [
      ...Object.values(c.inputs({ url: u } as FakeApi)),
      `https_proxy=${PROXY}`,
      ...Object.values(c.env?.({ url: u } as FakeApi) ?? {})
    ]
    const held = SECRETS.filter(s =>
      given('').some(v => v.includes(s) || v.includes(encodeURIComponent(s)))
    )
    const a = await fake(c.faults, {
      echo: held.includes(SK) ? [SK, PROXY_PASSWORD] : [PROXY_PASSWORD],
      ...c.options
    })
    const inputs = c.inputs(a)
    const r = await runAction({ inputs, env: { https_proxy: PROXY, ...c.env?.(a) } })
    expect(r.code).toBe(c.passes ? 0 : 1)
    const text = shown(r)
    expect([...held, ...a.issued].map(s => leak(text, s)).filter(Boolean)).toEqual([])
    // the echo was there to leak: what the log quoted of it is redacted
    if (c.quoted !== false) expect(visible(r.stdout)).toContain('***')
    // each secret reached the runner's masking, as itself and encoded
    const masks = r.stdout.split('\n').filter(l => l.startsWith('::add-mask::'))
    for (const s of held) expect(masks).toContainEqual(`::add-mask::${s}`)
  })
})
