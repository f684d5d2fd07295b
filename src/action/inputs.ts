import {
  ClusterType,
  Config,
  Credential,
  InputError,
  OnPause,
  ProjectRef,
  RequiredVersion,
  WaitTarget
} from '../lib/config.js'
import { formatDuration, parseDuration } from '../lib/duration.js'
import {
  KNOWN_REGIONS,
  REGION_PATTERN,
  defaultCceEndpoint,
  defaultIamEndpoint,
  parseEndpoint
} from '../huawei/endpoints.js'
import { type Secrets, proxySecrets } from '../lib/secrets.js'

export type GetInput = (name: string) => string
export type Env = Record<string, string | undefined>

const ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/
const MIN_INTERVAL_MS = 1000
/** GitHub ends a job on a self-hosted runner after 5 days (on its own runners after 6 hours): no wait is longer. */
export const MAX_TIMEOUT_MS = 5 * 24 * 3_600_000
const ON_PAUSE: readonly OnPause[] = ['wait', 'fail', 'succeed']
const CLUSTER_TYPES: readonly ClusterType[] = ['cce', 'autopilot']

/** Environment credential sets, in order of precedence (docs/cce-api.md §8). */
const ENV_KEY_SETS = [
  { ak: 'HUAWEICLOUD_SDK_AK', sk: 'HUAWEICLOUD_SDK_SK', token: 'HUAWEICLOUD_SDK_SECURITY_TOKEN' },
  { ak: 'HUAWEI_CLOUD_ACCESS_KEY_ID', sk: 'HUAWEI_CLOUD_SECRET_ACCESS_KEY' },
  { ak: 'CLOUD_SDK_AK', sk: 'CLOUD_SDK_SK' }
] as const
const SECRET_ENV = ENV_KEY_SETS.flatMap(s => ('token' in s ? [s.sk, s.token] : [s.sk]))
const REGION_ENV = ['HUAWEI_CLOUD_REGION']
const PROJECT_ENV = ['HUAWEI_CLOUD_PROJECT_ID', 'HUAWEICLOUD_SDK_PROJECT_ID']

/**
 * Reads and validates every input into a Config. Secrets are masked before anything else is looked at,
 * so that no later error message or debug line can print one in the clear.
 */
export function readConfig(getInput: GetInput, env: Env, secrets: Secrets): Config {
  const input = (name: string): string => getInput(name).trim()
  const fromEnv = (name: string): string => (env[name] ?? '').trim()

  for (const name of ['secret-access-key', 'security-token', 'auth-token']) secrets.add(input(name))
  for (const name of SECRET_ENV) secrets.add(fromEnv(name))
  // the access key ID too, as configure-aws-credentials does: an echoed `Access=<AK>` names the key
  secrets.add(input('access-key-id'))
  for (const set of ENV_KEY_SETS) secrets.add(fromEnv(set.ak))
  for (const v of proxySecrets(env)) secrets.add(v)

  const clusterId = requireId('input cluster-id', input('cluster-id'))
  const target = targetFrom(
    optionalId('input task-id', input('task-id')),
    optionalId('input workflow-id', input('workflow-id'))
  )
  const clusterType = choiceFrom('cluster-type', input('cluster-type') || 'cce', CLUSTER_TYPES)

  const [regionText, regionSource] = firstOf(input('region'), 'region', REGION_ENV, fromEnv)
  if (regionText && !REGION_PATTERN.test(regionText)) {
    throw new InputError(
      `${capitalized(regionSource)} is "${regionText}": expected a region name such as ap-southeast-1 (known: ${[...KNOWN_REGIONS].slice(0, 4).join(', ')}, …)`
    )
  }
  const region = regionText || undefined

  const [projectText, projectSource] = firstOf(
    input('project-id'),
    'project-id',
    PROJECT_ENV,
    fromEnv
  )
  const projectId = optionalId(projectSource, projectText)

  const cceEndpoint =
    endpointFrom('input endpoint', input('endpoint')) ?? (region && defaultCceEndpoint(region))
  if (!cceEndpoint) {
    throw new InputError(
      'Input region is required (or endpoint): it selects the CCE endpoint, e.g. region: ap-southeast-1'
    )
  }
  const [iamText, iamSource] = firstOf(
    input('iam-endpoint'),
    'iam-endpoint',
    ['HUAWEICLOUD_SDK_IAM_ENDPOINT'],
    fromEnv
  )
  const iamEndpoint = endpointFrom(iamSource, iamText) ?? defaultIamEndpoint(region)

  const timeoutText = input('timeout') || '60m'
  const timeoutMs = durationFrom('timeout', timeoutText, 1, MAX_TIMEOUT_MS)
  const intervalText = input('interval') || '15s'
  const intervalMs = durationFrom('interval', intervalText, MIN_INTERVAL_MS)
  // one poll, then the timeout: an upgrade that ended a second later would time out
  if (intervalMs > timeoutMs) {
    throw new InputError(
      `Input interval is ${intervalText}, longer than input timeout (${timeoutText}): the gate would poll once and time out. Set interval to at most the timeout (e.g. interval: 15s), or raise the timeout.`
    )
  }
  const maxAgeText = input('max-age')
  const maxAgeMs = maxAgeText ? durationFrom('max-age', maxAgeText, MIN_INTERVAL_MS) : undefined
  const onPause = choiceFrom('on-pause', input('on-pause') || 'wait', ON_PAUSE)
  const waitForPostCheck =
    choiceFrom('wait-for-post-check', input('wait-for-post-check') || 'false', BOOLEAN) === 'true'
  const wait = choiceFrom('wait', input('wait') || 'true', BOOLEAN) === 'true'
  const requireVersion = requiredVersionFrom(input('require-version'))
  const credential = credentialFrom(input, fromEnv)

  let project: ProjectRef
  if (projectId) project = { kind: 'given', id: projectId, source: projectSource }
  else if (region) project = { kind: 'by-region', region }
  else {
    throw new InputError(
      'Input project-id is empty and there is no region to look it up by: set project-id, or region (the project named after the region is used)'
    )
  }

  return {
    clusterId,
    clusterType,
    target,
    region,
    regionSource: region ? regionSource : undefined,
    project,
    cceEndpoint,
    iamEndpoint,
    timeoutMs,
    timeoutBareNumber: BARE_NUMBER.test(timeoutText),
    intervalMs,
    maxAgeMs,
    onPause,
    waitForPostCheck,
    wait,
    requireVersion,
    credential
  }
}

