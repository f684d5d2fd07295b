/**
 * The fake API is the judge of the end-to-end tests, so it is tested too (one file per part of it,
 * fake-api-*.test.ts). Here, how it checks who is calling: its signature check must accept what Huawei's official
 * Node SDK signs and refuse anything else; IAM tokens and OIDC must behave as documented in fake-api.mjs.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { DEMO, computeSignature, startFakeApi } from '../support/fake-api.mjs'
import type { FakeApi } from '../support/fake-api.mjs'
import {
  P,
  C,
  T,
  taskPath,
  TOKEN,
  call,
  sdkSign,
  task,
  fake,
  closeFakes
} from '../support/fake-api-harness.js'
import type { Answer } from '../support/fake-api-harness.js'

afterEach(closeFakes)

describe('signature check, against the official Node SDK signer', () => {
  let api: FakeApi
  const now = Date.UTC(2026, 10, 24, 2, 0, 0)
  beforeAll(async () => {
    api = await startFakeApi({
      now: () => now,
      credentials: {
        [DEMO.ak]: { secret: DEMO.sk },
        AKTEMP0001: { secret: 'temp-sk', securityToken: 'st-secret-1' }
      },
      tasks: { [`${P}/${C}`]: [task(T, [{ phase: 'Running', progress: '10.00' }])] }
    })
  })
  afterAll(() => api.close())
  const sign = (path: string, o: Partial<Parameters<typeof sdkSign>[2]> = {}) =>
    sdkSign(api.url, path, { at: now, ...o })

  it('matches the published Go SDK test vector', () => {
    const { signature } = computeSignature({
      method: 'GET',
      url: '/path?limit=1',
      headers: { 'x-sdk-date': '20060102T150405Z' },
      signedHeaders: ['x-sdk-date'],
      secret: 'SecretKey'
    })
    expect(signature).toBe('5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624')
  })

  it('canonicalises path segments and the query as the spec says', () => {
    const sig = (url: string) =>
      computeSignature({
        method: 'GET',
        url,
        headers: { 'x-sdk-date': '20060102T150405Z', host: 'h' },
        signedHeaders: ['host', 'x-sdk-date'],
        secret: 'k'
      })
    expect(sig('/a%2Db/c~d?b=2&a=x%20y').canonical).toBe(
      'GET\n/a-b/c~d/\na=x%20y&b=2\nhost:h\nx-sdk-date:20060102T150405Z\n\nhost;x-sdk-date\n' +
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    )
    expect(sig('/a-b/c%7ed?a=x+y&b=2').signature).toBe(sig('/a%2Db/c~d?b=2&a=x%20y').signature)
    expect(sig('/%C3%A9/x*').canonical.split('\n')[1]).toBe('/%C3%A9/x%2A/')
  })

  it('accepts what the SDK signs: a GET, a signed query, extra headers, a body', async () => {
    const ok = await call(api.url, taskPath(), sign(taskPath()))
    expect(ok.status).toBe(200)
    expect(ok.json().status.phase).toBe('Running')
    const q = await call(
      api.url,
      '/v3/projects?name=ap-southeast-1',
      sign('/v3/projects', { query: { name: 'ap-southeast-1' } })
    )
    expect(q.status).toBe(200)
    const extra = await call(
      api.url,
      taskPath(),
      sign(taskPath(), { headers: { 'Content-Type': 'application/json', 'X-Project-Id': P } })
    )
    expect(extra.status).toBe(200)
    // no such route, but the signature over the body must pass first: 404, not 401
    const path = `/api/v3/projects/${P}/clusters/${C}/operation/upgrade`
    const data = { metadata: { apiVersion: 'v3', kind: 'UpgradeTask' }, spec: { version: 'v1.29' } }
    const headers = sign(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      data
    })
    const body = JSON.stringify(data)
    expect((await call(api.url, path, headers, { method: 'POST', body })).status).toBe(404)
    const tampered = await call(api.url, path, headers, {
      method: 'POST',
      body: body.replace('1.29', '1.30')
    })
    expect([tampered.status, tampered.json().error_code]).toEqual([401, 'APIGW.0301'])
    expect(api.count({ auth: 'aksk', status: 200 })).toBe(3)
  })

  it('accepts an equivalent spelling of the path (decoded, then re-encoded)', async () => {
    const sent = taskPath().replace('4a1d7e0c-demo', '4a1d7e0c%2ddemo')
    const res = await call(api.url, sent, sign(taskPath()))
    expect(res.status).toBe(200)
    expect(res.json().metadata.uid).toBe(T)
  })

  it('refuses a changed path, query, signature, date, host or key with 401 APIGW.0301', async () => {
    const signed = sign(taskPath())
    const query = sign('/v3/projects', { query: { name: 'ap-southeast-1' } })
    const flip = (text: string) => text.replace(/\d(?=\D*$)/, d => String((Number(d) + 1) % 10))
    const cases: [string, Record<string, string>][] = [
      [`${taskPath()}x`, signed],
      [taskPath().replace('/api/v3', '/api/v3/'), signed],
      ['/v3/projects?name=ap-southeast-2', query],
      ['/v3/projects?name=ap-southeast-1&limit=1', query],
      [taskPath(), { ...signed, Authorization: flip(signed['Authorization']!) }],
      [taskPath(), { ...signed, 'X-Sdk-Date': flip(signed['X-Sdk-Date']!) }],
      [taskPath(), { ...signed, host: 'evil.example.com' }],
      [taskPath(), sign(taskPath(), { sk: 'wrong-secret' })]
    ]
    for (const [path, headers] of cases) {
      const res = await call(api.url, path, headers)
      const body = res.json()
      expect([path, res.status, body.error_code]).toEqual([path, 401, 'APIGW.0301'])
      expect(body.error_msg).toMatch(
        /^Incorrect IAM authentication information: verify aksk signature fail, canonicalRequest: (GET|POST)\|\//
      )
      expect(body.request_id).toBe(res.headers['x-request-id'])
    }
  })

  it('refuses a stale or future date, an unknown key, a missing or malformed Authorization', async () => {
    const expectRefused = async (headers: Record<string, string>, why: RegExp) => {
      const res = await call(api.url, taskPath(), headers)
      expect([res.status, res.json().error_code]).toEqual([401, 'APIGW.0301'])
      expect(res.json().error_msg).toMatch(why)
    }
    await expectRefused(sign(taskPath(), { at: now - 16 * 60_000 }), /expired/)
    await expectRefused(sign(taskPath(), { at: now + 16 * 60_000 }), /expired/)
    expect(
      (await call(api.url, taskPath(), sign(taskPath(), { at: now - 14 * 60_000 }))).status
    ).toBe(200)
    await expectRefused(sign(taskPath(), { ak: 'AKNOBODY', sk: 'x' }), /unknown access key/)
    await expectRefused({}, /Authorization not found/)
    await expectRefused({ Authorization: 'Bearer abc' }, /SDK-HMAC-SHA256/)
    const signed = sign(taskPath())
    const auth = signed['Authorization']!
    await expectRefused(
      { ...signed, Authorization: auth.replace('host;x-sdk-date', 'x-sdk-date') },
      /host must be signed/
    )
    await expectRefused(
      { ...signed, Authorization: auth.replace('host;x-sdk-date', 'x-sdk-date;host') },
      /sorted/
    )
    await expectRefused(
      { ...signed, Authorization: auth.replace('host;x-sdk-date', 'host;x-project-id;x-sdk-date') },
      /x-project-id was not sent/
    )
    const undated = { ...signed }
    delete undated['X-Sdk-Date']
    await expectRefused(undated, /x-sdk-date was not sent/)
  })

  it('checks temporary credentials: the security token must be sent, signed and right', async () => {
    const temp = { ak: 'AKTEMP0001', sk: 'temp-sk' }
    const good = sign(taskPath(), { ...temp, headers: { 'X-Security-Token': 'st-secret-1' } })
    expect((await call(api.url, taskPath(), good)).status).toBe(200)
    const refused = async (headers: Record<string, string>) => {
      const res = await call(api.url, taskPath(), headers)
      expect(res.status).toBe(401)
      expect(res.body).not.toContain('st-secret-1')
      return res.json().error_msg as string
    }
    expect(await refused(sign(taskPath(), temp))).toMatch(/need X-Security-Token/)
    expect(await refused({ ...sign(taskPath(), temp), 'X-Security-Token': 'st-secret-1' })).toMatch(
      /must be signed/
    )
    expect(
      await refused(sign(taskPath(), { ...temp, headers: { 'X-Security-Token': 'st-other' } }))
    ).toMatch(/does not belong/)
    expect(
      await refused(
        sign(taskPath(), { ak: temp.ak, sk: 'bad', headers: { 'X-Security-Token': 'st-secret-1' } })
      )
    ).toMatch(/x-security-token:\*\*\*/)
  })

  it('accepts a known IAM token instead, and refuses an unknown one', async () => {
    expect((await call(api.url, taskPath(), TOKEN)).status).toBe(200)
    const bad = await call(api.url, taskPath(), { 'X-Auth-Token': 'not-issued' })
    expect([bad.status, bad.json().error_code]).toEqual([401, 'APIGW.0307'])
  })
})

