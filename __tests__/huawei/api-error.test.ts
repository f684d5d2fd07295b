import { describe, expect, it } from '@jest/globals'
import { describeDetails, parseErrorBody } from '../../src/huawei/api-error.js'

describe('parseErrorBody', () => {
  const h = { 'x-request-id': 'rid' }
  it('reads errorCode/errorMessage first, then error_code/error_msg, then reason/message', () => {
    const all = {
      errorCode: 'CCE.01404001',
      errorMessage: 'Resource not found',
      error_code: 'CCE_CM.0003',
      error_msg: 'x',
      message: 'm',
      reason: 'NotFound'
    }
    expect(parseErrorBody(JSON.stringify(all), h)).toEqual({
      code: 'CCE.01404001',
      message: 'Resource not found',
      requestId: 'rid'
    })
    const { errorCode: _c, errorMessage: _m, ...second } = all
    expect(parseErrorBody(JSON.stringify(second), h)).toEqual({
      code: 'CCE_CM.0003',
      message: 'x',
      requestId: 'rid'
    })
    expect(parseErrorBody(JSON.stringify({ message: 'm', reason: 'NotFound' }), h)).toEqual({
      code: 'NotFound',
      message: 'm',
      requestId: 'rid'
    })
    expect(parseErrorBody(JSON.stringify({ message: 'only' }), h)).toEqual({
      code: undefined,
      message: 'only',
      requestId: 'rid'
    })
  })

  it('reads the API gateway body with its request_id when there is no header', () => {
    expect(
      parseErrorBody('{"error_msg":"sig","error_code":"APIGW.0301","request_id":"gw-1"}', {})
    ).toEqual({ code: 'APIGW.0301', message: 'sig', requestId: 'gw-1' })
  })

  it('reads IAM errors and the IAM trace ID', () => {
    expect(
      parseErrorBody('{"error":{"code":401,"message":"bad token","title":"Unauthorized"}}', {
        'x-iam-trace-id': 't-1'
      })
    ).toEqual({ code: 'Unauthorized', message: 'bad token', requestId: 't-1' })
    expect(parseErrorBody('{"error":{"code":401,"message":"bad"}}', {})).toEqual({
      code: '401',
      message: 'bad',
      requestId: undefined
    })
  })

  it('keeps a snippet of a non-JSON body', () => {
    expect(parseErrorBody('<html>\n  <b>Bad Gateway</b>\n</html>', h)).toEqual({
      message: '<html> <b>Bad Gateway</b> </html>',
      requestId: 'rid'
    })
    expect(parseErrorBody('', { 'x-request-id': ['a', 'b'] })).toEqual({
      message: undefined,
      requestId: 'a'
    })
    expect(parseErrorBody('[1]', {})).toEqual({ message: '[1]', requestId: undefined })
    expect(parseErrorBody('{"other":1}', {})).toEqual({ requestId: undefined })
  })

  it('describes details in one line', () => {
    expect(describeDetails({ code: 'A', message: 'b', requestId: 'r' })).toBe('A: b (request ID r)')
    expect(describeDetails({})).toBe('no error details in the response')
  })
})
