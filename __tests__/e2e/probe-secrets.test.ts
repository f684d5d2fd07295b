/**
 * Probe: secrets echoed where the earlier echo tests did not put them: a fleet (its `results` output and summary,
 * with RUNNER_DEBUG=1), HTTP 200 answers whose fields the gate quotes or writes to outputs (a broken cluster's
 * reason and message, a passing task's versions), and a JSON key of a body the gate cannot read.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { DEMO } from '../support/fake-api.mjs'
import type { FakeApi, FakeApiOptions } from '../support/fake-api.mjs'
import { echoForms } from '../support/echo-forms.mjs'
import { type ActionRun, runAction, visible } from '../support/run-action.js'
import { C, KEY, KILL_MS, P, TASK, TEST_MS, fake, task } from '../support/probe-kit.js'

let api: FakeApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

const AK = 'AKPRBQXZ7YW3LMN8TJ4K'
const SK = 'probeSecretKey0123456789abcdefghijKLMNOP'
const ST = 'ST-probe/token+abc=0123456789=='
const SECRETS = [AK, SK, ST]
const CREDS = { credentials: { [AK]: { secret: SK, securityToken: ST } } }

function leak(text: string, secret: string): string | undefined {
  for (const [name, form] of Object.entries(echoForms(secret)))
    if (text.includes(form)) return `${name}: ${form}`
  for (let i = 0; i + 12 <= secret.length; i++)
    if (text.includes(secret.slice(i, i + 12))) return `piece: ${secret.slice(i, i + 12)}`
  return undefined
}
const shown = (r: ActionRun): string =>
  [visible(r.stdout), r.stderr, r.summary, JSON.stringify(r.outputs)].join('\n')
const leaks = (r: ActionRun) => SECRETS.map(s => leak(shown(r), s)).filter(Boolean)

/** Every echo form of every secret, in one string. */
const ECHO = SECRETS.flatMap(s => Object.values(echoForms(s))).join(' | ')

function inputs(url: string, extra: Record<string, string> = {}) {
  return {
    'cluster-id': C,
    'task-id': TASK,
    region: DEMO.region,
    'project-id': P,
    'access-key-id': AK,
    'secret-access-key': SK,
    'security-token': ST,
    endpoint: url,
    'iam-endpoint': url,
    interval: '1s',
    timeout: '8s',
    ...extra
  }
}
const DEBUG = { RUNNER_DEBUG: '1' }
type Rewrite = NonNullable<FakeApiOptions['rewrite']>

describe('secrets echoed in places earlier tests did not cover', () => {
  it(
    'a fleet: one cluster refused (403) with every secret echoed; RUNNER_DEBUG=1 → no secret in log, summary, results',
    async () => {
      api = await fake(
        { [`${P}/fl-a`]: {}, [`${P}/fl-b`]: {} },
        { [`${P}/fl-a`]: [task('ta')], [`${P}/fl-b`]: [task('tb')] },
        {
          ...CREDS,
          echo: [SK],
          rewrite: r =>
            r.kind === 'tasks' && r.clusterId === 'fl-b'
              ? {
                  status: 403,
                  body: { errorCode: 'CCE.01403001', errorMessage: `denied: ${ECHO}` }
                }
              : undefined
        }
      )
      const r = await runAction({
        inputs: inputs(api.url, { 'cluster-id': 'fl-a fl-b', 'task-id': '', 'max-age': '2h' }),
        env: DEBUG,
        timeoutMs: KILL_MS
      })
      expect(r.code).toBe(1)
      expect(leaks(r)).toEqual([])
      expect(r.outputs['results']).toContain('***')
    },
    TEST_MS
  )

  it(
    'HTTP 200 ShowCluster Unavailable whose reason and message echo every secret → the failure quotes them redacted',
    async () => {
      api = await fake(
        { [KEY]: { phases: [{ phase: 'Unavailable', reason: ECHO, message: ECHO }] } },
        { [KEY]: [task(TASK)] },
        CREDS
      )
      const r = await runAction({ inputs: inputs(api.url), env: DEBUG, timeoutMs: KILL_MS })
      expect(r.code).toBe(1)
      expect(leaks(r)).toEqual([])
      expect(visible(r.stdout)).toContain('***')
    },
    TEST_MS
  )

  it(
    'HTTP 200 task Success whose version fields echo every secret → outputs, results and summary redacted',
    async () => {
      const rewrite: Rewrite = r => {
        if (r.kind !== 'task' || !r.body) return undefined
        const b = structuredClone(r.body) as {
          spec: Record<string, string>
          status: Record<string, string>
        }
        b.spec['version'] = `v1.28 ${ECHO}`
        b.spec['targetVersion'] = `v1.29.5-r0 ${ECHO}`
        b.status['completionTime'] = ECHO
        return { status: 200, body: b }
      }
      api = await fake({ [KEY]: {} }, { [KEY]: [task(TASK)] }, { ...CREDS, rewrite })
      const r = await runAction({ inputs: inputs(api.url), env: DEBUG, timeoutMs: KILL_MS })
      expect(leaks(r)).toEqual([])
      expect(r.code).toBe(0)
      expect(r.outputs['targetVersion']).toContain('***')
    },
    TEST_MS
  )

  it(
    'HTTP 200 whose JSON object keys are the secrets (not a task), three times → the quoted snippet is redacted',
    async () => {
      const body = Object.fromEntries(SECRETS.map(s => [s, 1]))
      api = await fake(
        { [KEY]: {} },
        { [KEY]: [task(TASK)] },
        {
          ...CREDS,
          rewrite: r => (r.kind === 'task' ? { status: 200, body } : undefined)
        }
      )
      const r = await runAction({ inputs: inputs(api.url), env: DEBUG, timeoutMs: KILL_MS })
      expect(r.code).toBe(1)
      expect(leaks(r)).toEqual([])
    },
    TEST_MS
  )
})
