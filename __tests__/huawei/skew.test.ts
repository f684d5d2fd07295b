/**
 * A runner whose clock is off by more than the gateway's 15 minutes: the first refusal measures the offset,
 * every later signature (CCE and IAM alike) carries the API's time.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { Api, Call, FatalApiError } from '../../src/huawei/api.js'
import { akskAuthorizer } from '../../src/huawei/auth.js'
import { CceClient } from '../../src/cce/client.js'
import { systemClock } from '../../src/lib/clock.js'
import { IamClient } from '../../src/huawei/iam.js'
import { HttpRequest, createTransport } from '../../src/huawei/transport.js'
import { decodeTask } from '../../src/cce/task.js'
import { ApiClock, describeSkew, isExpiredSignature, serverTimeOf } from '../../src/huawei/skew.js'
import { DEMO, demoTasks, startFakeApi } from '../support/fake-api.mjs'
import type { FakeApi } from '../support/fake-api.mjs'
import { FakeClock } from '../support/fake-clock.js'
import { recordingLog, scriptedSend, taskBody } from '../support/scripted-send.js'

const SKEW_MS = 20 * 60_000 + 3000
const cred = { accessKeyId: 'AK', secretAccessKey: 'SK' }
const sdkDate = (ms: number) => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '')

function parseSdkDate(v: string): number {
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(v)!
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)
}

/** A gateway whose clock is `behind` ms behind the runner's; `dateHeader`/`inMessage` choose how it says so. */
function gateway(
  clock: FakeClock,
  behind: number,
  opts: { dateHeader?: boolean; inMessage?: boolean } = {}
) {
  return (req: HttpRequest) => {
    const server = clock.now() - behind
    const signed = parseSdkDate(req.headers['X-Sdk-Date']!)
    if (Math.abs(signed - server) <= 15 * 60_000) return { status: 200, body: taskBody('Running') }
    const detail =
      opts.inMessage === false
        ? 'signature expired'
        : `signature expired, signature time:${sdkDate(signed)},server time:${sdkDate(server)}`
    return {
      status: 401,
      headers: {
        'x-request-id': 'rid-401',
        ...(opts.dateHeader === false ? {} : { date: new Date(server).toUTCString() })
      },
      body: JSON.stringify({
        error_code: 'APIGW.0301',
        error_msg: `Incorrect IAM authentication information: ${detail}`,
        request_id: 'rid-401'
      })
    }
  }
}

function setup(behind: number, opts: { dateHeader?: boolean; inMessage?: boolean } = {}) {
  const clock = new FakeClock()
  const log = recordingLog()
  const send = scriptedSend([gateway(clock, behind, opts)])
  const api = new Api({
    send,
    clock,
    log,
    intervalMs: 15_000,
    deadline: clock.now() + 3_600_000
  })
  const call: Call<ReturnType<typeof decodeTask>> = {
    method: 'GET',
    url: new URL('https://cce.example.com/api/v3/x'),
    auth: akskAuthorizer(cred),
    decode: decodeTask,
    explain: status => `explained ${status}: check the keys and the runner's clock`
  }
  return { clock, log, send, api, call }
}

