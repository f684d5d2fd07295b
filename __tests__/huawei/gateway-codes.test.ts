/**
 * Huawei's gateways and pages write the same error codes as APIGW.xxxx and APIG.xxxx (docs/cce-api.md §7):
 * every place the gate reads a gateway code treats the two alike.
 */
import { describe, expect, it } from '@jest/globals'
import { CceClient } from '../../src/cce/client.js'
import { Api } from '../../src/huawei/api.js'
import { isGatewayCode } from '../../src/huawei/api-error.js'
import { tokenAuthorizer } from '../../src/huawei/auth.js'
import { isExpiredSignature } from '../../src/huawei/skew.js'
import { FakeClock } from '../support/fake-clock.js'
import { recordingLog, scriptedSend } from '../support/scripted-send.js'

describe('isGatewayCode', () => {
  it('reads both prefixes, in any case, as the same code', () => {
    for (const code of ['APIGW.0301', 'APIG.0301', 'apigw.0301', 'Apig.0301'])
      expect(isGatewayCode({ code }, '0301')).toBe(true)
  })

  it('is not fooled by another number, another service or a longer code', () => {
    for (const code of [
      'APIGW.0302',
      'APIG.03010',
      'IAM.0301',
      'XAPIG.0301',
      'APIGX.0301',
      'APIG0301'
    ])
      expect(isGatewayCode({ code }, '0301')).toBe(false)
    expect(isGatewayCode({}, '0301')).toBe(false)
  })
})

describe('the clock-skew correction fires on either prefix', () => {
  it.each(['APIGW.0301', 'APIG.0301'])('%s signature expired', code => {
    expect(
      isExpiredSignature(401, {
        code,
        message: 'Incorrect IAM authentication information: signature expired'
      })
    ).toBe(true)
    expect(isExpiredSignature(401, { code, message: 'verify aksk signature fail' })).toBe(false)
  })
})

describe('a workflow list the endpoint does not offer', () => {
  it.each(['APIGW.0101', 'APIG.0101'])('404 %s says what to do instead', async code => {
    const clock = new FakeClock()
    const api = new Api({
      send: scriptedSend([
        {
          status: 404,
          body: JSON.stringify({ error_code: code, error_msg: 'The API does not exist' })
        }
      ]),
      clock,
      log: recordingLog(),
      intervalMs: 5000,
      deadline: clock.now() + 60_000
    })
    const cce = new CceClient(
      api,
      {
        endpoint: new URL('https://cce.example.com'),
        projectId: 'p1',
        clusterId: 'c1',
        clusterType: 'cce'
      },
      tokenAuthorizer('tok')
    )
    await expect(cce.listWorkflows()).rejects.toThrow(
      new RegExp(
        `^This endpoint does not offer upgrade workflows \\(HTTP 404 ${code.replace('.', '\\.')}: The API does not exist \\(request ID req-1\\)\\): give task-id`
      )
    )
  })
})
