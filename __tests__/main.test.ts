import { describe, expect, it } from '@jest/globals'
import type { IncomingHttpHeaders } from 'node:http'
import { run } from '../src/main.js'
import { HttpRequest, HttpResponse, TransportError } from '../src/huawei/transport.js'
import { FakeClock } from './support/fake-clock.js'
import { recordingIo } from './support/recording-io.js'
import { taskBody } from './support/scripted-send.js'
import { UNIT_INPUTS } from './support/unit-inputs.js'

const inputs = UNIT_INPUTS

type Route = (
  req: HttpRequest
) => { status?: number; body?: string; headers?: IncomingHttpHeaders } | undefined

function router(...routes: Route[]) {
  const requests: HttpRequest[] = []
  const send = async (req: HttpRequest): Promise<HttpResponse> => {
    requests.push(req)
    for (const route of routes) {
      const r = route(req)
      if (r)
        return {
          status: 200,
          headers: { 'x-request-id': `rid-${requests.length}` },
          body: '',
          ...r
        }
    }
    return { status: 404, headers: {}, body: '{"message":"no route"}' }
  }
  return { send, requests }
}

/** Defaults after the test's own routes: the cluster is Available and has no upgrade workflow. */
const clusterAvailable: Route = req =>
  /\/clusters\/cluster-1$/.test(req.url.pathname)
    ? { body: JSON.stringify({ kind: 'Cluster', status: { phase: 'Available' } }) }
    : undefined
const noWorkflows: Route = req =>
  req.url.pathname.endsWith('/operation/upgradeworkflows')
    ? { body: '{"kind":"List","apiVersion":"v3","items":[]}' }
    : undefined

function taskTimeline(...steps: [string, string][]): Route {
  let i = 0
  return req => {
    if (!/\/operation\/upgrade\/tasks\/task-1$/.test(req.url.pathname)) return undefined
    const [phase, progress] = steps[Math.min(i++, steps.length - 1)]!
    return { body: taskBody(phase, progress) }
  }
}

async function go(
  overrides: Record<string, string>,
  routes: Route[],
  env: Record<string, string> = {},
  idToken?: () => Promise<string>
) {
  const { io, rec, everything } = recordingIo({ ...inputs, ...overrides }, env, idToken)
  const r = router(...routes, clusterAvailable, noWorkflows)
  const clock = new FakeClock()
  await run(io, { send: r.send, clock })
  return { rec, everything, requests: r.requests, clock }
}