describe('clock skew', () => {
  it('measures the offset from the refusal, warns once, re-signs at once and keeps the correction', async () => {
    const { api, call, send, log, clock } = setup(SKEW_MS)
    await expect(api.call(call)).resolves.toMatchObject({ value: { phase: 'Running' } })
    expect(send.requests).toHaveLength(2)
    expect(clock.sleeps).toEqual([])
    expect(log.of('warning')).toEqual([
      "This runner's clock is 20m3s ahead of the API's; correcting (signing with the API's time from now on)"
    ])
    // every later call, whatever it asks, is signed with the API's time from the start
    await api.call({ ...call, url: new URL('https://iam.example.com/v3/projects') })
    await api.call(call)
    expect(send.requests).toHaveLength(4)
    const signedAt = parseSdkDate(send.requests[3]!.headers['X-Sdk-Date']!)
    expect(Math.abs(signedAt - (clock.now() - SKEW_MS))).toBeLessThanOrEqual(1000)
    expect(log.of('warning')).toHaveLength(1)
  })

  it.each([
    ['the Date header alone', { inMessage: false }],
    ["the message's server time alone", { dateHeader: false }]
  ])('corrects from %s', async (_name, opts) => {
    const { api, call, send, log } = setup(-SKEW_MS, opts)
    await api.call(call)
    expect(send.requests).toHaveLength(2)
    // the API's clock said 20m3s ahead in whole seconds: 20m3s to 20m4s, the midpoint rounds up
    expect(log.of('warning')[0]).toMatch(/^This runner's clock is 20m4s behind the API's/)
  })

  it('fails with the measured skew when the corrected request is refused again', async () => {
    const { clock, call } = setup(0)
    // a gateway whose clock runs away from the runner's: each correction is stale by the next request
    let behind = 0
    const send = scriptedSend([req => gateway(clock, (behind += SKEW_MS))(req)])
    const api = new Api({
      send,
      clock,
      log: recordingLog(),
      intervalMs: 15_000,
      deadline: clock.now() + 3_600_000
    })
    const err = await api.call(call).catch(e => e)
    expect(err).toBeInstanceOf(FatalApiError)
    expect(err.status).toBe(401)
    expect(err.message).toMatch(
      /^explained 401: check the keys and the runner's clock The request was re-signed/
    )
    expect(err.message).toMatch(
      /re-signed for this runner's clock being 20m3s ahead of the API's and was refused again/
    )
    expect(send.requests).toHaveLength(2)
  })

  it('fails at once, with the explanation, when the refusal does not say the API time', async () => {
    const { api, call, send } = setup(SKEW_MS, { dateHeader: false, inMessage: false })
    const err = await api.call(call).catch(e => e)
    expect(err).toBeInstanceOf(FatalApiError)
    expect(err.message).toMatch(/^explained 401: .*could not be corrected: set the runner's clock/)
    expect(send.requests).toHaveLength(1)
  })

  it('treats other 401s as they were: no retry, no correction', async () => {
    const clock = new FakeClock()
    const send = scriptedSend([
      {
        status: 401,
        headers: { date: new Date(clock.now() - SKEW_MS).toUTCString() },
        body: JSON.stringify({
          error_code: 'APIGW.0301',
          error_msg: 'Incorrect IAM authentication information: verify aksk signature fail'
        })
      }
    ])
    const log = recordingLog()
    const api = new Api({ send, clock, log, intervalMs: 15_000, deadline: clock.now() + 60_000 })
    await expect(api.call(setup(0).call)).rejects.toThrow(/^explained 401/)
    expect(send.requests).toHaveLength(1)
    expect(log.of('warning')).toEqual([])
  })
})

describe('skew parts', () => {
  it('recognises only the expired-signature refusal', () => {
    expect(
      isExpiredSignature(401, { code: 'APIGW.0301', message: 'x: signature expired, …' })
    ).toBe(true)
    expect(isExpiredSignature(401, { code: 'APIGW.0301', message: 'verify aksk fail' })).toBe(false)
    expect(isExpiredSignature(401, { code: 'APIGW.0307', message: 'token expired' })).toBe(false)
    expect(isExpiredSignature(403, { code: 'APIGW.0301', message: 'signature expired' })).toBe(
      false
    )
  })

  it("reads the API's time from the message first, then the Date header", () => {
    const msg = {
      message:
        'Incorrect IAM authentication information: signature expired, signature time:20211217T064303Z,server time:20211217T065804Z'
    }
    const date = { date: 'Fri, 17 Dec 2021 06:58:05 GMT' }
    expect(serverTimeOf(date, msg)).toBe(Date.UTC(2021, 11, 17, 6, 58, 4))
    expect(serverTimeOf(date, {})).toBe(Date.UTC(2021, 11, 17, 6, 58, 5))
    expect(serverTimeOf(date, { message: 'server time:20211317T065804Z' })).toBe(
      Date.UTC(2021, 11, 17, 6, 58, 5)
    )
    expect(serverTimeOf({ date: 'yesterday' }, {})).toBeUndefined()
    expect(serverTimeOf({}, {})).toBeUndefined()
  })

  it('describes the offset from the runner side and keeps it', () => {
    expect(describeSkew(-SKEW_MS)).toBe('20m3s ahead of')
    expect(describeSkew(4 * 60_000)).toBe('4m behind')
    const clock = new FakeClock(1000)
    const c = new ApiClock(clock)
    expect(c.signingTime().getTime()).toBe(1000)
    // sent at 0, answered at 200 ms (monotonic): the API's 10 000 (10 000 to 10 999) is the monotonic 100
    clock.t = 200
    expect(c.measure(10_000, 0, 200)).toBe(true)
    expect(c.offsetMs()).toBe(10_400)
    clock.t = 1000
    expect(c.signingTime().getTime()).toBe(11_400)
  })
})

describe('clock skew against the fake API', () => {
  let fake: FakeApi | undefined
  afterEach(async () => {
    await fake?.close()
    fake = undefined
  })

  it('survives a runner 20 minutes ahead: one warning, then IAM and CCE accept the corrected signatures', async () => {
    fake = await startFakeApi({
      projects: [{ id: DEMO.projectId, name: DEMO.region }],
      tasks: demoTasks([{ phase: 'Success', progress: '100.00' }]),
      now: () => Date.now() - 20 * 60_000
    })
    const transport = createTransport('skew-test/1')
    const log = recordingLog()
    const api = new Api({
      send: transport.send,
      clock: systemClock,
      log,
      intervalMs: 1000,
      deadline: Date.now() + 60_000
    })
    const auth = akskAuthorizer({ accessKeyId: DEMO.ak, secretAccessKey: DEMO.sk })
    const url = new URL(fake.url)
    try {
      const projectId = await new IamClient(api, url).projectIdFor(DEMO.region, auth)
      expect(projectId).toBe(DEMO.projectId)
      const cce = new CceClient(
        api,
        { endpoint: url, projectId, clusterId: DEMO.clusterId, clusterType: 'cce' },
        auth
      )
      const reply = await cce.getTask(DEMO.taskId)
      expect(reply.value.phase).toBe('Success')
    } finally {
      transport.close()
    }
    expect(fake.requests.map(r => r.status)).toEqual([401, 200, 200])
    const warnings = log.of('warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(
      /^This runner's clock is (19m59s|20m|20m1s) ahead of the API's; correcting/
    )
  })
})

describe("reading the API's time from a refusal: the bounds of what counts as a time", () => {
  const header = { date: 'Fri, 17 Dec 2021 06:58:05 GMT' }
  const fromHeader = Date.UTC(2021, 11, 17, 6, 58, 5)
  const refusal = (serverTime: string) => ({
    message: `Incorrect IAM authentication information: signature expired, signature time:20211217T064303Z,server time:${serverTime}`
  })

  it('takes the time after blanks that follow "server time:"', () => {
    const inMessage = Date.UTC(2021, 11, 17, 6, 58, 4)
    expect(serverTimeOf({}, { message: 'server time: 20211217T065804Z' })).toBe(inMessage)
    expect(
      serverTimeOf({}, { message: 'signature expired, server time:\t 20211217T065804Z' })
    ).toBe(inMessage)
    // anything else between the label and the time is not the gateway's wording: the Date header decides
    expect(serverTimeOf(header, { message: 'server time:x20211217T065804Z' })).toBe(fromHeader)
  })

  it('accepts the last minute and second of a day', () => {
    expect(serverTimeOf(header, refusal('20211217T235959Z'))).toBe(
      Date.UTC(2021, 11, 17, 23, 59, 59)
    )
    expect(serverTimeOf(header, refusal('20211217T000000Z'))).toBe(Date.UTC(2021, 11, 17, 0, 0, 0))
  })

  it.each([
    ['minute 60', '20211217T066004Z'],
    ['second 60', '20211217T065860Z'],
    ['minute 99', '20211217T069904Z'],
    ['hour 24', '20211217T240000Z'],
    ['day 32', '20211232T065804Z'],
    ['day 0', '20211200T065804Z'],
    ['February 30', '20210230T065804Z']
  ])(
    'does not take %s from the message (it would roll over): the Date header decides',
    (_, time) => {
      expect(serverTimeOf(header, refusal(time))).toBe(fromHeader)
      expect(serverTimeOf({}, refusal(time))).toBeUndefined()
    }
  )

  it('describes a zero offset as behind: only a negative offset (API earlier) means the runner is ahead', () => {
    expect(describeSkew(0)).toBe('0s behind')
    expect(describeSkew(-1000)).toBe('1s ahead of')
    expect(describeSkew(1000)).toBe('1s behind')
  })
})
