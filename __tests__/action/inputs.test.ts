import { describe, expect, it } from '@jest/globals'
import { InputError } from '../../src/lib/config.js'
import { readConfig } from '../../src/action/inputs.js'
import { Secrets } from '../../src/lib/secrets.js'

const base = {
  'cluster-id': 'c0ffee00-4e1f-9a6b',
  'task-id': 'task_1',
  region: 'ap-southeast-1',
  'project-id': '0605767b5e00d5762fc1c00d8d1f0e37',
  'access-key-id': 'AK1',
  'secret-access-key': 'SK1',
  timeout: '60m',
  interval: '15s',
  'on-pause': 'wait'
}

function read(
  inputs: Record<string, string> = {},
  env: Record<string, string> = {},
  withBase = true
) {
  const all: Record<string, string> = withBase ? { ...base, ...inputs } : inputs
  const masked: string[] = []
  const secrets = new Secrets(v => masked.push(v))
  const call = () => readConfig(name => all[name] ?? '', env, secrets)
  return { call, masked }
}

function errorOf(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  withBase = true
): string {
  const { call } = read(inputs, env, withBase)
  try {
    call()
  } catch (e) {
    expect(e).toBeInstanceOf(InputError)
    return (e as Error).message
  }
  throw new Error('expected an InputError')
}