describe('IAM and OIDC', () => {
  const project2 = { id: '1111aaaa2222bbbb3333cccc4444dddd', name: 'cn-north-4' }
  const oidcHeaders = { Authorization: 'Bearer oidc-request-token' }

  it('looks up projects by name, signed or with a token', async () => {
    const now = Date.now()
    const api = await fake({ projects: [{ id: P, name: DEMO.region }, project2] })
    const res = await call(
      api.url,
      '/v3/projects?name=cn-north-4',
      sdkSign(api.url, '/v3/projects', { at: now, query: { name: 'cn-north-4' } })
    )
    expect(res.status).toBe(200)
    expect(res.headers['x-iam-trace-id']).toMatch(/^[0-9a-f]{32}$/)
    expect(res.json().projects).toEqual([expect.objectContaining(project2)])
    expect(res.json().links.self).toMatch(/\/v3\/projects\?name=cn-north-4$/)
    const none = await call(api.url, '/v3/projects?name=mars-1', TOKEN)
    expect(none.json().projects).toEqual([])
    expect((await call(api.url, '/v3/projects', TOKEN)).json().projects).toHaveLength(2)
    expect((await call(api.url, '/v3/projects?name=x', {})).status).toBe(401)
  })

  it('issues a GitHub-like OIDC token and exchanges it for an IAM token', async () => {
    let now = Date.now()
    const api = await fake({
      now: () => now,
      projects: [{ id: P, name: DEMO.region }, project2, { id: 'dup', name: 'cn-north-4' }],
      tasks: { [`${P}/${C}`]: [task(T, [{ phase: 'Running', progress: '5.00' }])] }
    })
    expect((await call(api.url, '/oidc/token?audience=huaweicloud', {})).status).toBe(401)
    const issued = await call(
      api.url,
      '/oidc/token?api-version=2.0&audience=huaweicloud',
      oidcHeaders
    )
    expect(issued.status).toBe(200)
    const jwt: string = issued.json().value
    const [head, payload, sig] = jwt.split('.')
    expect(sig).toMatch(/^[\w-]+$/)
    expect(JSON.parse(Buffer.from(head!, 'base64url').toString())).toMatchObject({ typ: 'JWT' })
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString())
    expect(claims).toMatchObject({
      iss: 'https://token.actions.githubusercontent.com',
      aud: 'huaweicloud',
      sub: 'repo:octo/app:ref:refs/heads/main'
    })
    expect(claims.exp * 1000).toBeGreaterThan(now)

    const exchange = (scope: object, id: string = jwt, idp = 'github-actions') =>
      call(api.url, '/v3.0/OS-AUTH/id-token/tokens', idp ? { 'X-Idp-Id': idp } : {}, {
        method: 'POST',
        body: JSON.stringify({ auth: { id_token: { id }, scope: { project: scope } } })
      })
    const byId = await exchange({ id: P })
    expect(byId.status).toBe(201)
    const token = byId.headers['x-subject-token'] as string
    expect(token).toMatch(/^MII/)
    expect(byId.json().token).toMatchObject({
      methods: ['token'],
      project: { id: P, name: DEMO.region },
      expires_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/)
    })
    const cce = await call(api.url, taskPath(), { 'X-Auth-Token': token })
    expect(cce.status).toBe(200)
    expect(api.requests.at(-1)?.auth).toBe('token')
    const byName = await exchange({ name: DEMO.region })
    expect([byName.status, byName.json().token.project.id]).toEqual([201, P])
    expect(byName.headers['x-subject-token']).not.toBe(token)

    const iamError = async (res: Promise<Answer>, status: number, message: RegExp) => {
      const r = await res
      expect(r.status).toBe(status)
      expect(r.headers['x-iam-trace-id']).toMatch(/^[0-9a-f]{32}$/)
      expect(r.json().error).toMatchObject({
        code: status,
        message: expect.stringMatching(message)
      })
      expect(r.headers['x-subject-token']).toBeUndefined()
    }
    await iamError(exchange({ name: 'mars-1' }), 404, /could not be found/)
    await iamError(exchange({ id: 'nope' }), 404, /could not be found/)
    await iamError(exchange({ name: 'cn-north-4' }), 400, /matches 2 projects/)
    await iamError(exchange({}), 400, /id or a name/)
    await iamError(exchange({ id: P }, jwt, 'other-idp'), 404, /identity provider/)
    await iamError(exchange({ id: P }, jwt, ''), 400, /X-Idp-Id/)
    const forged = `${head}.${Buffer.from(JSON.stringify({ ...claims, sub: 'repo:evil/x' })).toString('base64url')}.${sig}`
    await iamError(exchange({ id: P }, forged), 401, /invalid/)
    await iamError(exchange({ id: P }, 'not-a-jwt'), 401, /invalid/)
    const notJson = call(
      api.url,
      '/v3.0/OS-AUTH/id-token/tokens',
      { 'X-Idp-Id': 'github-actions' },
      {
        method: 'POST',
        body: '{'
      }
    )
    await iamError(notJson, 400, /JSON/)
    now += 10 * 60_000
    await iamError(exchange({ id: P }), 401, /expired/)
  })

  it('checks the audience when one is configured', async () => {
    const api = await fake({ audience: 'huaweicloud' })
    const token = async (aud: string) =>
      (await call(api.url, `/oidc/token?audience=${aud}`, oidcHeaders)).json().value
    const exchange = async (jwt: string) =>
      call(
        api.url,
        '/v3.0/OS-AUTH/id-token/tokens',
        { 'X-Idp-Id': 'github-actions' },
        {
          method: 'POST',
          body: JSON.stringify({ auth: { id_token: { id: jwt }, scope: { project: { id: P } } } })
        }
      )
    expect((await exchange(await token('huaweicloud'))).status).toBe(201)
    const wrong = await exchange(await token('sts.amazonaws.com'))
    expect([wrong.status, wrong.json().error.message]).toEqual([
      401,
      expect.stringMatching(/audience sts.amazonaws.com/)
    ])
    // a token from another fake is not one of ours
    const other = await fake()
    const foreign = (await call(other.url, '/oidc/token?audience=huaweicloud', oidcHeaders)).json()
    expect((await exchange(foreign.value)).status).toBe(401)
  })
})
