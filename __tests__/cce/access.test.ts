/** A 401 points at the keys and the runner's clock, a 403 at permissions: on every call the gate makes. */
import { describe, expect, it } from '@jest/globals'
import { Api } from '../../src/huawei/api.js'
import { tokenAuthorizer } from '../../src/huawei/auth.js'
import { CceClient } from '../../src/cce/client.js'
import { IamClient } from '../../src/huawei/iam.js'
import { FakeClock } from '../support/fake-clock.js'
import { recordingLog, scriptedSend } from '../support/scripted-send.js'

function refusedWith(status: number) {
  const clock = new FakeClock()
  const api = new Api({
    send: scriptedSend([
      { status, body: JSON.stringify({ error_code: 'APIGW.0301', error_msg: 'refused' }) }
    ]),
    clock,
    log: recordingLog(),
    intervalMs: 5000,
    deadline: clock.now() + 60_000
  })
  const url = new URL('https://api.example.com')
  const auth = tokenAuthorizer('tok')
  return {
    lookup: () => new IamClient(api, url).projectIdFor('ap-southeast-1', auth),
    exchange: () =>
      new IamClient(api, url).exchangeIdToken('jwt', 'github', { region: 'ap-southeast-1' }),
    cce: () =>
      new CceClient(
        api,
        { endpoint: url, projectId: 'p1', clusterId: 'c1', clusterType: 'cce' },
        auth
      ).listTasks()
  }
}

const KEYS_AND_CLOCK = /access-key-id and secret-access-key .*runner's clock is right/

describe('401 and 403 advice', () => {
  it('IAM project lookup', async () => {
    const unauthenticated = await refusedWith(401)
      .lookup()
      .catch(e => e.message)
    expect(unauthenticated).toMatch(KEYS_AND_CLOCK)
    expect(unauthenticated).not.toMatch(/iam:projects:list/)
    const forbidden = await refusedWith(403)
      .lookup()
      .catch(e => e.message)
    expect(forbidden).toMatch(/may not list projects: grant it iam:projects:list/)
    expect(forbidden).not.toMatch(/clock/)
  })

  it('OIDC exchange', async () => {
    const unauthenticated = await refusedWith(401)
      .exchange()
      .catch(e => e.message)
    expect(unauthenticated).toMatch(/idp_url is https:\/\/token.actions.githubusercontent.com/)
    const forbidden = await refusedWith(403)
      .exchange()
      .catch(e => e.message)
    expect(forbidden).toMatch(
      /CCE read permissions \(e.g. CCE ReadOnlyAccess\) in region ap-southeast-1/
    )
    expect(forbidden).not.toMatch(/idp_url/)
  })

  it('CCE calls', async () => {
    const unauthenticated = await refusedWith(401)
      .cce()
      .catch(e => e.message)
    expect(unauthenticated).toMatch(KEYS_AND_CLOCK)
    expect(unauthenticated).not.toMatch(/ReadOnlyAccess|on request/)
    const forbidden = await refusedWith(403)
      .cce()
      .catch(e => e.message)
    expect(forbidden).toMatch(
      /CCE read permissions .*CCE ReadOnlyAccess.*Huawei opens them on request/
    )
    expect(forbidden).not.toMatch(/clock/)
  })
})