describe('readConfig', () => {
  it('builds a typed config with endpoints from the region', () => {
    const c = read().call()
    expect(c).toMatchObject({
      clusterId: 'c0ffee00-4e1f-9a6b',
      clusterType: 'cce',
      target: { kind: 'task', taskId: 'task_1' },
      region: 'ap-southeast-1',
      project: {
        kind: 'given',
        id: '0605767b5e00d5762fc1c00d8d1f0e37',
        source: 'input project-id'
      },
      timeoutMs: 3_600_000,
      timeoutBareNumber: false,
      intervalMs: 15_000,
      onPause: 'wait',
      credential: { kind: 'aksk', accessKeyId: 'AK1', secretAccessKey: 'SK1' }
    })
    expect(c.cceEndpoint.href).toBe('https://cce.ap-southeast-1.myhuaweicloud.com/')
    expect(c.iamEndpoint.href).toBe('https://iam.ap-southeast-1.myhuaweicloud.com/')
  })

  it('uses the .eu domain for eu-west-101 only', () => {
    expect(read({ region: 'eu-west-101' }).call().cceEndpoint.host).toBe(
      'cce.eu-west-101.myhuaweicloud.eu'
    )
    expect(read({ region: 'eu-west-101' }).call().iamEndpoint.host).toBe(
      'iam.eu-west-101.myhuaweicloud.eu'
    )
    expect(read({ region: 'eu-west-0' }).call().cceEndpoint.host).toBe(
      'cce.eu-west-0.myhuaweicloud.com'
    )
  })

  it('applies defaults when optional inputs are empty', () => {
    const c = read({ timeout: '', interval: '', 'on-pause': '', 'task-id': '' }).call()
    expect(c.timeoutMs).toBe(3_600_000)
    expect(c.intervalMs).toBe(15_000)
    expect(c.onPause).toBe('wait')
    expect(c.target).toEqual({ kind: 'current' })
    expect(c.maxAgeMs).toBeUndefined()
    expect(c.clusterType).toBe('cce')
    expect(c.waitForPostCheck).toBe(false)
  })

  it('reads wait-for-post-check as true or false, in any case', () => {
    for (const [text, value] of [
      ['true', true],
      ['TRUE', true],
      ['True', true],
      ['false', false],
      ['False', false],
      ['', false]
    ] as const)
      expect(read({ 'wait-for-post-check': text }).call().waitForPostCheck).toBe(value)
  })

  it('reads workflow-id, max-age and cluster-type', () => {
    const c = read({
      'task-id': '',
      'workflow-id': 'wf_1',
      'max-age': '2h',
      'cluster-type': 'Autopilot',
      timeout: '90'
    }).call()
    expect(c.target).toEqual({ kind: 'workflow', workflowId: 'wf_1' })
    expect(c.maxAgeMs).toBe(7_200_000)
    expect(c.clusterType).toBe('autopilot')
    expect(c.timeoutMs).toBe(90_000)
    expect(c.timeoutBareNumber).toBe(true)
  })

  it('refuses task-id with workflow-id, a bad workflow-id, max-age or cluster-type', () => {
    expect(errorOf({ 'workflow-id': 'wf_1' })).toBe(
      "Inputs task-id and workflow-id are both set: give at most one (task-id waits on one upgrade task, workflow-id on one upgrade workflow; neither waits on the cluster's current upgrade)"
    )
    expect(errorOf({ 'task-id': '', 'workflow-id': 'wf/1' })).toMatch(
      /^Input workflow-id is not a valid ID: only letters, digits/
    )
    expect(errorOf({ 'max-age': 'two hours' })).toBe(
      'Input max-age is "two hours": expected a duration such as 90s, 15m, 1h30m or 500ms (a bare number means seconds)'
    )
    expect(errorOf({ 'max-age': '500ms' })).toBe('Input max-age is 500ms: it must be at least 1s')
    expect(errorOf({ 'cluster-type': 'turbo' })).toBe(
      'Input cluster-type is "turbo": accepted values are cce or autopilot'
    )
  })

  it('masks every secret before validating anything', () => {
    const { call, masked } = read(
      {
        'cluster-id': '../etc',
        'secret-access-key': 'SK-secret',
        'security-token': 'ST-secret',
        'auth-token': 'TOKEN-secret'
      },
      {
        HUAWEICLOUD_SDK_SK: 'env-sk',
        HUAWEICLOUD_SDK_SECURITY_TOKEN: 'env-st',
        HUAWEI_CLOUD_SECRET_ACCESS_KEY: 'env-sk2',
        CLOUD_SDK_SK: 'env-sk3'
      }
    )
    expect(call).toThrow(InputError)
    // each also in its encodings (__tests__/lib/secrets.test.ts): here, the values themselves, in order
    const values = [
      'SK-secret',
      'ST-secret',
      'TOKEN-secret',
      'env-sk',
      'env-st',
      'env-sk2',
      'env-sk3'
    ]
    expect(masked.filter(m => values.includes(m))).toEqual(values)
  })

  it('masks the access key IDs and the proxy credentials before validating anything', () => {
    const { call, masked } = read(
      { 'cluster-id': '../etc', 'access-key-id': 'AK-input-0001' },
      {
        HUAWEICLOUD_SDK_AK: 'AK-env-0002',
        HUAWEI_CLOUD_ACCESS_KEY_ID: 'AK-env-0003',
        CLOUD_SDK_AK: 'AK-env-0004',
        https_proxy: 'http://gate-user:p%40ss-w0rd@proxy.example:3128',
        HTTP_PROXY: 'http://other:second-pass@proxy.example:3128',
        HTTPS_PROXY: 'not a URL'
      }
    )
    expect(call).toThrow(InputError)
    expect(masked).toEqual(
      expect.arrayContaining([
        'AK-input-0001',
        'AK-env-0002',
        'AK-env-0003',
        'AK-env-0004',
        'p%40ss-w0rd',
        'p@ss-w0rd',
        // its base64 is the Proxy-Authorization header a proxy may echo
        Buffer.from('gate-user:p@ss-w0rd').toString('base64'),
        'second-pass'
      ])
    )
    expect(masked.join('\n')).not.toContain('proxy.example')
  })

  it.each([
    ['cluster-id', '', /Input cluster-id is required/],
    ['cluster-id', '../../v3/x', /Input cluster-id is not a valid ID: only letters, digits/],
    ['cluster-id', 'a b', /cluster-id is not a valid ID/],
    ['task-id', 'abc/../def', /Input task-id is not a valid ID/],
    ['task-id', 'x?y=1', /task-id is not a valid ID/],
    ['project-id', 'p%2f', /Input project-id is not a valid ID/],
    ['timeout', '5x', /Input timeout is "5x": expected a duration such as 90s/],
    ['timeout', '0', /Input timeout is 0: it must be at least/],
    ['interval', '500ms', /Input interval is 500ms: it must be at least 1s/],
    ['interval', 'soon', /Input interval is "soon"/],
    [
      'on-pause',
      'ignore',
      /Input on-pause is "ignore": accepted values are wait, fail and succeed/
    ],
    [
      'wait-for-post-check',
      'yes',
      /^Input wait-for-post-check is "yes": accepted values are true or false$/
    ],
    ['region', 'Asia Pacific', /Input region is "Asia Pacific": expected a region name/],
    [
      'endpoint',
      'http://cce.example.com',
      /Input endpoint must use https:\/\/ \(plain http:\/\/ is accepted only for a loopback host\)/
    ],
    ['endpoint', 'ftp://x', /Input endpoint must use https:\/\//],
    ['endpoint', 'not a url', /Input endpoint is not a URL/],
    ['endpoint', 'https://user:pw@cce.example.com', /must not contain credentials/],
    ['endpoint', 'https://cce.example.com/?a=1', /must not have a query or fragment/],
    ['iam-endpoint', 'http://10.0.0.1', /Input iam-endpoint must use https/],
    ['identity-provider', 'bad/idp', /Input identity-provider is not a valid ID/]
  ])('rejects %s=%j with a message naming the input', (name, value, message) => {
    expect(errorOf({ [name]: value })).toMatch(message)
  })

  it.each([
    'http://localhost:8080',
    'http://127.0.0.1:1',
    'http://127.9.8.7',
    'http://[::1]:9000',
    'https://cce.private.example.com/prefix'
  ])('accepts the endpoint %s', endpoint => {
    const c = read({ endpoint, 'iam-endpoint': endpoint }).call()
    expect(c.cceEndpoint.href.startsWith(endpoint)).toBe(true)
    expect(c.iamEndpoint.href.startsWith(endpoint)).toBe(true)
  })

  it('rejects 127-look-alike hosts over http', () => {
    expect(errorOf({ endpoint: 'http://127.0.0.1.evil.com' })).toMatch(/must use https/)
    expect(errorOf({ endpoint: 'http://127.0.0.256' })).toMatch(/must use https|is not a URL/)
    expect(errorOf({ endpoint: 'http://localhost.evil.com' })).toMatch(/must use https/)
  })

  it('needs a region or an endpoint, and a region or project to find the project', () => {
    expect(errorOf({ region: '', endpoint: '' })).toMatch(
      /Input region is required \(or endpoint\)/
    )
    expect(errorOf({ region: '', 'project-id': '', endpoint: 'https://cce.example.com' })).toMatch(
      /project-id is empty and there is no region to look it up by/
    )
    const c = read({ region: '', endpoint: 'https://cce.example.com' }).call()
    expect(c.iamEndpoint.href).toBe('https://iam.myhuaweicloud.com/')
  })

  it('warns nothing but accepts an unknown, well-formed region (new regions appear)', () => {
    expect(read({ region: 'xx-newplace-7' }).call().cceEndpoint.host).toBe(
      'cce.xx-newplace-7.myhuaweicloud.com'
    )
  })

  describe('credentials', () => {
    const noCreds = { 'access-key-id': '', 'secret-access-key': '' }

    it('says which half of AK/SK is missing', () => {
      expect(errorOf({ 'secret-access-key': '' })).toMatch(
        /Input access-key-id is set but secret-access-key is empty/
      )
      expect(errorOf({ 'access-key-id': '' })).toMatch(
        /Input secret-access-key is set but access-key-id is empty/
      )
    })

    it('takes an auth token', () => {
      const c = read({ ...noCreds, 'auth-token': 'tok' }).call()
      expect(c.credential).toEqual({ kind: 'token', token: 'tok', source: 'input auth-token' })
    })

    it('takes a security token with AK/SK', () => {
      const c = read({ 'security-token': 'st' }).call()
      expect(c.credential).toMatchObject({ kind: 'aksk', securityToken: 'st' })
      expect(c.credential.source).toBe('inputs access-key-id/secret-access-key/security-token')
    })

    it('rejects a security token alone, an audience alone', () => {
      expect(errorOf({ ...noCreds, 'security-token': 'st' })).toMatch(
        /security-token is set without access-key-id/
      )
      expect(errorOf({ audience: 'aud' })).toMatch(
        /Input audience is set without identity-provider/
      )
    })

    it('takes OIDC with an audience', () => {
      const c = read({ ...noCreds, 'identity-provider': 'github', audience: 'huawei' }).call()
      expect(c.credential).toEqual({
        kind: 'oidc',
        identityProvider: 'github',
        audience: 'huawei',
        source: 'input identity-provider (GitHub OIDC)'
      })
    })

    it.each([
      [{ 'auth-token': 't' }, 'auth-token and access-key-id/secret-access-key'],
      [{ 'identity-provider': 'idp' }, 'access-key-id/secret-access-key and identity-provider'],
      [
        { ...noCreds, 'auth-token': 't', 'identity-provider': 'idp' },
        'auth-token and identity-provider'
      ]
    ])('names both explicit methods given at once (%j)', (inputs, names) => {
      expect(errorOf(inputs)).toBe(
        `Inputs ${names} are both set: give exactly one credential method (auth-token, access-key-id/secret-access-key, or identity-provider)`
      )
    })

    it('falls back to the environment in precedence order', () => {
      const env = {
        HUAWEICLOUD_SDK_AK: 'a1',
        HUAWEICLOUD_SDK_SK: 's1',
        HUAWEICLOUD_SDK_SECURITY_TOKEN: 't1',
        HUAWEI_CLOUD_ACCESS_KEY_ID: 'a2',
        HUAWEI_CLOUD_SECRET_ACCESS_KEY: 's2',
        CLOUD_SDK_AK: 'a3',
        CLOUD_SDK_SK: 's3'
      }
      expect(read(noCreds, env).call().credential).toEqual({
        kind: 'aksk',
        accessKeyId: 'a1',
        secretAccessKey: 's1',
        securityToken: 't1',
        source: 'environment HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK/HUAWEICLOUD_SDK_SECURITY_TOKEN'
      })
      const {
        HUAWEICLOUD_SDK_AK: _a,
        HUAWEICLOUD_SDK_SK: _s,
        HUAWEICLOUD_SDK_SECURITY_TOKEN: _t,
        ...second
      } = env
      expect(read(noCreds, second).call().credential).toMatchObject({
        accessKeyId: 'a2',
        source: 'environment HUAWEI_CLOUD_ACCESS_KEY_ID/HUAWEI_CLOUD_SECRET_ACCESS_KEY'
      })
      expect(
        read(noCreds, { CLOUD_SDK_AK: 'a3', CLOUD_SDK_SK: 's3' }).call().credential
      ).toMatchObject({
        accessKeyId: 'a3',
        securityToken: undefined,
        source: 'environment CLOUD_SDK_AK/CLOUD_SDK_SK'
      })
    })

    it('prefers any explicit input over the environment', () => {
      const c = read({}, { HUAWEICLOUD_SDK_AK: 'env', HUAWEICLOUD_SDK_SK: 'env' }).call()
      expect(c.credential).toMatchObject({
        accessKeyId: 'AK1',
        source: 'inputs access-key-id/secret-access-key'
      })
    })

    it('names a half-set environment pair', () => {
      expect(errorOf(noCreds, { HUAWEICLOUD_SDK_AK: 'a' })).toBe(
        'Environment variable HUAWEICLOUD_SDK_AK is set but HUAWEICLOUD_SDK_SK is empty: set both, or neither'
      )
      expect(errorOf(noCreds, { CLOUD_SDK_SK: 's' })).toMatch(
        /CLOUD_SDK_SK is set but CLOUD_SDK_AK is empty/
      )
    })

    it('explains every option when there are no credentials at all', () => {
      expect(errorOf(noCreds)).toMatch(
        /^No credentials: set identity-provider \(GitHub OIDC, no stored key\)/
      )
    })
  })

  it('takes region and project from the environment when the inputs are empty', () => {
    const c = read(
      { region: '', 'project-id': '' },
      { HUAWEI_CLOUD_REGION: 'cn-north-4', HUAWEICLOUD_SDK_PROJECT_ID: 'p2' }
    ).call()
    expect(c).toMatchObject({
      region: 'cn-north-4',
      regionSource: 'environment variable HUAWEI_CLOUD_REGION',
      project: {
        kind: 'given',
        id: 'p2',
        source: 'environment variable HUAWEICLOUD_SDK_PROJECT_ID'
      }
    })
    const d = read(
      { 'project-id': '' },
      { HUAWEI_CLOUD_PROJECT_ID: 'p1', HUAWEICLOUD_SDK_PROJECT_ID: 'p2' }
    ).call()
    expect(d.project).toMatchObject({ kind: 'given', id: 'p1' })
    expect(errorOf({ 'project-id': '' }, { HUAWEI_CLOUD_PROJECT_ID: 'a/b' })).toMatch(
      /^Environment variable HUAWEI_CLOUD_PROJECT_ID is not a valid ID/
    )
    expect(errorOf({ region: '' }, { HUAWEI_CLOUD_REGION: 'Frankfurt' })).toMatch(
      /^Environment variable HUAWEI_CLOUD_REGION is "Frankfurt"/
    )
    expect(read({ 'project-id': '' }).call().project).toEqual({
      kind: 'by-region',
      region: 'ap-southeast-1'
    })
  })

  it('names HUAWEICLOUD_SDK_IAM_ENDPOINT, not the input, when the endpoint it gives is refused', () => {
    expect(errorOf({}, { HUAWEICLOUD_SDK_IAM_ENDPOINT: 'http://10.0.0.1' })).toMatch(
      /^Environment variable HUAWEICLOUD_SDK_IAM_ENDPOINT must use https/
    )
  })

  it('takes the IAM endpoint from HUAWEICLOUD_SDK_IAM_ENDPOINT', () => {
    const c = read({}, { HUAWEICLOUD_SDK_IAM_ENDPOINT: 'https://iam.example.com' }).call()
    expect(c.iamEndpoint.href).toBe('https://iam.example.com/')
  })
})

describe('readConfig, a credential that cannot go into a request', () => {
  const aksk = { 'access-key-id': 'AK1', 'secret-access-key': 'SK1' }
  it.each([
    [
      'auth-token',
      { 'access-key-id': '', 'secret-access-key': '', 'auth-token': 'MII\nabc' },
      'a line break'
    ],
    ['access-key-id', { ...aksk, 'access-key-id': 'AK\r1' }, 'a line break'],
    ['secret-access-key', { ...aksk, 'secret-access-key': 'SK\u00071' }, 'a control character'],
    [
      'security-token',
      { ...aksk, 'security-token': 'ST\u20ac1' },
      'a character outside printable ASCII'
    ]
  ])('is refused naming input %s, without its value', (name, inputs, what) => {
    const message = errorOf(inputs)
    expect(message).toBe(
      `Input ${name} contains ${what}: a credential is printable ASCII on one line; copy it again without the extra characters`
    )
    for (const value of Object.values(inputs))
      if (value.length > 3) expect(message).not.toContain(value)
  })

  it('is refused naming the environment variable it came from', () => {
    const message = errorOf(
      { 'access-key-id': '', 'secret-access-key': '' },
      {
        HUAWEICLOUD_SDK_AK: 'AK1',
        HUAWEICLOUD_SDK_SK: 'SK1',
        HUAWEICLOUD_SDK_SECURITY_TOKEN: 'a\tb\nc'
      }
    )
    expect(message).toBe(
      'Environment variable HUAWEICLOUD_SDK_SECURITY_TOKEN contains a line break: a credential is printable ASCII on one line; copy it again without the extra characters'
    )
  })

  it('is still masked, whole, before it is refused', () => {
    const { call, masked } = read({ 'secret-access-key': 'SK-line\nbreak' })
    expect(call).toThrow(InputError)
    expect(masked).toContain('SK-line\nbreak')
  })
})

describe('wait and require-version (issue 22)', () => {
  it('wait: true by default; true or false in any case; anything else refused', () => {
    expect(read().call().wait).toBe(true)
    expect(read({ wait: 'false' }).call().wait).toBe(false)
    expect(read({ wait: 'FALSE' }).call().wait).toBe(false)
    expect(read({ wait: 'True' }).call().wait).toBe(true)
    expect(errorOf({ wait: 'no' })).toBe('Input wait is "no": accepted values are true or false')
  })

  it('require-version: a major.minor, with or without v; empty asks for nothing', () => {
    expect(read().call().requireVersion).toBeUndefined()
    expect(read({ 'require-version': 'v1.29' }).call().requireVersion).toEqual({
      text: 'v1.29',
      minor: [1, 29]
    })
    expect(read({ 'require-version': ' 1.30 ' }).call().requireVersion).toEqual({
      text: '1.30',
      minor: [1, 30]
    })
  })

  it('require-version that is not a major.minor is refused, naming the input, before any request', () => {
    for (const bad of ['v1', '1.29.5', 'v1.29.5-r0', 'latest', 'v1.x', '1,29', 'v 1.29', '1.29+'])
      expect(errorOf({ 'require-version': bad })).toBe(
        `Input require-version is "${bad}": expected a Kubernetes major.minor version such as v1.29 (or 1.29); only major and minor are compared, so give no patch or suffix`
      )
  })
})

describe('timeout and interval bounds (issue 19 item 10, issue 20 item 4)', () => {
  it('takes a timeout of days, up to 120h (5 days, the job limit of a self-hosted runner)', () => {
    expect(read({ timeout: '120h' }).call().timeoutMs).toBe(5 * 24 * 3_600_000)
    expect(read({ timeout: '72h30m' }).call().timeoutMs).toBe(72.5 * 3_600_000)
  })

  it('refuses a longer timeout, naming the input and the limit', () => {
    expect(errorOf({ timeout: '120h0m1s' })).toBe(
      "Input timeout is 120h0m1s: it must be at most 120h (5 days, GitHub's limit for a job on a self-hosted runner)"
    )
    expect(errorOf({ timeout: '600000' })).toMatch(
      /^Input timeout is 600000: it must be at most 120h/
    )
  })

  it('refuses an interval longer than the timeout, naming both; an interval equal to it is taken', () => {
    expect(errorOf({ timeout: '10s', interval: '15s' })).toBe(
      'Input interval is 15s, longer than input timeout (10s): the gate would poll once and time out. Set interval to at most the timeout (e.g. interval: 15s), or raise the timeout.'
    )
    expect(errorOf({ timeout: '', interval: '61m' })).toMatch(
      /^Input interval is 61m, longer than input timeout \(60m\)/
    )
    expect(read({ timeout: '15s', interval: '15s' }).call().intervalMs).toBe(15_000)
  })
})
