// @ts-check
// `npm run demo [-- failed|workflow|fleet|all]`: the committed dist/index.js against the project's fake CCE API, shown
// the way a workflow run shows it: the log (with workflow commands rendered as the runner renders them), then the
// step's outputs and job summary. `workflow` gives no task-id: the gate finds the cluster's current upgrade itself.
// `fleet` gates four clusters in one step: three upgrades succeed, one fails; `passed` lists the three.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEMO, demoInputs, goTime, scenarios, startFakeApi } from './fake-api.mjs'

/** Four clusters of one project upgraded in a wave: three succeed 5, 8 and 11 s after the step starts, one fails. */
function fleetScenario() {
  const cluster = (/** @type {string} */ name, /** @type {number} */ ms, failed = false) => [
    `${DEMO.projectId}/${name}`,
    [
      {
        uid: `${name}-upgrade`,
        version: 'v1.28.3-r4',
        targetVersion: 'v1.29.5-r0',
        creationTimestamp: goTime(Date.now() - 60_000),
        startOn: 'api-start',
        timeline: [
          { phase: 'Running', progress: '50.00', ms },
          failed ? { phase: 'Failed', progress: '50.00' } : { phase: 'Success', progress: '100.00' }
        ]
      }
    ]
  ]
  const clusters = [
    cluster('c0ffee00-demo-eu-1', 5000),
    cluster('c0ffee00-demo-eu-2', 8000),
    cluster('c0ffee00-demo-eu-3', 7000, true),
    cluster('c0ffee00-demo-eu-4', 11000)
  ]
  return {
    projects: [{ id: DEMO.projectId, name: DEMO.region }],
    tasks: Object.fromEntries(clusters),
    clusters: Object.fromEntries(clusters.map(([key], i) => [key, { name: `prod-eu-${i + 1}` }]))
  }
}

const all = { ...scenarios, fleet: fleetScenario() }
const which = process.argv[2] ?? 'success'
const names = which === 'all' ? ['success', 'failed', 'workflow', 'fleet'] : [which]
/** Inputs that differ from demoInputs' per demo: the workflow and fleet demos give no task-id. */
const extraInputs = {
  workflow: { 'task-id': '' },
  fleet: {
    'task-id': '',
    'cluster-id': Object.keys(all.fleet.tasks)
      .map(k => k.split('/')[1])
      .join('\n'),
    'max-age': '1h'
  }
}
for (const name of names) {
  if (!(name in all)) {
    console.error(`Unknown demo "${name}": use success, failed, workflow, fleet or all`)
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

async function demo(name) {
  const api = await startFakeApi(all[name])
  const dir = mkdtempSync(join(tmpdir(), 'cce-gate-demo-'))
  const output = join(dir, 'output')
  const summary = join(dir, 'summary')
  writeFileSync(output, '')
  writeFileSync(summary, '')
  const { inputs, env: inputEnv } = demoInputs(api.url, extraInputs[name] ?? {})
  const env = {
    PATH: process.env.PATH ?? '',
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    ...inputEnv
  }

  console.log(
    `\n━━ demo: ${name} ━━  fake CCE API at ${api.url}; the step runs dist/index.js with:`
  )
  for (const [k, v] of Object.entries(inputs))
    if (v) console.log(`   ${k}: ${k === 'secret-access-key' ? '***' : v.replace(/\n/g, ' ')}`)
  console.log('')

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
  return code
}

const expected = { success: 0, failed: 1, workflow: 0, fleet: 1 }
let wrong = 0
for (const name of names) if ((await demo(name)) !== expected[name]) wrong++
if (wrong) {
  console.error('The gate did not end as expected.')
  process.exit(1)
}
