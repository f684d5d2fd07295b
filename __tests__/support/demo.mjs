// @ts-check
// `npm run demo [-- <scenario>|all|--list]`: the committed dist/index.js against the project's fake CCE API, shown
// the way a workflow run shows it: the log (with workflow commands rendered as the runner renders them), then the
// step's outputs and job summary. The scenarios (one for each end state) are in scenarios.mjs; --list names them.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { demoInputs, startFakeApi } from './fake-api.mjs'
import { SCENARIOS, scenarioList } from './scenarios.mjs'

const which = process.argv[2] ?? 'success'
if (which === '--list' || which === '-l') {
  process.stdout.write(`${scenarioList()}\n`)
  process.exit(0)
}
const names = which === 'all' ? Object.keys(SCENARIOS) : [which]
for (const name of names) {
  if (!Object.prototype.hasOwnProperty.call(SCENARIOS, name)) {
    console.error(
      `Unknown demo "${name}": use one of ${Object.keys(SCENARIOS).join(', ')}, or all; npm run demo -- --list says what each shows`
    )
    process.exit(2)
  }
}

/** Renders workflow commands as the runner's log does; masked values become ***. */
function render(line, masks) {
  const m = /^::(add-mask|debug|notice|warning|error)(?: [^:]*)?::(.*)$/.exec(line)
  if (m?.[1] === 'add-mask') {
    masks.add(m[2])
    return undefined
  }
  let text = m
    ? m[1] === 'debug'
      ? undefined
      : `${m[1][0].toUpperCase()}${m[1].slice(1)}: ${m[2]}`
    : line
  if (text === undefined) return undefined
  for (const secret of masks) if (secret) text = text.split(secret).join('***')
  return text.replace(/%0A/g, '\n').replace(/%25/g, '%')
}

/** @param {string} name */
async function demo(name) {
  const scenario = /** @type {import('./scenarios.mjs').Scenario} */ (SCENARIOS[name])
  const api = await startFakeApi(scenario.options(Date.now()))
  const dir = mkdtempSync(join(tmpdir(), 'cce-gate-demo-'))
  const output = join(dir, 'output')
  const summary = join(dir, 'summary')
  writeFileSync(output, '')
  writeFileSync(summary, '')
  const { inputs, env: inputEnv } = demoInputs(api.url, scenario.inputs ?? {})
  const env = {
    PATH: process.env.PATH ?? '',
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    ...inputEnv
  }

  console.log(
    `\n━━ demo: ${name} ━━  ${scenario.note}\n   fake CCE API at ${api.url}; the step runs dist/index.js with:`
  )
  for (const [k, v] of Object.entries(inputs))
    if (v) console.log(`   ${k}: ${k === 'secret-access-key' ? '***' : v}`)
  console.log('')

  /** @type {Set<string>} */
  const masks = new Set()
  const code = await new Promise(resolve => {
    const child = spawn(process.execPath, ['dist/index.js'], {
      env,
      stdio: ['ignore', 'pipe', 'inherit']
    })
    let buffered = ''
    child.stdout.on('data', chunk => {
      buffered += chunk.toString()
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      for (const line of lines) {
        const shown = render(line, masks)
        if (shown !== undefined) console.log(`  | ${shown}`)
      }
    })
    child.on('close', resolve)
  })
  await api.close()

  console.log(
    `\n  step exit code: ${code} (${code === 0 ? 'the pipeline goes on' : 'the step failed: the deploy job does not run'})`
  )
  console.log('\n── outputs (GITHUB_OUTPUT) ──')
  const records = readFileSync(output, 'utf8').matchAll(/^(\w+)<<(\S+)\n([\s\S]*?)\n\2$/gm)
  for (const [, key, , value] of records) console.log(`  ${key} = ${value}`)
  console.log('\n── job summary (GITHUB_STEP_SUMMARY, Markdown) ──')
  console.log(readFileSync(summary, 'utf8').replace(/^/gm, '  '))
  const result = /^result<<(\S+)\n([\s\S]*?)\n\1$/m.exec(readFileSync(output, 'utf8'))?.[2]
  return code === scenario.expect.code && result === scenario.expect.result
}

let wrong = 0
for (const name of names) if (!(await demo(name))) wrong++
if (wrong) {
  console.error('The gate did not end as expected.')
  process.exit(1)
}