const MAJOR_MINOR = /^v?(\d{1,4})\.(\d{1,4})$/

/** `require-version`: a Kubernetes major.minor such as v1.29 (or 1.29); empty asks for nothing. */
function requiredVersionFrom(value: string): RequiredVersion | undefined {
  if (!value) return undefined
  const m = MAJOR_MINOR.exec(value)
  if (!m)
    throw new InputError(
      `Input require-version is "${value}": expected a Kubernetes major.minor version such as v1.29 (or 1.29); only major and minor are compared, so give no patch or suffix`
    )
  return { text: value, minor: [Number(m[1]), Number(m[2])] }
}

const BOOLEAN = ['true', 'false'] as const
const BARE_NUMBER = /^\d+(\.\d+)?$/

function targetFrom(taskId: string | undefined, workflowId: string | undefined): WaitTarget {
  if (taskId && workflowId) {
    throw new InputError(
      "Inputs task-id and workflow-id are both set: give at most one (task-id waits on one upgrade task, workflow-id on one upgrade workflow; neither waits on the cluster's current upgrade)"
    )
  }
  if (taskId) return { kind: 'task', taskId }
  if (workflowId) return { kind: 'workflow', workflowId }
  return { kind: 'current' }
}

/** The input's value, else the first environment variable set; with where it came from, for messages. */
function firstOf(
  value: string,
  inputName: string,
  envNames: string[],
  fromEnv: (n: string) => string
): [string, string] {
  if (value) return [value, `input ${inputName}`]
  for (const name of envNames)
    if (fromEnv(name)) return [fromEnv(name), `environment variable ${name}`]
  return ['', `input ${inputName}`]
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function requireId(source: string, value: string): string {
  if (!value)
    throw new InputError(`${capitalized(source)} is required: the ID as shown in the CCE console`)
  return checkId(source, value)
}

function optionalId(source: string, value: string): string | undefined {
  return value ? checkId(source, value) : undefined
}

function checkId(source: string, value: string): string {
  if (!ID_PATTERN.test(value)) {
    throw new InputError(
      `${capitalized(source)} is not a valid ID: only letters, digits, "-" and "_" are accepted (1 to 128 characters)`
    )
  }
  return value
}

/**
 * A credential goes into an HTTP header (or, for the secret key, into a signature): a line break or other
 * control character inside it, or a character outside printable ASCII, is a paste mistake that would only
 * show up later as an obscure request error. The value itself is never printed.
 */
function credentialText(source: string, value: string): string {
  let what: string | undefined
  if (/[\r\n]/.test(value)) what = 'a line break'
  else if ([...value].some(c => c < ' ' || c === '\u007f')) what = 'a control character'
  else if (/[^\x20-\x7e]/.test(value)) what = 'a character outside printable ASCII'
  if (what) {
    throw new InputError(
      `${capitalized(source)} contains ${what}: a credential is printable ASCII on one line; copy it again without the extra characters`
    )
  }
  return value
}

function endpointFrom(source: string, value: string): URL | undefined {
  if (!value) return undefined
  const parsed = parseEndpoint(value)
  if (typeof parsed === 'string') {
    throw new InputError(
      `${capitalized(source)} ${parsed}: expected https://host[:port][/path] (http:// only to localhost, 127.0.0.0/8 or [::1])`
    )
  }
  return parsed
}

function durationFrom(
  name: string,
  value: string,
  minimumMs: number,
  maximumMs = Infinity
): number {
  const ms = parseDuration(value)
  if (ms === undefined) {
    throw new InputError(
      `Input ${name} is "${value}": expected a duration such as 90s, 15m, 1h30m or 500ms (a bare number means seconds)`
    )
  }
  if (ms < minimumMs) {
    throw new InputError(
      `Input ${name} is ${value}: it must be at least ${formatDuration(minimumMs)}`
    )
  }
  if (ms > maximumMs) {
    throw new InputError(
      `Input ${name} is ${value}: it must be at most ${formatDuration(maximumMs)} (5 days, GitHub's limit for a job on a self-hosted runner)`
    )
  }
  return ms
}

function choiceFrom<T extends string>(name: string, value: string, accepted: readonly T[]): T {
  const v = accepted.find(a => a === value.toLowerCase())
  if (v === undefined) {
    const list =
      accepted.length === 2
        ? accepted.join(' or ')
        : `${accepted.slice(0, -1).join(', ')} and ${accepted.at(-1)}`
    throw new InputError(`Input ${name} is "${value}": accepted values are ${list}`)
  }
  return v
}

/**
 * Precedence: the explicit inputs (auth-token, access-key-id/secret-access-key, identity-provider), of which at
 * most one may be given; then the environment variable sets in ENV_KEY_SETS order.
 */
function credentialFrom(input: (n: string) => string, fromEnv: (n: string) => string): Credential {
  const explicit: Credential[] = []
  const named: string[] = []

  const token = credentialText('input auth-token', input('auth-token'))
  if (token) {
    explicit.push({ kind: 'token', token, source: 'input auth-token' })
    named.push('auth-token')
  }

  const ak = credentialText('input access-key-id', input('access-key-id'))
  const sk = credentialText('input secret-access-key', input('secret-access-key'))
  const securityToken = credentialText('input security-token', input('security-token'))
  if (ak || sk) {
    if (!ak)
      throw new InputError(
        'Input secret-access-key is set but access-key-id is empty: give both, or neither'
      )
    if (!sk)
      throw new InputError(
        'Input access-key-id is set but secret-access-key is empty: give both, or neither'
      )
    explicit.push({
      kind: 'aksk',
      accessKeyId: ak,
      secretAccessKey: sk,
      securityToken: securityToken || undefined,
      source: securityToken
        ? 'inputs access-key-id/secret-access-key/security-token'
        : 'inputs access-key-id/secret-access-key'
    })
    named.push('access-key-id/secret-access-key')
  } else if (securityToken) {
    throw new InputError(
      'Input security-token is set without access-key-id and secret-access-key: it is only used with temporary AK/SK'
    )
  }

  const idp = input('identity-provider')
  const audience = input('audience')
  if (idp) {
    checkId('input identity-provider', idp)
    explicit.push({
      kind: 'oidc',
      identityProvider: idp,
      audience: audience || undefined,
      source: 'input identity-provider (GitHub OIDC)'
    })
    named.push('identity-provider')
  } else if (audience) {
    throw new InputError(
      'Input audience is set without identity-provider: it is only used for OIDC login'
    )
  }

  if (explicit.length > 1) {
    throw new InputError(
      `Inputs ${named.join(' and ')} are both set: give exactly one credential method (auth-token, access-key-id/secret-access-key, or identity-provider)`
    )
  }
  if (explicit[0]) return explicit[0]

  for (const set of ENV_KEY_SETS) {
    const envAk = credentialText(`environment variable ${set.ak}`, fromEnv(set.ak))
    const envSk = credentialText(`environment variable ${set.sk}`, fromEnv(set.sk))
    if (!envAk && !envSk) continue
    if (!envAk || !envSk) {
      const [present, missing] = envAk ? [set.ak, set.sk] : [set.sk, set.ak]
      throw new InputError(
        `Environment variable ${present} is set but ${missing} is empty: set both, or neither`
      )
    }
    const tokenName = 'token' in set ? set.token : undefined
    const envToken = tokenName
      ? credentialText(`environment variable ${tokenName}`, fromEnv(tokenName))
      : ''
    return {
      kind: 'aksk',
      accessKeyId: envAk,
      secretAccessKey: envSk,
      securityToken: envToken || undefined,
      source: `environment ${set.ak}/${set.sk}${envToken ? `/${tokenName}` : ''}`
    }
  }

  throw new InputError(
    'No credentials: set identity-provider (GitHub OIDC, no stored key), access-key-id and secret-access-key, or auth-token — or the environment variables HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK'
  )
}