describe('run', () => {
  it('waits for Success: signed requests, outputs, summary, no failure', async () => {
    const { rec, requests } = await go({}, [
      taskTimeline(['Init', '0.00'], ['Running', '50.00'], ['Success', '100.00'])
    ])
    expect(rec.failed).toEqual([])
    // the task, three times, then the cluster (the task read in the poll that passes is not read again)
    expect(requests).toHaveLength(4)
    expect(requests[3]?.url.pathname).toBe('/api/v3/projects/proj-1/clusters/cluster-1')
    expect(requests[0]?.url.href).toBe(
      'https://cce.ap-southeast-1.myhuaweicloud.com/api/v3/projects/proj-1/clusters/cluster-1/operation/upgrade/tasks/task-1'
    )
    expect(requests[0]?.headers['Authorization']).toMatch(
      /^SDK-HMAC-SHA256 Access=AKTEST, SignedHeaders=host;x-sdk-date, Signature=[0-9a-f]{64}$/
    )
    expect(rec.outputs).toMatchObject({
      result: 'success',
      phase: 'Success',
      progress: '100.00',
      taskId: 'task-1',
      version: 'v1.28.3-r4',
      targetVersion: 'v1.29.5-r0',
      clusterPhase: 'Available',
      workflowId: '',
      failedStep: ''
    })
    expect(rec.summary).toContain('| Result | ✅ Success |')
    expect(rec.lines).toContain('Credentials: inputs access-key-id/secret-access-key')
    expect(rec.lines.at(-1)).toMatch(
      /^The upgrade task task-1 of cluster cluster-1 succeeded .*: the cluster is upgraded\.$/
    )
    expect(rec.masked).toContain('SK-very-secret')
  })

  it('fails on Failed with task, cluster, versions, progress and request ID', async () => {
    const { rec } = await go({}, [taskTimeline(['Running', '40.00'], ['Failed', '62.50'])])
    expect(rec.failed).toHaveLength(1)
    expect(rec.failed[0]).toMatch(
      /upgrade task task-1 of cluster cluster-1 Failed at 62.50% \(v1.28.3-r4 → v1.29.5-r0\); request ID of the last response: rid-2/
    )
    expect(rec.outputs).toMatchObject({ result: 'failed', phase: 'Failed', progress: '62.50' })
    expect(rec.summary).toContain('❌ Failed')
  })

  it('an input error fails with one line, sends nothing, and still writes result and summary', async () => {
    const { rec, requests } = await go({ interval: '100ms' }, [taskTimeline(['Success', '100.00'])])
    expect(requests).toHaveLength(0)
    expect(rec.failed).toEqual(['Input interval is 100ms: it must be at least 1s'])
    expect(rec.outputs['result']).toBe('error')
    expect(Object.keys(rec.outputs)).toHaveLength(11)
    expect(Object.entries(rec.outputs).filter(([k, v]) => k !== 'result' && v)).toEqual([])
    expect(rec.summary).toContain('Input interval is 100ms')
    const noCluster = await go({ 'cluster-id': '' }, [])
    expect(noCluster.rec.summary).toContain('`(not set)`')
  })

  it('an interval longer than the timeout fails with one line naming both, before any request', async () => {
    const { rec, requests } = await go({ timeout: '10s', interval: '15s' }, [
      taskTimeline(['Success', '100.00'])
    ])
    expect(requests).toHaveLength(0)
    expect(rec.failed).toEqual([
      'Input interval is 15s, longer than input timeout (10s): the gate would poll once and time out. Set interval to at most the timeout (e.g. interval: 15s), or raise the timeout.'
    ])
    expect(rec.outputs['result']).toBe('error')
  })

  it('times out with the last phase and progress, and no request after the deadline', async () => {
    const { rec, requests, clock } = await go({ timeout: '2m' }, [
      taskTimeline(['Running', '45.00'])
    ])
    expect(rec.failed[0]).toMatch(
      /^Timed out after 2m waiting for the upgrade task task-1 of cluster cluster-1: last phase Running, progress 45.00%/
    )
    expect(rec.outputs).toMatchObject({ result: 'timeout', phase: 'Running', progress: '45.00' })
    expect(requests.length).toBeGreaterThanOrEqual(8)
    expect(requests.length).toBeLessThanOrEqual(11)
    // the last look starts a second before the deadline, and what it saw still waits: the wait ends there
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(119_000)
  })

  it('never prints a secret, also in debug lines and API messages that echo it', async () => {
    const echo: Route = req => ({
      status: 401,
      body: JSON.stringify({
        error_code: 'APIGW.0301',
        error_msg: `bad signature for ${req.headers['X-Security-Token']}`
      })
    })
    const { rec, everything } = await go({ 'security-token': 'ST-super-secret' }, [echo])
    expect(rec.failed[0]).toMatch(
      /CCE refused access to upgrade task task-1 of cluster cluster-1 \(HTTP 401 APIGW.0301: bad signature for \*\*\*/
    )
    expect(rec.failed[0]).toMatch(/access-key-id and secret-access-key .*runner's clock is right/)
    expect(everything()).not.toContain('ST-super-secret')
    expect(everything()).not.toContain('SK-very-secret')
    expect(rec.masked).toEqual(expect.arrayContaining(['SK-very-secret', 'ST-super-secret']))
  })

  it('says whether the cluster or the task was not found', async () => {
    const notFound: Route = () => ({
      status: 404,
      body: JSON.stringify({ errorCode: 'CCE.01404001', errorMessage: 'Resource not found' })
    })
    const cluster = await go({}, [notFound])
    expect(cluster.rec.failed[0]).toMatch(
      /^Cluster cluster-1 was not found in project proj-1: CCE.01404001: Resource not found .*\(an Autopilot cluster needs cluster-type: autopilot\)\.$/
    )

    const list: Route = req =>
      req.url.pathname.endsWith('/tasks')
        ? { body: JSON.stringify({ items: [JSON.parse(taskBody('Success', '100.00'))] }) }
        : undefined
    const task = await go({}, [list, notFound])
    expect(task.rec.failed[0]).toMatch(
      /^Upgrade task task-1 was not found on cluster cluster-1: CCE.01404001: Resource not found \(request ID rid-1\); its upgrade tasks: task-1 \(v1.28.3-r4 → v1.29.5-r0, Success\)/
    )

    const emptyList: Route = req =>
      req.url.pathname.endsWith('/tasks') ? { body: '{"items":[]}' } : undefined
    const none = await go({}, [emptyList, notFound])
    expect(none.rec.failed[0]).toMatch(/the cluster has no upgrade task/)

    const listBroken: Route = req =>
      req.url.pathname.endsWith('/tasks') ? { status: 403, body: '{}' } : undefined
    const fallback = await go({}, [listBroken, notFound])
    expect(fallback.rec.failed[0]).toBe(
      'CCE did not find upgrade task task-1 of cluster cluster-1 (HTTP 404 CCE.01404001: Resource not found (request ID rid-1)).'
    )
  })

  it('rejects a 400 with the API message', async () => {
    const { rec } = await go({}, [
      () => ({ status: 400, body: JSON.stringify({ message: 'bad id', reason: 'BadRequest' }) })
    ])
    expect(rec.failed[0]).toBe(
      'CCE refused the request for upgrade task task-1 of cluster cluster-1 (HTTP 400 BadRequest: bad id (request ID rid-1)). Check cluster-id, task-id, workflow-id and project-id.'
    )
  })

  it('uses an auth token as X-Auth-Token', async () => {
    const { requests, rec } = await go(
      { 'access-key-id': '', 'secret-access-key': '', 'auth-token': 'iam-token-123' },
      [taskTimeline(['Success', '100.00'])]
    )
    expect(requests[0]?.headers['X-Auth-Token']).toBe('iam-token-123')
    expect(requests[0]?.headers['Authorization']).toBeUndefined()
    expect(rec.masked).toContain('iam-token-123')
  })

  it('looks the project up by region through IAM when project-id is empty', async () => {
    const projects: Route = req =>
      req.url.pathname === '/v3/projects'
        ? {
            body: JSON.stringify({
              projects: [
                { id: 'found-proj', name: req.url.searchParams.get('name') },
                { id: 'other', name: 'ap-southeast-1_sub' }
              ]
            })
          }
        : undefined
    const { requests, rec } = await go({ 'project-id': '' }, [
      projects,
      taskTimeline(['Success', '100.00'])
    ])
    expect(requests[0]?.url.href).toBe(
      'https://iam.ap-southeast-1.myhuaweicloud.com/v3/projects?name=ap-southeast-1'
    )
    expect(requests[0]?.headers['Authorization']).toMatch(/^SDK-HMAC-SHA256 /)
    expect(requests[1]?.url.pathname).toBe(
      '/api/v3/projects/found-proj/clusters/cluster-1/operation/upgrade/tasks/task-1'
    )
    expect(rec.lines).toContain('Project ap-southeast-1: found-proj (looked up in IAM)')
  })

  it.each([
    [[], /IAM has no project named ap-southeast-1/],
    [
      [
        { id: 'a', name: 'ap-southeast-1' },
        { id: 'b', name: 'ap-southeast-1' }
      ],
      /IAM has 2 projects named ap-southeast-1 \(a, b\): set project-id/
    ]
  ])('fails clearly when the region names %j projects', async (projects, message) => {
    const { rec } = await go({ 'project-id': '' }, [() => ({ body: JSON.stringify({ projects }) })])
    expect(rec.failed[0]).toMatch(message)
  })

  it('explains an IAM refusal of the project lookup', async () => {
    const { rec } = await go({ 'project-id': '' }, [
      () => ({
        status: 403,
        body: JSON.stringify({ error: { code: 403, message: 'no perm', title: 'Forbidden' } })
      })
    ])
    expect(rec.failed[0]).toMatch(
      /^IAM refused to list the projects named ap-southeast-1 \(HTTP 403 Forbidden: no perm/
    )
  })

  it('waits on the newest task when task-id is empty, comparing timestamps as instants', async () => {
    const t = (uid: string, created: string, phase = 'Success') => ({
      ...JSON.parse(taskBody(phase, '100.00')),
      metadata: { uid, creationTimestamp: created }
    })
    const list: Route = req =>
      req.url.pathname.endsWith('/tasks')
        ? {
            body: JSON.stringify({
              items: [
                t('old-utc', '2026-11-24 05:00:00 +0000 UTC'),
                t('newest', '2026-11-24 13:30:00.5 +0800 CST', 'Running'),
                t('text-max', '2026-11-24 14:00:00 +0900 JST'),
                t('garbled', 'yesterday')
              ]
            })
          }
        : undefined
    const task: Route = req =>
      req.url.pathname.endsWith('/tasks/newest')
        ? { body: JSON.stringify(t('newest', '2026-11-24 13:30:00.5 +0800 CST')) }
        : undefined
    const { rec, requests } = await go({ 'task-id': '' }, [list, task])
    expect(requests.map(r => r.url.pathname.split('/clusters/cluster-1')[1])).toEqual([
      '/operation/upgradeworkflows',
      '/operation/upgrade/tasks',
      '/operation/upgrade/tasks/newest',
      '',
      // before passing on an upgrade chosen a poll ago: is it still the newest?
      '/operation/upgradeworkflows',
      '/operation/upgrade/tasks'
    ])
    expect(rec.lines.find(l => l.startsWith('Waiting on upgrade task'))).toMatch(
      /^Waiting on upgrade task newest \(v1.28.3-r4 → v1.29.5-r0, Running, started .*\): the cluster's current upgrade among 0 upgrade workflow\(s\) and 4 upgrade task\(s\)\.$/
    )
    expect(rec.outputs['taskId']).toBe('newest')
  })

  it.each([
    [
      'task',
      { 'task-id': 'task-1' },
      '/operation/upgrade/tasks/task-1',
      taskBody('Success', '100.00', { metadata: { uid: 'task-2' } })
    ],
    [
      'workflow',
      { 'task-id': '', 'workflow-id': 'wf-7' },
      '/operation/upgradeworkflows/wf-7',
      JSON.stringify({ metadata: { uid: 'wf-8' }, status: { phase: 'Success', pointStatuses: [] } })
    ],
    [
      'cluster',
      { 'task-id': 'task-1' },
      '/clusters/cluster-1',
      JSON.stringify({ metadata: { uid: 'cluster-2' }, status: { phase: 'Available' } })
    ]
  ])('takes an answer about another %s for no answer', async (_, overrides, path, body) => {
    const other: Route = req => (req.url.pathname.endsWith(path) ? { body } : undefined)
    const { rec, requests } = await go(overrides, [other, taskTimeline(['Success', '100.00'])])
    expect(rec.failed).toHaveLength(1)
    expect(rec.failed[0]).toMatch(/3 times in a row with something that is not the expected JSON/)
    expect(rec.outputs['result']).not.toBe('success')
    expect(requests.filter(r => r.url.pathname.endsWith(path))).toHaveLength(3)
  })

  it('guard use (issue 22): a cluster with no upgrade at all passes once it is Available, saying so', async () => {
    const lists: Route = req =>
      req.url.pathname.endsWith('/tasks') ? { body: '{"kind":"List","items":[]}' } : undefined
    const { rec, requests } = await go({ 'task-id': '' }, [lists])
    expect(rec.failed).toEqual([])
    expect(rec.lines.filter(l => l.startsWith('::warning::'))).toEqual([])
    expect(rec.lines).toContain(
      'No upgrade is under way on cluster cluster-1: found 0 upgrade workflow(s) and 0 upgrade task(s), none that is changing the cluster.'
    )
    expect(rec.lines.at(-1)).toBe(
      'No upgrade is under way on cluster cluster-1, and it is Available: nothing holds the deploy.'
    )
    expect(rec.outputs).toMatchObject({ result: 'success', taskId: '', workflowId: '' })
    // the two lists, then the cluster
    expect(requests.map(r => r.url.pathname.split('/').at(-1))).toEqual([
      'upgradeworkflows',
      'tasks',
      'cluster-1'
    ])
  })

  it('with max-age, a cluster with no upgrade at all is waited on for a new one (not the guard)', async () => {
    const lists: Route = req =>
      req.url.pathname.endsWith('/tasks') ? { body: '{"kind":"List","items":[]}' } : undefined
    const { rec } = await go({ 'task-id': '', 'max-age': '2h', timeout: '1m' }, [lists])
    expect(rec.outputs['result']).toBe('timeout')
    expect(rec.failed[0]).toMatch(/no upgrade under way or ended in the last 2h/)
  })

  describe('workflows and the cluster', () => {
    const wf = (phase: string, cluster: string, taskPhase?: string) => ({
      kind: 'WorkFlowTask',
      metadata: { uid: 'wf-7', creationTimestamp: '2026-11-24 12:00:00 +0000 UTC' },
      spec: { clusterVersion: 'v1.28', targetVersion: 'v1.29' },
      status: {
        phase,
        pointStatuses: [
          { taskType: 'PreCheck', taskID: 'pc-7', status: 'Success' },
          { taskType: 'Cluster', taskID: 'task-1', status: cluster },
          { taskType: 'PostCheck', status: taskPhase === 'Success' ? 'Success' : 'Init' }
        ]
      }
    })
    const workflowTimeline = (...steps: [string, string][]): Route => {
      let i = 0
      return req => {
        if (!req.url.pathname.endsWith('/operation/upgradeworkflows/wf-7')) return undefined
        const [phase, cluster] = steps[Math.min(i++, steps.length - 1)]!
        // a Success workflow's post-check succeeded too: a Success contradicted by a step is not trusted
        return {
          body: JSON.stringify(wf(phase, cluster, phase === 'Success' ? 'Success' : undefined))
        }
      }
    }

    it('waits on workflow-id: the workflow each poll, its Cluster task only while that step runs', async () => {
      const { rec, requests } = await go({ 'task-id': '', 'workflow-id': 'wf-7' }, [
        workflowTimeline(['Running', 'Running'], ['Running', 'Running'], ['Success', 'Success']),
        taskTimeline(['Running', '40.00'], ['Running', '80.00'], ['Success', '100.00'])
      ])
      expect(rec.failed).toEqual([])
      expect(requests.map(r => r.url.pathname.split('/clusters/cluster-1')[1])).toEqual([
        '/operation/upgradeworkflows/wf-7',
        '/operation/upgrade/tasks/task-1',
        '/operation/upgradeworkflows/wf-7',
        '/operation/upgrade/tasks/task-1',
        '/operation/upgradeworkflows/wf-7',
        '/operation/upgrade/tasks/task-1',
        ''
      ])
      expect(rec.outputs).toMatchObject({
        result: 'success',
        workflowId: 'wf-7',
        workflowPhase: 'Success',
        taskId: 'task-1',
        phase: 'Success',
        clusterPhase: 'Available'
      })
      expect(rec.lines).toContain(
        'Waiting for upgrade workflow wf-7 of cluster cluster-1, then the cluster to be Available (timeout 10m, polling every 15s)'
      )
    })

    it('uses the /autopilot/v3 paths for cluster-type autopilot', async () => {
      const { rec, requests } = await go({ 'cluster-type': 'autopilot' }, [
        taskTimeline(['Success', '100.00'])
      ])
      expect(rec.failed).toEqual([])
      expect(requests.map(r => r.url.pathname)).toEqual([
        '/autopilot/v3/projects/proj-1/clusters/cluster-1/operation/upgrade/tasks/task-1',
        '/autopilot/v3/projects/proj-1/clusters/cluster-1'
      ])
    })

    it('warns once on a 403 from ShowCluster and passes on the task alone', async () => {
      const forbidden: Route = req =>
        /\/clusters\/cluster-1$/.test(req.url.pathname)
          ? {
              status: 403,
              body: JSON.stringify({ errorCode: 'CCE.01403001', errorMessage: 'Forbidden' })
            }
          : undefined
      const { rec } = await go({}, [forbidden, taskTimeline(['Success', '100.00'])])
      expect(rec.failed).toEqual([])
      expect(rec.lines.filter(l => l.startsWith('::warning::'))).toEqual([
        expect.stringMatching(
          /may not read cluster cluster-1 \(HTTP 403 CCE.01403001: Forbidden .*cce:cluster:get/
        )
      ])
      expect(rec.outputs).toMatchObject({ result: 'success', clusterPhase: '' })
      expect(rec.summary).toContain('### Warnings')
    })

    it('says when the endpoint offers no upgrade workflows, and what to do', async () => {
      const unpublished: Route = req =>
        req.url.pathname.endsWith('/upgradeworkflows')
          ? {
              status: 404,
              body: JSON.stringify({
                error_code: 'APIGW.0101',
                error_msg: 'The API does not exist'
              })
            }
          : undefined
      const { rec } = await go({ 'task-id': '' }, [unpublished])
      expect(rec.failed[0]).toMatch(
        /^This endpoint does not offer upgrade workflows \(HTTP 404 APIGW.0101: The API does not exist .*\): give task-id/
      )
    })

    it('ignores max-age when an ID names the upgrade', async () => {
      const { rec } = await go({ 'max-age': '2h' }, [taskTimeline(['Success', '100.00'])])
      expect(rec.failed).toEqual([])
      expect(rec.lines).toContain('max-age is ignored: task-id names the upgrade to wait on.')
    })
  })

  it('ends an unexpected error (a bug) with one line, outputs and a summary; the stack only in debug', async () => {
    const broken: Route = () => {
      throw new TypeError('cannot read properties of undefined')
    }
    const { rec } = await go({}, [broken])
    expect(rec.failed).toEqual(['Unexpected error: cannot read properties of undefined'])
    expect(rec.outputs['result']).toBe('error')
    expect(rec.summary).toContain('Unexpected error: cannot read properties of undefined')
    expect(rec.lines.filter(l => l.includes('at ') && !l.startsWith('::debug::'))).toEqual([])
    expect(rec.lines.some(l => l.startsWith('::debug::TypeError: cannot read'))).toBe(true)
  })

  describe('OIDC', () => {
    const oidc = {
      'access-key-id': '',
      'secret-access-key': '',
      'identity-provider': 'github-idp',
      audience: 'huawei'
    }
    const env = {
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example/x?a=1',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'req-token'
    }
    const exchange: Route = req =>
      req.url.pathname === '/v3.0/OS-AUTH/id-token/tokens'
        ? {
            status: 201,
            headers: { 'x-subject-token': 'IAM-TOKEN-xyz' },
            body: JSON.stringify({
              token: {
                expires_at: '2026-11-25T12:00:00Z',
                project: { id: 'oidc-proj', name: 'ap-southeast-1' }
              }
            })
          }
        : undefined

    it('exchanges the ID token, masks both tokens, takes the project from the token', async () => {
      const { rec, requests, everything } = await go(
        { ...oidc, 'project-id': '' },
        [exchange, taskTimeline(['Success', '100.00'])],
        env,
        async () => 'JWT-abc.def.ghi'
      )
      expect(rec.failed).toEqual([])
      expect(rec.idTokenAudiences).toEqual(['huawei'])
      expect(requests[0]?.headers['X-Idp-Id']).toBe('github-idp')
      expect(JSON.parse(requests[0]?.body ?? '')).toEqual({
        auth: {
          id_token: { id: 'JWT-abc.def.ghi' },
          scope: { project: { name: 'ap-southeast-1' } }
        }
      })
      expect(requests[1]?.headers['X-Auth-Token']).toBe('IAM-TOKEN-xyz')
      expect(requests[1]?.url.pathname).toContain('/projects/oidc-proj/')
      expect(rec.masked).toEqual(expect.arrayContaining(['JWT-abc.def.ghi', 'IAM-TOKEN-xyz']))
      expect(everything()).not.toMatch(/JWT-abc|IAM-TOKEN-xyz/)
    })

    it('scopes by project ID when it is known', async () => {
      const { requests } = await go(
        oidc,
        [exchange, taskTimeline(['Success', '100.00'])],
        env,
        async () => 'jwt'
      )
      expect(JSON.parse(requests[0]?.body ?? '').auth.scope).toEqual({ project: { id: 'proj-1' } })
      expect(requests[1]?.url.pathname).toContain('/projects/proj-1/')
    })

    it('needs id-token: write before any request', async () => {
      const { rec, requests } = await go(oidc, [exchange], {}, async () => 'jwt')
      expect(requests).toHaveLength(0)
      expect(rec.failed[0]).toMatch(/add `permissions: id-token: write` to the job/)
      expect(rec.idTokenAudiences).toEqual([])
    })

    it('explains a failure to get the ID token', async () => {
      const { rec } = await go(oidc, [exchange], env, async () => {
        throw new Error('Failed to get ID Token.\n Error Code : 403')
      })
      expect(rec.failed[0]).toBe(
        'Could not get the GitHub OIDC ID token: Failed to get ID Token. Error Code : 403. Check that the job has permissions: id-token: write.'
      )
    })

    it('explains an IAM refusal with what to check and the trace ID', async () => {
      const refuse: Route = () => ({
        status: 401,
        headers: { 'x-iam-trace-id': 'trace-7' },
        body: JSON.stringify({
          error: { code: 401, message: 'The id_token is invalid.', title: 'Unauthorized' }
        })
      })
      const { rec } = await go(oidc, [refuse], env, async () => 'jwt')
      expect(rec.failed[0]).toMatch(
        /^IAM refused the GitHub OIDC token \(HTTP 401 Unauthorized: its text is not shown, as this answer may hold credentials \(request ID trace-7\)\)\. Check: identity-provider is the ID/
      )
      expect(rec.failed[0]).not.toContain('id_token is invalid')
      expect(rec.failed[0]).toMatch(/client_id equals the audience input/)
      expect(rec.failed[0]).toMatch(/mapping rules/)
    })

    it('fails when the token has no project and none was given', async () => {
      const bare: Route = () => ({
        status: 201,
        headers: { 'x-subject-token': 'iam-token-bare' },
        body: '{"token":{}}'
      })
      const { rec } = await go({ ...oidc, 'project-id': '' }, [bare], env, async () => 'jwt')
      expect(rec.failed[0]).toBe('IAM returned a token without a project scope: set project-id.')
    })

    it('retries a transient IAM error', async () => {
      let n = 0
      const flaky: Route = req =>
        req.url.pathname.startsWith('/v3.0/') && n++ === 0 ? { status: 503, body: '' } : undefined
      const { rec } = await go(
        oidc,
        [flaky, exchange, taskTimeline(['Success', '100.00'])],
        env,
        async () => 'jwt'
      )
      expect(rec.failed).toEqual([])
      expect(rec.lines.filter(l => l.startsWith('::warning::HTTP 503'))).toHaveLength(1)
    })
  })
})

describe('run, an endpoint that never answers (issue 23)', () => {
  it('ends after a minute with result error and the advice, one warning, outputs and summary written', async () => {
    const { io, rec } = recordingIo(inputs)
    const clock = new FakeClock()
    const start = clock.now()
    const send = async (req: HttpRequest): Promise<HttpResponse> => {
      throw new TransportError('connection', `connect ECONNREFUSED ${req.url.host}`)
    }
    await run(io, { send, clock })
    expect(clock.now() - start).toBe(60_000)
    expect(rec.outputs['result']).toBe('error')
    expect(rec.outputs['taskId']).toBe('')
    expect(rec.failed).toHaveLength(1)
    expect(rec.failed[0]).toMatch(
      /^Could not reach cce\.ap-southeast-1\.myhuaweicloud\.com \(no request to it was answered in 1m \(\d+ tries; the last: GET cce\.ap-southeast-1\.myhuaweicloud\.com: connect ECONNREFUSED .*\), so the gate stops now rather than at the timeout\): check the endpoint and region inputs, the runner's network, and https_proxy\/no_proxy; then re-run this job\.$/
    )
    expect(rec.lines.filter(l => l.startsWith('::warning::'))).toHaveLength(1)
    expect(rec.summary).toContain('❌ Error')
  })
})
