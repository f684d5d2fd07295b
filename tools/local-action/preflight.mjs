// @ts-check
/**
 * What `npm run local-action` checks in its DOTENV before it starts the local runner, which checks neither:
 * - every INPUT_* the file sets is an input action.yml declares (on GitHub the runner warns about an unexpected
 *   input; a misspelled INPUT_TIMOUT=10x would otherwise run with the default timeout, unnoticed);
 * - a loopback endpoint (the project's fake API) is listening, so a fake that was not started, or stopped after
 *   its --max-seconds, is named at once instead of after the gate's retries.
 */
import { connect } from 'node:net'

/**
 * The variables a dotenv file sets, as dotenv reads them: KEY=VALUE lines, `export ` allowed, comments and blank
 * lines skipped, one pair of surrounding quotes taken off.
 * @param {string} text
 * @returns {Map<string, string>}
 */
export function parseDotenv(text) {
  const vars = new Map()
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([\w.-]+)\s*=\s*(.*?)\s*$/.exec(raw)
    if (!m || raw.trimStart().startsWith('#')) continue
    const value = /** @type {string} */ (m[2])
    const quoted = /^(['"])(.*)\1$/.exec(value)
    vars.set(
      /** @type {string} */ (m[1]),
      quoted ? (quoted[2] ?? '') : value.replace(/\s+#.*$/, '')
    )
  }
  return vars
}

/**
 * The input names action.yml declares: the keys indented two spaces under its top-level `inputs:`.
 * @param {string} actionYml
 * @returns {string[]}
 */
export function declaredInputs(actionYml) {
  const block = /^inputs:[^\n]*\n((?:[ \t][^\n]*\n|[ \t]*\n)*)/m.exec(actionYml)?.[1] ?? ''
  return [...block.matchAll(/^ {2}([\w-]+):/gm)].map(m => /** @type {string} */ (m[1]))
}

/** The runner's variable for an input: INPUT_ and the name in upper case, spaces as underscores. @param {string} name */
export const inputVariable = name => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`

/** Edit distance, for "did you mean". @param {string} a @param {string} b */
function distance(a, b) {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(
        (row[j] ?? 0) + 1,
        (next[j - 1] ?? 0) + 1,
        (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      )
    row = next
  }
  return row[b.length] ?? 0
}

/**
 * One warning for each INPUT_* variable in `vars` that names no input of action.yml, with the closest input's
 * name when one is near.
 * @param {Map<string, string>} vars @param {string[]} inputs @param {string} file where `vars` came from
 * @returns {string[]}
 */
export function undeclaredInputWarnings(vars, inputs, file) {
  const known = new Map(inputs.map(name => [inputVariable(name), name]))
  const warnings = []
  for (const key of vars.keys()) {
    if (!key.startsWith('INPUT_') || known.has(key)) continue
    const name = key.slice('INPUT_'.length).toLowerCase()
    const near = inputs
      .map(i => /** @type {const} */ ([i, distance(name, i)]))
      .filter(([, d]) => d <= 2)
      .sort((x, y) => x[1] - y[1])[0]
    warnings.push(
      `Warning: Unexpected input '${name}' (${key} in ${file}): action.yml declares no such input, so the action does not read it.${near ? ` Did you mean ${inputVariable(near[0])}?` : ''} Valid inputs: ${inputs.join(', ')}.`
    )
  }
  return warnings
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1'])

/**
 * Why nothing answers at a loopback `endpoint` (a TCP connection refused or not made within `timeoutMs`), or
 * undefined when something listens there, or when the endpoint is not on loopback (not probed) or not a URL.
 * @param {string | undefined} endpoint @param {number} [timeoutMs]
 * @returns {Promise<string | undefined>}
 */
export async function loopbackProblem(endpoint, timeoutMs = 2000) {
  let url
  try {
    url = new URL(endpoint ?? '')
  } catch {
    return undefined
  }
  if (!LOOPBACK.has(url.hostname)) return undefined
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80))
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  return new Promise(resolve => {
    const socket = connect({ host, port })
    const done = (/** @type {string | undefined} */ why) => {
      socket.destroy()
      resolve(why)
    }
    socket.setTimeout(timeoutMs, () => done(`no connection within ${timeoutMs} ms`))
    socket.once('connect', () => done(undefined))
    socket.once('error', e => done(/** @type {NodeJS.ErrnoException} */ (e).code ?? e.message))
  })
}
